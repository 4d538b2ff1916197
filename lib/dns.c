/*
 * NAME
 *   dns - stub resolver for PTR, A, AAAA and MX, with hard deadlines
 * SYNOPSIS
 *   #include "dns.h"
 * DESCRIPTION
 *   Packets are built and parsed by ldns; transport is our own. Each try
 *   sends one query with a random ID from getrandom(2) on a UDP socket
 *   connected to the server, so the kernel drops datagrams from anyone
 *   else: a fresh socket (a fresh source port) per try, except to a
 *   server on loopback, where a thread keeps its socket (dns_sock.h).
 *   A reply is believed only when it has our ID, QR set, opcode QUERY
 *   and exactly our question (name compared case-insensitively, type,
 *   class IN); anything else is ignored and we keep waiting until the
 *   try's time is up. A truncated reply (TC) makes us ask the same server
 *   the same question over TCP.
 *
 *   No EDNS0 is sent: every reply we need fits 512 bytes except rare huge
 *   PTR sets, and those come back truncated and are fetched over TCP. This
 *   keeps the path through middleboxes and old servers the simplest.
 *
 *   SERVFAIL, REFUSED, any other error rcode, a malformed reply with our ID
 *   and a timeout end one try; the next server is asked, for 1 + retries
 *   rounds, and if none gives a usable answer the lookup is TEMPFAIL with
 *   a detail for people ("timeout after 2 tries to 127.0.0.1:5353").
 *
 *   CNAMEs are followed in the answer section, and when a chain ends
 *   without data and without a negative answer (no SOA), the last target
 *   is queried anew. At most max_cname_depth links are followed in all; a
 *   longer chain or a name seen twice is TEMPFAIL.
 *
 *   Results are bounded: at most DNS_MAX_RECORDS names (DNS_MAX_ADDRS
 *   addresses, which no one message can exceed) are kept, names
 *   longer than RDNS_NAME_MAX in presentation form are dropped, and replies
 *   are read into a buffer of fixed size.
 *
 *   Answers are cached (cache.h) by (name, type) for their TTL, clamped to
 *   the options' bounds; TEMPFAIL and TTL 0 answers never are. A lookup
 *   asks the cache first, and a hit costs no packet and no deadline;
 *   threads missing the same question at once send one query and share
 *   its answer (rdns_cache_fetch).
 *   rdns_dns_reply_parse (dns_reply.h) runs the reply-reading half of a
 *   lookup on given bytes, for the fuzzer; lookups run the same code.
 * THREADS
 *   An rdns_dns is read-only after rdns_dns_create except for its cache,
 *   which locks per shard, and its average exchange time (an atomic hint,
 *   see rdns_dns_rtt_us); every lookup uses only its own packets and
 *   sockets (or its thread's kept one), so one rdns_dns serves all threads.
 */
#include "dns.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cache.h"
#include "clock.h"
#include "dns_reply.h"
#include "dns_sock.h"
#include "mem.h"
#include "name.h"

#define DNS_MAX_SERVERS   8
#define DNS_MAX_RECORDS   RDNS_DNS_MAX_NAMES   /* PTR/MX names kept per answer */
#define DNS_MAX_ADDRS     RDNS_DNS_MAX_ADDRS   /* A/AAAA kept: more than one 64 KiB
                                                  message can hold, so an address
                                                  set is never cut (a cut one could
                                                  make FCrDNS fail falsely) */
#define DNS_MAX_DEPTH     32          /* upper bound on max_cname_depth */
#define DNS_BUF_SIZE      65536       /* one UDP datagram or TCP message */
#define DNS_RESOLV_CONF   "/etc/resolv.conf"

typedef struct dns_server {
    struct sockaddr_storage sa;
    socklen_t salen;
    char text[64];                   /* "127.0.0.1:5353", for details */
    bool loopback;                   /* its UDP socket may be kept (dns_sock.h) */
} dns_server;

struct rdns_dns {
    dns_server srv[DNS_MAX_SERVERS];
    size_t nsrv;
    int timeout_ms;
    int retries;
    int max_cname_depth;
    rdns_cache *cache;               /* NULL: no cache */
    uint64_t owner;                  /* tells kept sockets apart (dns_sock.h) */
    _Atomic int64_t rtt_us;          /* average time of a network exchange,
                                        -1 until one is made */
};

/* One question on the wire and what we must see echoed. */
typedef struct dns_question {
    const ldns_rdf *qname;
    ldns_rr_type qtype;
    uint16_t id;
    uint8_t *wire;
    size_t wirelen;
} dns_question;

/* Why the tries of one exchange failed, for the TEMPFAIL detail. */
typedef struct dns_trace {
    int tries;
    int timeouts;
    char last[112];                  /* last non-timeout failure */
    const char *last_server;
    const char *first_server;
} dns_trace;

typedef enum dns_try_result {
    DNS_TRY_ANSWER,                  /* *pkt holds a NOERROR/NXDOMAIN reply */
    DNS_TRY_TRUNCATED,               /* ask again over TCP */
    DNS_TRY_TIMEOUT,
    DNS_TRY_FAILED                   /* trace->last says why */
} dns_try_result;

typedef enum dns_check {
    DNS_REPLY_OK,
    DNS_REPLY_IGNORE,                /* not ours: keep waiting */
    DNS_REPLY_MALFORMED
} dns_check;

/* ---- servers ----------------------------------------------------------- */

