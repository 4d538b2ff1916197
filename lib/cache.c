/*
 * NAME
 *   cache - answers of lib/dns kept for their TTL, shared by all threads
 * SYNOPSIS
 *   #include "cache.h"
 * DESCRIPTION
 *   A hash table split in shards (a power of two, up to 64). The high bits
 *   of a key's hash pick the shard, the low bits its bucket. Each shard has
 *   its own mutex, chained buckets (at least as many as entries, so chains
 *   stay short), its eviction queues and its own counters, and holds at
 *   most its share of max_entries entries and of the byte budget.
 *
 *   Eviction is S3-FIFO (Yang et al., SOSP 2023), not LRU: a pass over
 *   more one-time clients than the cache holds (a spam run, a scan of an
 *   address range) would flush an LRU cache of every answer that is asked
 *   again and again (the big senders' PTRs, MX and A records). Per shard:
 *     small  a FIFO that every new entry enters; it may use the whole
 *            shard while main is empty, else evictions take from it while
 *            it holds at least a tenth of the shard;
 *     main   a FIFO of entries that proved themselves: asked again while
 *            in small, or seen recently in ghost;
 *     ghost  the hashes of entries dropped from small without a second
 *            ask; a direct-mapped table as large as the shard's bucket
 *            array (a newer ghost overwrites an older one in its slot, so
 *            ghosts age out about in FIFO order), 8 bytes a slot.
 *   A hit only bumps the entry's 2-bit frequency (no list moves, so a hit
 *   writes one byte). Evicting from small moves an entry asked since it
 *   came in to main, and forgets any other into ghost; evicting from main
 *   gives an entry asked since its last lap another lap (frequency minus
 *   one) and drops any other. An expired entry met on the way is dropped
 *   and counted as expired. A one-time answer thus lives at most one lap
 *   of small (a tenth of the cache) once main is full, and cannot push out
 *   what main holds.
 *
 *   An entry is one allocation: the key and a flat copy of the answer
 *   (addresses, MX preferences, then the strings). rdns_cache_get builds
 *   the caller's own rdns_dns_answer from it under the shard's lock, so an
 *   entry never escapes the lock and may be freed by any thread.
 *
 *   The hash is FNV-1a over the normalized name, seeded per cache from
 *   getrandom(2): names come from the network (PTR targets), and a seed
 *   keeps anyone from aiming them at one bucket.
 *
 *   Counters are atomics updated with relaxed order under the shard's
 *   lock, so statistics are read without taking any lock.
 *
 *   rdns_cache_fetch merges concurrent misses: the first thread to miss a
 *   question registers a flight in the key's shard (under the same lock
 *   that found the miss, so no answer slips in between) and asks the
 *   network; every later asker of that question finds the flight, waits
 *   on its condition variable until the answer comes or its own deadline
 *   passes, and takes a copy of the flight's answer (kept in the flight,
 *   since the cached copy may be evicted meanwhile). A flight is freed by
 *   whoever drops its last reference.
 * THREADS
 *   Every function but rdns_cache_create/rdns_cache_free may be called from
 *   any thread at any time.
 */
#include "cache.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "clock.h"
#include "mem.h"

#define CACHE_MAX_SHARDS       64
#define CACHE_MIN_PER_SHARD    64       /* below this, fewer shards */
#define CACHE_BYTES_PER_ENTRY  1024     /* byte budget per entry slot */
#define CACHE_KEY_MAX          (RDNS_NAME_MAX + 1)
#define CACHE_LINE             64
#define CACHE_FREQ_MAX         3        /* a 2-bit counter */

