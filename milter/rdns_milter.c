/*
 * NAME
 *   rdns-milter - reverse-DNS scoring mail filter for Postfix and Sendmail
 * SYNOPSIS
 *   rdns-milter [-c FILE] [-f] [-t] [-s SOCKET] [-V] [-h]
 *   rdns-milter -S [-c FILE] [-s SOCKET]
 * DESCRIPTION
 *   Reads the config (-c FILE, else /etc/rdns-milter/rdns-milter.yaml when
 *   it exists, else the compiled-in defaults), opens the milter socket,
 *   drops privileges, and hands the connections to libmilter; the
 *   callbacks live in callbacks.c.
 *
 *   -t checks the config and exits 0, or 2 with "file:line: message".
 *   -f stays in the foreground and logs to stderr. -s overrides
 *   milter.socket. -S asks the running daemon for its counters over the
 *   control socket (control.c) and prints them.
 *
 *   Signals: SIGHUP re-reads the config file; a broken file is logged and
 *   the running config stays. SIGTERM and SIGINT stop the filter cleanly
 *   (exit 0), removing the Unix socket and the pid file. SIGUSR1 logs
 *   the counters (stats.c).
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
 *   descriptors (the one listening TCP socket) and sets the option there;
 *   Linux copies it to every accepted connection. Only the filter's side
 *   of the conversation is covered; the MTA's writes are its own affair.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "config.h"
#include "control.h"
#include "eval.h"
#include "live.h"
#include "log.h"
#include "stats.h"

#ifndef RDNS_VERSION
#define RDNS_VERSION "unknown"
#endif

#define MAIN_DEFAULT_CONFIG "/etc/rdns-milter/rdns-milter.yaml"
#define MAIN_SOCKET_MAX 512
/* How long libmilter waits for the MTA's next command. It must outlast the
 * slowest DATA phase the MTA allows (the filter hears nothing while the
 * body arrives), yet not keep a thread forever for a vanished MTA. */
#define MAIN_MILTER_TIMEOUT 3600

typedef struct main_opts {
    const char *config;         /* -c, or NULL */
    const char *socket;         /* -s, or NULL */
    bool foreground;            /* -f */
    bool test;                  /* -t */
    bool stats;                 /* -S */
    const char *user;           /* -u, or NULL: milter.user */
} main_opts;

/* The self-pipe of the signal handler: the one place a handler touches. */
static int main_sigpipe[2] = {-1, -1};

static void main_usage(FILE *fp)
{
    fprintf(fp, "usage: rdns-milter [-c FILE] [-f] [-t] [-s SOCKET] [-u USER] [-V] [-h]\n"
                "       rdns-milter -S [-c FILE] [-s SOCKET]\n"
                "  -c FILE    config file (default %s if it exists,\n"
                "             else the compiled-in defaults)\n"
                "  -f         stay in the foreground, log to stderr\n"
                "  -t         check the config and exit (0 valid, 2 not)\n"
                "  -s SOCKET  milter socket: unix:/path, inet:PORT@HOST, inet6:PORT@HOST\n"
                "  -u USER    run as USER (overrides milter.user; root only on purpose)\n"
                "  -S         print the running daemon's statistics and exit\n"
                "  -V         print the version and exit\n"
                "  -h         print this help and exit\n",
            MAIN_DEFAULT_CONFIG);
}