static bool dns_server_parse(const char *text, dns_server *out)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *port_text = NULL;
    unsigned long port = 53;
    size_t hlen;

    memset(out, 0, sizeof(*out));
    if (text[0] == '[') {
        const char *close = strchr(text, ']');

        if (close == NULL)
            return false;
        hlen = (size_t)(close - text - 1);
        if (hlen >= sizeof(host))
            return false;
        memcpy(host, text + 1, hlen);
        host[hlen] = '\0';
        if (close[1] == ':')
            port_text = close + 2;
        else if (close[1] != '\0')
            return false;
    } else {
        const char *colon = strchr(text, ':');

        /* One colon: v4 with port. Several: a bare IPv6 address. */
        if (colon != NULL && strchr(colon + 1, ':') == NULL) {
            hlen = (size_t)(colon - text);
            port_text = colon + 1;
        } else {
            hlen = strlen(text);
        }
        if (hlen >= sizeof(host))
            return false;
        memcpy(host, text, hlen);
        host[hlen] = '\0';
    }
    if (port_text != NULL) {
        char *end;

        if (!isdigit((unsigned char)*port_text))
            return false;
        errno = 0;
        port = strtoul(port_text, &end, 10);
        if (errno != 0 || *end != '\0' || port == 0 || port > 65535)
            return false;
    }

    struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&out->sa;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)&out->sa;

    if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        out->salen = sizeof(*sin);
        snprintf(out->text, sizeof(out->text), "%s:%lu", host, port);
    } else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        out->salen = sizeof(*sin6);
        snprintf(out->text, sizeof(out->text), "[%s]:%lu", host, port);
    } else {
        return false;
    }
    out->loopback = rdns_dns_sock_loopback((const struct sockaddr *)&out->sa);
    return true;
}

/* Adds the nameserver lines of resolv.conf (address only, port 53). */
static void dns_read_resolv_conf(rdns_dns *dns, const char *path)
{
    FILE *fp = fopen(path, "re");
    char line[512];

    if (fp == NULL)
        return;
    while (fgets(line, sizeof(line), fp) != NULL && dns->nsrv < DNS_MAX_SERVERS) {
        char *save = NULL;
        char *kw = strtok_r(line, " \t\r\n", &save);
        char *val = kw ? strtok_r(NULL, " \t\r\n", &save) : NULL;
        char *pct;
        char text[INET6_ADDRSTRLEN + 8];

        if (kw == NULL || val == NULL || strcmp(kw, "nameserver") != 0)
            continue;
        if ((pct = strchr(val, '%')) != NULL)    /* link-local scope: unsupported */
            *pct = '\0';
        if (strchr(val, ':') != NULL)
            snprintf(text, sizeof(text), "[%s]", val);
        else
            snprintf(text, sizeof(text), "%s", val);
        if (dns_server_parse(text, &dns->srv[dns->nsrv]))
            dns->nsrv++;
    }
    fclose(fp);
}

/* The options' cache fields: 0 means the default, a negative size none. */
static void dns_cache_create(rdns_dns *dns, const rdns_dns_options *opts)
{
    rdns_cache_options co;
    int size = opts ? opts->cache_size : 0;

    memset(&co, 0, sizeof(co));
    if (size < 0)
        return;
    co.max_entries = size > 0 ? (size_t)size : RDNS_DNS_CACHE_SIZE_DEFAULT;
    co.max_ttl = opts && opts->cache_max_ttl > 0 ? (uint32_t)opts->cache_max_ttl
                                                 : RDNS_DNS_CACHE_MAX_TTL_DEFAULT;
    co.min_ttl = opts && opts->cache_min_ttl > 0 ? (uint32_t)opts->cache_min_ttl : 0;
    dns->cache = rdns_cache_create(&co);
}

rdns_dns *rdns_dns_create(const rdns_dns_options *opts, char *err, size_t errlen)
{
    rdns_dns *dns = rdns_calloc(1, sizeof(*dns));

    dns->owner = rdns_dns_sock_owner();
    atomic_init(&dns->rtt_us, -1);
    dns->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 2000;
    dns->retries = opts && opts->retries >= 0 ? opts->retries : 1;
    if (dns->retries > 10)
        dns->retries = 10;
    dns->max_cname_depth = opts && opts->max_cname_depth >= 0 ? opts->max_cname_depth : 8;
    if (dns->max_cname_depth > DNS_MAX_DEPTH)
        dns->max_cname_depth = DNS_MAX_DEPTH;

    dns_cache_create(dns, opts);
    if (opts && opts->servers && opts->servers->n > 0) {
        if (opts->servers->n > DNS_MAX_SERVERS) {
            snprintf(err, errlen, "too many DNS servers (at most %d)", DNS_MAX_SERVERS);
            rdns_dns_free(dns);
            return NULL;
        }
        for (size_t i = 0; i < opts->servers->n; i++) {
            if (!dns_server_parse(opts->servers->v[i], &dns->srv[dns->nsrv])) {
                char clean[80];

                rdns_sanitize(clean, sizeof(clean), opts->servers->v[i],
                              strlen(opts->servers->v[i]));
                snprintf(err, errlen, "bad DNS server \"%s\" (want IP, IP:PORT or [IPv6]:PORT)",
                         clean);
                rdns_dns_free(dns);
                return NULL;
            }
            dns->nsrv++;
        }
        return dns;
    }
    dns_read_resolv_conf(dns, DNS_RESOLV_CONF);
    if (dns->nsrv == 0) {
        snprintf(err, errlen, "no usable nameserver in %s", DNS_RESOLV_CONF);
        rdns_dns_free(dns);
        return NULL;
    }
    return dns;
}

void rdns_dns_free(rdns_dns *dns)
{
    if (dns == NULL)
        return;
    rdns_cache_free(dns->cache);
    free(dns);
}

/* ---- one question, one reply ------------------------------------------- */

/* ldns's own ldns_pkt2wire and ldns_rdf2str start from a 64 KiB buffer;
 * several such blocks per lookup, freed between cache entries allocated
 * meanwhile, left the heap two-thirds free and RSS growing in a soak.
 * These start small (ldns buffers grow when needed). */
#define DNS_LDNS_BUF 512

/* pkt in wire format into *wire (malloc'd, the caller frees), *len. */
static bool dns_pkt_wire(const ldns_pkt *pkt, uint8_t **wire, size_t *len)
{
    ldns_buffer *b = ldns_buffer_new(DNS_LDNS_BUF);
    bool ok;

    if (b == NULL)
        return false;
    ok = ldns_pkt2buffer_wire(b, pkt) == LDNS_STATUS_OK;
    if (ok) {
        *len = ldns_buffer_position(b);
        *wire = ldns_buffer_export(b);   /* now ours; free() frees it */
    }
    ldns_buffer_free(b);
    return ok;
}

