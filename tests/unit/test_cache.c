/*
 * test_cache - lib/cache: what is kept and for how long (a fake clock, no
 * sleeping), eviction at the bound and its scan resistance, negative
 * TTLs, TEMPFAIL never
 * kept, copies owned by the caller, counters, and 8 threads x 100k
 * operations on one cache (run under ASan/TSan to find races).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "cache.h"
#include "clock.h"
#include "check.h"
#include "mem.h"
#include "silentdns.h"

static _Atomic int64_t fake_now = 1000000;

static int64_t fake_clock(void *arg)
{
    (void)arg;
    return atomic_load(&fake_now);
}

static void advance(int64_t ms)
{
    atomic_fetch_add(&fake_now, ms);
}

static rdns_cache *make(size_t entries, unsigned shards, uint32_t min_ttl, uint32_t max_ttl)
{
    rdns_cache_options o = {.max_entries = entries, .shards = shards, .min_ttl = min_ttl,
                            .max_ttl = max_ttl, .clock = fake_clock};

    return rdns_cache_create(&o);
}

/* An answer as lib/dns builds one. */
static rdns_dns_answer *answer(rdns_dns_status st, uint32_t ttl)
{
    rdns_dns_answer *a = rdns_calloc(1, sizeof(*a));

    a->status = st;
    a->ttl = ttl;
    a->addrs = rdns_calloc(64, sizeof(*a->addrs));
    return a;
}

static rdns_dns_answer *answer_a(const char *ip, uint32_t ttl)
{
    rdns_dns_answer *a = answer(RDNS_DNS_OK, ttl);

    CHECK(rdns_addr_parse(ip, &a->addrs[0]));
    a->naddrs = 1;
    return a;
}

static bool has_addr(const rdns_dns_answer *a, const char *ip)
{
    char buf[RDNS_ADDR_STRLEN];

    if (a == NULL || a->naddrs != 1)
        return false;
    rdns_addr_format(&a->addrs[0], buf, sizeof(buf));
    return strcmp(buf, ip) == 0;
}

static rdns_dns_cache_stats stats(const rdns_cache *c)
{
    rdns_dns_cache_stats s;

    rdns_cache_stats(c, &s);
    return s;
}

static void test_off(void)
{
    rdns_cache_options o = {.max_entries = 0};

    CHECK(rdns_cache_create(&o) == NULL);
    CHECK(rdns_cache_create(NULL) == NULL);
}

/* Every field survives the trip, and the copy is the caller's. */
static void test_copy_whole_answer(void)
{
    rdns_cache *c = make(100, 1, 0, 3600);
    rdns_dns_answer *a = answer(RDNS_DNS_OK, 300), *g, *g2;

    rdns_strlist_add(&a->names, "mx1.example.net");
    rdns_strlist_add(&a->names, "mx2.example.net");
    a->mx_pref = rdns_malloc(2 * sizeof(unsigned));
    a->mx_pref[0] = 10;
    a->mx_pref[1] = 20;
    CHECK(rdns_addr_parse("2001:db8::5", &a->addrs[0]));
    CHECK(rdns_addr_parse("192.0.2.7", &a->addrs[1]));
    a->naddrs = 2;
    snprintf(a->canonical, sizeof(a->canonical), "mail.example.net");
    CHECK(rdns_cache_put(c, "Mail.Example.NET.", RDNS_DNS_MX, a));
    rdns_dns_answer_free(a);

    g = rdns_cache_get(c, "mail.example.net", RDNS_DNS_MX);
    CHECK(g != NULL);
    if (g == NULL) {
        rdns_cache_free(c);
        return;
    }
    CHECK(g->status == RDNS_DNS_OK);
    CHECK(g->names.n == 2);
    CHECK_STR(g->names.v[0], "mx1.example.net");
    CHECK_STR(g->names.v[1], "mx2.example.net");
    CHECK(g->mx_pref != NULL && g->mx_pref[0] == 10 && g->mx_pref[1] == 20);
    CHECK(g->naddrs == 2 && g->addrs[0].family == AF_INET6 && g->addrs[1].family == AF_INET);
    CHECK_STR(g->canonical, "mail.example.net");
    CHECK_STR(g->detail, "");
    CHECK(!g->null_mx);
    CHECK(g->ttl == 300);
    /* the caller may scribble on its copy */
    free(g->names.v[0]);
    g->names.v[0] = rdns_strdup("changed");
    g->mx_pref[0] = 99;
    rdns_dns_answer_free(g);
    g2 = rdns_cache_get(c, "MAIL.example.net.", RDNS_DNS_MX);
    CHECK(g2 != NULL && strcmp(g2->names.v[0], "mx1.example.net") == 0 && g2->mx_pref[0] == 10);
    rdns_dns_answer_free(g2);
    /* the type is part of the key */
    CHECK(rdns_cache_get(c, "mail.example.net", RDNS_DNS_A) == NULL);
    /* a null MX and an answer with no names and no prefs */
    a = answer(RDNS_DNS_OK, 60);
    a->null_mx = true;
    CHECK(rdns_cache_put(c, "nullmx.example", RDNS_DNS_MX, a));
    rdns_dns_answer_free(a);
    g = rdns_cache_get(c, "nullmx.example", RDNS_DNS_MX);
    CHECK(g != NULL && g->null_mx && g->names.n == 0 && g->mx_pref == NULL && g->naddrs == 0
          && g->addrs != NULL);
    rdns_dns_answer_free(g);
    rdns_cache_free(c);
}