typedef struct cache_entry {
    struct cache_entry *hnext;          /* bucket chain */
    struct cache_entry *newer, *older;  /* its queue (small or main) */
    uint64_t hash;
    int64_t expires;                    /* clock ms; live while now < expires */
    uint32_t ttl;                       /* seconds it was stored for */
    size_t bytes;                       /* size of this allocation */
    rdns_dns_type type;
    rdns_dns_status status;
    bool null_mx;
    bool has_mx_pref;
    bool in_main;                       /* which queue */
    uint8_t freq;                       /* hits since it entered / its last lap, 0..3 */
    uint16_t naddrs;
    uint16_t nnames;
    uint16_t keylen;
    /* data: rdns_addr[naddrs], unsigned[nnames] if has_mx_pref, then
     * key, canonical, detail and each name, NUL-terminated */
    alignas(rdns_addr) unsigned char data[];
} cache_entry;

typedef struct cache_queue {
    cache_entry *newest, *oldest;
    size_t count;
} cache_queue;

/* One question being asked of the network (rdns_cache_fetch). */
typedef struct cache_flight {
    struct cache_flight *next;          /* the shard's flights in progress */
    uint64_t hash;
    rdns_dns_type type;
    size_t keylen;
    int64_t deadline;                   /* the asker's; 0: none */
    pthread_cond_t done_cv;
    bool done;
    unsigned refs;                      /* the asker and its waiters */
    cache_entry *result;                /* done: its answer (NULL: not copyable) */
    char key[CACHE_KEY_MAX + 1];
} cache_flight;

typedef struct cache_shard {
    pthread_mutex_t lock;
    cache_flight *flights;
    cache_entry **buckets;
    uint64_t *ghost;                    /* hashes; 0 is an empty slot */
    size_t mask;                        /* buckets - 1, also ghost slots - 1 */
    cache_queue small, main;
    size_t small_cap;                   /* small's share when main is in use */
    size_t count, cap;
    size_t bytes, max_bytes;
    atomic_uint_fast64_t hits, misses, inserts, evictions, expired, uncacheable;
    atomic_size_t entries;
} cache_shard;

/* A shard padded to whole cache lines, so two shards' locks never share one. */
typedef union cache_slot {
    cache_shard s;
    unsigned char pad[(sizeof(cache_shard) + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE];
} cache_slot;

struct rdns_cache {
    cache_slot *slots;                  /* aligned to CACHE_LINE */
    void *slots_raw;                    /* what to free */
    unsigned nshards;
    unsigned shard_shift;               /* hash >> shift = shard */
    uint64_t seed;
    uint32_t min_ttl, max_ttl;
    size_t max_entries;
    rdns_cache_clock_fn clock;
    void *clock_arg;
};

/* ---- keys ------------------------------------------------------------- */

/* Lowercase name without one trailing dot into key; its length, or 0 when
 * the name is empty or too long to be a DNS name. */
static size_t cache_key(const char *name, char *key)
{
    size_t n = strnlen(name, CACHE_KEY_MAX + 1);

    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n == 0 || n > RDNS_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];

        key[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    key[n] = '\0';
    return n;
}

static uint64_t cache_hash(const rdns_cache *c, const char *key, size_t len, rdns_dns_type t)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ c->seed;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 0x100000001b3ULL;
    }
    h ^= (uint64_t)t + 1;
    h *= 0x100000001b3ULL;
    /* FNV's high bits are weak for short keys; mix them before use. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static cache_shard *cache_shard_of(const rdns_cache *c, uint64_t h)
{
    return &c->slots[c->nshards > 1 ? h >> c->shard_shift : 0].s;
}

/* ---- entries ---------------------------------------------------------- */

static rdns_addr *cache_entry_addrs(cache_entry *e)
{
    return (rdns_addr *)(void *)e->data;
}

static unsigned *cache_entry_prefs(cache_entry *e)
{
    return (unsigned *)(void *)(e->data + (size_t)e->naddrs * sizeof(rdns_addr));
}

static char *cache_entry_key(cache_entry *e)
{
    return (char *)e->data + (size_t)e->naddrs * sizeof(rdns_addr)
        + (e->has_mx_pref ? (size_t)e->nnames * sizeof(unsigned) : 0);
}