/* rdf in presentation form (malloc'd, the caller frees), or NULL. */
static char *dns_rdf_text(const ldns_rdf *rdf)
{
    ldns_buffer *b = ldns_buffer_new(DNS_LDNS_BUF);
    char *s = NULL;

    if (b == NULL)
        return NULL;
    if (ldns_rdf2buffer_str(b, rdf) == LDNS_STATUS_OK)
        s = ldns_buffer_export2str(b);
    ldns_buffer_free(b);
    return s;
}

static bool dns_question_build(dns_question *q, const ldns_rdf *qname, ldns_rr_type type)
{
    ldns_pkt *pkt;
    bool ok;

    q->qname = qname;
    q->qtype = type;
    q->wire = NULL;
    q->wirelen = 0;
    if (!rdns_dns_sock_id(&q->id))
        return false;
    pkt = ldns_pkt_query_new(ldns_rdf_clone(qname), type, LDNS_RR_CLASS_IN, LDNS_RD);
    if (pkt == NULL)
        return false;
    ldns_pkt_set_id(pkt, q->id);
    ok = dns_pkt_wire(pkt, &q->wire, &q->wirelen);
    ldns_pkt_free(pkt);
    return ok;
}

static const char *dns_rcode_str(ldns_pkt_rcode rc)
{
    switch (rc) {
    case LDNS_RCODE_FORMERR:  return "FORMERR";
    case LDNS_RCODE_SERVFAIL: return "SERVFAIL";
    case LDNS_RCODE_NOTIMPL:  return "NOTIMP";
    case LDNS_RCODE_REFUSED:  return "REFUSED";
    default:                  return "error rcode";
    }
}

/* Replies dropped as not ours (rdns_dns_unwanted_count): process-wide. */
static atomic_uint_least64_t dns_unwanted;

uint64_t rdns_dns_unwanted_count(void)
{
    return atomic_load_explicit(&dns_unwanted, memory_order_relaxed);
}

static void dns_unwanted_inc(void)
{
    atomic_fetch_add_explicit(&dns_unwanted, 1, memory_order_relaxed);
}

/*
 * Decides whether buf is the reply to q. A reply that cannot be ours (short,
 * other ID, not a response) or answers another question is ignored; one
 * with our ID that ldns cannot parse is malformed. An error reply without a
 * question section is accepted: servers send FORMERR/REFUSED that way.
 */
static dns_check dns_reply_check(const dns_question *q, const uint8_t *buf, size_t len,
                                 ldns_pkt **out)
{
    ldns_pkt *pkt = NULL;
    const ldns_rr_list *ql;
    const ldns_rr *qr;

    *out = NULL;
    if (len < LDNS_HEADER_SIZE || LDNS_ID_WIRE(buf) != q->id || !LDNS_QR_WIRE(buf))
        return DNS_REPLY_IGNORE;
    if (ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK || pkt == NULL)
        return DNS_REPLY_MALFORMED;
    if (ldns_pkt_get_opcode(pkt) != LDNS_PACKET_QUERY) {
        ldns_pkt_free(pkt);
        return DNS_REPLY_IGNORE;
    }
    ql = ldns_pkt_question(pkt);
    if (ldns_pkt_qdcount(pkt) == 0 && ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NOERROR
        && ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NXDOMAIN) {
        *out = pkt;
        return DNS_REPLY_OK;
    }
    if (ldns_pkt_qdcount(pkt) != 1 || ql == NULL || ldns_rr_list_rr_count(ql) != 1) {
        ldns_pkt_free(pkt);
        return DNS_REPLY_IGNORE;
    }
    qr = ldns_rr_list_rr(ql, 0);
    if (ldns_rr_get_type(qr) != q->qtype || ldns_rr_get_class(qr) != LDNS_RR_CLASS_IN
        || ldns_dname_compare(ldns_rr_owner(qr), q->qname) != 0) {
        ldns_pkt_free(pkt);
        return DNS_REPLY_IGNORE;
    }
    *out = pkt;
    return DNS_REPLY_OK;
}

/* Sorts a believed reply into answer, truncated or a failed try. */
static dns_try_result dns_reply_sort(ldns_pkt *pkt, const dns_server *s, bool tcp,
                                     ldns_pkt **out, dns_trace *tr)
{
    ldns_pkt_rcode rc = ldns_pkt_get_rcode(pkt);

    if (ldns_pkt_tc(pkt) && !tcp) {
        ldns_pkt_free(pkt);
        return DNS_TRY_TRUNCATED;
    }
    if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN) {
        snprintf(tr->last, sizeof(tr->last), "%s from %s", dns_rcode_str(rc), s->text);
        ldns_pkt_free(pkt);
        return DNS_TRY_FAILED;
    }
    if (ldns_pkt_tc(pkt)) {
        snprintf(tr->last, sizeof(tr->last), "truncated reply over TCP from %s", s->text);
        ldns_pkt_free(pkt);
        return DNS_TRY_FAILED;
    }
    *out = pkt;
    return DNS_TRY_ANSWER;
}

/* Waits for fd to be ready for events until end; false on timeout. */
static bool dns_wait(int fd, short events, int64_t end)
{
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = events};
        int64_t left = rdns_clock_left(end);
        int rc;

        if (left <= 0)
            return false;
        rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
        if (rc > 0)
            return true;
        if (rc < 0 && errno != EINTR)
            return false;
    }
}

/* strerror(3) may share a buffer between threads; this does not. */
static const char *dns_strerror(int err, char *buf, size_t len)
{
    if (strerror_r(err, buf, len) != 0)
        snprintf(buf, len, "error %d", err);
    return buf;
}