/* The returned TTL is what is left; at the TTL the entry is gone. */
static void test_expiry(void)
{
    rdns_cache *c = make(100, 1, 0, 3600);
    rdns_dns_answer *a = answer_a("192.0.2.1", 10), *g;
    rdns_dns_cache_stats s;

    CHECK(rdns_cache_put(c, "e.example", RDNS_DNS_A, a));
    rdns_dns_answer_free(a);
    advance(2500);
    g = rdns_cache_get(c, "e.example", RDNS_DNS_A);
    CHECK(has_addr(g, "192.0.2.1") && g->ttl == 8);     /* 7.5 s left: rounded up */
    rdns_dns_answer_free(g);
    advance(7499);
    g = rdns_cache_get(c, "e.example", RDNS_DNS_A);
    CHECK(g != NULL && g->ttl == 1);
    rdns_dns_answer_free(g);
    advance(1);
    CHECK(rdns_cache_get(c, "e.example", RDNS_DNS_A) == NULL);
    s = stats(c);
    CHECK(s.hits == 2 && s.misses == 1 && s.expired == 1 && s.entries == 0 && s.inserts == 1);
    /* a fresh answer replaces the expired one */
    a = answer_a("192.0.2.2", 10);
    CHECK(rdns_cache_put(c, "e.example", RDNS_DNS_A, a));
    rdns_dns_answer_free(a);
    g = rdns_cache_get(c, "e.example", RDNS_DNS_A);
    CHECK(has_addr(g, "192.0.2.2") && g->ttl == 10);
    rdns_dns_answer_free(g);
    rdns_cache_free(c);
}

static uint32_t kept_for(rdns_cache *c, const char *name, uint32_t ttl)
{
    rdns_dns_answer *a = answer_a("192.0.2.3", ttl), *g;
    uint32_t got = 0;

    if (rdns_cache_put(c, name, RDNS_DNS_A, a) && (g = rdns_cache_get(c, name, RDNS_DNS_A))) {
        got = g->ttl;
        rdns_dns_answer_free(g);
    }
    rdns_dns_answer_free(a);
    return got;
}

static void test_ttl_bounds(void)
{
    rdns_cache *c = make(100, 1, 30, 3600);
    rdns_cache *d = make(100, 1, 0, 0);          /* 0: default max */
    rdns_cache *e = make(100, 1, 600, 60);       /* min above max: max wins */

    CHECK(kept_for(c, "long.example", 86400) == 3600);
    CHECK(kept_for(c, "short.example", 5) == 30);
    CHECK(kept_for(c, "mid.example", 300) == 300);
    CHECK(kept_for(c, "zero.example", 0) == 0);       /* TTL 0: never, even with a floor */
    CHECK(kept_for(d, "long.example", 86400) == RDNS_DNS_CACHE_MAX_TTL_DEFAULT);
    CHECK(kept_for(d, "one.example", 1) == 1);
    CHECK(kept_for(e, "x.example", 5) == 60);
    CHECK(stats(c).uncacheable == 1);
    rdns_cache_free(c);
    rdns_cache_free(d);
    rdns_cache_free(e);
}

