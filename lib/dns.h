#ifndef RDNS_DNS_H
#define RDNS_DNS_H
/*
 * dns - stub resolver for the few questions rdns-milter asks (PTR, A,
 * AAAA, MX), built on ldns for packets and its own sockets for transport.
 *
 * Why not ldns_resolver: we need a hard deadline per lookup, a check that
 * every reply answers the question we asked with the ID we chose (anything
 * else is ignored, never believed), and a retry over TCP when a UDP reply is
 * truncated. One rdns_dns is shared by all threads; lookups are
 * thread-safe and keep no state between calls except the cache of answers
 * (sharded, one lock per shard; TEMPFAIL is never cached).
 *
 * CNAMEs are followed, inside the answer and by new queries, up to
 * max_cname_depth links (RFC 2317 classless reverse delegation answers a
 * PTR question through a CNAME). A loop or an over-long chain is a
 * temporary error: it says nothing about the client.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "name.h"
#include "strlist.h"

typedef struct rdns_dns rdns_dns;

typedef enum rdns_dns_type {
    RDNS_DNS_A,
    RDNS_DNS_AAAA,
    RDNS_DNS_PTR,
    RDNS_DNS_MX
} rdns_dns_type;

typedef enum rdns_dns_status {
    RDNS_DNS_OK,          /* one or more records of the type asked */
    RDNS_DNS_NXDOMAIN,    /* the name does not exist */
    RDNS_DNS_NODATA,      /* the name exists, no record of that type */
    RDNS_DNS_TEMPFAIL     /* timeout, SERVFAIL, REFUSED, malformed, loop,
                             budget spent: nothing can be concluded */
} rdns_dns_status;

typedef struct rdns_dns_options {
    const rdns_strlist *servers;  /* "HOST", "HOST:PORT", "[V6]:PORT";
                                     NULL or empty: /etc/resolv.conf */
    int timeout_ms;               /* per try, per server */
    int retries;                  /* extra rounds over all servers */
    int max_cname_depth;          /* CNAME links followed */
    /* In-process cache of answers, shared by all threads (see cache.h).
     * Zero in every field means the defaults, so an options record that
     * does not know these fields gets a cache of 50000 entries. */
    int cache_size;               /* entries; 0: 50000; negative: no cache */
    int cache_max_ttl;            /* seconds an answer is kept at most;
                                     0: 3600 */
    int cache_min_ttl;            /* seconds an answer is kept at least
                                     (TTL 0 answers never are); 0: none */
} rdns_dns_options;

/* 50000: room for every answer of ~15,000 distinct clients (about 3 per
 * client), about 200 bytes each in use: 9.8 MB malloc in use in all with the
 * cache full (bench soak). */
#define RDNS_DNS_CACHE_SIZE_DEFAULT    50000
#define RDNS_DNS_CACHE_MAX_TTL_DEFAULT 3600

/* Counters of the cache; all zero when there is none. Read without locks,
 * so the fields are each exact but not a snapshot of one instant. */
typedef struct rdns_dns_cache_stats {
    uint64_t hits;           /* lookups answered from the cache */
    uint64_t misses;         /* lookups that asked the network (expired included) */
    uint64_t inserts;        /* answers stored */
    uint64_t evictions;      /* entries dropped to make room */
    uint64_t expired;        /* entries found past their TTL and dropped */
    uint64_t uncacheable;    /* answers not stored: TEMPFAIL, TTL 0, too big */
    uint64_t entries;        /* entries held now */
    uint64_t capacity;       /* most entries held (dns.cache_size) */
} rdns_dns_cache_stats;

/* Result of one lookup; owned by the caller, free with rdns_dns_answer_free. */
typedef struct rdns_dns_answer {
    rdns_dns_status status;
    rdns_strlist names;      /* PTR targets or MX exchanges: lowercase, no
                                trailing dot, presentation format (non-LDH
                                bytes escaped as \DDD by ldns) */
    unsigned *mx_pref;       /* MX preference of names.v[i], else NULL */
    size_t naddrs;           /* A/AAAA results */
    rdns_addr *addrs;
    bool null_mx;            /* MX answer is exactly "0 ." (RFC 7505) */
    char canonical[RDNS_NAME_MAX + 1]; /* name after CNAMEs, normalized */
    uint32_t ttl;            /* smallest TTL, or SOA minimum for negative */
    char detail[160];        /* for TEMPFAIL and NXDOMAIN: why, for people */
} rdns_dns_answer;

/* Creates a resolver. NULL on error with a message in err (for instance an
 * unparsable server, or no nameserver in /etc/resolv.conf). */
rdns_dns *rdns_dns_create(const rdns_dns_options *opts, char *err, size_t errlen);
void rdns_dns_free(rdns_dns *dns);

/* Looks up name/type, giving up at deadline (rdns_clock_ms() value; 0 for
 * the options' own limits only). Always returns an answer (never NULL);
 * its status field says what became of the question. An answer from the
 * cache is a copy like any other; its ttl is the time it has left. */
rdns_dns_answer *rdns_dns_lookup(rdns_dns *dns, const char *name,
                                 rdns_dns_type type, int64_t deadline);
void rdns_dns_answer_free(rdns_dns_answer *ans);

/* The cache counters of dns (for the milter's statistics and benchmarks). */
void rdns_dns_stats(const rdns_dns *dns, rdns_dns_cache_stats *out);
/* Would rdns_dns_lookup(name, type) be answered from the cache right now?
 * Not counted in the statistics. */
bool rdns_dns_cached(rdns_dns *dns, const char *name, rdns_dns_type type);

/* Replies received and dropped because they were not the answer asked for
 * (another ID, not a response, another question): spoofing attempts or a
 * broken server. Counted over the whole process, all resolvers, since it
 * started. Replies from another address never reach us: each query's
 * socket is connected to its server, so the kernel drops them. */
uint64_t rdns_dns_unwanted_count(void);

/* The recent average time of one exchange with the servers (a query and
 * its reply, or the tries spent on it), in microseconds; -1 before the
 * first. What a cache miss is likely to cost the thread that asks. */
int64_t rdns_dns_rtt_us(const rdns_dns *dns);

const char *rdns_dns_status_str(rdns_dns_status s);  /* "ok", "nxdomain", ... */
const char *rdns_dns_type_str(rdns_dns_type t);      /* "A", "PTR", ... */

#endif
