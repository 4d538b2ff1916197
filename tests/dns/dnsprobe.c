/*
 * NAME
 *   dnsprobe - one lookup or one FCrDNS check with lib/dns, as JSON
 * SYNOPSIS
 *   dnsprobe [options] lookup NAME A|AAAA|PTR|MX
 *   dnsprobe [options] fcrdns IP [MAX_NAMES]
 *   dnsprobe [options] script
 * OPTIONS
 *   --resolver R   server (repeatable): IP, IP:PORT, [IPv6]:PORT
 *   --timeout MS   per try (default 1000)     --retries N (default 1)
 *   --depth N      max CNAME links (default 8)
 *   --deadline MS  overall deadline from start (default: none)
 *   --threads N    run the same question in N threads at once; prints the
 *                  first result and how many threads agreed with it
 *   --cache-size N     dns.cache_size (0: no cache; default: the library's)
 *   --cache-max-ttl S  dns.cache_max_ttl     --cache-min-ttl S  dns.cache_min_ttl
 * DESCRIPTION
 *   For tests/dns/test_resolver.py: prints one JSON object on stdout with
 *   the answer fields and "elapsed_ms". Exits 0 unless usage is wrong or
 *   the resolver cannot be created (exit 2).
 *
 *   script keeps one resolver (and so one cache) and reads commands from
 *   stdin, one per line, answering each with one JSON line on stdout:
 *     lookup NAME TYPE   the answer, as above, with "elapsed_ms"
 *     stats              the cache counters (rdns_dns_stats), the replies
 *                        dropped as unwanted and the exchange-time average
 *   so tests/dns/test_cache.py can look, count queries and wait between.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "clock.h"
#include "dns.h"
#include "fcrdns.h"
#include "mem.h"

typedef struct probe_job {
    rdns_dns *dns;
    bool fcrdns;
    const char *name;
    rdns_dns_type type;
    rdns_addr ip;
    size_t max_names;
    int64_t deadline;
    char *json;                      /* result, without elapsed time */
} probe_job;

typedef struct probe_buf {
    char *s;
    size_t len, cap;
} probe_buf;