/* NXDOMAIN and NODATA are kept for the TTL lib/dns gave them (the RFC
 * 2308 minimum), detail included; TEMPFAIL never. */
static void test_negative_and_tempfail(void)
{
    rdns_cache *c = make(100, 1, 0, 3600);
    rdns_dns_answer *a = answer(RDNS_DNS_NXDOMAIN, 300), *g;

    snprintf(a->canonical, sizeof(a->canonical), "gone.example");
    snprintf(a->detail, sizeof(a->detail), "gone.example does not exist (NXDOMAIN)");
    CHECK(rdns_cache_put(c, "gone.example", RDNS_DNS_PTR, a));
    rdns_dns_answer_free(a);
    a = answer(RDNS_DNS_NODATA, 120);
    CHECK(rdns_cache_put(c, "nodata.example", RDNS_DNS_AAAA, a));
    rdns_dns_answer_free(a);
    advance(299000);
    g = rdns_cache_get(c, "gone.example", RDNS_DNS_PTR);
    CHECK(g != NULL && g->status == RDNS_DNS_NXDOMAIN && g->ttl == 1
          && strcmp(g->detail, "gone.example does not exist (NXDOMAIN)") == 0);
    rdns_dns_answer_free(g);
    CHECK(rdns_cache_get(c, "nodata.example", RDNS_DNS_AAAA) == NULL);   /* 120 s passed */
    advance(1000);
    CHECK(rdns_cache_get(c, "gone.example", RDNS_DNS_PTR) == NULL);

    /* TEMPFAIL: refused even with a TTL, and an old good entry stays */
    a = answer_a("192.0.2.9", 600);
    CHECK(rdns_cache_put(c, "flaky.example", RDNS_DNS_A, a));
    rdns_dns_answer_free(a);
    a = answer(RDNS_DNS_TEMPFAIL, 600);
    snprintf(a->detail, sizeof(a->detail), "timeout");
    CHECK(!rdns_cache_put(c, "flaky.example", RDNS_DNS_A, a));
    CHECK(!rdns_cache_put(c, "down.example", RDNS_DNS_A, a));
    rdns_dns_answer_free(a);
    g = rdns_cache_get(c, "flaky.example", RDNS_DNS_A);
    CHECK(has_addr(g, "192.0.2.9"));
    rdns_dns_answer_free(g);
    CHECK(rdns_cache_get(c, "down.example", RDNS_DNS_A) == NULL);
    CHECK(stats(c).uncacheable == 2);
    /* names that are no DNS name are never keys */
    a = answer_a("192.0.2.9", 600);
    CHECK(!rdns_cache_put(c, "", RDNS_DNS_A, a));
    CHECK(!rdns_cache_put(c, ".", RDNS_DNS_A, a));
    {
        char longname[400];

        memset(longname, 'a', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = '\0';
        CHECK(!rdns_cache_put(c, longname, RDNS_DNS_A, a));
        CHECK(rdns_cache_get(c, longname, RDNS_DNS_A) == NULL);
    }
    rdns_dns_answer_free(a);
    rdns_cache_free(c);
}

static void put_a(rdns_cache *c, const char *name, const char *ip)
{
    rdns_dns_answer *a = answer_a(ip, 3600);

    CHECK(rdns_cache_put(c, name, RDNS_DNS_A, a));
    rdns_dns_answer_free(a);
}

static bool present(rdns_cache *c, const char *name)
{
    rdns_dns_answer *g = rdns_cache_get(c, name, RDNS_DNS_A);

    rdns_dns_answer_free(g);
    return g != NULL;
}

/* One shard of 3: an entry never asked again goes first; a get counts as
 * use (here as under LRU). */
static void test_evict_unused_first(void)
{
    rdns_cache *c = make(3, 1, 0, 3600);
    rdns_dns_cache_stats s;
    rdns_dns_answer *g;

    put_a(c, "a.example", "192.0.2.1");
    put_a(c, "b.example", "192.0.2.2");
    put_a(c, "c.example", "192.0.2.3");
    CHECK(present(c, "a.example"));          /* a is now the newest */
    put_a(c, "d.example", "192.0.2.4");      /* b goes */
    CHECK(!present(c, "b.example"));
    CHECK(present(c, "c.example"));
    CHECK(present(c, "a.example"));
    CHECK(present(c, "d.example"));
    s = stats(c);
    CHECK(s.entries == 3 && s.evictions == 1 && s.capacity == 3 && s.inserts == 4);
    /* replacing a key does not evict another */
    put_a(c, "c.example", "192.0.2.33");
    s = stats(c);
    CHECK(s.entries == 3 && s.evictions == 1);
    g = rdns_cache_get(c, "c.example", RDNS_DNS_A);
    CHECK(has_addr(g, "192.0.2.33"));
    rdns_dns_answer_free(g);
    /* an expired oldest entry counts as expired, not evicted */
    advance(3600 * 1000);
    put_a(c, "e.example", "192.0.2.5");
    s = stats(c);
    CHECK(s.evictions == 1 && s.expired == 1 && s.entries == 3);
    rdns_cache_free(c);
}

/* A working set asked again and again survives a one-time scan of twice
 * the cache's size: under LRU the scan flushes all of it. */
static void test_scan_resistant(void)
{
    rdns_cache *c = make(1000, 1, 0, 3600);
    rdns_dns_cache_stats s;
    char name[64];
    int kept = 0;

    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 300; i++) {
            snprintf(name, sizeof(name), "busy%d.example", i);
            if (!present(c, name))
                put_a(c, name, "192.0.2.1");
        }
    }
    for (int i = 0; i < 2000; i++) {
        snprintf(name, sizeof(name), "once%d.example", i);
        put_a(c, name, "192.0.2.2");
    }
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "busy%d.example", i);
        kept += present(c, name);
    }
    CHECK(kept == 300);
    s = stats(c);
    CHECK(s.entries == 1000 && s.evictions == 2300 - 1000);
    /* the bound still holds, and the newest one-time answers are there */
    CHECK(present(c, "once1999.example"));
    CHECK(!present(c, "once0.example"));
    rdns_cache_free(c);
}

