/*
 * NAME
 *   rdns-milter - reverse-DNS scoring mail filter for Postfix and Sendmail
 * SYNOPSIS
 *   rdns-milter [-c FILE] [-f] [-t] [-s SOCKET] [-u USER[:GROUP]] [-V] [-h]
 *   rdns-milter -S [-F FORMAT] [-c FILE] [-s SOCKET]
 * DESCRIPTION
 *   Reads the config (-c FILE, else /etc/rdns-milter/rdns-milter.yaml when
 *   it exists, else the compiled-in defaults), opens the milter socket,
 *   drops privileges, and hands the connections to libmilter; the
 *   callbacks live in callbacks.c.
 *
 *   -t checks the config and exits 0, or 2 with "file:line: message"; it
 *   also checks a unix socket's path (its directory exists, nothing but a
 *   socket is there). -f stays in the foreground and logs to stderr.
 *   Without -f, the process that was started waits until the daemon is
 *   ready and exits with its status: errors at start-up reach its stderr
 *   as well as syslog. A relative -c is made absolute at start (against
 *   the working directory, links not resolved), so a reload after the
 *   chdir("/") of daemonizing reads the same file. -s overrides
 *   milter.socket. -S asks the running daemon for its counters over the
 *   control socket (control.c) and prints them; -F prometheus in
 *   Prometheus text format. -u USER[:GROUP] is OpenDKIM's -u: the group,
 *   when given, replaces the user's primary group and milter.group.
 *
 *   Signals: SIGHUP re-reads the config file; a broken file is logged and
 *   the running config stays. SIGTERM and SIGINT stop the filter cleanly
 *   (exit 0), removing the Unix socket and the pid file if they are still
 *   ours and the user we run as may. SIGUSR1 logs the counters (stats.c).
 *
 *   Files made as root (sockfile.c for the sockets): a live daemon on the
 *   socket path makes us refuse to start rather than take it over; the
 *   pid file is created anew with O_EXCL|O_NOFOLLOW, so a link planted
 *   where it goes is replaced, never followed. What the user we become
 *   will not be able to remove at stop is said once, at start.
 *
 *   The main thread also wakes once a second for watch.c (descriptors
 *   running short, spoofed DNS replies).
 *
 *   Signals: libmilter starts a thread that sigwait()s for SIGHUP, SIGTERM
 *   and SIGINT and *stops the filter* on SIGHUP. Its sigwait() is wrapped
 *   at link time (sigwait_wrap.c) so that it waits for none of them; they
 *   stay blocked in libmilter's threads and reach ours, whose handler
 *   only writes the signal number into a pipe that the main thread reads
 *   (reload, statistics, or smfi_stop). smfi_main runs in its own thread
 *   so that the main thread is free to do that.
 * DIAGNOSTICS
 *   Exit 0: clean stop or valid config (-t). 1: could not start (socket,
 *   user, fork). 2: bad usage or bad config.
 * BUGS
 *   TCP_NODELAY: libmilter has no call that returns its listening socket,
 *   so after smfi_opensocket() the daemon finds it among its own
 *   descriptors (nodelay.h). Only the filter's side of the conversation
 *   is covered; the MTA's writes are its own affair.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "config.h"
#include "control.h"
#include "eval.h"
#include "live.h"
#include "log.h"
#include "mem.h"
#include "sockfile.h"
#include "nodelay.h"
#include "stats.h"
#include "threadstack.h"
#include "watch.h"

#ifndef RDNS_VERSION
#define RDNS_VERSION "unknown"
#endif

#define MAIN_DEFAULT_CONFIG "/etc/rdns-milter/rdns-milter.yaml"
#define MAIN_SOCKET_MAX 512
#define MAIN_TICK_MS 1000           /* watch.c's checks */

typedef struct main_opts {
    const char *config;         /* -c, or NULL */
    const char *socket;         /* -s, or NULL */
    bool foreground;            /* -f */
    bool test;                  /* -t */
    bool stats;                 /* -S */
    const char *format;         /* -F, or NULL: "name value" lines */
    const char *user;           /* -u, or NULL: milter.user */
} main_opts;