static dns_try_result dns_try_udp(const rdns_dns *dns, unsigned si, const dns_question *q,
                                  int64_t end, uint8_t *buf, ldns_pkt **out, dns_trace *tr)
{
    const dns_server *s = &dns->srv[si];
    int fd = rdns_dns_sock_open((const struct sockaddr *)&s->sa, s->salen, SOCK_DGRAM,
                                s->loopback, dns->owner, si);
    dns_try_result res = DNS_TRY_TIMEOUT;
    bool clean = false;              /* the reply to our query was read */
    char eb[64];

    if (fd < 0) {
        snprintf(tr->last, sizeof(tr->last), "cannot reach %s: %s", s->text, dns_strerror(errno, eb, sizeof(eb)));
        return DNS_TRY_FAILED;
    }
    if (send(fd, q->wire, q->wirelen, 0) != (ssize_t)q->wirelen) {
        snprintf(tr->last, sizeof(tr->last), "cannot send to %s: %s", s->text, dns_strerror(errno, eb, sizeof(eb)));
        rdns_dns_sock_done(fd, false, false, dns->owner, si);
        return DNS_TRY_FAILED;
    }
    while (dns_wait(fd, POLLIN, end)) {
        ssize_t n = recv(fd, buf, DNS_BUF_SIZE, 0);
        ldns_pkt *pkt;
        dns_check c;

        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                continue;
            /* ICMP port unreachable comes back as ECONNREFUSED */
            snprintf(tr->last, sizeof(tr->last), "no DNS server at %s: %s", s->text,
                     dns_strerror(errno, eb, sizeof(eb)));
            res = DNS_TRY_FAILED;
            break;
        }
        c = dns_reply_check(q, buf, (size_t)n, &pkt);
        if (c == DNS_REPLY_IGNORE) {
            dns_unwanted_inc();
            continue;                    /* a spoof or a stray: not believed */
        }
        if (c == DNS_REPLY_MALFORMED) {
            snprintf(tr->last, sizeof(tr->last), "malformed reply from %s", s->text);
            res = DNS_TRY_FAILED;
            break;
        }
        clean = true;
        res = dns_reply_sort(pkt, s, false, out, tr);
        break;
    }
    rdns_dns_sock_done(fd, s->loopback, clean, dns->owner, si);
    return res;
}

static bool dns_io_all(int fd, uint8_t *p, size_t len, bool writing, int64_t end, int *err)
{
    size_t done = 0;

    *err = 0;
    while (done < len) {
        ssize_t n;

        if (!dns_wait(fd, writing ? POLLOUT : POLLIN, end))
            return false;
        n = writing ? send(fd, p + done, len - done, MSG_NOSIGNAL)
                    : recv(fd, p + done, len - done, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n <= 0) {
            *err = n == 0 ? ECONNRESET : errno;
            return false;
        }
        done += (size_t)n;
    }
    return true;
}

static dns_try_result dns_try_tcp(const dns_server *s, const dns_question *q, int64_t end,
                                  uint8_t *buf, ldns_pkt **out, dns_trace *tr)
{
    int fd = rdns_dns_sock_open((const struct sockaddr *)&s->sa, s->salen, SOCK_STREAM,
                                false, 0, 0);
    char eb[64];
    uint8_t *msg;
    size_t len;
    int err = 0;
    ldns_pkt *pkt;
    dns_check c;

    if (fd < 0) {
        snprintf(tr->last, sizeof(tr->last), "cannot reach %s over TCP: %s", s->text,
                 dns_strerror(errno, eb, sizeof(eb)));
        return DNS_TRY_FAILED;
    }
    msg = rdns_malloc(q->wirelen + 2);
    msg[0] = (uint8_t)(q->wirelen >> 8);
    msg[1] = (uint8_t)(q->wirelen & 0xff);
    memcpy(msg + 2, q->wire, q->wirelen);
    bool ok = dns_io_all(fd, msg, q->wirelen + 2, true, end, &err)
              && dns_io_all(fd, buf, 2, false, end, &err);
    free(msg);
    if (ok) {
        len = ((size_t)buf[0] << 8) | buf[1];
        ok = dns_io_all(fd, buf, len, false, end, &err);
    }
    close(fd);
    if (!ok && err == 0)
        return DNS_TRY_TIMEOUT;
    if (!ok) {
        snprintf(tr->last, sizeof(tr->last), "TCP to %s: %s", s->text, dns_strerror(err, eb, sizeof(eb)));
        return DNS_TRY_FAILED;
    }
    c = dns_reply_check(q, buf, len, &pkt);
    if (c != DNS_REPLY_OK) {
        /* On a connection to the server itself, a reply to something else
         * is a broken server, not a spoof to wait out. */
        if (c == DNS_REPLY_IGNORE)
            dns_unwanted_inc();
        snprintf(tr->last, sizeof(tr->last), "%s reply over TCP from %s",
                 c == DNS_REPLY_MALFORMED ? "malformed" : "mismatched", s->text);
        return DNS_TRY_FAILED;
    }
    return dns_reply_sort(pkt, s, true, out, tr);
}

/* One try against one server: UDP, then TCP if truncated. */
static dns_try_result dns_try(const rdns_dns *dns, unsigned si, const dns_question *q,
                              int64_t deadline, uint8_t *buf, ldns_pkt **out, dns_trace *tr)
{
    const dns_server *s = &dns->srv[si];
    int64_t end = rdns_clock_ms() + dns->timeout_ms;
    dns_try_result r;

    if (deadline != 0 && deadline < end)
        end = deadline;
    tr->tries++;
    tr->last_server = s->text;
    r = dns_try_udp(dns, si, q, end, buf, out, tr);
    if (r != DNS_TRY_TRUNCATED)
        return r;
    /* The TCP exchange gets a fresh per-try allowance, still under deadline. */
    end = rdns_clock_ms() + dns->timeout_ms;
    if (deadline != 0 && deadline < end)
        end = deadline;
    return dns_try_tcp(s, q, end, buf, out, tr);
}

static void dns_trace_detail(const dns_trace *tr, char *buf, size_t len)
{
    if (tr->tries == 0)
        snprintf(buf, len, "DNS time budget spent before asking");
    else if (tr->timeouts == tr->tries && tr->first_server == tr->last_server)
        snprintf(buf, len, "timeout after %d %s to %s", tr->tries,
                 tr->tries == 1 ? "try" : "tries", tr->last_server);
    else if (tr->timeouts == tr->tries)
        snprintf(buf, len, "timeout after %d tries to %s and others", tr->tries,
                 tr->first_server);
    else
        snprintf(buf, len, "%s (%d %s, %d timed out)", tr->last, tr->tries,
                 tr->tries == 1 ? "try" : "tries", tr->timeouts);
}

