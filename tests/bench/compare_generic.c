/*
 * compare_generic - runs rdns-milter's generic-PTR classifier and a set of
 * foreign regex rules (extracted at run time from installed SpamAssassin
 * and rspamd files by scripts/compare-generic) over the PTR corpus, with
 * PCRE2, and writes one line per name and per-engine timings.
 *
 * usage: compare_generic RULES CORPUS
 *   RULES: lines "engine<TAB>rule<TAB>weight<TAB>subject<TAB>flags<TAB>regex";
 *   subject "relay" matches against a SpamAssassin X-Spam-Relays-External
 *   line built for the name, "host" against the bare name.
 * output: "N<TAB>label<TAB>big<TAB>rdns<TAB>engine:rule,...", then
 *   "T<TAB>engine<TAB>seconds<TAB>names" for each engine.
 * Not a test: a measuring tool; nothing of SpamAssassin or rspamd is
 * compiled in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "addr.h"
#include "generic_ptr.h"

#define MAX_RULES 512
#define MAX_NAMES 4096
#define ROUNDS 50

typedef struct rule {
    char engine[32], name[64];
    int weight;
    int relay;
    pcre2_code *re;
} rule;

typedef struct row {
    char label[16], name[256], ip[64], big[8];
} row;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load_rules(const char *path, rule *r)
{
    char line[4096];
    int n = 0;
    FILE *fp = fopen(path, "r");

    if (fp == NULL)
        return -1;
    while (n < MAX_RULES && fgets(line, sizeof(line), fp) != NULL) {
        char *f[6], *p = line;
        int nf = 0, code;
        PCRE2_SIZE off;
        uint32_t opts = 0;

        line[strcspn(line, "\n")] = '\0';
        while (nf < 6) {
            f[nf++] = p;
            if (nf == 6 || (p = strchr(p, '\t')) == NULL)
                break;
            *p++ = '\0';
        }
        if (nf < 6)
            continue;
        if (strchr(f[4], 'i'))
            opts |= PCRE2_CASELESS;
        if (strchr(f[4], 'x'))
            opts |= PCRE2_EXTENDED;
        r[n].re = pcre2_compile((PCRE2_SPTR)f[5], PCRE2_ZERO_TERMINATED, opts, &code, &off, NULL);
        if (r[n].re == NULL) {
            fprintf(stderr, "skipping %s %s: does not compile with PCRE2\n", f[0], f[1]);
            continue;
        }
        (void)pcre2_jit_compile(r[n].re, PCRE2_JIT_COMPLETE);
        snprintf(r[n].engine, sizeof(r[n].engine), "%s", f[0]);
        snprintf(r[n].name, sizeof(r[n].name), "%s", f[1]);
        r[n].weight = atoi(f[2]);
        r[n].relay = strcmp(f[3], "relay") == 0;
        n++;
    }
    fclose(fp);
    return n;
}

static int load_corpus(const char *path, row *rows)
{
    char line[1024];
    int n = 0;
    FILE *fp = fopen(path, "r");

    if (fp == NULL)
        return -1;
    while (n < MAX_NAMES && fgets(line, sizeof(line), fp) != NULL) {
        char *f[5] = {0}, *p = line;
        int nf = 0;

        line[strcspn(line, "\n")] = '\0';
        while (nf < 5) {
            f[nf++] = p;
            if ((p = strchr(p, '\t')) == NULL)
                break;
            *p++ = '\0';
        }
        if (nf < 3 || strcmp(f[0], "label") == 0 || line[0] == '#')
            continue;
        snprintf(rows[n].label, sizeof(rows[n].label), "%s", f[0]);
        snprintf(rows[n].name, sizeof(rows[n].name), "%s", f[1]);
        snprintf(rows[n].ip, sizeof(rows[n].ip), "%s", f[2]);
        snprintf(rows[n].big, sizeof(rows[n].big), "%s", nf >= 5 ? f[4] : "-");
        n++;
    }
    fclose(fp);
    return n;
}

/* The line SpamAssassin's header rules see for the last external relay. */
static void relay_line(const row *r, char *buf, size_t len)
{
    snprintf(buf, len, "[ ip=%s rdns=%s helo=%s by=mx.example.org ident= envfrom= "
             "intl=0 id=4XyZ1 auth= msa=0 ]",
             strcmp(r->ip, "-") ? r->ip : "192.0.2.1", r->name, r->name);
}

static bool rule_match(const rule *ru, const row *r, pcre2_match_data *md)
{
    char relay[1024];
    const char *s = r->name;

    if (ru->relay) {
        relay_line(r, relay, sizeof(relay));
        s = relay;
    }
    return pcre2_match(ru->re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL) >= 0;
}

int main(int argc, char **argv)
{
    static rule rules[MAX_RULES];
    static row rows[MAX_NAMES];
    char err[256], reason[256], engines[8][32];
    int nr, nn, ne = 0;
    rdns_generic *g;
    pcre2_match_data *md;
    double t;

    if (argc != 3) {
        fprintf(stderr, "usage: compare_generic RULES CORPUS\n");
        return 2;
    }
    nr = load_rules(argv[1], rules);
    nn = load_corpus(argv[2], rows);
    if (nr < 0 || nn < 0) {
        fprintf(stderr, "cannot read %s or %s\n", argv[1], argv[2]);
        return 2;
    }
    g = rdns_generic_create(NULL, NULL, err, sizeof(err));
    md = pcre2_match_data_create(1, NULL);

    for (int i = 0; i < nn; i++) {
        rdns_addr ip;
        bool have = strcmp(rows[i].ip, "-") && rdns_addr_parse(rows[i].ip, &ip);
        bool gen = rdns_generic_classify(g, rows[i].name, have ? &ip : NULL,
                                         reason, sizeof(reason));

        printf("N\t%s\t%s\t%s\t%d\t", rows[i].label, rows[i].name, rows[i].big, gen);
        for (int k = 0, first = 1; k < nr; k++)
            if (rule_match(&rules[k], &rows[i], md)) {
                printf("%s%s:%s:%d", first ? "" : ",", rules[k].engine, rules[k].name,
                       rules[k].weight);
                first = 0;
            }
        printf("\n");
    }

    /* timings: every name ROUNDS times per engine */
    t = now();
    for (int round = 0; round < ROUNDS; round++)
        for (int i = 0; i < nn; i++) {
            rdns_addr ip;
            bool have = strcmp(rows[i].ip, "-") && rdns_addr_parse(rows[i].ip, &ip);

            (void)rdns_generic_classify(g, rows[i].name, have ? &ip : NULL,
                                        reason, sizeof(reason));
        }
    printf("T\trdns-milter\t%.6f\t%d\n", now() - t, nn * ROUNDS);
    for (int k = 0; k < nr; k++) {
        int seen = 0;

        for (int e = 0; e < ne; e++)
            seen |= strcmp(engines[e], rules[k].engine) == 0;
        if (!seen && ne < 8)
            snprintf(engines[ne++], sizeof(engines[0]), "%s", rules[k].engine);
    }
    for (int e = 0; e < ne; e++) {
        t = now();
        for (int round = 0; round < ROUNDS; round++)
            for (int i = 0; i < nn; i++)
                for (int k = 0; k < nr; k++)
                    if (strcmp(rules[k].engine, engines[e]) == 0)
                        (void)rule_match(&rules[k], &rows[i], md);
        printf("T\t%s\t%.6f\t%d\n", engines[e], now() - t, nn * ROUNDS);
    }
    pcre2_match_data_free(md);
    rdns_generic_free(g);
    return 0;
}