/* A flat copy of ans under key; NULL if it has too many parts to count. */
static cache_entry *cache_entry_new(const char *key, size_t keylen, rdns_dns_type type,
                                    const rdns_dns_answer *ans)
{
    size_t clen = strnlen(ans->canonical, sizeof(ans->canonical) - 1);
    size_t dlen = strnlen(ans->detail, sizeof(ans->detail) - 1);
    bool prefs = ans->mx_pref != NULL && ans->names.n > 0;
    size_t size, nameslen = 0;
    cache_entry *e;
    char *p;

    if (ans->naddrs > UINT16_MAX || ans->names.n > UINT16_MAX)
        return NULL;
    for (size_t i = 0; i < ans->names.n; i++)
        nameslen += strlen(ans->names.v[i]) + 1;
    size = sizeof(*e) + ans->naddrs * sizeof(rdns_addr)
        + (prefs ? ans->names.n * sizeof(unsigned) : 0)
        + keylen + 1 + clen + 1 + dlen + 1 + nameslen;
    e = rdns_malloc(size);
    memset(e, 0, sizeof(*e));
    e->bytes = size;
    e->type = type;
    e->status = ans->status;
    e->null_mx = ans->null_mx;
    e->has_mx_pref = prefs;
    e->naddrs = (uint16_t)ans->naddrs;
    e->nnames = (uint16_t)ans->names.n;
    e->keylen = (uint16_t)keylen;
    if (ans->naddrs > 0)
        memcpy(cache_entry_addrs(e), ans->addrs, ans->naddrs * sizeof(rdns_addr));
    if (prefs)
        memcpy(cache_entry_prefs(e), ans->mx_pref, ans->names.n * sizeof(unsigned));
    p = cache_entry_key(e);
    memcpy(p, key, keylen + 1);
    p += keylen + 1;
    memcpy(p, ans->canonical, clen);
    p[clen] = '\0';
    p += clen + 1;
    memcpy(p, ans->detail, dlen);
    p[dlen] = '\0';
    p += dlen + 1;
    for (size_t i = 0; i < ans->names.n; i++) {
        size_t n = strlen(ans->names.v[i]) + 1;

        memcpy(p, ans->names.v[i], n);
        p += n;
    }
    return e;
}

/* The caller's own answer from an entry, with ttl seconds left. */
static rdns_dns_answer *cache_entry_answer(cache_entry *e, uint32_t ttl)
{
    rdns_dns_answer *ans = rdns_calloc(1, sizeof(*ans));
    const char *p = cache_entry_key(e) + e->keylen + 1;
    size_t n;

    ans->status = e->status;
    ans->null_mx = e->null_mx;
    ans->ttl = ttl;
    /* addrs is never NULL in a fresh answer either */
    ans->addrs = rdns_calloc(e->naddrs > 0 ? e->naddrs : 1, sizeof(rdns_addr));
    ans->naddrs = e->naddrs;
    if (e->naddrs > 0)
        memcpy(ans->addrs, cache_entry_addrs(e), e->naddrs * sizeof(rdns_addr));
    n = strlen(p);
    memcpy(ans->canonical, p, n + 1);
    p += n + 1;
    n = strlen(p);
    memcpy(ans->detail, p, n + 1);
    p += n + 1;
    for (uint16_t i = 0; i < e->nnames; i++) {
        rdns_strlist_add(&ans->names, p);
        p += strlen(p) + 1;
    }
    if (e->has_mx_pref) {
        ans->mx_pref = rdns_malloc(e->nnames * sizeof(unsigned));
        memcpy(ans->mx_pref, cache_entry_prefs(e), e->nnames * sizeof(unsigned));
    }
    return ans;
}

/* ---- shards (callers hold the lock) ---------------------------------- */