static int main_parse(int argc, char **argv, main_opts *o)
{
    int ch;

    while ((ch = getopt(argc, argv, "c:fts:u:SVh")) != -1) {
        switch (ch) {
        case 'c': o->config = optarg; break;
        case 'f': o->foreground = true; break;
        case 't': o->test = true; break;
        case 's': o->socket = optarg; break;
        case 'S': o->stats = true; break;
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

/* Creates the parent directory of a socket or pid file under /run (a
 * tmpfs: it is gone after every boot) or under Postfix's chroot (the
 * default socket; the package and tmpfiles.d make it too), owned by the
 * user we become. */
static void main_make_rundir(const char *file, uid_t uid, gid_t gid)
{
    char dir[MAIN_SOCKET_MAX];
    char *slash;

    if (file == NULL || (strncmp(file, "/run/", 5) != 0 && strncmp(file, "/var/run/", 9) != 0
                         && strncmp(file, "/var/spool/postfix/", 19) != 0))
        return;
    snprintf(dir, sizeof(dir), "%s", file);
    if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
        return;
    *slash = '\0';
    if (mkdir(dir, 0755) == 0) {
        if (uid != (uid_t)-1 && chown(dir, uid, gid) != 0)
            rdns_log_warn("chown %s: %s", dir, strerror(errno));
    } else if (errno != EEXIST) {
        rdns_log_warn("mkdir %s: %s", dir, strerror(errno));
    }
}

/* See BUGS above: find libmilter's listening TCP socket and set
 * TCP_NODELAY, so replies are not held back by Nagle's algorithm meeting
 * the MTA's delayed ACKs (40 ms stalls per message). */
static int main_tcp_nodelay(void)
{
    int done = 0;

    for (int fd = 0; fd < 1024; fd++) {
        int v = 0, domain = 0, one = 1;
        socklen_t len = sizeof(v);

        if (fcntl(fd, F_GETFD) < 0)
            continue;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) != 0 || v != 1)
            continue;
        len = sizeof(domain);
        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0
            || (domain != AF_INET && domain != AF_INET6))
            continue;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
            rdns_log_warn("TCP_NODELAY on listening socket %d: %s", fd, strerror(errno));
            continue;
        }
        done++;
    }
    return done;
}

typedef struct main_ids {
    bool change;                /* run as another user */
    uid_t uid;
    gid_t gid;
    const char *name;           /* the user we run as, for messages */
} main_ids;