static void probe_put(probe_buf *b, const char *s)
{
    size_t n = strlen(s);

    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = rdns_realloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

static void probe_str(probe_buf *b, const char *s)
{
    char esc[8];

    if (s == NULL) {
        probe_put(b, "null");
        return;
    }
    probe_put(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            snprintf(esc, sizeof(esc), "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            snprintf(esc, sizeof(esc), "\\u%04x", c);
        else
            snprintf(esc, sizeof(esc), "%c", c);
        probe_put(b, esc);
    }
    probe_put(b, "\"");
}

static void probe_num(probe_buf *b, const char *key, long long v)
{
    char t[64];

    snprintf(t, sizeof(t), "\"%s\": %lld", key, v);
    probe_put(b, t);
}

static char *probe_lookup_json(const probe_job *j)
{
    rdns_dns_answer *a = rdns_dns_lookup(j->dns, j->name, j->type, j->deadline);
    probe_buf b = {0};
    char ip[RDNS_ADDR_STRLEN];

    probe_put(&b, "{\"status\": ");
    probe_str(&b, rdns_dns_status_str(a->status));
    probe_put(&b, ", \"names\": [");
    for (size_t i = 0; i < a->names.n; i++) {
        probe_put(&b, i ? ", " : "");
        probe_str(&b, a->names.v[i]);
    }
    probe_put(&b, "], \"mx_pref\": ");
    if (a->mx_pref == NULL) {
        probe_put(&b, "null");
    } else {
        probe_put(&b, "[");
        for (size_t i = 0; i < a->names.n; i++) {
            char t[16];

            snprintf(t, sizeof(t), "%s%u", i ? ", " : "", a->mx_pref[i]);
            probe_put(&b, t);
        }
        probe_put(&b, "]");
    }
    probe_put(&b, ", \"addrs\": [");
    for (size_t i = 0; i < a->naddrs; i++) {
        rdns_addr_format(&a->addrs[i], ip, sizeof(ip));
        probe_put(&b, i ? ", " : "");
        probe_str(&b, ip);
    }
    probe_put(&b, "], \"null_mx\": ");
    probe_put(&b, a->null_mx ? "true" : "false");
    probe_put(&b, ", \"canonical\": ");
    probe_str(&b, a->canonical);
    probe_put(&b, ", ");
    probe_num(&b, "ttl", a->ttl);
    probe_put(&b, ", \"detail\": ");
    probe_str(&b, a->detail);
    rdns_dns_answer_free(a);
    return b.s;
}

static char *probe_fcrdns_json(const probe_job *j)
{
    rdns_fcrdns *r = rdns_fcrdns_check(j->dns, &j->ip, j->max_names, j->deadline);
    probe_buf b = {0};

    probe_put(&b, "{\"result\": ");
    probe_str(&b, rdns_iprev_str(rdns_fcrdns_result(r)));
    probe_put(&b, ", \"ptr\": [");
    for (size_t i = 0; i < rdns_fcrdns_ptr_count(r); i++) {
        probe_put(&b, i ? ", " : "");
        probe_str(&b, rdns_fcrdns_ptr_name(r, i));
    }
    probe_put(&b, "], \"verified\": ");
    probe_str(&b, rdns_fcrdns_verified_name(r));
    probe_put(&b, ", \"detail\": ");
    probe_str(&b, rdns_fcrdns_detail(r));
    rdns_fcrdns_free(r);
    return b.s;
}

static void *probe_run(void *arg)
{
    probe_job *j = arg;

    j->json = j->fcrdns ? probe_fcrdns_json(j) : probe_lookup_json(j);
    return NULL;
}

static int probe_usage(void)
{
    fprintf(stderr, "usage: dnsprobe [--resolver R]... [--timeout MS] [--retries N] "
            "[--depth N] [--deadline MS] [--threads N]\n"
            "                [--cache-size N] [--cache-max-ttl S] [--cache-min-ttl S]\n"
            "                lookup NAME A|AAAA|PTR|MX | fcrdns IP [MAX_NAMES] | script\n");
    return 2;
}

static bool probe_type(const char *s, rdns_dns_type *t);

static void probe_stats_line(const rdns_dns *dns)
{
    rdns_dns_cache_stats s;

    rdns_dns_stats(dns, &s);
    printf("{\"hits\": %llu, \"misses\": %llu, \"inserts\": %llu, \"evictions\": %llu, "
           "\"expired\": %llu, \"uncacheable\": %llu, \"entries\": %llu, "
           "\"capacity\": %llu, \"unwanted\": %llu, \"rtt_us\": %lld}\n",
           (unsigned long long)s.hits, (unsigned long long)s.misses,
           (unsigned long long)s.inserts, (unsigned long long)s.evictions,
           (unsigned long long)s.expired, (unsigned long long)s.uncacheable,
           (unsigned long long)s.entries, (unsigned long long)s.capacity,
           (unsigned long long)rdns_dns_unwanted_count(), (long long)rdns_dns_rtt_us(dns));
}

/* Commands from stdin against one resolver; see SYNOPSIS. */
static int probe_script(rdns_dns *dns)
{
    char line[1024];

    while (fgets(line, sizeof(line), stdin) != NULL) {
        char *save = NULL;
        char *cmd = strtok_r(line, " \t\r\n", &save);
        char *name = cmd ? strtok_r(NULL, " \t\r\n", &save) : NULL;
        char *type = name ? strtok_r(NULL, " \t\r\n", &save) : NULL;
        probe_job job = {.dns = dns};

        if (cmd == NULL)
            continue;
        if (strcmp(cmd, "stats") == 0) {
            probe_stats_line(dns);
        } else if (strcmp(cmd, "lookup") == 0 && type != NULL && probe_type(type, &job.type)) {
            int64_t t0 = rdns_clock_ms();
            char *json;

            job.name = name;
            json = probe_lookup_json(&job);
            printf("%s, \"elapsed_ms\": %lld}\n", json, (long long)(rdns_clock_ms() - t0));
            free(json);
        } else {
            printf("{\"error\": \"bad command\"}\n");
        }
        fflush(stdout);
    }
    return 0;
}

static bool probe_type(const char *s, rdns_dns_type *t)
{
    static const rdns_dns_type all[] = {RDNS_DNS_A, RDNS_DNS_AAAA, RDNS_DNS_PTR, RDNS_DNS_MX};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (strcmp(s, rdns_dns_type_str(all[i])) == 0) {
            *t = all[i];
            return true;
        }
    }
    return false;
}

int main(int argc, char **argv)
{
    rdns_strlist servers = {0};
    rdns_dns_options o = {.servers = &servers, .timeout_ms = 1000, .retries = 1,
                          .max_cname_depth = 8};
    probe_job job = {0}, *jobs;
    int deadline_ms = 0, nthreads = 1, i, agree = 0;
    char err[256];
    int64_t t0;

    for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc)
            return probe_usage();
        if (strcmp(argv[i], "--resolver") == 0)
            rdns_strlist_add(&servers, argv[i + 1]);
        else if (strcmp(argv[i], "--timeout") == 0)
            o.timeout_ms = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--retries") == 0)
            o.retries = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--depth") == 0)
            o.max_cname_depth = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--deadline") == 0)
            deadline_ms = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--threads") == 0)
            nthreads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--cache-size") == 0)
            o.cache_size = atoi(argv[i + 1]) > 0 ? atoi(argv[i + 1]) : -1;  /* 0: none */
        else if (strcmp(argv[i], "--cache-max-ttl") == 0)
            o.cache_max_ttl = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--cache-min-ttl") == 0)
            o.cache_min_ttl = atoi(argv[i + 1]);
        else
            return probe_usage();
    }
    if (nthreads < 1 || nthreads > 64 || argc - i < 1)
        return probe_usage();
    if (strcmp(argv[i], "script") == 0 && argc - i == 1) {
        int rc;

        job.dns = rdns_dns_create(&o, err, sizeof(err));
        rdns_strlist_clear(&servers);
        if (job.dns == NULL) {
            fprintf(stderr, "dnsprobe: %s\n", err);
            return 2;
        }
        rc = probe_script(job.dns);
        rdns_dns_free(job.dns);
        return rc;
    }
    if (argc - i < 2)
        return probe_usage();
    if (strcmp(argv[i], "lookup") == 0 && argc - i == 3) {
        job.name = argv[i + 1];
        if (!probe_type(argv[i + 2], &job.type))
            return probe_usage();
    } else if (strcmp(argv[i], "fcrdns") == 0 && argc - i >= 2 && argc - i <= 3) {
        job.fcrdns = true;
        if (!rdns_addr_parse(argv[i + 1], &job.ip))
            return probe_usage();
        job.max_names = argc - i == 3 ? (size_t)atoi(argv[i + 2]) : 10;
    } else {
        return probe_usage();
    }
    job.dns = rdns_dns_create(&o, err, sizeof(err));
    rdns_strlist_clear(&servers);
    if (job.dns == NULL) {
        fprintf(stderr, "dnsprobe: %s\n", err);
        return 2;
    }
    t0 = rdns_clock_ms();
    job.deadline = deadline_ms > 0 ? t0 + deadline_ms : 0;
    jobs = rdns_calloc((size_t)nthreads, sizeof(*jobs));
    pthread_t *tid = rdns_calloc((size_t)nthreads, sizeof(*tid));
    for (i = 0; i < nthreads; i++) {
        jobs[i] = job;
        if (pthread_create(&tid[i], NULL, probe_run, &jobs[i]) != 0) {
            fprintf(stderr, "dnsprobe: pthread_create failed\n");
            return 2;
        }
    }
    for (i = 0; i < nthreads; i++) {
        pthread_join(tid[i], NULL);
        agree += strcmp(jobs[i].json, jobs[0].json) == 0;
    }
    printf("%s, \"elapsed_ms\": %lld, \"agree\": %d}\n", jobs[0].json,
           (long long)(rdns_clock_ms() - t0), agree);
    for (i = 0; i < nthreads; i++)
        free(jobs[i].json);
    free(jobs);
    free(tid);
    rdns_dns_free(job.dns);
    return 0;
}
