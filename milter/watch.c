/*
 * NAME
 *   watch - descriptors and unwanted DNS replies, warned about in time
 * DESCRIPTION
 *   Every SMTP session holds one milter connection, and so one descriptor
 *   of ours, for as long as the MTA keeps it (up to milter.timeout when
 *   idle). When they run out, libmilter's accept(2) fails with EMFILE;
 *   libmilter then says nothing and retries at once, so the listener
 *   spins on a core while the MTA's new sessions time out in the backlog.
 *
 *   So: at start the soft RLIMIT_NOFILE is raised to the hard limit (the
 *   unit sets LimitNOFILE). Once a second the main thread counts the
 *   descriptors in /proc/self/fd and warns when 80 % are in use. And this
 *   file defines accept(2) itself, the way sigwait_wrap.c steps between
 *   libmilter and libc: the program's definition is the one libmilter's
 *   calls reach, linked statically or not. It calls the kernel's accept4
 *   directly; when that fails for lack of descriptors it counts, warns,
 *   and sleeps WATCH_ACCEPT_PAUSE_MS before returning the error, so
 *   libmilter retries ten times a second instead of spinning. Connections
 *   wait in the listen backlog meanwhile and are served as soon as
 *   sessions close.
 *
 *   DNS replies dropped as not ours (rdns_dns_unwanted_count) are checked
 *   at the same tick against dns.unwanted_reply_threshold, like unbound's
 *   unwanted-reply-threshold: past it, a warning.
 *
 *   Each kind of warning is logged at most once a minute (WATCH_QUIET_MS),
 *   and every warning logged is counted in the statistics (fd_warnings).
 */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "dns.h"
#include "log.h"
#include "stats.h"

#define WATCH_QUIET_MS (60 * 1000)      /* one warning of a kind a minute */
#define WATCH_ACCEPT_PAUSE_MS 100       /* after an accept without descriptors */
#define WATCH_HIGH_PERCENT 80           /* warn from here */
#define WATCH_LOW_PERCENT 70            /* and say all is well below here */

static atomic_ulong watch_limit;        /* soft RLIMIT_NOFILE */
static atomic_int_least64_t watch_accept_warned;   /* rdns_clock_ms of last warning */
static int64_t watch_fd_warned;         /* main thread only, like the rest */
static bool watch_fd_high;
static uint64_t watch_unwanted_base;    /* unwanted replies at the last warning */
static int64_t watch_unwanted_warned;
static bool watch_started;

void rdns_watch_init(void)
{
    struct rlimit rl;
    rlim_t was;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        rdns_log_warn("getrlimit RLIMIT_NOFILE: %s", strerror(errno));
        return;
    }
    was = rl.rlim_cur;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            rdns_log_warn("cannot raise the file descriptor limit from %lu to %lu: %s",
                          (unsigned long)was, (unsigned long)rl.rlim_max, strerror(errno));
            rl.rlim_cur = was;
        }
    }
    atomic_store(&watch_limit, (unsigned long)rl.rlim_cur);
    if (rl.rlim_cur != was)
        rdns_log_info("file descriptors: limit %lu (raised from %lu); each milter session "
                      "holds one", (unsigned long)rl.rlim_cur, (unsigned long)was);
    else
        rdns_log_info("file descriptors: limit %lu; each milter session holds one",
                      (unsigned long)rl.rlim_cur);
    watch_started = true;
}

unsigned long rdns_watch_fd_limit(void)
{
    return atomic_load(&watch_limit);
}

unsigned long rdns_watch_fd_open(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    unsigned long n = 0;

    if (d == NULL)
        return errno == EMFILE ? rdns_watch_fd_limit() : 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n > 0 ? n - 1 : 0;           /* not the one reading the directory */
}

/* True when the last warning of its kind is a minute old (and claims the
 * slot); *last is shared between threads for accept. */
static bool watch_due(atomic_int_least64_t *last)
{
    int64_t now = rdns_clock_ms(), prev = atomic_load(last);

    return (prev == 0 || now - prev >= WATCH_QUIET_MS)
           && atomic_compare_exchange_strong(last, &prev, now);
}

static void watch_accept_failed(int err)
{
    rdns_stats_accept_failure();
    if (!watch_due(&watch_accept_warned))
        return;
    rdns_stats_fd_warning();
    if (err == ENFILE)
        rdns_log_warn("cannot accept a milter connection: the system's file table is full "
                      "(ENFILE): the MTA's new sessions wait until descriptors are freed; "
                      "raise fs.file-max");
    else
        rdns_log_warn("cannot accept a milter connection: all %lu file descriptors are in "
                      "use (EMFILE): the MTA's new sessions wait, and time out, until "
                      "sessions close; raise LimitNOFILE (ulimit -n) or lower "
                      "milter.timeout (see FILE DESCRIPTORS in rdns-milter(8))",
                      rdns_watch_fd_limit());
}

/* See DESCRIPTION: libmilter's accept(2) calls land here. Declared by
 * <sys/socket.h>; the kernel's accept4 with no flags is accept. */
int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
    long r = syscall(SYS_accept4, fd, addr, len, 0);

    if (r < 0 && (errno == EMFILE || errno == ENFILE)) {
        int saved = errno;
        struct timespec pause = {0, WATCH_ACCEPT_PAUSE_MS * 1000000L};

        if (watch_started)
            watch_accept_failed(saved);
        while (nanosleep(&pause, &pause) != 0 && errno == EINTR)
            continue;
        errno = saved;
    }
    return (int)r;
}

static void watch_fds(void)
{
    unsigned long limit = rdns_watch_fd_limit(), open = rdns_watch_fd_open();
    int64_t now = rdns_clock_ms();

    if (limit == 0 || open == 0)
        return;
    if (open * 100 >= limit * WATCH_HIGH_PERCENT) {
        if (!watch_fd_high || now - watch_fd_warned >= WATCH_QUIET_MS) {
            rdns_stats_fd_warning();
            rdns_log_warn("file descriptors running short: %lu of %lu in use (%lu%%); each "
                          "milter session holds one, and new sessions wait when none is "
                          "left: raise LimitNOFILE (ulimit -n) or lower milter.timeout",
                          open, limit, open * 100 / limit);
            watch_fd_warned = now;
        }
        watch_fd_high = true;
    } else if (watch_fd_high && open * 100 < limit * WATCH_LOW_PERCENT) {
        rdns_log_info("file descriptors: %lu of %lu in use again", open, limit);
        watch_fd_high = false;
    }
}

static void watch_unwanted(int threshold)
{
    uint64_t now_count = rdns_dns_unwanted_count();
    int64_t now = rdns_clock_ms();

    if (threshold <= 0 || now_count - watch_unwanted_base < (uint64_t)threshold)
        return;
    if (watch_unwanted_warned != 0 && now - watch_unwanted_warned < WATCH_QUIET_MS)
        return;
    rdns_log_warn("%" PRIu64 " DNS replies dropped as not ours (wrong ID or question) "
                  "since %s, %" PRIu64 " in all: someone may be trying to spoof answers, "
                  "or a resolver or middlebox is broken (dns.unwanted_reply_threshold %d)",
                  now_count - watch_unwanted_base,
                  watch_unwanted_warned ? "the last warning" : "start", now_count, threshold);
    watch_unwanted_base = now_count;
    watch_unwanted_warned = now;
}

void rdns_watch_tick(int unwanted_threshold)
{
    watch_fds();
    watch_unwanted(unwanted_threshold);
}
