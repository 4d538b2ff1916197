/*
 * NAME
 *   control - the statistics thread, its control socket, and rdns-milter -S
 * DESCRIPTION
 *   One thread of the daemon waits in poll(2) for three things: a client
 *   on the control socket, the next stats_interval tick (then it logs the
 *   counters), and the word to stop. It serves one client at a time and
 *   each within CONTROL_TIMEOUT_MS and CONTROL_REQ_MAX bytes of request,
 *   so neither a silent nor a chatty client can hold it; the milter's own
 *   sessions never wait for it.
 *
 *   The socket is made as root, like the milter socket, and given to the
 *   daemon's user; mode 0660 lets that user, its group and root ask. The
 *   counters are not secret, but nobody else needs them, and a socket
 *   others may write to is one more thing to reason about.
 *
 *   The file is looked after by sockfile.c, as the milter socket's is: a
 *   live daemon's socket is never taken over, no link is followed, and at
 *   stop the socket is removed only if it is still the one this daemon
 *   made (same device and inode): a second daemon started on the same
 *   path keeps its socket.
 */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "mem.h"
#include "sockfile.h"
#include "stats.h"

#define CONTROL_REQ_MAX 64          /* request bytes read, newline included */
#define CONTROL_TIMEOUT_MS 2000     /* per client, the whole exchange */
#define CONTROL_CLIENT_TIMEOUT_MS 5000   /* rdns-milter -S waits this long */
#define CONTROL_ANSWER_MAX 65536    /* bytes -S reads at most */
#define CONTROL_BACKLOG 8
#define CONTROL_MODE 0660

struct rdns_control {
    bool running;                   /* tid is a thread to join */
    pthread_t tid;
    int listen_fd;                  /* -1: no socket */
    int stop[2];                    /* stop[1] written once at stop */
    unsigned interval;              /* seconds; 0: no periodic log */
    rdns_sockfile file;             /* removed at stop if still ours */
    bool quiet_remove;              /* known not removable: said at start */
};

/* ---- where and how often (the config keys, once they exist) ---- */

/* milter.control_socket: "" derived, "none" no socket, else a path. */
static const char *control_configured(const rdns_config *cfg)
{
    return cfg->control_socket ? cfg->control_socket : "";
}

unsigned rdns_control_interval(const rdns_config *cfg)
{
    return cfg->stats_interval > 0 ? (unsigned)cfg->stats_interval : 0;
}

bool rdns_control_path(const rdns_config *cfg, const char *milter_spec, char *buf, size_t len)
{
    const char *conf = control_configured(cfg);
    const char *file = NULL;

    buf[0] = '\0';
    if (strcmp(conf, "none") == 0)
        return false;
    if (conf[0] != '\0') {
        snprintf(buf, len, "%s", conf);
        return true;
    }
    if (milter_spec == NULL)
        return false;
    if (strncmp(milter_spec, "unix:", 5) == 0)
        file = milter_spec + 5;
    else if (strncmp(milter_spec, "local:", 6) == 0)
        file = milter_spec + 6;
    else if (milter_spec[0] == '/')
        file = milter_spec;
    if (file == NULL || file[0] == '\0')
        return false;
    if ((size_t)snprintf(buf, len, "%s%s", file, RDNS_CONTROL_SUFFIX) >= len) {
        buf[0] = '\0';
        return false;
    }
    return true;
}

/* ---- the daemon's side ---- */

static int control_listen(rdns_control *c, const char *path, uid_t uid, gid_t gid)
{
    struct sockaddr_un sa;
    char err[512];
    mode_t old;
    int fd, r;

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        rdns_log_warn("control socket %s: path too long; no statistics socket", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (!rdns_sockfile_prepare(path, err, sizeof(err))) {
        rdns_log_warn("control socket: %s; no statistics socket", err);
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
        rdns_log_warn("control socket: %s", strerror(errno));
        return -1;
    }
    /* The umask makes the file 0660 from its first instant; no other
     * thread runs yet to be surprised by it. */
    old = umask(0777 & ~CONTROL_MODE);
    r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (r != 0 || listen(fd, CONTROL_BACKLOG) != 0) {
        rdns_log_warn("control socket %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!rdns_sockfile_claim(&c->file, path, uid, gid, err, sizeof(err))) {
        rdns_log_warn("control socket: %s; no statistics socket", err);
        close(fd);
        return -1;
    }
    return fd;
}

/* Waits for fd to be ready for events until deadline; false on timeout. */
static bool control_ready(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events};
        int64_t left = rdns_clock_left(deadline);
        int r;

        if (left <= 0)
            return false;
        r = poll(&p, 1, (int)left);
        if (r > 0)
            return true;
        if (r == 0 || errno != EINTR)
            return false;
    }
}