/* The self-pipe of the signal handler: the one place a handler touches. */
static int main_sigpipe[2] = {-1, -1};

static void main_usage(FILE *fp)
{
    fprintf(fp, "usage: rdns-milter [-c FILE] [-f] [-t] [-s SOCKET] [-u USER[:GROUP]] [-V] [-h]\n"
                "       rdns-milter -S [-F FORMAT] [-c FILE] [-s SOCKET]\n"
                "  -c FILE    config file (default %s if it exists,\n"
                "             else the compiled-in defaults)\n"
                "  -f         stay in the foreground, log to stderr\n"
                "  -t         check the config and exit (0 valid, 2 not)\n"
                "  -s SOCKET  milter socket: unix:/path, inet:PORT@HOST, inet6:PORT@HOST\n"
                "  -u USER[:GROUP]\n"
                "             run as USER, and GROUP instead of USER's primary group\n"
                "             (overrides milter.user and milter.group; root only on purpose)\n"
                "  -S         print the running daemon's statistics and exit\n"
                "  -F FORMAT  with -S: lines (name value, the default) or prometheus\n"
                "  -V         print the version and exit\n"
                "  -h         print this help and exit\n",
            MAIN_DEFAULT_CONFIG);
}

static int main_parse(int argc, char **argv, main_opts *o)
{
    int ch;

    while ((ch = getopt(argc, argv, "c:fts:u:SF:Vh")) != -1) {
        switch (ch) {
        case 'c': o->config = optarg; break;
        case 'f': o->foreground = true; break;
        case 't': o->test = true; break;
        case 's': o->socket = optarg; break;
        case 'S': o->stats = true; break;
        case 'F': o->format = optarg; break;
        case 'u': o->user = optarg; break;
        case 'V': printf("rdns-milter %s\n", RDNS_VERSION); exit(0);
        case 'h': main_usage(stdout); exit(0);
        default: main_usage(stderr); exit(2);
        }
    }
    if (optind != argc) {
        fprintf(stderr, "rdns-milter: unexpected argument: %s\n", argv[optind]);
        main_usage(stderr);
        exit(2);
    }
    if (o->format != NULL && (!o->stats || (strcmp(o->format, "lines") != 0
                                            && strcmp(o->format, "prometheus") != 0))) {
        fprintf(stderr, "rdns-milter: -F %s: %s\n", o->format,
                o->stats ? "unknown format (lines or prometheus)" : "only goes with -S");
        main_usage(stderr);
        exit(2);
    }
    return 0;
}

/* No -c: the system file when present, else the defaults (NULL). */
static const char *main_config_path(const main_opts *o)
{
    if (o->config != NULL)
        return o->config;
    return access(MAIN_DEFAULT_CONFIG, F_OK) == 0 ? MAIN_DEFAULT_CONFIG : NULL;
}

/* libmilter wants inet:PORT@HOST; admins often write Postfix's form
 * inet:HOST:PORT (or inet6:[HOST]:PORT). Both are accepted. */
static void main_socket_spec(const char *in, char *out, size_t len)
{
    const char *rest, *colon;
    bool v6 = strncmp(in, "inet6:", 6) == 0;

    if (!v6 && strncmp(in, "inet:", 5) != 0) {
        snprintf(out, len, "%s", in);
        return;
    }
    rest = in + (v6 ? 6 : 5);
    if (strchr(rest, '@') != NULL || (colon = strrchr(rest, ':')) == NULL) {
        snprintf(out, len, "%s", in);
        return;
    }
    {
        const char *host = rest;
        size_t hlen = (size_t)(colon - rest);

        if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
            host++;
            hlen -= 2;
        }
        snprintf(out, len, "%s:%s@%.*s", v6 ? "inet6" : "inet", colon + 1, (int)hlen, host);
    }
}

/* The file name of a unix socket spec, or NULL for inet sockets. */
static const char *main_unix_path(const char *spec)
{
    if (strncmp(spec, "unix:", 5) == 0)
        return spec + 5;
    if (strncmp(spec, "local:", 6) == 0)
        return spec + 6;
    if (spec[0] == '/')
        return spec;
    return NULL;
}