/* The same at the daemon's shape: many shards, a 20,000-entry cache, a
 * working set of 5,000 names, a scan of 40,000 (the benchmark's pass over
 * 10,000 clients): nearly all the working set stays (a shard's share of
 * the working set varies with the hash). */
static void test_scan_resistant_sharded(void)
{
    rdns_cache *c = make(20000, 0, 0, 3600);
    char name[64];
    int kept = 0;

    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 5000; i++) {
            snprintf(name, sizeof(name), "busy%d.example", i);
            if (!present(c, name))
                put_a(c, name, "192.0.2.1");
        }
    }
    for (int i = 0; i < 40000; i++) {
        snprintf(name, sizeof(name), "once%d.example", i);
        put_a(c, name, "192.0.2.2");
    }
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof(name), "busy%d.example", i);
        kept += present(c, name);
    }
    printf("scan: %d of 5000 busy names kept after 40000 one-time names\n", kept);
    CHECK(kept >= 4950);
    CHECK(stats(c).entries <= 20000);
    rdns_cache_free(c);
}

/* An answer dropped from the small queue unasked and stored again soon
 * after (it is in ghost) goes to main: the next scan leaves it. */
static void test_ghost_readmits(void)
{
    rdns_cache *c = make(100, 1, 0, 3600);
    char name[64];

    put_a(c, "again.example", "192.0.2.3");
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "scan1-%d.example", i);
        put_a(c, name, "192.0.2.2");
    }
    CHECK(!present(c, "again.example"));      /* dropped unasked */
    put_a(c, "again.example", "192.0.2.3");    /* asked again: ghost hit */
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof(name), "scan2-%d.example", i);
        put_a(c, name, "192.0.2.2");
    }
    CHECK(present(c, "again.example"));
    rdns_cache_free(c);
}