static void control_write_all(int fd, const char *buf, size_t len, int64_t deadline)
{
    while (len > 0 && control_ready(fd, POLLOUT, deadline)) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

/* Reads one request line, bounded; "" when none came in time. */
static void control_read_request(int fd, char *req, size_t len, int64_t deadline)
{
    size_t n = 0;

    while (n + 1 < len && memchr(req, '\n', n) == NULL && control_ready(fd, POLLIN, deadline)) {
        ssize_t r = read(fd, req + n, len - 1 - n);

        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0)
            break;                  /* EOF ends a request without newline */
        n += (size_t)r;
    }
    req[n] = '\0';
    req[strcspn(req, "\r\n")] = '\0';
}

static void control_serve(int lfd)
{
    char req[CONTROL_REQ_MAX + 1], text[RDNS_STATS_TEXT_MAX];
    int64_t deadline = rdns_clock_ms() + CONTROL_TIMEOUT_MS;
    int fd = accept(lfd, NULL, NULL);

    if (fd < 0)
        return;                     /* gone already, or EAGAIN: nothing to do */
    /* No exec ever happens, but a fork-and-exec elsewhere must not inherit
     * it; non-blocking so the deadline is the only wait. */
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        close(fd);
        return;
    }
    control_read_request(fd, req, sizeof(req), deadline);
    if (strcmp(req, "stats") == 0 || strcmp(req, "stats prometheus") == 0) {
        size_t n = rdns_stats_render(text, sizeof(text), req[5] == '\0'
                                     ? RDNS_STATS_LINES : RDNS_STATS_PROMETHEUS);

        control_write_all(fd, text, n, deadline);
    } else {
        /* The request is not echoed: it is whatever a client sent. */
        static const char err[] = "error: unknown request; known: \"stats\", "
                                  "\"stats prometheus\"\n";

        control_write_all(fd, err, sizeof(err) - 1, deadline);
    }
    close(fd);
}