/*
 * Asks qname/type of the servers in turn, 1 + retries rounds, until one
 * gives a NOERROR or NXDOMAIN reply. NULL with detail set otherwise.
 */
static ldns_pkt *dns_exchange(const rdns_dns *dns, const ldns_rdf *qname, ldns_rr_type type,
                              int64_t deadline, uint8_t *buf, char *detail, size_t dlen)
{
    dns_trace tr;
    dns_question q;
    ldns_pkt *pkt = NULL;

    memset(&tr, 0, sizeof(tr));
    if (!dns_question_build(&q, qname, type)) {
        snprintf(detail, dlen, "cannot build DNS query");
        free(q.wire);
        return NULL;
    }
    tr.first_server = dns->srv[0].text;
    for (int round = 0; round <= dns->retries && pkt == NULL; round++) {
        for (size_t i = 0; i < dns->nsrv && pkt == NULL; i++) {
            if (deadline != 0 && rdns_clock_left(deadline) == 0)
                goto out;
            /* A new ID per try: a late reply to an earlier try is ignored. */
            if (tr.tries > 0) {
                free(q.wire);
                if (!dns_question_build(&q, qname, type)) {
                    snprintf(tr.last, sizeof(tr.last), "cannot build DNS query");
                    goto out;
                }
            }
            if (dns_try(dns, (unsigned)i, &q, deadline, buf, &pkt, &tr) == DNS_TRY_TIMEOUT)
                tr.timeouts++;
        }
    }
out:
    free(q.wire);
    if (pkt == NULL) {
        dns_trace_detail(&tr, detail, dlen);
        if (deadline != 0 && rdns_clock_left(deadline) == 0 && tr.tries > 0) {
            size_t n = strlen(detail);

            snprintf(detail + n, dlen - n, "; DNS time budget spent");
        }
    }
    return pkt;
}

/* ---- answers ----------------------------------------------------------- */

/* Presentation form, lowercase, no trailing dot; false if too long. */
static bool dns_name_text(const ldns_rdf *name, char *out, size_t outlen)
{
    char *s = dns_rdf_text(name);
    size_t n;

    if (s == NULL)
        return false;
    rdns_name_normalize(s);
    n = strlen(s);
    if (n > RDNS_NAME_MAX || n >= outlen) {
        free(s);
        return false;
    }
    memcpy(out, s, n + 1);
    free(s);
    return true;
}

/* A TTL of 0 counts: such a record may not be kept (RFC 1035 3.2.1), so
 * the answer gets TTL 0 and the cache passes it by. */
static void dns_ttl_min(rdns_dns_answer *ans, bool *have, uint32_t ttl)
{
    if (!*have || ttl < ans->ttl) {
        ans->ttl = ttl;
        *have = true;
    }
}

static void dns_add_addr(rdns_dns_answer *ans, const ldns_rdf *rd, int family)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    size_t want = family == AF_INET ? 4 : 16;
    rdns_addr *a;

    if (rd == NULL || ldns_rdf_size(rd) != want)
        return;
    a = &ans->addrs[ans->naddrs++];
    memset(a, 0, sizeof(*a));
    a->family = family;
    memcpy(a->b, ldns_rdf_data(rd), want);
    if (family == AF_INET6 && memcmp(a->b, mapped, 12) == 0) {
        /* addr.h: a mapped address is stored as the IPv4 host it is */
        memmove(a->b, a->b + 12, 4);
        memset(a->b + 4, 0, 12);
        a->family = AF_INET;
    }
}

static void dns_add_name(rdns_dns_answer *ans, const ldns_rdf *rd, bool mx, unsigned pref)
{
    char text[RDNS_NAME_MAX + 1];

    if (rd == NULL || !dns_name_text(rd, text, sizeof(text)))
        return;
    if (text[0] == '\0')            /* the root: not a host (null MX) */
        return;
    for (size_t i = 0; i < ans->names.n; i++)
        if (strcmp(ans->names.v[i], text) == 0)
            return;
    if (mx) {
        ans->mx_pref = rdns_realloc(ans->mx_pref, (ans->names.n + 1) * sizeof(*ans->mx_pref));
        ans->mx_pref[ans->names.n] = pref;
    }
    rdns_strlist_add(&ans->names, text);
}

/* Collects the records of type owned by cur; true if any. */
static bool dns_collect(const ldns_rr_list *an, const ldns_rdf *cur, ldns_rr_type type,
                        rdns_dns_answer *ans, bool *have_ttl)
{
    size_t n = ldns_rr_list_rr_count(an);
    size_t seen = 0, mx_total = 0;
    bool mx_root_zero = false;

    /* room for every address this reply may add (n is bounded by the
     * reply's size, and the loop below by DNS_MAX_ADDRS) */
    if ((type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA) && n > 0) {
        size_t room = ans->naddrs + (n < DNS_MAX_ADDRS ? n : DNS_MAX_ADDRS);

        ans->addrs = rdns_realloc(ans->addrs, room * sizeof(*ans->addrs));
    }

    for (size_t i = 0; i < n; i++) {
        const ldns_rr *rr = ldns_rr_list_rr(an, i);

        if (ldns_rr_get_type(rr) != type || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN
            || ldns_dname_compare(ldns_rr_owner(rr), cur) != 0)
            continue;
        seen++;
        dns_ttl_min(ans, have_ttl, ldns_rr_ttl(rr));
        if (seen > (type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_AAAA ? DNS_MAX_ADDRS
                                                                        : DNS_MAX_RECORDS))
            continue;
        switch (type) {
        case LDNS_RR_TYPE_A:
            dns_add_addr(ans, ldns_rr_rdf(rr, 0), AF_INET);
            break;
        case LDNS_RR_TYPE_AAAA:
            dns_add_addr(ans, ldns_rr_rdf(rr, 0), AF_INET6);
            break;
        case LDNS_RR_TYPE_PTR:
            dns_add_name(ans, ldns_rr_rdf(rr, 0), false, 0);
            break;
        case LDNS_RR_TYPE_MX: {
            const ldns_rdf *pref = ldns_rr_rdf(rr, 0), *ex = ldns_rr_rdf(rr, 1);
            unsigned p = pref && ldns_rdf_size(pref) == 2 ? ldns_rdf2native_int16(pref) : 0;

            mx_total++;
            if (ex && ldns_dname_label_count(ex) == 0 && p == 0)
                mx_root_zero = true;
            dns_add_name(ans, ex, true, p);
            break;
        }
        default:
            break;
        }
    }
    if (type == LDNS_RR_TYPE_MX)
        ans->null_mx = mx_root_zero && mx_total == 1;
    return seen > 0;
}