static cache_entry **cache_find_slot(cache_shard *s, uint64_t h, const char *key,
                                     size_t keylen, rdns_dns_type type)
{
    cache_entry **pp = &s->buckets[h & s->mask];

    for (; *pp != NULL; pp = &(*pp)->hnext) {
        cache_entry *e = *pp;

        if (e->hash == h && e->type == type && e->keylen == keylen
            && memcmp(cache_entry_key(e), key, keylen) == 0)
            return pp;
    }
    return pp;
}

static cache_queue *cache_queue_of(cache_shard *s, const cache_entry *e)
{
    return e->in_main ? &s->main : &s->small;
}

static void cache_queue_unlink(cache_shard *s, cache_entry *e)
{
    cache_queue *q = cache_queue_of(s, e);

    if (e->newer != NULL)
        e->newer->older = e->older;
    else
        q->newest = e->older;
    if (e->older != NULL)
        e->older->newer = e->newer;
    else
        q->oldest = e->newer;
    e->newer = e->older = NULL;
    q->count--;
}

static void cache_queue_push(cache_shard *s, cache_entry *e, bool in_main)
{
    cache_queue *q;

    e->in_main = in_main;
    q = cache_queue_of(s, e);
    e->newer = NULL;
    e->older = q->newest;
    if (q->newest != NULL)
        q->newest->newer = e;
    q->newest = e;
    if (q->oldest == NULL)
        q->oldest = e;
    q->count++;
}

/* Was h dropped from small lately? Forgets it either way: one ghost hit
 * per drop. */
static bool cache_ghost_take(cache_shard *s, uint64_t h)
{
    uint64_t *g = &s->ghost[h & s->mask];

    if (h == 0 || *g != h)
        return false;
    *g = 0;
    return true;
}

static void cache_ghost_put(cache_shard *s, uint64_t h)
{
    s->ghost[h & s->mask] = h;
}

/* Takes e (found at *pp in its bucket) out of the shard and frees it. */
static void cache_remove(cache_shard *s, cache_entry **pp, cache_entry *e)
{
    *pp = e->hnext;
    cache_queue_unlink(s, e);
    s->count--;
    s->bytes -= e->bytes;
    atomic_store_explicit(&s->entries, s->count, memory_order_relaxed);
    free(e);
}

static void cache_drop(cache_shard *s, cache_entry *e, int64_t now)
{
    cache_entry **pp = &s->buckets[e->hash & s->mask];

    while (*pp != e)
        pp = &(*pp)->hnext;
    if (now >= e->expires) {
        atomic_fetch_add_explicit(&s->expired, 1, memory_order_relaxed);
    } else {
        atomic_fetch_add_explicit(&s->evictions, 1, memory_order_relaxed);
        if (!e->in_main)
            cache_ghost_put(s, e->hash);
    }
    cache_remove(s, pp, e);
}

/* Frees one entry, the S3-FIFO way (see the top of this file). Every lap
 * of the loop either frees an entry or lowers a frequency or moves an
 * entry from small to main, so it ends within 4 * count laps. */
static void cache_evict_one(cache_shard *s, int64_t now)
{
    for (;;) {
        bool from_small = s->small.count > 0
                          && (s->small.count >= s->small_cap || s->main.count == 0);
        cache_entry *e = from_small ? s->small.oldest : s->main.oldest;

        if (now >= e->expires || e->freq == 0) {
            cache_drop(s, e, now);
            return;
        }
        cache_queue_unlink(s, e);
        if (from_small)
            e->freq = 0;                /* promoted: it must be asked again in main */
        else
            e->freq--;
        cache_queue_push(s, e, true);
    }
}

/* ---- the interface --------------------------------------------------- */

static int64_t cache_default_clock(void *arg)
{
    (void)arg;
    return rdns_clock_ms();
}