/* Creates the parent directory of a socket or pid file where
 * rdns_sockfile_dir_made says the daemon does, owned by the user we
 * become. */
static void main_make_rundir(const char *file, uid_t uid, gid_t gid)
{
    char dir[MAIN_SOCKET_MAX];
    char *slash;

    if (file == NULL || !rdns_sockfile_dir_made(file))
        return;
    snprintf(dir, sizeof(dir), "%s", file);
    if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
        return;
    *slash = '\0';
    /* Parents too (root's, 0755): /var/spool/postfix does not exist until
     * Postfix is installed, and the default socket must still work. */
    for (char *p = strchr(dir + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            rdns_log_warn("mkdir %s: %s", dir, strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, 0755) == 0) {
        if (uid != (uid_t)-1 && chown(dir, uid, gid) != 0)
            rdns_log_warn("chown %s: %s", dir, strerror(errno));
    } else if (errno != EEXIST) {
        rdns_log_warn("mkdir %s: %s", dir, strerror(errno));
    }
}

typedef struct main_ids {
    bool change;                /* run as another user */
    uid_t uid;
    gid_t gid;
    const char *name;           /* the user we run as, for messages */
    char user[256];             /* -u's USER part */
} main_ids;

/* user: -u USER[:GROUP], else milter.user (and milter.group). */
static bool main_lookup_ids(const rdns_config *cfg, const char *user, main_ids *ids)
{
    struct passwd *pw;
    const char *group = cfg->group, *colon;

    ids->change = false;
    ids->uid = (uid_t)-1;
    ids->gid = (gid_t)-1;
    if (user != NULL && (colon = strchr(user, ':')) != NULL) {
        /* OpenDKIM's -u userid[:group]: the group wins over the user's
         * primary group and over milter.group. */
        group = colon + 1;
        if (colon == user || *group == '\0' || (size_t)(colon - user) >= sizeof(ids->user)) {
            fprintf(stderr, "rdns-milter: -u %s: expected USER or USER:GROUP\n", user);
            rdns_log_err("-u %s: expected USER or USER:GROUP", user);
            return false;
        }
        snprintf(ids->user, sizeof(ids->user), "%.*s", (int)(colon - user), user);
        user = ids->user;
    }
    ids->name = user ? user : cfg->user ? cfg->user : "";
    if (ids->name[0] == '\0') {
        if (geteuid() != 0)
            return true;
        /* A filter that parses what spammers send has no business as
         * root; running so must be a choice. */
        rdns_log_err("refusing to run as root: set milter.user, or give -u USER "
                     "(-u root to run as root on purpose)");
        return false;
    }
    errno = 0;
    if ((pw = getpwnam(ids->name)) == NULL) {
        if (errno != 0 && errno != ENOENT && errno != ESRCH)
            rdns_log_err("%s %s: cannot look the user up: %s", user ? "-u" : "milter.user",
                         ids->name, strerror(errno));
        else
            rdns_log_err("%s %s: no such user (create it: useradd --system --user-group "
                         "--home-dir /nonexistent --shell /usr/sbin/nologin %s)",
                         user ? "-u" : "milter.user", ids->name, ids->name);
        return false;
    }
    if (group != NULL && group[0] != '\0' && getgrnam(group) == NULL) {
        /* Checked even when no switch follows: a typo must not wait for
         * the day the daemon is started as root. */
        rdns_log_err("%s %s: no such group", group == cfg->group ? "milter.group" : "-u",
                     group);
        return false;
    }
    if (geteuid() != 0) {
        if (pw->pw_uid != geteuid())
            rdns_log_warn("not started as root: staying uid %ld (user %s not applied)",
                          (long)geteuid(), ids->name);
        return true;
    }
    if (pw->pw_uid == 0)
        return true;            /* root on purpose: nothing to switch */
    ids->change = true;
    ids->uid = pw->pw_uid;
    ids->gid = pw->pw_gid;
    if (group != NULL && group[0] != '\0') {
        struct group *gr = getgrnam(group);

        if (gr == NULL) {
            rdns_log_err("%s %s: no such group (create it, or leave the group out for the "
                         "user's own)", group == cfg->group ? "milter.group" : "-u", group);
            return false;
        }
        ids->gid = gr->gr_gid;
    }
    return true;
}

static bool main_drop_privileges(const main_ids *ids, const char *user)
{
    if (!ids->change)
        return true;
    if (setgroups(1, &ids->gid) != 0 || setgid(ids->gid) != 0 || setuid(ids->uid) != 0) {
        rdns_log_err("cannot become %s: %s", user, strerror(errno));
        return false;
    }
    if (setuid(0) == 0) {
        rdns_log_err("could regain root after switching to %s; stopping", user);
        return false;
    }
    return true;
}

/* Opens the socket with the configured mode (the umask gives it from the
 * first instant), as root, then hands it to the user we become. A unix
 * socket a live daemon answers on is not taken over (sockfile.c). */
static bool main_open_socket(const char *spec, const rdns_config *cfg, const main_ids *ids,
                             rdns_sockfile *file)
{
    const char *path = main_unix_path(spec);
    char err[1024];
    mode_t old;
    int r, e;

    main_make_rundir(path, ids->uid, ids->gid);
    if (path != NULL && (!rdns_sockfile_check(path, err, sizeof(err))
                         || !rdns_sockfile_prepare(path, err, sizeof(err)))) {
        rdns_log_err("cannot open milter socket: %s", err);
        return false;
    }
    if (smfi_setconn((char *)spec) != MI_SUCCESS) {
        rdns_log_err("bad milter socket %s", spec);
        return false;
    }
    old = umask((mode_t)(~cfg->socket_mode & 0777));
    errno = 0;
    r = smfi_opensocket(true);
    e = errno;
    umask(old);
    if (r != MI_SUCCESS) {
        /* libmilter says why only to syslog; errno is its last call's */
        rdns_log_err("cannot open milter socket %s%s%s%s", spec, e ? ": " : "",
                     e ? strerror(e) : "",
                     e == EADDRINUSE ? " (another process listens there)"
                     : e == EACCES ? " (no permission for that directory or port)"
                     : e == EADDRNOTAVAIL ? " (no such local address)" : "");
        return false;
    }
    if (path != NULL) {
        if (!rdns_sockfile_claim(file, path, ids->change ? ids->uid : (uid_t)-1, ids->gid,
                                 err, sizeof(err))) {
            rdns_log_err("milter socket %s", err);
            return false;
        }
    } else if (rdns_nodelay_listeners() == 0) {
        rdns_log_warn("could not set TCP_NODELAY on %s", spec);
    } else {
        rdns_log_info("TCP_NODELAY set on the listening socket %s", spec);
    }
    return true;
}

/* The daemon's end of the pipe its starter waits on; -1 when none. */
static int main_ready_fd = -1;

/* Forks; the parent waits until the child says it is ready (then exits
 * 0) or exits itself (then with its status), so that whoever started
 * us learns whether it worked and sees the errors on its stderr, which
 * the child keeps until main_detached. */
static bool main_daemonize(void)
{
    int p[2], fd;
    pid_t pid;

    if (pipe(p) != 0) {
        rdns_log_err("pipe: %s", strerror(errno));
        return false;
    }
    if ((pid = fork()) < 0) {
        rdns_log_err("fork: %s", strerror(errno));
        return false;
    }
    if (pid > 0) {
        unsigned char b;
        ssize_t n;
        int status = 0;

        /* This process only waits: a signal to it acts as on any command. */
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        close(p[1]);
        while ((n = read(p[0], &b, 1)) < 0 && errno == EINTR)
            continue;
        if (n == 1)
            _exit(0);               /* ready, running */
        /* the pipe closed without a word: the daemon exited */
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            continue;
        _exit(WIFEXITED(status) && WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 1);
    }
    close(p[0]);
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    main_ready_fd = p[1];
    setsid();
    if (chdir("/") != 0)
        rdns_log_warn("chdir /: %s", strerror(errno));
    if ((fd = open("/dev/null", O_RDWR)) >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        if (fd > 2)
            close(fd);
    }
    return true;
}

/* Start-up is over: the starter may go, stderr is of no more use. */
static void main_detached(void)
{
    int fd;

    if (main_ready_fd < 0)
        return;
    if (write(main_ready_fd, "", 1) != 1) {
        /* the starter is gone: nobody to tell */
    }
    close(main_ready_fd);
    main_ready_fd = -1;
    rdns_log_echo(false);
    if ((fd = open("/dev/null", O_RDWR)) >= 0) {
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
}

/* The pid file written, to remove at stop only if it is still ours. */
static struct {
    dev_t dev;
    ino_t ino;
    bool made;
} main_pid;

/* Written as root, perhaps in a directory the daemon's user owns: made
 * anew with O_EXCL|O_NOFOLLOW after removing what was there, so that a
 * link planted at its name is replaced, never followed (O_EXCL fails on
 * any name that exists again, link or not, in between). */
static bool main_write_pid(const char *file, const main_ids *ids)
{
    char line[32];
    struct stat st;
    int fd, n;

    if (file == NULL || file[0] == '\0')
        return true;
    main_make_rundir(file, ids->uid, ids->gid);
    if (lstat(file, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            rdns_log_err("pid file %s: is a directory", file);
            return false;
        }
        if (!S_ISREG(st.st_mode))
            rdns_log_warn("pid file %s: was a %s, not a file; replaced", file,
                          S_ISLNK(st.st_mode) ? "symbolic link" : "special file");
        if (unlink(file) != 0 && errno != ENOENT) {
            rdns_log_err("pid file %s: cannot replace it: %s", file, strerror(errno));
            return false;
        }
    }
    fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0) {
        rdns_log_err("pid file %s: %s%s", file, strerror(errno),
                     errno == EEXIST ? " (made again by someone else meanwhile)"
                     : errno == ENOENT ? " (its directory does not exist)" : "");
        return false;
    }
    n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
    if (write(fd, line, (size_t)n) != n || fstat(fd, &st) != 0 || close(fd) != 0) {
        rdns_log_err("pid file %s: %s", file, strerror(errno));
        return false;
    }
    main_pid.dev = st.st_dev;
    main_pid.ino = st.st_ino;
    main_pid.made = true;
    return true;
}

static void main_remove_pid(const char *file, bool quiet)
{
    struct stat st;

    if (!main_pid.made || lstat(file, &st) != 0 || st.st_dev != main_pid.dev
        || st.st_ino != main_pid.ino)
        return;
    if (unlink(file) != 0 && !quiet)
        rdns_log_warn("pid file %s: %s", file, strerror(errno));
}

/* After privileges are dropped: which of our files will the user we run
 * as be unable to remove at stop? Said once, here, rather than as a
 * puzzling "Permission denied" then. Returns a mask: 1 socket, 2 control
 * socket, 4 pid file. */
static unsigned main_check_leftovers(const rdns_sockfile *sock, rdns_control *ctl,
                                     const char *pid_file, const main_ids *ids)
{
    const char *names[3] = {sock->path[0] ? sock->path : NULL, rdns_control_socket(ctl),
                            main_pid.made ? pid_file : NULL};
    char list[3 * MAIN_SOCKET_MAX + 16];
    unsigned mask = 0;
    size_t used = 0;

    list[0] = '\0';
    for (int i = 0; i < 3; i++) {
        if (names[i] == NULL || rdns_sockfile_removable(names[i]))
            continue;
        mask |= 1u << i;
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "",
                                 names[i]);
        if (used >= sizeof(list))
            break;
    }
    if (mask != 0)
        rdns_log_warn("running as %s, which may not write their directory: %s will be "
                      "left behind at stop (harmless: the next start replaces them); to have "
                      "them removed, put them in a directory %s owns, such as "
                      "/run/rdns-milter/ (made at start)",
                      ids->name[0] ? ids->name : "this user", list,
                      ids->name[0] ? ids->name : "this user");
    if (mask & 2)
        rdns_control_quiet_removal(ctl);
    return mask;
}