static int control_timeout(const rdns_control *c, int64_t next)
{
    int64_t left;

    if (c->interval == 0)
        return -1;
    left = next - rdns_clock_ms();
    if (left < 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

static void *control_thread(void *arg)
{
    rdns_control *c = arg;
    int64_t period = (int64_t)c->interval * 1000;
    int64_t next = rdns_clock_ms() + period;

    for (;;) {
        struct pollfd p[2] = {{.fd = c->stop[0], .events = POLLIN},
                              {.fd = c->listen_fd, .events = POLLIN}};
        int r = poll(p, c->listen_fd >= 0 ? 2 : 1, control_timeout(c, next));

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rdns_log_err("statistics thread: poll: %s; stopping it", strerror(errno));
            break;
        }
        if (p[0].revents != 0)
            break;
        if (c->listen_fd >= 0 && (p[1].revents & POLLIN))
            control_serve(c->listen_fd);
        if (c->interval != 0 && rdns_clock_ms() >= next) {
            rdns_stats_log();
            next += period;
            if (next <= rdns_clock_ms())    /* we were held up: no burst */
                next = rdns_clock_ms() + period;
        }
    }
    return NULL;
}

rdns_control *rdns_control_open(const char *path, unsigned interval, uid_t uid, gid_t gid)
{
    rdns_control *c;

    if ((path == NULL || path[0] == '\0') && interval == 0)
        return NULL;
    c = rdns_calloc(1, sizeof(*c));
    c->interval = interval;
    c->listen_fd = -1;
    if (pipe(c->stop) != 0) {
        rdns_log_warn("statistics thread: pipe: %s; no statistics socket", strerror(errno));
        free(c);
        return NULL;
    }
    fcntl(c->stop[0], F_SETFD, FD_CLOEXEC);
    fcntl(c->stop[1], F_SETFD, FD_CLOEXEC);
    if (path != NULL && path[0] != '\0')
        c->listen_fd = control_listen(c, path, uid, gid);
    return c;
}

void rdns_control_start(rdns_control *c)
{
    if (c == NULL)
        return;
    if (pthread_create(&c->tid, NULL, control_thread, c) != 0) {
        rdns_log_warn("cannot start the statistics thread: no -S, no periodic statistics");
        return;
    }
    c->running = true;
    if (c->listen_fd >= 0)
        rdns_log_info("statistics on %s (rdns-milter -S)", c->file.path);
}

const char *rdns_control_socket(const rdns_control *c)
{
    return c != NULL && c->listen_fd >= 0 ? c->file.path : NULL;
}

void rdns_control_quiet_removal(rdns_control *c)
{
    if (c != NULL)
        c->quiet_remove = true;
}

void rdns_control_stop(rdns_control *c)
{
    if (c == NULL)
        return;
    if (c->running) {
        if (write(c->stop[1], "x", 1) != 1)
            rdns_log_warn("statistics thread: cannot signal stop: %s", strerror(errno));
        pthread_join(c->tid, NULL);
    }
    if (c->listen_fd >= 0) {
        close(c->listen_fd);
        rdns_sockfile_remove(&c->file, c->quiet_remove);
    }
    close(c->stop[0]);
    close(c->stop[1]);
    free(c);
}

/* ---- rdns-milter -S ---- */

static void control_set_timeouts(int fd, int ms)
{
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Reads the whole answer (until the daemon closes); -1 on error. */
static ssize_t control_read_answer(int fd, char *buf, size_t len)
{
    size_t n = 0;

    while (n + 1 < len) {
        ssize_t r = read(fd, buf + n, len - 1 - n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    return (ssize_t)n;
}

int rdns_control_query(const char *path, bool prometheus)
{
    const char *req = prometheus ? "stats prometheus\n" : "stats\n";
    struct sockaddr_un sa;
    char *answer;
    ssize_t n;
    int fd, status = 1;

    if (path == NULL || path[0] == '\0') {
        fprintf(stderr, "rdns-milter: no control socket: the milter socket is not a unix "
                        "socket (set milter.control_socket)\n");
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "rdns-milter: control socket path too long: %s\n", path);
        return 1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        fprintf(stderr, "rdns-milter: socket: %s\n", strerror(errno));
        return 1;
    }
    control_set_timeouts(fd, CONTROL_CLIENT_TIMEOUT_MS);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        if (errno == EACCES)
            fprintf(stderr, "rdns-milter: %s: %s (only root, the daemon's user and its "
                            "group may ask)\n", path, strerror(errno));
        else
            fprintf(stderr, "rdns-milter: no daemon answers on %s: %s\n", path,
                    strerror(errno));
        close(fd);
        return 1;
    }
    answer = rdns_malloc(CONTROL_ANSWER_MAX);
    if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
        fprintf(stderr, "rdns-milter: %s: cannot send the request: %s\n", path,
                strerror(errno));
    } else if ((n = control_read_answer(fd, answer, CONTROL_ANSWER_MAX)) < 0) {
        fprintf(stderr, "rdns-milter: %s: no answer: %s\n", path,
                errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : strerror(errno));
    } else if (n == 0) {
        fprintf(stderr, "rdns-milter: %s: empty answer\n", path);
    } else if (strncmp(answer, "error", 5) == 0) {
        fprintf(stderr, "rdns-milter: %s: %s", path, answer);
    } else if (fwrite(answer, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout) != 0) {
        fprintf(stderr, "rdns-milter: writing the answer: %s\n", strerror(errno));
    } else {
        status = 0;
    }
    free(answer);
    close(fd);
    return status;
}