static const ldns_rr *dns_find_cname(const ldns_rr_list *an, const ldns_rdf *cur)
{
    for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
        const ldns_rr *rr = ldns_rr_list_rr(an, i);

        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME
            && ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN && ldns_rr_rd_count(rr) == 1
            && ldns_dname_compare(ldns_rr_owner(rr), cur) == 0)
            return rr;
    }
    return NULL;
}

/* RFC 2308 section 5: the negative TTL is min(SOA TTL, SOA MINIMUM). */
static bool dns_negative_ttl(const ldns_pkt *pkt, rdns_dns_answer *ans, bool *have_ttl)
{
    const ldns_rr_list *au = ldns_pkt_authority(pkt);

    for (size_t i = 0; au && i < ldns_rr_list_rr_count(au); i++) {
        const ldns_rr *rr = ldns_rr_list_rr(au, i);
        const ldns_rdf *min;

        if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA)
            continue;
        dns_ttl_min(ans, have_ttl, ldns_rr_ttl(rr));
        min = ldns_rr_rd_count(rr) == 7 ? ldns_rr_rdf(rr, 6) : NULL;
        if (min && ldns_rdf_size(min) == 4)
            dns_ttl_min(ans, have_ttl, ldns_rdf2native_int32(min));
        return true;
    }
    return false;
}

static bool dns_has_ns(const ldns_pkt *pkt)
{
    const ldns_rr_list *au = ldns_pkt_authority(pkt);

    for (size_t i = 0; au && i < ldns_rr_list_rr_count(au); i++)
        if (ldns_rr_get_type(ldns_rr_list_rr(au, i)) == LDNS_RR_TYPE_NS)
            return true;
    return false;
}

/* The CNAME chain of one lookup: names seen, links followed. */
typedef struct dns_chain {
    ldns_rdf *seen[DNS_MAX_DEPTH + 1];
    size_t nseen;
    int links;
} dns_chain;

static void dns_chain_free(dns_chain *c)
{
    for (size_t i = 0; i < c->nseen; i++)
        ldns_rdf_deep_free(c->seen[i]);
}

static void dns_set_canonical(rdns_dns_answer *ans, const ldns_rdf *name)
{
    if (!dns_name_text(name, ans->canonical, sizeof(ans->canonical)))
        ans->canonical[0] = '\0';
}

/* Turns ans into TEMPFAIL, dropping whatever was collected. The detail's
 * arguments must be sanitised or come from ldns presentation form. */