static void main_on_signal(int sig)
{
    unsigned char b = (unsigned char)sig;
    int saved = errno;

    if (write(main_sigpipe[1], &b, 1) < 0) {
        /* pipe full: a signal is already waiting to be handled */
    }
    errno = saved;
}

/* Held until main_run's pthread_create has returned: see main_run. */
static sem_t main_go;

static void *main_milter_thread(void *arg)
{
    int *result = arg;
    unsigned char b = 0;            /* 0: libmilter has stopped */

    while (sem_wait(&main_go) != 0 && errno == EINTR)
        continue;
    *result = smfi_main();
    if (write(main_sigpipe[1], &b, 1) < 0) {
        /* nothing to do: the main thread polls no other way */
    }
    return NULL;
}

static bool main_signals(void)
{
    struct sigaction sa;

    if (pipe(main_sigpipe) != 0)
        return false;
    for (int i = 0; i < 2; i++)
        fcntl(main_sigpipe[i], F_SETFD, FD_CLOEXEC);
    fcntl(main_sigpipe[1], F_SETFL, O_NONBLOCK);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = main_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(SIGHUP, &sa, NULL) == 0 && sigaction(SIGTERM, &sa, NULL) == 0
           && sigaction(SIGINT, &sa, NULL) == 0 && sigaction(SIGUSR1, &sa, NULL) == 0;
}