/* Many shards: the bound holds for the whole cache. */
static void test_bound_sharded(void)
{
    rdns_cache *c = make(1000, 0, 0, 3600);
    rdns_dns_cache_stats s;
    char name[64];
    int refused = 0;

    for (int i = 0; i < 10000; i++) {
        rdns_dns_answer *a = answer(RDNS_DNS_OK, 3600);

        snprintf(name, sizeof(name), "h%d.example", i);
        refused += !rdns_cache_put(c, name, RDNS_DNS_A, a);
        rdns_dns_answer_free(a);
    }
    CHECK(refused == 0);
    s = stats(c);
    CHECK(s.entries <= 1000 && s.entries >= 900);
    CHECK(s.inserts == 10000 && s.evictions == 10000 - s.entries);
    CHECK(present(c, "h9999.example"));
    CHECK(!present(c, "h0.example"));
    rdns_cache_free(c);
}

/* An answer bigger than its shard's byte budget is not kept. */
static void test_byte_budget(void)
{
    rdns_cache *c = make(1, 1, 0, 3600);
    rdns_dns_answer *a = answer(RDNS_DNS_OK, 300);
    char name[RDNS_NAME_MAX + 1];

    for (int i = 0; i < 40; i++) {
        memset(name, 'x', 60);
        snprintf(name + 60, sizeof(name) - 60, "%02d.example", i);
        rdns_strlist_add(&a->names, name);
    }
    CHECK(!rdns_cache_put(c, "big.example", RDNS_DNS_PTR, a));
    CHECK(rdns_cache_get(c, "big.example", RDNS_DNS_PTR) == NULL);
    CHECK(stats(c).uncacheable == 1);
    rdns_dns_answer_free(a);
    rdns_cache_free(c);
}

/* ---- merged misses (rdns_cache_fetch) -------------------------------- */

typedef struct slow_fill {
    atomic_int calls;
    int sleep_ms;
    rdns_dns_status status;
} slow_fill;

static rdns_dns_answer *slow_fill_run(void *arg)
{
    slow_fill *f = arg;
    struct timespec ts = { f->sleep_ms / 1000, (long)(f->sleep_ms % 1000) * 1000000L };
    atomic_fetch_add(&f->calls, 1);
    nanosleep(&ts, NULL);
    if (f->status != RDNS_DNS_OK)
        return answer(f->status, 0);
    return answer_a("192.0.2.7", 600);
}

typedef struct fetcher {
    rdns_cache *c;
    slow_fill *fill;
    int64_t deadline_in;            /* ms from start; 0: none */
    rdns_dns_answer *got;
    int64_t took;
} fetcher;

static void *fetcher_run(void *arg)
{
    fetcher *f = arg;
    int64_t t0 = rdns_clock_ms();

    f->got = rdns_cache_fetch(f->c, "slow.example", RDNS_DNS_A,
                              f->deadline_in > 0 ? t0 + f->deadline_in : 0, slow_fill_run,
                              f->fill);
    f->took = rdns_clock_ms() - t0;
    return NULL;
}

static void fetch_all(fetcher *f, int n)
{
    pthread_t t[8];
    struct timespec gap = { 0, 20 * 1000000L };

    for (int i = 0; i < n; i++) {
        CHECK(pthread_create(&t[i], NULL, fetcher_run, &f[i]) == 0);
        if (i == 0)
            nanosleep(&gap, NULL);  /* the first one asks; the others find it asking */
    }
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
}

/* Threads missing the same question share one fill; a waiter whose own
 * deadline comes first gets a TEMPFAIL at its deadline, not the asker's. */
