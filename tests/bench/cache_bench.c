/*
 * NAME
 *   cache_bench - lookups per second answered by the DNS cache
 * SYNOPSIS
 *   cache_bench [-n NAMES] [-s SECONDS] [-t THREADS,...]
 * DESCRIPTION
 *   Two measurements, each with 1, 2 and 8 threads (or the -t list):
 *
 *   lookup   rdns_dns_lookup() of NAMES names (default 5000) through one
 *            shared rdns_dns whose cache (20000 entries, the default)
 *            was filled first from a small DNS responder in this process
 *            on 127.0.0.1 (every A question gets one address, TTL 3600).
 *            This is the milter's path: every lookup is a hit and returns
 *            the caller's own copy. The hit rate comes from rdns_dns_stats.
 *   get/N    rdns_cache_get() alone, with N shards (1 and the default),
 *            to show what the sharding buys when threads contend.
 *
 *   Not a ctest test: figures depend on the machine. Loopback only.
 */
#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "clock.h"
#include "dns.h"
#include "mem.h"

typedef struct bench_job {
    rdns_dns *dns;                  /* lookup mode, else cache */
    rdns_cache *cache;
    size_t nnames;
    char **names;
    unsigned seed;
    int64_t end;
    long ops, misses;
    double cpu_s;                   /* this thread's CPU time */
} bench_job;

static atomic_bool responder_stop;

/* Answers every A question with 192.0.2.1, TTL 3600; anything else NODATA. */
static void *responder_run(void *arg)
{
    int fd = *(int *)arg;
    uint8_t buf[1500];

    while (!atomic_load(&responder_stop)) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        struct sockaddr_storage peer;
        socklen_t plen = sizeof(peer);
        ldns_pkt *q = NULL, *r;
        ldns_rr *rr;
        ldns_rr_list *ql;
        uint8_t *wire;
        size_t wlen;
        ssize_t n;

        if (poll(&pfd, 1, 100) <= 0)
            continue;
        n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
        if (n <= 0 || ldns_wire2pkt(&q, buf, (size_t)n) != LDNS_STATUS_OK)
            continue;
        ql = ldns_pkt_question(q);
        if (ldns_rr_list_rr_count(ql) != 1) {
            ldns_pkt_free(q);
            continue;
        }
        r = ldns_pkt_new();
        ldns_pkt_set_id(r, ldns_pkt_id(q));
        ldns_pkt_set_qr(r, true);
        ldns_pkt_set_aa(r, true);
        ldns_pkt_set_rd(r, ldns_pkt_rd(q));
        ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, ldns_rr_clone(ldns_rr_list_rr(ql, 0)));
        if (ldns_rr_get_type(ldns_rr_list_rr(ql, 0)) == LDNS_RR_TYPE_A) {
            rr = ldns_rr_new_frm_type(LDNS_RR_TYPE_A);
            ldns_rr_set_owner(rr, ldns_rdf_clone(ldns_rr_owner(ldns_rr_list_rr(ql, 0))));
            ldns_rr_set_ttl(rr, 3600);
            ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
            ldns_rr_set_rdf(rr, ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "192.0.2.1"), 0);
            ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, rr);
        }
        if (ldns_pkt2wire(&wire, r, &wlen) == LDNS_STATUS_OK) {
            sendto(fd, wire, wlen, 0, (struct sockaddr *)&peer, plen);
            free(wire);
        }
        ldns_pkt_free(r);
        ldns_pkt_free(q);
    }
    return NULL;
}

static double bench_cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *bench_run(void *arg)
{
    bench_job *j = arg;
    double c0 = bench_cpu();

    while (rdns_clock_ms() < j->end) {
        for (int k = 0; k < 1000; k++) {
            const char *name = j->names[(unsigned)rand_r(&j->seed) % j->nnames];
            rdns_dns_answer *a = j->dns != NULL ? rdns_dns_lookup(j->dns, name, RDNS_DNS_A, 0)
                                                : rdns_cache_get(j->cache, name, RDNS_DNS_A);

            if (a == NULL || a->status != RDNS_DNS_OK)
                j->misses++;
            rdns_dns_answer_free(a);
        }
        j->ops += 1000;
    }
    j->cpu_s = bench_cpu() - c0;
    return NULL;
}

/* Runs nthreads for seconds; returns lookups per second of wall time, and
 * in *per_cpu lookups per second of CPU time (less skewed by a busy box). */
static double bench_threads(rdns_dns *dns, rdns_cache *cache, char **names, size_t nnames,
                            int nthreads, double seconds, long *misses, double *per_cpu)
{
    double cpu = 0;
    bench_job *jobs = rdns_calloc((size_t)nthreads, sizeof(*jobs));
    pthread_t *tid = rdns_calloc((size_t)nthreads, sizeof(*tid));
    int64_t t0 = rdns_clock_ms(), t1;
    long ops = 0;

    *misses = 0;
    for (int i = 0; i < nthreads; i++) {
        jobs[i] = (bench_job){.dns = dns, .cache = cache, .names = names, .nnames = nnames,
                              .seed = 77u + (unsigned)i, .end = t0 + (int64_t)(seconds * 1000)};
        pthread_create(&tid[i], NULL, bench_run, &jobs[i]);
    }
    for (int i = 0; i < nthreads; i++) {
        pthread_join(tid[i], NULL);
        ops += jobs[i].ops;
        *misses += jobs[i].misses;
        cpu += jobs[i].cpu_s;
    }
    *per_cpu = cpu > 0 ? (double)ops / cpu : 0;
    t1 = rdns_clock_ms();
    free(jobs);
    free(tid);
    return (double)ops * 1000.0 / (double)(t1 - t0);
}