/* user: -u, else milter.user. */
static bool main_lookup_ids(const rdns_config *cfg, const char *user, main_ids *ids)
{
    struct passwd *pw;

    ids->change = false;
    ids->uid = (uid_t)-1;
    ids->gid = (gid_t)-1;
    ids->name = user ? user : cfg->user ? cfg->user : "";
    if (ids->name[0] == '\0') {
        if (geteuid() != 0)
            return true;
        /* A filter that parses what spammers send has no business as
         * root; running so must be a choice. */
        fprintf(stderr, "rdns-milter: refusing to run as root: set milter.user, or give "
                        "-u USER (-u root to run as root on purpose)\n");
        rdns_log_err("refusing to run as root: set milter.user, or give -u USER");
        return false;
    }
    if ((pw = getpwnam(ids->name)) == NULL) {
        rdns_log_err("%s %s: no such user", user ? "-u" : "milter.user", ids->name);
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
    if (cfg->group != NULL && cfg->group[0] != '\0') {
        struct group *gr = getgrnam(cfg->group);

        if (gr == NULL) {
            rdns_log_err("milter.group %s: no such group", cfg->group);
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

/* Opens the socket with the configured mode, as root, then hands it to
 * the user we become. */
static bool main_open_socket(const char *spec, const rdns_config *cfg, const main_ids *ids)
{
    const char *path = main_unix_path(spec);
    mode_t old;
    int r;

    main_make_rundir(path, ids->uid, ids->gid);
    if (smfi_setconn((char *)spec) != MI_SUCCESS) {
        rdns_log_err("bad milter socket %s", spec);
        return false;
    }
    old = umask((mode_t)(~cfg->socket_mode & 0777));
    r = smfi_opensocket(true);
    umask(old);
    if (r != MI_SUCCESS) {
        rdns_log_err("cannot open milter socket %s", spec);
        return false;
    }
    if (path != NULL) {
        if (chmod(path, (mode_t)cfg->socket_mode) != 0)
            rdns_log_warn("chmod %s: %s", path, strerror(errno));
        if (ids->change && chown(path, ids->uid, ids->gid) != 0)
            rdns_log_warn("chown %s: %s", path, strerror(errno));
    } else if (main_tcp_nodelay() == 0) {
        rdns_log_warn("could not set TCP_NODELAY on %s", spec);
    } else {
        rdns_log_info("TCP_NODELAY set on the listening socket %s", spec);
    }
    return true;
}

static bool main_daemonize(void)
{
    pid_t pid = fork();
    int fd;

    if (pid < 0) {
        rdns_log_err("fork: %s", strerror(errno));
        return false;
    }
    if (pid > 0)
        _exit(0);
    setsid();
    if (chdir("/") != 0)
        rdns_log_warn("chdir /: %s", strerror(errno));
    if ((fd = open("/dev/null", O_RDWR)) >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
    return true;
}

static bool main_write_pid(const char *file, const main_ids *ids)
{
    FILE *fp;

    if (file == NULL || file[0] == '\0')
        return true;
    main_make_rundir(file, ids->uid, ids->gid);
    if ((fp = fopen(file, "w")) == NULL) {
        rdns_log_err("pid file %s: %s", file, strerror(errno));
        return false;
    }
    fprintf(fp, "%ld\n", (long)getpid());
    if (fclose(fp) != 0) {
        rdns_log_err("pid file %s: %s", file, strerror(errno));
        return false;
    }
    return true;
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
        unsigned char b;
        ssize_t n = read(main_sigpipe[0], &b, 1);

        if (n < 0 && errno == EINTR)
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
    return result;
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
    status = rdns_control_query(ctl);
    rdns_config_free(cfg);
    return status;
}

int main(int argc, char **argv)
{
    main_opts o = {0};
    const char *path;
    const rdns_config *cfg;
    rdns_engine *engine;
    char err[1024], spec[MAIN_SOCKET_MAX], pid_file[MAIN_SOCKET_MAX], ctl[MAIN_SOCKET_MAX];
    struct smfiDesc desc = rdns_callbacks_desc();
    main_ids ids;
    rdns_control *ctl_sock = NULL;
    int result;

    main_parse(argc, argv, &o);
    if (o.stats)
        return main_stats(&o);
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
    if (o.test) {
        printf("%s: configuration OK\n", path ? path : "(defaults)");
        rdns_engine_unref(engine);
        return 0;
    }
    main_socket_spec(o.socket ? o.socket : cfg->socket, spec, sizeof(spec));
    /* Kept: after a reload the engine that named it may be gone. */
    snprintf(pid_file, sizeof(pid_file), "%s", cfg->pid_file ? cfg->pid_file : "");
    rdns_control_path(cfg, spec, ctl, sizeof(ctl));
    rdns_log_open("rdns-milter", o.foreground, cfg->syslog_facility);

    if (!main_lookup_ids(cfg, o.user, &ids) || smfi_register(desc) != MI_SUCCESS
        || smfi_settimeout(MAIN_MILTER_TIMEOUT) != MI_SUCCESS
        || !main_open_socket(spec, cfg, &ids)) {
        rdns_engine_unref(engine);
        return 1;
    }
    main_make_rundir(ctl[0] ? ctl : NULL, ids.uid, ids.gid);
    ctl_sock = rdns_control_open(ctl, rdns_control_interval(cfg), ids.uid, ids.gid);
    if (!o.foreground && !main_daemonize()) {
        rdns_control_stop(ctl_sock);
        return 1;
    }
    if (!main_write_pid(pid_file, &ids) || !main_drop_privileges(&ids, ids.name)) {
        rdns_control_stop(ctl_sock);
        rdns_engine_unref(engine);
        return 1;
    }
    rdns_live_init(engine);
    rdns_stats_start();

    result = main_run(&o, spec, ctl_sock);
    rdns_control_stop(ctl_sock);
    rdns_stats_log();               /* the last word on this run */

    {
        const char *unix_path = main_unix_path(spec);
        struct stat st;

        if (unix_path != NULL && lstat(unix_path, &st) == 0 && S_ISSOCK(st.st_mode))
            unlink(unix_path);
        if (pid_file[0] != '\0' && unlink(pid_file) != 0 && errno != ENOENT)
            rdns_log_warn("pid file %s: %s", pid_file, strerror(errno));
    }
    rdns_live_shutdown();
    rdns_log_info("stopped");
    rdns_log_close();
    return result == MI_SUCCESS ? 0 : 1;
}
