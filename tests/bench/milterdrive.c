/*
 * NAME
 *   milterdrive - benchmark client: plays the MTA's side of the milter
 *   protocol (or of Postfix's policy delegation protocol) for many
 *   concurrent SMTP sessions
 *
 * SYNOPSIS
 *   milterdrive [-c CONC] [-n SESSIONS | -t SECONDS] [-N] [-P] [-v] -s SOCKET STORIES
 *
 * DESCRIPTION
 *   STORIES holds one client a line, fields separated by blanks:
 *       ip helo from rcpt [client_name [reverse_client_name]]
 *   ("<>" for the null sender; '#' starts a comment line). Sessions take
 *   the stories in order, wrapping around when more sessions than stories
 *   are asked for.
 *
 *   Milter mode (default): SOCKET is unix:/PATH or inet:PORT@HOST. Each
 *   session opens its own connection, as Postfix and Sendmail do, and
 *   speaks protocol version 6: OPTNEG offering every action and protocol
 *   flag, then CONNECT, HELO, MAIL, RCPT, DATA, five header fields, EOH,
 *   a body chunk, EOM, QUIT - skipping the steps the filter asked not to
 *   see (SMFIP_NO*) and reading no reply where it asked not to give one
 *   (SMFIP_NR_*), as a real MTA does. Replies read: continue, accept,
 *   reject, tempfail, discard, replycode, skip, progress, and during EOM
 *   the header changes (add, insert, change), which are counted. -v names
 *   on stderr each session that took a second or more. A refusal
 *   ends the session (ABORT after MAIL, then QUIT).
 *
 *   The connect macros are {daemon_name}, and {client_name} and
 *   {client_resolve} as Postfix sends them after its own PTR and forward
 *   lookups: OK with the name when the story's client_name is not
 *   "unknown", else FORGED when it has a reverse_client_name, else FAIL.
 *   -N sends neither, as an MTA that does not look its clients up (Postfix
 *   with smtpd_peername_lookup = no).
 *
 *   Policy mode (-P): SOCKET is inet:PORT@HOST (or unix:/PATH); each
 *   worker keeps one connection open and sends one request per session
 *   (request=smtpd_access_policy, protocol_state=RCPT, ...), as Postfix's
 *   smtpd does, and reads the action= reply.
 *
 *   Every protocol packet is written with one write(2); TCP sockets get
 *   TCP_NODELAY, so the client adds no Nagle/delayed-ACK stalls of its
 *   own. CONC threads run sessions concurrently, each blocking on its own
 *   socket.
 *
 *   Output, one "key=value" a line on stdout: socket type, sessions,
 *   seconds, sessions_per_s, p50_ms, p90_ms, p99_ms, max_ms (session
 *   latency: connect to the final reply), accept, reject, tempfail,
 *   other, errors, headers_changed, slow_1s (sessions that took a
 *   second or more: on loopback, a DNS retry after a lost answer).
 *
 * DIAGNOSTICS
 *   Exit 0 when every session completed; 1 when some failed (counted in
 *   errors, the first few reasons on stderr); 2 for bad arguments.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#define DRIVE_FIELD 256             /* longest story field kept */
#define DRIVE_BUF 65536             /* reply buffer of one connection */
#define DRIVE_TIMEOUT_S 60          /* a stuck filter fails the session */

typedef struct drive_story {
    char ip[64];
    char helo[DRIVE_FIELD];
    char from[DRIVE_FIELD];
    char rcpt[DRIVE_FIELD];
    char name[DRIVE_FIELD];         /* client_name: verified PTR or unknown */
    char rname[DRIVE_FIELD];        /* reverse_client_name */
} drive_story;

typedef enum drive_verdict {
    DRIVE_ACCEPT,
    DRIVE_REJECT,
    DRIVE_TEMPFAIL,
    DRIVE_OTHER,                    /* discard, quarantine */
    DRIVE_ERROR
} drive_verdict;

typedef struct drive_target {
    bool is_unix;
    struct sockaddr_storage sa;
    socklen_t salen;
    char text[300];
} drive_target;

typedef struct drive_conn {
    int fd;
    unsigned char buf[DRIVE_BUF];
    size_t have, used;              /* bytes in buf, bytes consumed */
} drive_conn;