static int bench_responder(pthread_t *tid, int *fd, char *spec, size_t len)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t sl = sizeof(sin);

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (*fd < 0 || bind(*fd, (struct sockaddr *)&sin, sizeof(sin)) != 0
        || getsockname(*fd, (struct sockaddr *)&sin, &sl) != 0)
        return -1;
    snprintf(spec, len, "127.0.0.1:%u", ntohs(sin.sin_port));
    return pthread_create(tid, NULL, responder_run, fd);
}

int main(int argc, char **argv)
{
    size_t nnames = 5000;
    double seconds = 2.0;
    int threads[8] = {1, 2, 8}, nthr = 3;
    char spec[64], err[256], **names;
    rdns_strlist servers = {0};
    rdns_dns_options o = {.servers = &servers, .timeout_ms = 1000, .retries = 1,
                          .max_cname_depth = 8};
    rdns_dns_cache_stats st;
    pthread_t rtid;
    rdns_dns *dns;
    int rfd, opt;
    long misses;
    int64_t t0;

    while ((opt = getopt(argc, argv, "n:s:t:")) != -1) {
        if (opt == 'n') {
            nnames = (size_t)atol(optarg);
        } else if (opt == 's') {
            seconds = atof(optarg);
        } else if (opt == 't') {
            char *save = NULL;

            nthr = 0;
            for (char *p = strtok_r(optarg, ",", &save); p && nthr < 8;
                 p = strtok_r(NULL, ",", &save))
                threads[nthr++] = atoi(p);
        } else {
            fprintf(stderr, "usage: cache_bench [-n NAMES] [-s SECONDS] [-t 1,2,8]\n");
            return 2;
        }
    }
    if (nnames == 0 || nnames > 1000000 || seconds <= 0)
        return 2;
    if (bench_responder(&rtid, &rfd, spec, sizeof(spec)) != 0) {
        perror("cache_bench: responder");
        return 1;
    }
    rdns_strlist_add(&servers, spec);
    dns = rdns_dns_create(&o, err, sizeof(err));
    rdns_strlist_clear(&servers);
    if (dns == NULL) {
        fprintf(stderr, "cache_bench: %s\n", err);
        return 1;
    }
    names = rdns_calloc(nnames, sizeof(*names));
    for (size_t i = 0; i < nnames; i++) {
        char n[64];

        snprintf(n, sizeof(n), "h%zu.bench.example", i);
        names[i] = rdns_strdup(n);
    }

    /* fill: every name once through the network */
    t0 = rdns_clock_ms();
    for (size_t i = 0; i < nnames; i++)
        rdns_dns_answer_free(rdns_dns_lookup(dns, names[i], RDNS_DNS_A, 0));
    printf("fill: %zu lookups over loopback UDP in %lld ms (%.0f/s, 1 thread)\n", nnames,
           (long long)(rdns_clock_ms() - t0),
           (double)nnames * 1000.0 / (double)(rdns_clock_ms() - t0 + 1));

    for (int i = 0; i < nthr; i++) {
        double per_cpu;
        double rate = bench_threads(dns, NULL, names, nnames, threads[i], seconds, &misses,
                                    &per_cpu);

        printf("lookup   %d thread%s: %10.0f lookups/s  %10.0f per CPU-s  (%ld not ok)\n",
               threads[i], threads[i] == 1 ? " " : "s", rate, per_cpu, misses);
    }
    rdns_dns_stats(dns, &st);
    printf("stats: hits %llu misses %llu inserts %llu entries %llu -> hit rate %.4f%%\n",
           (unsigned long long)st.hits, (unsigned long long)st.misses,
           (unsigned long long)st.inserts, (unsigned long long)st.entries,
           100.0 * (double)st.hits / (double)(st.hits + st.misses));

    for (unsigned shards = 1; shards <= 64; shards *= 64) {
        rdns_cache_options co = {.max_entries = 20000, .shards = shards};
        rdns_cache *c = rdns_cache_create(&co);
        rdns_dns_answer *a = rdns_calloc(1, sizeof(*a));

        a->status = RDNS_DNS_OK;
        a->ttl = 3600;
        a->addrs = rdns_calloc(1, sizeof(*a->addrs));
        a->naddrs = 1;
        rdns_addr_parse("192.0.2.1", &a->addrs[0]);
        for (size_t i = 0; i < nnames; i++)
            rdns_cache_put(c, names[i], RDNS_DNS_A, a);
        rdns_dns_answer_free(a);
        for (int i = 0; i < nthr; i++) {
            double per_cpu;
            double rate = bench_threads(NULL, c, names, nnames, threads[i], seconds, &misses,
                                        &per_cpu);

            printf("get/%-2u   %d thread%s: %10.0f lookups/s  %10.0f per CPU-s  (%ld misses)\n",
                   shards, threads[i], threads[i] == 1 ? " " : "s", rate, per_cpu, misses);
        }
        rdns_cache_free(c);
    }

    atomic_store(&responder_stop, true);
    pthread_join(rtid, NULL);
    close(rfd);
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    rdns_dns_free(dns);
    return 0;
}