static unsigned cache_pick_shards(size_t max_entries, unsigned want)
{
    unsigned n = CACHE_MAX_SHARDS;

    if (want > 0) {
        n = 1;
        while (n * 2 <= want && n * 2 <= CACHE_MAX_SHARDS * 4)
            n *= 2;
    } else {
        while (n > 1 && max_entries / n < CACHE_MIN_PER_SHARD)
            n /= 2;
    }
    while (n > 1 && n > max_entries)
        n /= 2;
    return n;
}

static void cache_shard_init(cache_shard *s, size_t cap)
{
    size_t nb = 8;

    while (nb < cap)
        nb *= 2;
    pthread_mutex_init(&s->lock, NULL);
    s->buckets = rdns_calloc(nb, sizeof(*s->buckets));
    s->ghost = rdns_calloc(nb, sizeof(*s->ghost));
    s->mask = nb - 1;
    s->cap = cap;
    s->small_cap = cap / 10 > 0 ? cap / 10 : 1;
    s->max_bytes = cap * CACHE_BYTES_PER_ENTRY;
    atomic_init(&s->hits, 0);
    atomic_init(&s->misses, 0);
    atomic_init(&s->inserts, 0);
    atomic_init(&s->evictions, 0);
    atomic_init(&s->expired, 0);
    atomic_init(&s->uncacheable, 0);
    atomic_init(&s->entries, 0);
}

rdns_cache *rdns_cache_create(const rdns_cache_options *o)
{
    rdns_cache *c;
    uintptr_t base;

    if (o == NULL || o->max_entries == 0)
        return NULL;
    c = rdns_calloc(1, sizeof(*c));
    c->max_entries = o->max_entries;
    c->min_ttl = o->min_ttl;
    c->max_ttl = o->max_ttl > 0 ? o->max_ttl : RDNS_DNS_CACHE_MAX_TTL_DEFAULT;
    c->clock = o->clock != NULL ? o->clock : cache_default_clock;
    c->clock_arg = o->clock_arg;
    if (getrandom(&c->seed, sizeof(c->seed), GRND_NONBLOCK) != (ssize_t)sizeof(c->seed))
        c->seed = (uint64_t)rdns_clock_ms() * 0x9e3779b97f4a7c15ULL ^ (uintptr_t)c;
    c->nshards = cache_pick_shards(o->max_entries, o->shards);
    c->shard_shift = 64;
    for (unsigned n = c->nshards; n > 1; n /= 2)
        c->shard_shift--;
    c->slots_raw = rdns_calloc(1, c->nshards * sizeof(cache_slot) + CACHE_LINE);
    base = ((uintptr_t)c->slots_raw + CACHE_LINE - 1) & ~(uintptr_t)(CACHE_LINE - 1);
    c->slots = (cache_slot *)base;
    for (unsigned i = 0; i < c->nshards; i++) {
        size_t cap = o->max_entries / c->nshards + (i < o->max_entries % c->nshards ? 1 : 0);

        cache_shard_init(&c->slots[i].s, cap);
    }
    return c;
}

void rdns_cache_free(rdns_cache *c)
{
    if (c == NULL)
        return;
    for (unsigned i = 0; i < c->nshards; i++) {
        cache_shard *s = &c->slots[i].s;
        cache_queue *queues[] = { &s->small, &s->main };

        for (size_t q = 0; q < 2; q++) {
            cache_entry *e = queues[q]->newest;

            while (e != NULL) {
                cache_entry *next = e->older;

                free(e);
                e = next;
            }
        }
        free(s->buckets);
        free(s->ghost);
        pthread_mutex_destroy(&s->lock);
    }
    free(c->slots_raw);
    free(c);
}

/* The live answer for the key (a copy), or NULL; the caller holds the
 * shard's lock. Counts a hit or a miss. */