typedef struct drive_worker {
    pthread_t tid;
    struct drive_run *run;
    double *lat;                    /* this worker's latencies, ms */
    size_t nlat, caplat;
    unsigned long verdicts[DRIVE_ERROR + 1];
    unsigned long changes;
    drive_conn *policy;             /* policy mode: the kept connection */
} drive_worker;

typedef struct drive_run {
    drive_target target;
    drive_story *stories;
    size_t nstories;
    unsigned long sessions;         /* 0 with deadline: until the deadline */
    double deadline;                /* monotonic seconds, 0 = none */
    bool policy;
    bool no_names;                  /* -N: no {client_name}, {client_resolve} */
    bool show_slow;                 /* -v: name each session of 1 s or more */
    atomic_ulong next;
    atomic_int errors_shown;
} drive_run;

static double drive_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((format(printf, 2, 3)))
static void drive_complain(drive_run *run, const char *fmt, ...)
{
    va_list ap;

    if (atomic_fetch_add(&run->errors_shown, 1) >= 5)
        return;
    va_start(ap, fmt);
    fprintf(stderr, "milterdrive: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

/* ---- stories ---------------------------------------------------------- */

static void drive_copy(char *dst, const char *src)
{
    snprintf(dst, DRIVE_FIELD, "%s", src ? src : "");
}

static drive_story *drive_load(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "r");
    drive_story *v = NULL;
    size_t cap = 0;
    char line[2048];

    *n = 0;
    if (fp == NULL)
        return NULL;
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *f[6] = {0}, *save = NULL, *tok;
        int k = 0;

        if (line[0] == '#')
            continue;
        for (tok = strtok_r(line, " \t\r\n", &save); tok && k < 6;
             tok = strtok_r(NULL, " \t\r\n", &save))
            f[k++] = tok;
        if (k < 4)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            v = realloc(v, cap * sizeof(*v));
            if (v == NULL) {
                perror("milterdrive");
                exit(2);
            }
        }
        snprintf(v[*n].ip, sizeof(v[*n].ip), "%s", f[0]);
        drive_copy(v[*n].helo, f[1]);
        drive_copy(v[*n].from, f[2]);
        drive_copy(v[*n].rcpt, f[3]);
        drive_copy(v[*n].name, f[4] ? f[4] : "unknown");
        drive_copy(v[*n].rname, f[5] ? f[5] : v[*n].name);
        (*n)++;
    }
    fclose(fp);
    return v;
}

/* ---- sockets ---------------------------------------------------------- */

static bool drive_parse_target(const char *spec, drive_target *t)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->text, sizeof(t->text), "%s", spec);
    if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *)&t->sa;
        const char *p = strchr(spec, ':') + 1;

        if (strlen(p) >= sizeof(un->sun_path))
            return false;
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, p);
        t->salen = sizeof(*un);
        t->is_unix = true;
        return true;
    }
    if (strncmp(spec, "inet:", 5) == 0 || strncmp(spec, "inet6:", 6) == 0) {
        char port[16], host[256];
        const char *p = strchr(spec, ':') + 1, *at = strchr(p, '@');
        struct addrinfo hints = {0}, *ai;

        if (at == NULL || (size_t)(at - p) >= sizeof(port))
            return false;
        memcpy(port, p, (size_t)(at - p));
        port[at - p] = '\0';
        snprintf(host, sizeof(host), "%s", at + 1);
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
        if (getaddrinfo(host, port, &hints, &ai) != 0)
            return false;
        memcpy(&t->sa, ai->ai_addr, ai->ai_addrlen);
        t->salen = ai->ai_addrlen;
        freeaddrinfo(ai);
        return true;
    }
    return false;
}