static rdns_dns_answer *dns_tempfail(rdns_dns_answer *ans, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static rdns_dns_answer *dns_tempfail(rdns_dns_answer *ans, const char *fmt, ...)
{
    va_list ap;

    ans->status = RDNS_DNS_TEMPFAIL;
    va_start(ap, fmt);
    vsnprintf(ans->detail, sizeof(ans->detail), fmt, ap);
    va_end(ap);
    rdns_strlist_clear(&ans->names);
    free(ans->mx_pref);
    ans->mx_pref = NULL;
    ans->naddrs = 0;
    ans->null_mx = false;
    ans->ttl = 0;
    return ans;
}

/* Follows cur through the CNAMEs of pkt; *cur ends at the last name.
 * Returns false (with ans set to TEMPFAIL) on a loop or too long a chain. */
static bool dns_follow(int max_depth, const ldns_pkt *pkt, dns_chain *ch,
                       const ldns_rdf **cur, int *links_here, rdns_dns_answer *ans,
                       bool *have_ttl)
{
    const ldns_rr_list *an = ldns_pkt_answer(pkt);
    const ldns_rr *cn;

    while ((cn = dns_find_cname(an, *cur)) != NULL) {
        const ldns_rdf *target = ldns_rr_rdf(cn, 0);

        if (++ch->links > max_depth) {
            dns_set_canonical(ans, *cur);
            dns_tempfail(ans, "CNAME chain longer than %d links at %s", max_depth,
                         ans->canonical);
            return false;
        }
        for (size_t i = 0; i < ch->nseen; i++) {
            if (ldns_dname_compare(ch->seen[i], target) == 0) {
                char t[RDNS_NAME_MAX + 1];

                if (!dns_name_text(target, t, sizeof(t)))
                    t[0] = '\0';
                dns_tempfail(ans, "CNAME loop at %s", t);
                return false;
            }
        }
        dns_ttl_min(ans, have_ttl, ldns_rr_ttl(cn));
        ch->seen[ch->nseen++] = ldns_rdf_clone(target);
        *cur = ch->seen[ch->nseen - 1];
        (*links_here)++;
    }
    return true;
}

static ldns_rr_type dns_ldns_type(rdns_dns_type t)
{
    switch (t) {
    case RDNS_DNS_A:    return LDNS_RR_TYPE_A;
    case RDNS_DNS_AAAA: return LDNS_RR_TYPE_AAAA;
    case RDNS_DNS_PTR:  return LDNS_RR_TYPE_PTR;
    case RDNS_DNS_MX:   return LDNS_RR_TYPE_MX;
    }
    return LDNS_RR_TYPE_A;
}

/* One lookup's progress over its replies: the answer so far, the CNAME
 * chain, the name to ask next. Shared by rdns_dns_lookup and
 * rdns_dns_reply_parse, so the fuzzer reads replies as lookups do. */
typedef struct dns_walk {
    int max_depth;
    ldns_rr_type type;
    dns_chain ch;
    const ldns_rdf *cur;             /* name asked next: ch.seen[] */
    bool have_ttl;
    rdns_dns_answer *ans;
} dns_walk;

/* Starts a walk at name. False (ans already TEMPFAIL) for a name that
 * cannot be asked. */
static bool dns_walk_start(dns_walk *w, const char *name, rdns_dns_type type, int max_depth)
{
    size_t nlen = strnlen(name, RDNS_NAME_MAX + 2);
    ldns_rdf *qname = NULL;

    memset(w, 0, sizeof(*w));
    w->max_depth = max_depth;
    w->type = dns_ldns_type(type);
    w->ans = rdns_calloc(1, sizeof(*w->ans));
    w->ans->status = RDNS_DNS_TEMPFAIL;
    w->ans->addrs = rdns_calloc(1, sizeof(*w->ans->addrs));    /* grown by dns_collect */
    if (nlen == 0 || nlen > RDNS_NAME_MAX + 1 || (nlen == RDNS_NAME_MAX + 1 && name[nlen - 1] != '.')
        || (qname = ldns_dname_new_frm_str(name)) == NULL || ldns_dname_label_count(qname) == 0) {
        char shown[80];

        ldns_rdf_deep_free(qname);
        rdns_sanitize(shown, sizeof(shown), name, nlen);
        dns_tempfail(w->ans, "not a valid DNS name: %s", shown);
        return false;
    }
    w->ch.seen[w->ch.nseen++] = qname;
    w->cur = qname;
    dns_set_canonical(w->ans, w->cur);
    return true;
}

/* Sorts one believed reply into the walk. Returns true when the lookup is
 * done, false when w->cur (a CNAME target with no data here) must be
 * asked anew. */
static bool dns_walk_reply(dns_walk *w, const ldns_pkt *pkt)
{
    rdns_dns_answer *ans = w->ans;
    int links_here = 0;

    if (!dns_follow(w->max_depth, pkt, &w->ch, &w->cur, &links_here, ans, &w->have_ttl))
        return true;
    dns_set_canonical(ans, w->cur);
    if (dns_collect(ldns_pkt_answer(pkt), w->cur, w->type, ans, &w->have_ttl)) {
        ans->status = RDNS_DNS_OK;
        if (ans->naddrs == 0 && ans->names.n == 0 && !ans->null_mx)
            dns_tempfail(ans, "unusable records for %s", ans->canonical);
        return true;
    }
    if (ldns_pkt_get_rcode(pkt) == LDNS_RCODE_NXDOMAIN) {
        /* no SOA: TTL 0, not cached (RFC 2308 section 5) */
        if (!dns_negative_ttl(pkt, ans, &w->have_ttl))
            ans->ttl = 0;
        ans->status = RDNS_DNS_NXDOMAIN;
        rdns_textf(ans->detail, sizeof(ans->detail), "%s does not exist (NXDOMAIN)",
                ans->canonical);
        return true;
    }
    if (dns_negative_ttl(pkt, ans, &w->have_ttl)) {
        ans->status = RDNS_DNS_NODATA;
        return true;
    }
    /* A chain that stops at a name without data and without a negative
     * answer (SOA) was cut by a server that does not hold the target. */
    if (links_here > 0)
        return false;
    /* No data, no SOA, but NS records: a referral from a server that does
     * not recurse. It says nothing about the name. */
    if (dns_has_ns(pkt)) {
        dns_tempfail(ans, "referral instead of an answer for %s (server does not recurse?)",
                     ans->canonical);
        return true;
    }
    ans->status = RDNS_DNS_NODATA;
    ans->ttl = 0;                    /* no SOA: nothing says how long */
    return true;
}

/* Ends the walk; the answer is the caller's. */
static rdns_dns_answer *dns_walk_end(dns_walk *w)
{
    rdns_dns_answer *ans = w->ans;

    dns_chain_free(&w->ch);
    if (ans->status != RDNS_DNS_TEMPFAIL && ans->status != RDNS_DNS_NXDOMAIN)
        ans->detail[0] = '\0';
    if (ans->status == RDNS_DNS_TEMPFAIL)
        ans->ttl = 0;
    w->ans = NULL;
    return ans;
}

/* Reply buffers, mmap'd and kept for reuse, never in the malloc heap: a
 * 64 KiB block taken from the heap and given back per lookup left holes
 * that cache entries allocated meanwhile pinned (a soak showed the heap
 * two-thirds free and RSS growing; tests/bench/mallocwatch.c). Not thread
 * local either: glibc zeroes every new thread's TLS, and libmilter makes
 * a thread per session. At most DNS_BUF_SPARE are kept; only the pages a
 * reply was written to are ever resident. */
#define DNS_BUF_SPARE 32

static pthread_mutex_t dns_buf_mu = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *dns_buf_spare[DNS_BUF_SPARE];
static size_t dns_buf_nspare;

static uint8_t *dns_buf_get(void)
{
    uint8_t *b = NULL;
    void *m;

    pthread_mutex_lock(&dns_buf_mu);
    if (dns_buf_nspare > 0)
        b = dns_buf_spare[--dns_buf_nspare];
    pthread_mutex_unlock(&dns_buf_mu);
    if (b != NULL)
        return b;
    m = mmap(NULL, DNS_BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {               /* as lib/mem on out of memory */
        fprintf(stderr, "rdns: out of memory mapping %d bytes\n", DNS_BUF_SIZE);
        abort();
    }
    return m;
}

static void dns_buf_put(uint8_t *b)
{
    pthread_mutex_lock(&dns_buf_mu);
    if (dns_buf_nspare < DNS_BUF_SPARE) {
        dns_buf_spare[dns_buf_nspare++] = b;
        b = NULL;
    }
    pthread_mutex_unlock(&dns_buf_mu);
    if (b != NULL)
        munmap(b, DNS_BUF_SIZE);
}

/* Folds one exchange's time into the average (weight 1/8): a handful of
 * exchanges is enough to follow a resolver that slows down or recovers.
 * Concurrent updates may lose one another's sample; the average is a hint. */
static void dns_rtt_note(rdns_dns *dns, int64_t us)
{
    int64_t old = atomic_load_explicit(&dns->rtt_us, memory_order_relaxed);

    atomic_store_explicit(&dns->rtt_us, old < 0 ? us : old + (us - old) / 8,
                          memory_order_relaxed);
}

/* The lookup itself, cache aside. */
static rdns_dns_answer *dns_resolve(rdns_dns *dns, const char *name, rdns_dns_type type,
                                    int64_t deadline)
{
    dns_walk w;
    uint8_t *buf;

    if (!dns_walk_start(&w, name, type, dns->max_cname_depth))
        return dns_walk_end(&w);
    buf = dns_buf_get();
    for (;;) {
        int64_t t0 = rdns_clock_us();
        ldns_pkt *pkt = dns_exchange(dns, w.cur, w.type, deadline, buf, w.ans->detail,
                                     sizeof(w.ans->detail));
        bool done;

        dns_rtt_note(dns, rdns_clock_us() - t0);
        if (pkt == NULL) {
            w.ans->status = RDNS_DNS_TEMPFAIL;
            break;
        }
        done = dns_walk_reply(&w, pkt);
        ldns_pkt_free(pkt);
        if (done)
            break;
    }
    dns_buf_put(buf);
    return dns_walk_end(&w);
}

/* One lookup's question, for the cache to ask on a miss. */
typedef struct dns_fill {
    rdns_dns *dns;
    const char *name;
    rdns_dns_type type;
    int64_t deadline;
} dns_fill;

static rdns_dns_answer *dns_fill_resolve(void *arg)
{
    const dns_fill *f = arg;

    return dns_resolve(f->dns, f->name, f->type, f->deadline);
}

rdns_dns_answer *rdns_dns_lookup(rdns_dns *dns, const char *name, rdns_dns_type type,
                                 int64_t deadline)
{
    dns_fill f = { dns, name, type, deadline };

    if (dns->cache == NULL)
        return dns_resolve(dns, name, type, deadline);
    /* cached, else asked once however many threads want it right now */
    return rdns_cache_fetch(dns->cache, name, type, deadline, dns_fill_resolve, &f);
}

bool rdns_dns_cached(rdns_dns *dns, const char *name, rdns_dns_type type)
{
    return dns->cache != NULL && rdns_cache_has(dns->cache, name, type);
}

int64_t rdns_dns_rtt_us(const rdns_dns *dns)
{
    return atomic_load_explicit(&dns->rtt_us, memory_order_relaxed);
}

void rdns_dns_stats(const rdns_dns *dns, rdns_dns_cache_stats *out)
{
    if (dns->cache != NULL) {
        rdns_cache_stats(dns->cache, out);
        return;
    }
    memset(out, 0, sizeof(*out));
}

/* ---- the reply step alone (dns_reply.h) ----------------------------- */

rdns_dns_answer *rdns_dns_reply_parse(const uint8_t *wire, size_t len, const char *qname,
                                      rdns_dns_type type, uint16_t id, char *cname_out,
                                      size_t cname_len)
{
    static const dns_server from = {.text = "the server"};
    dns_walk w;
    dns_question q;
    dns_trace tr;
    ldns_pkt *pkt = NULL, *believed = NULL;

    if (cname_out != NULL && cname_len > 0)
        cname_out[0] = '\0';
    if (!dns_walk_start(&w, qname, type, RDNS_DNS_REPLY_DEPTH))
        return dns_walk_end(&w);
    memset(&q, 0, sizeof(q));
    memset(&tr, 0, sizeof(tr));
    q.qname = w.cur;
    q.qtype = w.type;
    q.id = id;
    switch (dns_reply_check(&q, wire, len, &pkt)) {
    case DNS_REPLY_IGNORE:
        dns_tempfail(w.ans, "not a reply to this question (a lookup would keep waiting)");
        return dns_walk_end(&w);
    case DNS_REPLY_MALFORMED:
        dns_tempfail(w.ans, "malformed reply");
        return dns_walk_end(&w);
    case DNS_REPLY_OK:
        break;
    }
    switch (dns_reply_sort(pkt, &from, false, &believed, &tr)) {
    case DNS_TRY_TRUNCATED:
        dns_tempfail(w.ans, "truncated reply (a lookup would ask again over TCP)");
        return dns_walk_end(&w);
    case DNS_TRY_FAILED:
    case DNS_TRY_TIMEOUT:
        dns_tempfail(w.ans, "%s", tr.last);
        return dns_walk_end(&w);
    case DNS_TRY_ANSWER:
        break;
    }
    if (!dns_walk_reply(&w, believed)) {
        if (cname_out != NULL && cname_len > 0)
            snprintf(cname_out, cname_len, "%s", w.ans->canonical);
        dns_tempfail(w.ans, "CNAME to %s needs a query of its own", w.ans->canonical);
    }
    ldns_pkt_free(believed);
    return dns_walk_end(&w);
}

void rdns_dns_answer_free(rdns_dns_answer *ans)
{
    if (ans == NULL)
        return;
    rdns_strlist_clear(&ans->names);
    free(ans->mx_pref);
    free(ans->addrs);
    free(ans);
}

const char *rdns_dns_status_str(rdns_dns_status s)
{
    switch (s) {
    case RDNS_DNS_OK:       return "ok";
    case RDNS_DNS_NXDOMAIN: return "nxdomain";
    case RDNS_DNS_NODATA:   return "nodata";
    case RDNS_DNS_TEMPFAIL: return "tempfail";
    }
    return "unknown";
}

const char *rdns_dns_type_str(rdns_dns_type t)
{
    switch (t) {
    case RDNS_DNS_A:    return "A";
    case RDNS_DNS_AAAA: return "AAAA";
    case RDNS_DNS_PTR:  return "PTR";
    case RDNS_DNS_MX:   return "MX";
    }
    return "?";
}