static rdns_dns_answer *cache_get_locked(cache_shard *s, uint64_t h, const char *key,
                                         size_t keylen, rdns_dns_type type, int64_t now)
{
    rdns_dns_answer *ans = NULL;
    cache_entry **pp, *e;

    pp = cache_find_slot(s, h, key, keylen, type);
    e = *pp;
    if (e != NULL && now >= e->expires) {
        atomic_fetch_add_explicit(&s->expired, 1, memory_order_relaxed);
        cache_remove(s, pp, e);
        e = NULL;
    }
    if (e != NULL) {
        int64_t left = (e->expires - now + 999) / 1000;

        /* now was read before the lock: an entry stored meanwhile may
         * seem to have more than its TTL left */
        if (left > (int64_t)e->ttl)
            left = e->ttl;
        if (e->freq < CACHE_FREQ_MAX)
            e->freq++;
        ans = cache_entry_answer(e, (uint32_t)left);
        atomic_fetch_add_explicit(&s->hits, 1, memory_order_relaxed);
    } else {
        atomic_fetch_add_explicit(&s->misses, 1, memory_order_relaxed);
    }
    return ans;
}

rdns_dns_answer *rdns_cache_get(rdns_cache *c, const char *name, rdns_dns_type type)
{
    char key[CACHE_KEY_MAX + 1];
    size_t keylen = cache_key(name, key);
    rdns_dns_answer *ans;
    cache_shard *s;
    uint64_t h;
    int64_t now;

    if (keylen == 0)
        return NULL;
    h = cache_hash(c, key, keylen, type);
    s = cache_shard_of(c, h);
    now = c->clock(c->clock_arg);
    pthread_mutex_lock(&s->lock);
    ans = cache_get_locked(s, h, key, keylen, type, now);
    pthread_mutex_unlock(&s->lock);
    return ans;
}

bool rdns_cache_has(rdns_cache *c, const char *name, rdns_dns_type type)
{
    char key[CACHE_KEY_MAX + 1];
    size_t keylen = cache_key(name, key);
    cache_shard *s;
    cache_entry *e;
    uint64_t h;
    int64_t now;
    bool has;

    if (keylen == 0)
        return false;
    h = cache_hash(c, key, keylen, type);
    s = cache_shard_of(c, h);
    now = c->clock(c->clock_arg);
    pthread_mutex_lock(&s->lock);
    e = *cache_find_slot(s, h, key, keylen, type);
    has = e != NULL && now < e->expires;
    pthread_mutex_unlock(&s->lock);
    return has;
}

/* The TTL an answer is kept for, 0 if it may not be kept. */
static uint32_t cache_ttl(const rdns_cache *c, const rdns_dns_answer *ans)
{
    uint32_t ttl = ans->ttl;

    if (ans->status == RDNS_DNS_TEMPFAIL || ttl == 0)
        return 0;
    if (ttl < c->min_ttl)
        ttl = c->min_ttl;
    if (ttl > c->max_ttl)
        ttl = c->max_ttl;
    return ttl;
}

/* The entry to store for ans, or NULL (counted) when it may not be kept. */
static cache_entry *cache_entry_for(const rdns_cache *c, cache_shard *s, uint64_t h,
                                    const char *key, size_t keylen, rdns_dns_type type,
                                    const rdns_dns_answer *ans, int64_t now)
{
    uint32_t ttl = cache_ttl(c, ans);
    cache_entry *e = ttl > 0 ? cache_entry_new(key, keylen, type, ans) : NULL;

    if (e == NULL || e->bytes > s->max_bytes) {
        free(e);
        atomic_fetch_add_explicit(&s->uncacheable, 1, memory_order_relaxed);
        return NULL;
    }
    e->hash = h;
    e->expires = now + (int64_t)ttl * 1000;
    e->ttl = ttl;
    return e;
}