static int drive_connect(const drive_target *t)
{
    struct timeval tv = {DRIVE_TIMEOUT_S, 0};
    int one = 1;
    int fd = socket(t->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (!t->is_unix)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    while (connect(fd, (const struct sockaddr *)&t->sa, t->salen) != 0) {
        if (errno == EINTR)
            continue;
        close(fd);
        return -1;
    }
    return fd;
}

static bool drive_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

/* Makes at least want bytes available in c->buf from c->used on. */
static bool drive_fill(drive_conn *c, size_t want)
{
    if (want > sizeof(c->buf))
        return false;
    if (c->used > 0 && c->have - c->used < want) {
        memmove(c->buf, c->buf + c->used, c->have - c->used);
        c->have -= c->used;
        c->used = 0;
    }
    while (c->have - c->used < want) {
        ssize_t r = recv(c->fd, c->buf + c->have, sizeof(c->buf) - c->have, 0);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        c->have += (size_t)r;
    }
    return true;
}

/* ---- milter packets --------------------------------------------------- */

typedef struct drive_pkt {
    unsigned char b[4 + 1 + 4 * DRIVE_FIELD + 64];
    size_t n;
} drive_pkt;

static void drive_pkt_start(drive_pkt *p, char cmd)
{
    p->n = 5;
    p->b[4] = (unsigned char)cmd;
}

static void drive_pkt_bytes(drive_pkt *p, const void *d, size_t n)
{
    if (p->n + n > sizeof(p->b))
        n = sizeof(p->b) - p->n;    /* story fields are bounded; never */
    memcpy(p->b + p->n, d, n);
    p->n += n;
}

static void drive_pkt_str(drive_pkt *p, const char *s)
{
    drive_pkt_bytes(p, s, strlen(s) + 1);
}

static void drive_pkt_u32(drive_pkt *p, uint32_t v)
{
    uint32_t be = htonl(v);

    drive_pkt_bytes(p, &be, 4);
}

static bool drive_pkt_send(drive_conn *c, drive_pkt *p)
{
    uint32_t len = htonl((uint32_t)(p->n - 4));

    memcpy(p->b, &len, 4);
    return drive_write_all(c->fd, p->b, p->n);
}

/* Reads one reply packet: its command byte, data and length. */
static bool drive_read_reply(drive_conn *c, char *cmd, const unsigned char **data, size_t *len)
{
    uint32_t n;

    if (!drive_fill(c, 4))
        return false;
    memcpy(&n, c->buf + c->used, 4);
    n = ntohl(n);
    if (n == 0 || n > sizeof(c->buf) - 4 || !drive_fill(c, 4 + n))
        return false;
    *cmd = (char)c->buf[c->used + 4];
    *data = c->buf + c->used + 5;
    *len = n - 1;
    c->used += 4 + n;
    return true;
}

typedef enum drive_step {
    STEP_GO,                        /* continue with the session */
    STEP_END,                       /* the filter decided; verdict set */
    STEP_FAIL
} drive_step;

/* Reads replies until a final one; header changes are counted (valid at
 * EOM only, but counted wherever they come). */
static drive_step drive_reply(drive_conn *c, drive_worker *w, drive_verdict *v)
{
    for (;;) {
        const unsigned char *d;
        size_t n;
        char cmd;

        if (!drive_read_reply(c, &cmd, &d, &n))
            return STEP_FAIL;
        switch (cmd) {
        case SMFIR_CONTINUE:
        case SMFIR_SKIP:
            return STEP_GO;
        case SMFIR_ACCEPT:
            *v = DRIVE_ACCEPT;
            return STEP_END;
        case SMFIR_REJECT:
            *v = DRIVE_REJECT;
            return STEP_END;
        case SMFIR_TEMPFAIL:
        case SMFIR_CONN_FAIL:
        case SMFIR_SHUTDOWN:
            *v = DRIVE_TEMPFAIL;
            return STEP_END;
        case SMFIR_DISCARD:
            *v = DRIVE_OTHER;
            return STEP_END;
        case SMFIR_REPLYCODE:
            *v = n > 0 && d[0] == '5' ? DRIVE_REJECT
                 : n > 0 && d[0] == '4' ? DRIVE_TEMPFAIL : DRIVE_OTHER;
            return STEP_END;
        case SMFIR_ADDHEADER:
        case SMFIR_INSHEADER:
        case SMFIR_CHGHEADER:
            w->changes++;
            break;
        case SMFIR_PROGRESS:
        case SMFIR_QUARANTINE:
        case SMFIR_ADDRCPT:
        case SMFIR_DELRCPT:
        case SMFIR_ADDRCPT_PAR:
        case SMFIR_CHGFROM:
        case SMFIR_REPLBODY:
        case SMFIR_SETSYMLIST:
            break;
        default:
            return STEP_FAIL;
        }
    }
}

/* Sends one step unless the filter asked to skip it (skipflag in its
 * protocol flags), and reads its reply unless it asked for none. */
static drive_step drive_step_send(drive_conn *c, drive_worker *w, drive_pkt *p,
                                  unsigned long prot, unsigned long skipflag,
                                  unsigned long noreply, drive_verdict *v)
{
    if (skipflag != 0 && (prot & skipflag))
        return STEP_GO;
    if (!drive_pkt_send(c, p))
        return STEP_FAIL;
    if (noreply != 0 && (prot & noreply))
        return STEP_GO;
    return drive_reply(c, w, v);
}

/* One macro packet for stage: nv holds name, value, ..., NULL. */
static bool drive_macros(drive_conn *c, char stage, const char *const *nv)
{
    drive_pkt p;
    char s[2] = {stage, 0};

    drive_pkt_start(&p, SMFIC_MACRO);
    drive_pkt_bytes(&p, s, 1);
    for (; nv[0] != NULL; nv += 2) {
        drive_pkt_str(&p, nv[0]);
        drive_pkt_str(&p, nv[1]);
    }
    return drive_pkt_send(c, &p);
}

/* What Postfix says in {client_resolve} about the story's names: OK when
 * the name was forward-confirmed, FORGED when a PTR name did not confirm,
 * FAIL when there was none. */
static const char *drive_resolve(const drive_story *s)
{
    if (strcmp(s->name, "unknown") != 0)
        return "OK";
    return strcmp(s->rname, "unknown") != 0 ? "FORGED" : "FAIL";
}

static void drive_angle(char *out, size_t len, const char *addr)
{
    if (addr[0] == '<')
        snprintf(out, len, "%s", addr);
    else
        snprintf(out, len, "<%s>", addr);
}

/* Everything after the negotiation; returns the verdict. */
static drive_verdict drive_milter_steps(drive_conn *c, drive_worker *w, const drive_story *s,
                                        unsigned long prot, unsigned long idx)
{
    static const char *const hdrs[][2] = {
        {"From", "Bench <bench@sender.invalid>"},
        {"To", "<user@rcpt.invalid>"},
        {"Subject", "benchmark message"},
        {"Date", "Mon, 1 Jan 2024 00:00:00 +0000"},
        {"Message-ID", "<bench@sender.invalid>"},
    };
    drive_verdict v = DRIVE_ACCEPT;
    bool in_mail = false;           /* a transaction is open */
    drive_step st;
    drive_pkt p;
    char qid[32], addr[DRIVE_FIELD + 3];
    bool six = strchr(s->ip, ':') != NULL;
    uint16_t port = htons((uint16_t)(1024 + idx % 60000));

#define DRIVE_DO(call)                                                  \
    do {                                                                \
        st = (call);                                                    \
        if (st == STEP_FAIL)                                            \
            return DRIVE_ERROR;                                         \
        if (st == STEP_END)                                             \
            goto decided;                                               \
    } while (0)

    snprintf(qid, sizeof(qid), "B%lX", idx);
    {
        const char *const conn[] = {"{daemon_name}", "bench", "{client_name}", s->name,
                                    "{client_resolve}", drive_resolve(s), NULL};
        const char *const bare[] = {"{daemon_name}", "bench", NULL};

        if (!(prot & SMFIP_NOCONNECT)
            && !drive_macros(c, SMFIC_CONNECT, w->run->no_names ? bare : conn))
            return DRIVE_ERROR;
    }
    drive_pkt_start(&p, SMFIC_CONNECT);
    drive_pkt_str(&p, s->name);
    drive_pkt_bytes(&p, six ? "6" : "4", 1);
    drive_pkt_bytes(&p, &port, 2);
    drive_pkt_str(&p, s->ip);
    DRIVE_DO(drive_step_send(c, w, &p, prot, SMFIP_NOCONNECT, SMFIP_NR_CONN, &v));

    drive_pkt_start(&p, SMFIC_HELO);
    drive_pkt_str(&p, s->helo);
    DRIVE_DO(drive_step_send(c, w, &p, prot, SMFIP_NOHELO, SMFIP_NR_HELO, &v));

    if (!(prot & SMFIP_NOMAIL)
        && !drive_macros(c, SMFIC_MAIL, (const char *const[]){"i", qid, NULL}))
        return DRIVE_ERROR;
    in_mail = true;
    drive_pkt_start(&p, SMFIC_MAIL);
    drive_angle(addr, sizeof(addr), s->from);
    drive_pkt_str(&p, addr);
    DRIVE_DO(drive_step_send(c, w, &p, prot, SMFIP_NOMAIL, SMFIP_NR_MAIL, &v));

    drive_pkt_start(&p, SMFIC_RCPT);
    drive_angle(addr, sizeof(addr), s->rcpt);
    drive_pkt_str(&p, addr);
    DRIVE_DO(drive_step_send(c, w, &p, prot, SMFIP_NORCPT, SMFIP_NR_RCPT, &v));

    drive_pkt_start(&p, SMFIC_DATA);
    DRIVE_DO(drive_step_send(c, w, &p, prot, SMFIP_NODATA, SMFIP_NR_DATA, &v));
    for (size_t i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
        drive_pkt_start(&p, SMFIC_HEADER);
        drive_pkt_str(&p, hdrs[i][0]);
        drive_pkt_str(&p, hdrs[i][1]);
        DRIVE_DO(drive_step_send(c, w, &p, prot, SMFIP_NOHDRS, SMFIP_NR_HDR, &v));
    }
    drive_pkt_start(&p, SMFIC_EOH);
    DRIVE_DO(drive_step_send(c, w, &p, prot, SMFIP_NOEOH, SMFIP_NR_EOH, &v));
    drive_pkt_start(&p, SMFIC_BODY);
    drive_pkt_bytes(&p, "Hello.\r\n", 8);
    DRIVE_DO(drive_step_send(c, w, &p, prot, SMFIP_NOBODY, SMFIP_NR_BODY, &v));

    if (!drive_macros(c, SMFIC_BODYEOB, (const char *const[]){"i", qid, NULL}))
        return DRIVE_ERROR;
    drive_pkt_start(&p, SMFIC_BODYEOB);
    DRIVE_DO(drive_step_send(c, w, &p, prot, 0, 0, &v));
    return DRIVE_ACCEPT;
#undef DRIVE_DO

decided:
    /* A refusal at MAIL or RCPT leaves a transaction open: an MTA aborts
     * it before the client quits. */
    if (in_mail) {
        drive_pkt_start(&p, SMFIC_ABORT);
        if (!drive_pkt_send(c, &p))
            return DRIVE_ERROR;
    }
    return v;
}

static drive_verdict drive_milter_session(drive_worker *w, const drive_story *s,
                                          unsigned long idx)
{
    drive_run *run = w->run;
    drive_conn *c = malloc(sizeof(*c));
    drive_verdict v = DRIVE_ERROR;
    const unsigned char *d;
    unsigned long prot;
    uint32_t f[3];
    size_t n;
    drive_pkt p;
    char cmd;

    if (c == NULL)
        return DRIVE_ERROR;
    c->have = c->used = 0;
    if ((c->fd = drive_connect(&run->target)) < 0) {
        drive_complain(run, "connect %s: %s", run->target.text, strerror(errno));
        free(c);
        return DRIVE_ERROR;
    }
    drive_pkt_start(&p, SMFIC_OPTNEG);
    drive_pkt_u32(&p, SMFI_PROT_VERSION);
    drive_pkt_u32(&p, SMFI_CURR_ACTS);
    drive_pkt_u32(&p, SMFI_CURR_PROT);
    if (!drive_pkt_send(c, &p) || !drive_read_reply(c, &cmd, &d, &n) || cmd != SMFIC_OPTNEG
        || n < 12) {
        drive_complain(run, "option negotiation failed");
        goto out;
    }
    memcpy(f, d, 12);
    prot = ntohl(f[2]);
    v = drive_milter_steps(c, w, s, prot, idx);
    if (v == DRIVE_ERROR) {
        drive_complain(run, "session for %s: protocol error or timeout", s->ip);
        goto out;
    }
    drive_pkt_start(&p, SMFIC_QUIT);
    drive_pkt_send(c, &p);
out:
    close(c->fd);
    free(c);
    return v;
}

/* ---- policy delegation ------------------------------------------------ */

static drive_verdict drive_policy_once(drive_conn *c, const drive_story *s, unsigned long idx)
{
    char req[4096], from[DRIVE_FIELD];
    const char *end;
    int n;

    snprintf(from, sizeof(from), "%s", strcmp(s->from, "<>") == 0 ? "" : s->from);
    n = snprintf(req, sizeof(req),
                 "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
                 "client_address=%s\nclient_name=%s\nreverse_client_name=%s\n"
                 "client_port=%lu\nhelo_name=%s\nsender=%s\nrecipient=%s\n"
                 "recipient_count=0\nqueue_id=\ninstance=bench.%lx.0\nsize=0\n"
                 "etrn_domain=\nstress=\nsasl_method=\nsasl_username=\nsasl_sender=\n"
                 "ccert_subject=\nccert_issuer=\nccert_fingerprint=\n"
                 "encryption_protocol=\nencryption_cipher=\nencryption_keysize=0\n"
                 "server_address=127.0.0.1\nserver_port=25\n\n",
                 s->ip, s->name, s->rname, 1024 + idx % 60000, s->helo, from, s->rcpt, idx);
    if (n < 0 || (size_t)n >= sizeof(req) || !drive_write_all(c->fd, req, (size_t)n))
        return DRIVE_ERROR;
    c->have = c->used = 0;
    for (;;) {
        ssize_t r;

        c->buf[c->have] = '\0';
        if ((end = strstr((char *)c->buf, "\n\n")) != NULL)
            break;
        if (c->have + 1 >= sizeof(c->buf))
            return DRIVE_ERROR;
        r = recv(c->fd, c->buf + c->have, sizeof(c->buf) - 1 - c->have, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return DRIVE_ERROR;
        c->have += (size_t)r;
    }
    {
        const char *a = strstr((char *)c->buf, "action=");
        char w[32];
        size_t k = 0;

        if (a == NULL)
            return DRIVE_ERROR;
        a += 7;
        while (a[k] && a[k] != '\n' && a[k] != ' ' && k < sizeof(w) - 1) {
            w[k] = a[k];
            k++;
        }
        w[k] = '\0';
        if (w[0] == '5' || strcasecmp(w, "REJECT") == 0)
            return DRIVE_REJECT;
        if (w[0] == '4' || strcasecmp(w, "DEFER") == 0 || strcasecmp(w, "DEFER_IF_PERMIT") == 0)
            return DRIVE_TEMPFAIL;
        if (strcasecmp(w, "DISCARD") == 0 || strcasecmp(w, "HOLD") == 0)
            return DRIVE_OTHER;
        return DRIVE_ACCEPT;        /* DUNNO, OK, PREPEND, PERMIT */
    }
}

static drive_verdict drive_policy_session(drive_worker *w, const drive_story *s,
                                          unsigned long idx)
{
    drive_run *run = w->run;

    /* A server may close a kept connection (idle or request limits):
     * reconnect once, as Postfix would. */
    for (int attempt = 0; attempt < 2; attempt++) {
        drive_verdict v;

        if (w->policy->fd < 0 && (w->policy->fd = drive_connect(&run->target)) < 0) {
            drive_complain(run, "connect %s: %s", run->target.text, strerror(errno));
            return DRIVE_ERROR;
        }
        v = drive_policy_once(w->policy, s, idx);
        if (v != DRIVE_ERROR)
            return v;
        close(w->policy->fd);
        w->policy->fd = -1;
    }
    drive_complain(run, "policy request for %s failed", s->ip);
    return DRIVE_ERROR;
}

/* ---- workers and figures ---------------------------------------------- */

static void drive_record(drive_worker *w, double ms)
{
    if (w->nlat == w->caplat) {
        w->caplat = w->caplat ? w->caplat * 2 : 4096;
        w->lat = realloc(w->lat, w->caplat * sizeof(double));
        if (w->lat == NULL) {
            perror("milterdrive");
            exit(2);
        }
    }
    w->lat[w->nlat++] = ms;
}

static void *drive_worker_main(void *arg)
{
    drive_worker *w = arg;
    drive_run *run = w->run;

    for (;;) {
        unsigned long idx = atomic_fetch_add(&run->next, 1);
        const drive_story *s;
        double t0;
        drive_verdict v;

        if (run->sessions != 0 && idx >= run->sessions)
            break;
        if (run->deadline != 0 && drive_now() >= run->deadline)
            break;
        s = &run->stories[idx % run->nstories];
        t0 = drive_now();
        v = run->policy ? drive_policy_session(w, s, idx) : drive_milter_session(w, s, idx);
        w->verdicts[v]++;
        if (v != DRIVE_ERROR) {
            double ms = (drive_now() - t0) * 1000.0;

            drive_record(w, ms);
            if (run->show_slow && ms >= 1000.0)
                fprintf(stderr, "slow %.0f ms: %s %s %s verdict=%d\n", ms, s->ip, s->helo,
                        s->from, (int)v);
        }
    }
    if (w->policy != NULL && w->policy->fd >= 0)
        close(w->policy->fd);
    return NULL;
}

static int drive_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double drive_pct(const double *v, size_t n, double p)
{
    size_t i;

    if (n == 0)
        return 0;
    i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static void drive_usage(void)
{
    fprintf(stderr, "usage: milterdrive [-c CONC] [-n SESSIONS | -t SECONDS] [-N] [-P] [-v] "
                    "-s unix:PATH|inet:PORT@HOST STORIES\n");
    exit(2);
}

int main(int argc, char **argv)
{
    drive_run run;
    drive_worker *w;
    const char *spec = NULL;
    unsigned long conc = 10, total[DRIVE_ERROR + 1] = {0}, changes = 0;
    double seconds = 0, t0, elapsed, *all;
    size_t nall = 0, slow = 0;
    int opt;

    memset(&run, 0, sizeof(run));
    while ((opt = getopt(argc, argv, "c:n:t:NPs:v")) != -1) {
        switch (opt) {
        case 'c': conc = strtoul(optarg, NULL, 10); break;
        case 'n': run.sessions = strtoul(optarg, NULL, 10); break;
        case 't': seconds = strtod(optarg, NULL); break;
        case 'N': run.no_names = true; break;
        case 'P': run.policy = true; break;
        case 's': spec = optarg; break;
        case 'v': run.show_slow = true; break;
        default: drive_usage();
        }
    }
    if (spec == NULL || optind != argc - 1 || conc == 0 || conc > 5000)
        drive_usage();
    if (!drive_parse_target(spec, &run.target)) {
        fprintf(stderr, "milterdrive: bad socket %s\n", spec);
        return 2;
    }
    run.stories = drive_load(argv[optind], &run.nstories);
    if (run.nstories == 0) {
        fprintf(stderr, "milterdrive: no stories in %s\n", argv[optind]);
        return 2;
    }
    if (run.sessions == 0 && seconds <= 0)
        run.sessions = run.nstories;
    w = calloc(conc, sizeof(*w));
    t0 = drive_now();
    if (seconds > 0)
        run.deadline = t0 + seconds;
    for (unsigned long i = 0; i < conc; i++) {
        pthread_attr_t attr;

        w[i].run = &run;
        if (run.policy) {
            w[i].policy = malloc(sizeof(drive_conn));
            w[i].policy->fd = -1;
        }
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        if (pthread_create(&w[i].tid, &attr, drive_worker_main, &w[i]) != 0) {
            fprintf(stderr, "milterdrive: cannot start thread %lu\n", i);
            return 2;
        }
        pthread_attr_destroy(&attr);
    }
    for (unsigned long i = 0; i < conc; i++) {
        pthread_join(w[i].tid, NULL);
        nall += w[i].nlat;
    }
    elapsed = drive_now() - t0;
    all = malloc((nall + 1) * sizeof(double));
    nall = 0;
    for (unsigned long i = 0; i < conc; i++) {
        if (w[i].nlat > 0)
            memcpy(all + nall, w[i].lat, w[i].nlat * sizeof(double));
        nall += w[i].nlat;
        for (int k = 0; k <= DRIVE_ERROR; k++)
            total[k] += w[i].verdicts[k];
        changes += w[i].changes;
        free(w[i].lat);
        free(w[i].policy);
    }
    qsort(all, nall, sizeof(double), drive_cmp);
    while (slow < nall && all[nall - 1 - slow] >= 1000.0)
        slow++;
    printf("mode=%s\nsocket=%s\nsocket_type=%s\nconcurrency=%lu\nsessions=%zu\n"
           "seconds=%.3f\nsessions_per_s=%.1f\n",
           run.policy ? "policy" : "milter", run.target.text,
           run.target.is_unix ? "unix" : "tcp", conc, nall, elapsed,
           elapsed > 0 ? (double)nall / elapsed : 0);
    printf("p50_ms=%.3f\np90_ms=%.3f\np99_ms=%.3f\nmax_ms=%.3f\n", drive_pct(all, nall, 0.50),
           drive_pct(all, nall, 0.90), drive_pct(all, nall, 0.99),
           nall ? all[nall - 1] : 0.0);
    printf("accept=%lu\nreject=%lu\ntempfail=%lu\nother=%lu\nerrors=%lu\n"
           "headers_changed=%lu\nslow_1s=%zu\n",
           total[DRIVE_ACCEPT], total[DRIVE_REJECT], total[DRIVE_TEMPFAIL], total[DRIVE_OTHER],
           total[DRIVE_ERROR], changes, slow);
    free(all);
    free(w);
    free(run.stories);
    return total[DRIVE_ERROR] ? 1 : 0;
}