static void test_fetch_merges(void)
{
    rdns_cache_options o = {.max_entries = 100};
    rdns_cache *c = rdns_cache_create(&o);
    slow_fill fill = {.sleep_ms = 400, .status = RDNS_DNS_OK};
    fetcher f[4] = {{c, &fill, 0, NULL, 0}, {c, &fill, 0, NULL, 0},
                    {c, &fill, 5000, NULL, 0}, {c, &fill, 100, NULL, 0}};

    atomic_init(&fill.calls, 0);
    fetch_all(f, 4);
    CHECK(atomic_load(&fill.calls) == 1);
    for (int i = 0; i < 3; i++)
        CHECK(has_addr(f[i].got, "192.0.2.7"));
    CHECK(f[3].got != NULL && f[3].got->status == RDNS_DNS_TEMPFAIL);
    CHECK(f[3].took < 350);
    for (int i = 0; i < 4; i++)
        rdns_dns_answer_free(f[i].got);
    /* now cached: no fill at all */
    f[0].got = rdns_cache_fetch(c, "slow.example", RDNS_DNS_A, 0, slow_fill_run, &fill);
    CHECK(has_addr(f[0].got, "192.0.2.7") && atomic_load(&fill.calls) == 1);
    rdns_dns_answer_free(f[0].got);
    rdns_cache_free(c);
}

/* A TEMPFAIL is shared with waiters that had no more time than the asker,
 * is never cached, and a waiter with more time asks for itself. */
static void test_fetch_tempfail(void)
{
    rdns_cache_options o = {.max_entries = 100};
    rdns_cache *c = rdns_cache_create(&o);
    slow_fill fill = {.sleep_ms = 300, .status = RDNS_DNS_TEMPFAIL};
    fetcher f[3] = {{c, &fill, 2000, NULL, 0}, {c, &fill, 1500, NULL, 0},
                    {c, &fill, 0, NULL, 0}};

    atomic_init(&fill.calls, 0);
    fetch_all(f, 3);
    for (int i = 0; i < 3; i++) {
        CHECK(f[i].got != NULL && f[i].got->status == RDNS_DNS_TEMPFAIL);
        rdns_dns_answer_free(f[i].got);
    }
    CHECK(atomic_load(&fill.calls) == 2);      /* the asker, and the one without limit */
    CHECK(stats(c).inserts == 0 && stats(c).entries == 0);
    rdns_cache_free(c);
}

/* ---- threads --------------------------------------------------------- */

#define HAMMER_THREADS 8
#define HAMMER_OPS 100000
#define HAMMER_NAMES 5000

typedef struct hammer {
    rdns_cache *c;
    unsigned seed;
    long gets, bad;
} hammer;

/* Name i always maps to address 10.x.y.z made from i, so a reader can tell
 * a torn or mixed-up entry. */