/* Stores e in its shard, whose lock the caller holds. */
static void cache_insert_locked(cache_shard *s, cache_entry *e, const char *key, size_t keylen,
                                int64_t now)
{
    uint64_t h = e->hash;
    rdns_dns_type type = e->type;
    cache_entry **pp;
    bool in_main;

    pp = cache_find_slot(s, h, key, keylen, type);
    if (*pp != NULL) {                /* another thread was first, or a refresh: */
        in_main = (*pp)->in_main;     /* the new answer keeps the old one's place */
        e->freq = (*pp)->freq;
        cache_remove(s, pp, *pp);
    } else {
        in_main = cache_ghost_take(s, h);
    }
    while (s->count > 0 && (s->count >= s->cap || s->bytes + e->bytes > s->max_bytes))
        cache_evict_one(s, now);
    /* the bucket may have changed under eviction: find the chain end anew */
    pp = cache_find_slot(s, h, key, keylen, type);
    *pp = e;
    cache_queue_push(s, e, in_main);
    s->count++;
    s->bytes += e->bytes;
    atomic_store_explicit(&s->entries, s->count, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->inserts, 1, memory_order_relaxed);
}

bool rdns_cache_put(rdns_cache *c, const char *name, rdns_dns_type type,
                    const rdns_dns_answer *ans)
{
    char key[CACHE_KEY_MAX + 1];
    size_t keylen = cache_key(name, key);
    cache_entry *e;
    cache_shard *s;
    uint64_t h;
    int64_t now;

    if (keylen == 0) {
        return false;        /* never a valid lookup, so never a good answer */
    }
    h = cache_hash(c, key, keylen, type);
    s = cache_shard_of(c, h);
    now = c->clock(c->clock_arg);
    e = cache_entry_for(c, s, h, key, keylen, type, ans, now);
    if (e == NULL)
        return false;
    pthread_mutex_lock(&s->lock);
    cache_insert_locked(s, e, key, keylen, now);
    pthread_mutex_unlock(&s->lock);
    return true;
}

/* ---- merged misses ---------------------------------------------------- */

static cache_flight *cache_flight_find(cache_shard *s, uint64_t h, const char *key,
                                       size_t keylen, rdns_dns_type type)
{
    for (cache_flight *f = s->flights; f != NULL; f = f->next) {
        if (f->hash == h && f->type == type && f->keylen == keylen
            && memcmp(f->key, key, keylen) == 0)
            return f;
    }
    return NULL;
}

/* Drops one reference to f (the shard's lock held); the last one frees it. */
static void cache_flight_release(cache_flight *f)
{
    if (--f->refs > 0)
        return;
    pthread_cond_destroy(&f->done_cv);
    free(f->result);
    free(f);
}

static cache_flight *cache_flight_new(cache_shard *s, uint64_t h, const char *key,
                                      size_t keylen, rdns_dns_type type, int64_t deadline)
{
    cache_flight *f = rdns_calloc(1, sizeof(*f));
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);   /* as rdns_clock_ms */
    pthread_cond_init(&f->done_cv, &attr);
    pthread_condattr_destroy(&attr);
    f->hash = h;
    f->type = type;
    f->keylen = keylen;
    memcpy(f->key, key, keylen + 1);
    f->deadline = deadline;
    f->refs = 1;
    f->next = s->flights;
    s->flights = f;
    return f;
}

static void cache_flight_unlink(cache_shard *s, cache_flight *f)
{
    cache_flight **pp = &s->flights;

    while (*pp != f)
        pp = &(*pp)->next;
    *pp = f->next;
}

/* Waits (the shard's lock held) until f is done or deadline passes; true
 * when done. */
static bool cache_flight_wait(cache_shard *s, cache_flight *f, int64_t deadline)
{
    while (!f->done) {
        if (deadline == 0) {
            pthread_cond_wait(&f->done_cv, &s->lock);
        } else {
            struct timespec ts = { .tv_sec = deadline / 1000,
                                   .tv_nsec = (long)(deadline % 1000) * 1000000L };

            if (pthread_cond_timedwait(&f->done_cv, &s->lock, &ts) != 0 && !f->done)
                return false;
        }
    }
    return true;
}

/* What a waiter whose deadline passed gets: the same as a lookup that ran
 * out of time. */