/* milter.timeout as libmilter was given it: only read at start. */
static int main_running_timeout;

static void main_reload(const main_opts *o, const char *running_socket)
{
    const char *path = main_config_path(o);
    char err[1024];
    rdns_engine *e;

    err[0] = '\0';
    if (!rdns_live_reload(path, err, sizeof(err))) {
        rdns_log_err("%s; keeping the running configuration", err);
        return;
    }
    rdns_log_info("configuration reloaded from %s", path ? path : "(defaults)");
    if ((e = rdns_live_acquire()) != NULL) {
        const rdns_config *cfg = rdns_engine_config(e);

        if (o->socket == NULL && cfg->socket && strcmp(cfg->socket, running_socket) != 0)
            rdns_log_warn("milter.socket changed to %s: takes effect after a restart",
                          cfg->socket);
        if (cfg->milter_timeout != main_running_timeout)
            rdns_log_warn("milter.timeout changed to %d: takes effect after a restart",
                          cfg->milter_timeout);
        rdns_engine_unref(e);
    }
}

/* Tells systemd (Type=notify) where we are: a datagram to $NOTIFY_SOCKET,
 * no library needed. An abstract socket is written "@name". */
static void main_notify(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sun;
    size_t len;
    int fd;

    if (path == NULL || (path[0] != '/' && path[0] != '@')
        || (len = strlen(path)) >= sizeof(sun.sun_path))
        return;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, path, len);
    if (path[0] == '@')
        sun.sun_path[0] = '\0';
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return;
    if (sendto(fd, state, strlen(state), 0, (struct sockaddr *)&sun,
               (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
        rdns_log_warn("sd_notify %s: %s", state, strerror(errno));
    close(fd);
}

/* Once a second: watch.c's checks, with the running config's threshold. */
static void main_tick(void)
{
    rdns_engine *e = rdns_live_acquire();
    int threshold = 0;

    if (e != NULL) {
        threshold = rdns_engine_config(e)->dns_unwanted_threshold;
        rdns_engine_unref(e);
    }
    rdns_watch_tick(threshold);
}

/* Waits for signals and for libmilter's end; returns smfi_main's result.
 * ctl (may be NULL): the statistics thread to run alongside. */
static int main_run(const main_opts *o, const char *socket_spec, rdns_control *ctl)
{
    pthread_t tid;
    int result = MI_FAILURE;
    bool stopping = false;

    /* libmilter starts a thread of its own that sigwait()s for SIGHUP and
     * stops the filter when it gets one. It must never get one: this
     * thread has to be able to take every signal from the moment that
     * thread exists. So nothing is blocked here, and the milter thread
     * (whose smfi_main starts libmilter's thread) waits until our
     * pthread_create, inside which glibc blocks all signals, has
     * returned. The handler is the process's, so whichever other thread
     * runs it only writes to the pipe. */
    if (sem_init(&main_go, 0, 0) != 0) {
        rdns_log_err("sem_init: %s", strerror(errno));
        return MI_FAILURE;
    }
    rdns_control_start(ctl);
    if (pthread_create(&tid, NULL, main_milter_thread, &result) != 0) {
        rdns_log_err("cannot start the milter thread");
        return MI_FAILURE;
    }
    sem_post(&main_go);
    rdns_log_info("rdns-milter %s listening on %s (config %s)", RDNS_VERSION, socket_spec,
                  main_config_path(o) ? main_config_path(o) : "defaults");
    main_notify("READY=1");

    for (;;) {
        struct pollfd p = {.fd = main_sigpipe[0], .events = POLLIN};
        unsigned char b;
        ssize_t n;
        int r = poll(&p, 1, MAIN_TICK_MS);

        if (r == 0 || (r < 0 && errno == EINTR)) {
            main_tick();
            continue;
        }
        if ((n = read(main_sigpipe[0], &b, 1)) < 0 && errno == EINTR)
            continue;
        if (n <= 0 || b == 0)
            break;                  /* libmilter has stopped */
        if (b == SIGHUP) {
            main_reload(o, socket_spec);
        } else if (b == SIGUSR1) {
            rdns_stats_log();
        } else if (!stopping) {
            rdns_log_info("signal %d: stopping", (int)b);
            main_notify("STOPPING=1");
            stopping = true;
            smfi_stop();
        }
    }
    pthread_join(tid, NULL);
    if (!stopping) {
        /* Nobody asked: a failure, so a supervisor restarts the filter. */
        rdns_log_err("libmilter stopped on its own; exiting with status 1");
        return MI_FAILURE;
    }
    if (result != MI_SUCCESS) {
        /* smfi_stop closes the listening socket under the listener's
         * feet; a listener that had not yet entered its loop then reports
         * the closed socket as a failure (about 1 stop in 7 right after
         * start). We asked for the stop: it is a clean one. */
        rdns_log_info("libmilter reported a failure while stopping; taken as the stop asked for");
    }
    return MI_SUCCESS;
}

/* -S: the counters of the daemon this config (and -s) describe. */
static int main_stats(const main_opts *o)
{
    const char *path = main_config_path(o);
    char err[1024], spec[MAIN_SOCKET_MAX], ctl[MAIN_SOCKET_MAX];
    rdns_config *cfg;
    int status;

    err[0] = '\0';
    cfg = path ? rdns_config_load(path, err, sizeof(err)) : rdns_config_default();
    if (cfg == NULL) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    main_socket_spec(o->socket ? o->socket : cfg->socket, spec, sizeof(spec));
    rdns_control_path(cfg, spec, ctl, sizeof(ctl));
    status = rdns_control_query(ctl, o->format != NULL && strcmp(o->format, "prometheus") == 0);
    rdns_config_free(cfg);
    return status;
}

/* The daemon's last words before an abort (lib's rdns_fatal: out of
 * memory, no worker thread) go where the postmaster looks: our log. */
static void main_fatal(const char *msg)
{
    rdns_log_err("%s", msg);
}

/* A relative -c made absolute against the working directory, so that a
 * reload after daemonizing (chdir "/") reads the same file. Links are not
 * resolved: a config that is a link to a versioned file follows the link
 * at each reload, as it would without -c. */
static const char *main_absolute(const char *file, char *buf, size_t len)
{
    char cwd[PATH_MAX];

    if (file == NULL || file[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
        return file;
    if ((size_t)snprintf(buf, len, "%s/%s", cwd, file) >= len)
        return file;
    return buf;
}

/* -t: what can be told about the socket without opening it. */
static bool main_check_socket(const char *spec)
{
    const char *path = main_unix_path(spec);
    char err[1024];

    if (path == NULL || rdns_sockfile_check(path, err, sizeof(err)))
        return true;
    fprintf(stderr, "rdns-milter: %s\n", err);
    return false;
}

int main(int argc, char **argv)
{
    main_opts o = {0};
    const char *path;
    const rdns_config *cfg;
    rdns_engine *engine;
    char err[1024], spec[MAIN_SOCKET_MAX], pid_file[MAIN_SOCKET_MAX], ctl[MAIN_SOCKET_MAX];
    char config_abs[PATH_MAX + 2];
    struct smfiDesc desc = rdns_callbacks_desc();
    main_ids ids;
    rdns_control *ctl_sock = NULL;
    rdns_sockfile sock_file = {{0}, 0, 0};
    unsigned leftovers = 0;
    int result;

    main_parse(argc, argv, &o);
    rdns_set_fatal_hook(main_fatal);
    /* Before any thread: libmilter's session threads take the default. */
    if (!rdns_threadstack_set_default())
        fprintf(stderr, "rdns-milter: cannot set the default thread stack size; "
                "threads keep the system default\n");
    if (o.stats)
        return main_stats(&o);
    if (!o.test)
        o.config = main_absolute(o.config, config_abs, sizeof(config_abs));
    /* Before anything else: a SIGHUP during start-up must queue a reload,
     * not kill the process with the default action. */
    if (!o.test && !main_signals()) {
        fprintf(stderr, "rdns-milter: cannot set up signal handling\n");
        return 1;
    }
    path = main_config_path(&o);
    err[0] = '\0';
    if ((engine = rdns_live_load(path, err, sizeof(err))) == NULL) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    cfg = rdns_engine_config(engine);
    if (!rdns_log_facility_ok(cfg->syslog_facility)) {
        fprintf(stderr, "%s: milter.syslog_facility: unknown facility %s\n",
                path ? path : "(defaults)", cfg->syslog_facility);
        rdns_engine_unref(engine);
        return 2;
    }
    main_socket_spec(o.socket ? o.socket : cfg->socket, spec, sizeof(spec));
    if (o.test) {
        bool ok = main_check_socket(spec);

        if (ok)
            printf("%s: configuration OK\n", path ? path : "(defaults)");
        rdns_engine_unref(engine);
        return ok ? 0 : 2;
    }
    /* Kept: after a reload the engine that named it may be gone. */
    snprintf(pid_file, sizeof(pid_file), "%s", cfg->pid_file ? cfg->pid_file : "");
    rdns_control_path(cfg, spec, ctl, sizeof(ctl));
    rdns_log_open("rdns-milter", o.foreground, cfg->syslog_facility);
    rdns_log_echo(!o.foreground);   /* until main_detached */
    rdns_watch_init();
    main_running_timeout = cfg->milter_timeout;

    if (!main_lookup_ids(cfg, o.user, &ids) || smfi_register(desc) != MI_SUCCESS
        || smfi_settimeout(cfg->milter_timeout) != MI_SUCCESS
        || !main_open_socket(spec, cfg, &ids, &sock_file)) {
        rdns_engine_unref(engine);
        return 1;
    }
    main_make_rundir(ctl[0] ? ctl : NULL, ids.uid, ids.gid);
    ctl_sock = rdns_control_open(ctl, rdns_control_interval(cfg), ids.uid, ids.gid);
    if (!o.foreground && !main_daemonize()) {
        rdns_control_stop(ctl_sock);
        rdns_sockfile_remove(&sock_file, false);
        return 1;
    }
    if (!main_write_pid(pid_file, &ids) || !main_drop_privileges(&ids, ids.name)) {
        rdns_control_stop(ctl_sock);
        rdns_sockfile_remove(&sock_file, false);
        rdns_engine_unref(engine);
        return 1;
    }
    leftovers = main_check_leftovers(&sock_file, ctl_sock, pid_file, &ids);
    rdns_live_init(engine);
    rdns_stats_start();
    main_detached();

    result = main_run(&o, spec, ctl_sock);
    rdns_control_stop(ctl_sock);
    rdns_stats_log();               /* the last word on this run */
    rdns_sockfile_remove(&sock_file, (leftovers & 1) != 0);
    if (pid_file[0] != '\0')
        main_remove_pid(pid_file, (leftovers & 4) != 0);
    rdns_live_shutdown();
    rdns_log_info("stopped");
    rdns_log_close();
    return result == MI_SUCCESS ? 0 : 1;
}