static void hammer_name(unsigned i, char *name, size_t len, char *ip, size_t iplen)
{
    snprintf(name, len, "host-%u.hammer.example", i);
    snprintf(ip, iplen, "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
}

static void *hammer_run(void *arg)
{
    hammer *h = arg;
    char name[64], ip[32];

    for (int n = 0; n < HAMMER_OPS; n++) {
        unsigned i = (unsigned)rand_r(&h->seed) % HAMMER_NAMES;
        rdns_dns_answer *g;

        hammer_name(i, name, sizeof(name), ip, sizeof(ip));
        g = rdns_cache_get(h->c, name, RDNS_DNS_A);
        h->gets++;
        if (g == NULL) {
            rdns_dns_answer *a = answer(RDNS_DNS_OK, 1 + (uint32_t)(i % 5));

            rdns_addr_parse(ip, &a->addrs[0]);
            a->naddrs = 1;
            snprintf(a->canonical, sizeof(a->canonical), "%s", name);
            rdns_cache_put(h->c, name, RDNS_DNS_A, a);
            rdns_dns_answer_free(a);
        } else {
            if (!has_addr(g, ip) || strcmp(g->canonical, name) != 0 || g->ttl < 1 || g->ttl > 5)
                h->bad++;
            rdns_dns_answer_free(g);
        }
        if (n % 1000 == 0)
            advance(100);           /* entries expire while others read them */
    }
    return NULL;
}

static void test_hammer(void)
{
    rdns_cache *c = make(2000, 0, 0, 3600);
    hammer h[HAMMER_THREADS];
    pthread_t t[HAMMER_THREADS];
    rdns_dns_cache_stats s;
    long gets = 0, bad = 0;

    for (int i = 0; i < HAMMER_THREADS; i++) {
        h[i] = (hammer){.c = c, .seed = 1234u + (unsigned)i};
        CHECK(pthread_create(&t[i], NULL, hammer_run, &h[i]) == 0);
    }
    for (int i = 0; i < HAMMER_THREADS; i++) {
        pthread_join(t[i], NULL);
        gets += h[i].gets;
        bad += h[i].bad;
    }
    s = stats(c);
    CHECK(bad == 0);
    CHECK(gets == (long)HAMMER_THREADS * HAMMER_OPS);
    CHECK(s.hits + s.misses == (uint64_t)gets);
    CHECK(s.hits > 0 && s.misses > 0 && s.evictions > 0 && s.expired > 0);
    CHECK(s.entries <= 2000);
    /* every insert either is still held, was evicted, expired or replaced */
    CHECK(s.inserts >= s.entries + s.evictions + s.expired);
    printf("hammer: %ld gets, %llu hits, %llu misses, %llu inserts, %llu evictions, "
           "%llu expired, %llu held\n", gets, (unsigned long long)s.hits,
           (unsigned long long)s.misses, (unsigned long long)s.inserts,
           (unsigned long long)s.evictions, (unsigned long long)s.expired,
           (unsigned long long)s.entries);
    rdns_cache_free(c);
}

/* ---- through rdns_dns ------------------------------------------------ */

/* A TEMPFAIL lookup is asked again; the counters say so. */
static void test_dns_tempfail_not_cached(void)
{
    rdns_dns *dns = silent_dns();
    char log[512];
    rdns_dns_cache_stats s;

    for (int i = 0; i < 2; i++) {
        rdns_dns_answer *a = rdns_dns_lookup(dns, "nobody.example", RDNS_DNS_A, 0);

        CHECK(a->status == RDNS_DNS_TEMPFAIL);
        rdns_dns_answer_free(a);
        CHECK(silent_drain(log, sizeof(log)) == 1);     /* the server was asked each time */
    }
    rdns_dns_stats(dns, &s);
    CHECK(s.hits == 0 && s.misses == 2 && s.inserts == 0 && s.uncacheable == 2);
    CHECK(s.capacity == RDNS_DNS_CACHE_SIZE_DEFAULT);
    rdns_dns_free(dns);
    close(silent_fd);
}

static void test_dns_options(void)
{
    rdns_strlist servers = {0};
    rdns_dns_options o = {.servers = &servers, .timeout_ms = 100, .cache_size = -1};
    rdns_dns_cache_stats s;
    char err[256];
    rdns_dns *dns;

    rdns_strlist_add(&servers, "127.0.0.1:9");
    dns = rdns_dns_create(&o, err, sizeof(err));
    CHECK(dns != NULL);
    memset(&s, 0xff, sizeof(s));
    rdns_dns_stats(dns, &s);
    CHECK(s.capacity == 0 && s.hits == 0 && s.entries == 0);
    rdns_dns_free(dns);
    o.cache_size = 7;
    dns = rdns_dns_create(&o, err, sizeof(err));
    rdns_dns_stats(dns, &s);
    CHECK(s.capacity == 7);
    rdns_dns_free(dns);
    /* a failed create frees its cache too (ASan would say) */
    rdns_strlist_add(&servers, "not an address");
    CHECK(rdns_dns_create(&o, err, sizeof(err)) == NULL);
    rdns_strlist_clear(&servers);
}

int main(void)
{
    test_off();
    test_copy_whole_answer();
    test_expiry();
    test_ttl_bounds();
    test_negative_and_tempfail();
    test_evict_unused_first();
    test_scan_resistant();
    test_scan_resistant_sharded();
    test_ghost_readmits();
    test_bound_sharded();
    test_byte_budget();
    test_fetch_merges();
    test_fetch_tempfail();
    test_hammer();
    test_dns_tempfail_not_cached();
    test_dns_options();
    CHECK_DONE();
}