static rdns_dns_answer *cache_timeout_answer(void)
{
    rdns_dns_answer *ans = rdns_calloc(1, sizeof(*ans));

    ans->status = RDNS_DNS_TEMPFAIL;
    ans->addrs = rdns_calloc(1, sizeof(rdns_addr));
    snprintf(ans->detail, sizeof(ans->detail),
             "deadline reached waiting for the same query in flight");
    return ans;
}

/* Does a waiter with deadline mine get anything from a flight that ended
 * in a temporary failure under deadline theirs? Only if the flight had at
 * least as much time: else it asks for itself. */
static bool cache_deadline_covers(int64_t theirs, int64_t mine)
{
    if (theirs == 0)
        return true;
    return mine != 0 && theirs >= mine;
}

rdns_dns_answer *rdns_cache_fetch(rdns_cache *c, const char *name, rdns_dns_type type,
                                  int64_t deadline, rdns_cache_fill_fn fill, void *arg)
{
    char key[CACHE_KEY_MAX + 1];
    size_t keylen = cache_key(name, key);
    rdns_dns_answer *ans;
    cache_entry *stored, *copy;
    cache_flight *f;
    cache_shard *s;
    uint64_t h;
    int64_t now;

    if (keylen == 0)
        return fill(arg);
    h = cache_hash(c, key, keylen, type);
    s = cache_shard_of(c, h);
    now = c->clock(c->clock_arg);
    pthread_mutex_lock(&s->lock);
    ans = cache_get_locked(s, h, key, keylen, type, now);
    if (ans != NULL) {
        pthread_mutex_unlock(&s->lock);
        return ans;
    }
    f = cache_flight_find(s, h, key, keylen, type);
    if (f != NULL) {
        bool done;

        f->refs++;
        done = cache_flight_wait(s, f, deadline);
        if (done && f->result != NULL
            && (f->result->status != RDNS_DNS_TEMPFAIL
                || cache_deadline_covers(f->deadline, deadline)))
            ans = cache_entry_answer(f->result, f->result->ttl);
        cache_flight_release(f);
        pthread_mutex_unlock(&s->lock);
        if (ans != NULL)
            return ans;
        if (!done)
            return cache_timeout_answer();
        ans = fill(arg);                /* it had more time than the asker */
        rdns_cache_put(c, key, type, ans);
        return ans;
    }
    f = cache_flight_new(s, h, key, keylen, type, deadline);
    pthread_mutex_unlock(&s->lock);

    ans = fill(arg);
    now = c->clock(c->clock_arg);
    stored = cache_entry_for(c, s, h, key, keylen, type, ans, now);
    copy = cache_entry_new(key, keylen, type, ans);
    if (copy != NULL)
        copy->ttl = ans->ttl;

    pthread_mutex_lock(&s->lock);
    if (stored != NULL)
        cache_insert_locked(s, stored, key, keylen, now);
    cache_flight_unlink(s, f);
    f->result = copy;
    f->done = true;
    pthread_cond_broadcast(&f->done_cv);
    cache_flight_release(f);
    pthread_mutex_unlock(&s->lock);
    return ans;
}

void rdns_cache_stats(const rdns_cache *c, rdns_dns_cache_stats *out)
{
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < c->nshards; i++) {
        const cache_shard *s = &c->slots[i].s;

        out->hits += atomic_load_explicit(&s->hits, memory_order_relaxed);
        out->misses += atomic_load_explicit(&s->misses, memory_order_relaxed);
        out->inserts += atomic_load_explicit(&s->inserts, memory_order_relaxed);
        out->evictions += atomic_load_explicit(&s->evictions, memory_order_relaxed);
        out->expired += atomic_load_explicit(&s->expired, memory_order_relaxed);
        out->uncacheable += atomic_load_explicit(&s->uncacheable, memory_order_relaxed);
        out->entries += atomic_load_explicit(&s->entries, memory_order_relaxed);
    }
    out->capacity = c->max_entries;
}
