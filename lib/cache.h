#ifndef RDNS_CACHE_H
#define RDNS_CACHE_H
/*
 * cache - answers of lib/dns kept for their TTL, shared by all threads.
 *
 * One rdns_cache belongs to one rdns_dns (rdns_dns_lookup consults it
 * first and fills it after asking the network); it is exposed here for
 * tests and benchmarks. Keys are (name, type), the name compared without
 * case and without one trailing dot; a value is a whole answer, CNAMEs
 * followed.
 *
 * What is kept, and for how long:
 *   - OK, NXDOMAIN and NODATA answers, for their ttl field (the smallest
 *     TTL of the records, CNAMEs included; for negative answers the
 *     smaller of the SOA TTL and SOA MINIMUM, RFC 2308 section 5), raised
 *     to min_ttl and then cut to max_ttl;
 *   - never a TEMPFAIL answer, never an answer whose ttl is 0 (TTL 0
 *     records, negative answers without SOA), never an answer too big
 *     for its shard's byte budget.
 *
 * Memory is bounded: at most max_entries entries, and about 1 KiB per
 * entry in bytes. Eviction is scan-resistant (S3-FIFO, see cache.c): an
 * answer asked once goes first, so a pass over many one-time clients does
 * not flush the answers that are asked again and again. The cache is
 * split in shards by hash, each with its own mutex, queues and counters,
 * so threads asking different names rarely wait on each other.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns.h"

typedef struct rdns_cache rdns_cache;

/* Monotonic milliseconds. Tests pass their own clock to move time without
 * sleeping. */
typedef int64_t (*rdns_cache_clock_fn)(void *arg);

typedef struct rdns_cache_options {
    size_t max_entries;         /* > 0 */
    uint32_t min_ttl;           /* seconds; 0: none */
    uint32_t max_ttl;           /* seconds; 0: RDNS_DNS_CACHE_MAX_TTL_DEFAULT */
    unsigned shards;            /* 0: chosen from max_entries (up to 64);
                                   rounded down to a power of two. One
                                   shard makes the eviction order exact. */
    rdns_cache_clock_fn clock;  /* NULL: rdns_clock_ms */
    void *clock_arg;
} rdns_cache_options;

/* NULL when o->max_entries is 0 (no cache). Free with rdns_cache_free. */
rdns_cache *rdns_cache_create(const rdns_cache_options *o);
void rdns_cache_free(rdns_cache *c);

/* A copy of the live answer for name/type, owned by the caller (free with
 * rdns_dns_answer_free), its ttl the whole seconds left (at least 1); NULL
 * when there is none. An entry found expired is dropped. */
rdns_dns_answer *rdns_cache_get(rdns_cache *c, const char *name, rdns_dns_type type);
/* Is an unexpired answer there? Neither counted nor a use of the entry:
 * for deciding where a lookup would be cheap, not for answering it. */
bool rdns_cache_has(rdns_cache *c, const char *name, rdns_dns_type type);

/* Stores a copy of ans for name/type, replacing any entry for the same key.
 * Returns false (and stores nothing) when ans may not be kept: see above. */
bool rdns_cache_put(rdns_cache *c, const char *name, rdns_dns_type type,
                    const rdns_dns_answer *ans);

/* Asks the network for what the cache lacks. */
typedef rdns_dns_answer *(*rdns_cache_fill_fn)(void *arg);

/* rdns_cache_get, else fill(arg) stored with rdns_cache_put, with one
 * question in flight at a time: while one thread's fill for name/type
 * runs, other threads asking the same wait for its answer and get a copy
 * (its ttl the whole TTL), each until its own deadline (rdns_clock_ms
 * value; 0: no limit of its own). A waiter whose deadline passes gets a
 * TEMPFAIL answer; a waiter given a TEMPFAIL from an asker with less time
 * than itself calls fill itself. Never NULL. */
rdns_dns_answer *rdns_cache_fetch(rdns_cache *c, const char *name, rdns_dns_type type,
                                  int64_t deadline, rdns_cache_fill_fn fill, void *arg);

/* Sums the shards' counters. */
void rdns_cache_stats(const rdns_cache *c, rdns_dns_cache_stats *out);

#endif
