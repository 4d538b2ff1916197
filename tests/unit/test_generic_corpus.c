/*
 * test_generic_corpus - the generic-PTR classifier against labelled
 * corpora of real naming formats.
 *
 * usage: test_generic_corpus [CORPUS [MIN_RECALL MAX_FP_RATE [MIN_GENERIC MIN_SERVER]]]
 *   Without arguments: tests/data/ptr-corpus.tsv, the names the rules
 *   were developed on, with recall >= 97% and a server false-positive
 *   rate <= 0.5%, and at least 50 generic and 40 server names. The
 *   holdout (tests/data/ptr-holdout.tsv, written after the rules were
 *   frozen) runs as its own ctest with its own bounds and sizes.
 *
 * Each row is: label (generic|server), hostname, ip or '-', source, big
 * ("yes" for names of large outbound senders). Every name is classified
 * with its address; the test prints precision, recall and the false
 * positive rate, lists each misclassified name with the classifier's
 * reason, and fails when a bound is missed or any big sender is called
 * generic.
 *
 * Two more passes measure the structural recognition of outbound mail
 * hosts (issue 13, item 3):
 *   - generic names classified as forward-confirmed: ISPs' generic names
 *     often confirm, so confirmation must not cost recall (same bound);
 *   - big senders classified WITHOUT the built-in sender list, once as
 *     unconfirmed and once as confirmed: structure must recognise most
 *     of them on its own (at most 5% called generic), and fewer than
 *     without it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "generic_ptr.h"
#include "check.h"

#ifndef RDNS_TEST_DATA
#define RDNS_TEST_DATA "tests/data"
#endif

#define FIELDS 5

/* Cuts line at tabs into at most FIELDS fields; returns how many. */
static int split_tabs(char *line, char **f)
{
    int n = 0;
    char *p = line;

    line[strcspn(line, "\r\n")] = '\0';
    while (n < FIELDS) {
        f[n++] = p;
        p = strchr(p, '\t');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : RDNS_TEST_DATA "/ptr-corpus.tsv";
    double min_recall = argc > 3 ? atof(argv[2]) : 97.0;
    double max_fpr = argc > 3 ? atof(argv[3]) : 0.5;
    int min_gen = argc > 5 ? atoi(argv[4]) : 50;
    int min_srv = argc > 5 ? atoi(argv[5]) : 40;
    char line[1024], err[256], reason[512];
    FILE *fp = fopen(path, "r");
    rdns_generic *g = rdns_generic_create(NULL, NULL, err, sizeof(err));
    int tp = 0, fn = 0, fp_ = 0, tn = 0, big = 0, big_fp = 0, bad_rows = 0;
    int lineno = 0, v6 = 0, conf_tp = 0, nolist_fp = 0, struct_fp = 0;

    CHECK(fp != NULL);
    CHECK(g != NULL);
    if (fp == NULL || g == NULL)
        CHECK_DONE();

    while (fgets(line, sizeof(line), fp) != NULL) {
        char *f[FIELDS];
        int nf;
        rdns_addr ip;
        const rdns_addr *ipp;
        bool have_ip, is_generic, want, is_big;

        lineno++;
        if (line[0] == '#' || line[0] == '\n' || strncmp(line, "label\t", 6) == 0)
            continue;
        nf = split_tabs(line, f);
        if (nf < 4 || (strcmp(f[0], "generic") != 0 && strcmp(f[0], "server") != 0)) {
            fprintf(stderr, "%s:%d: bad row\n", path, lineno);
            bad_rows++;
            continue;
        }
        want = strcmp(f[0], "generic") == 0;
        is_big = nf >= 5 && strcmp(f[4], "yes") == 0;
        have_ip = strcmp(f[2], "-") != 0;
        if (have_ip && !rdns_addr_parse(f[2], &ip)) {
            fprintf(stderr, "%s:%d: bad address %s\n", path, lineno, f[2]);
            bad_rows++;
            continue;
        }
        ipp = have_ip ? &ip : NULL;
        if (have_ip && ip.family == AF_INET6)
            v6++;
        is_generic = rdns_generic_classify(g, f[1], ipp, reason, sizeof(reason));
        CHECK(reason[0] != '\0');
        if (want && is_generic)
            tp++;
        else if (want)
            fn++;
        else if (is_generic)
            fp_++;
        else
            tn++;
        if (is_big) {
            big++;
            if (is_generic)
                big_fp++;
        }
        if (want != is_generic)
            printf("MISS %-7s %-55s %-16s %s%s\n", want ? "generic" : "server", f[1],
                   f[2], reason, is_big ? " [big sender]" : "");

        if (want) {
            bool c = rdns_generic_classify_ex(g, f[1], ipp, RDNS_GENERIC_CONFIRMED,
                                              reason, sizeof(reason));

            conf_tp += c;
            if (is_generic && !c)
                printf("CONFIRMED-MISS %-55s %s\n", f[1], reason);
        }
        if (is_big) {
            if (rdns_generic_classify_ex(g, f[1], ipp, RDNS_GENERIC_NO_SENDER_LIST,
                                         reason, sizeof(reason))) {
                nolist_fp++;
                printf("NOLIST-UNCONFIRMED %-55s %s\n", f[1], reason);
            }
            if (rdns_generic_classify_ex(g, f[1], ipp,
                                         RDNS_GENERIC_NO_SENDER_LIST | RDNS_GENERIC_CONFIRMED,
                                         reason, sizeof(reason))) {
                struct_fp++;
                printf("NOLIST-MISS %-55s %s\n", f[1], reason);
            }
        }
    }
    fclose(fp);
    rdns_generic_free(g);

    {
        int gen = tp + fn, srv = fp_ + tn;
        double precision = tp + fp_ ? 100.0 * tp / (tp + fp_) : 0.0;
        double recall = gen ? 100.0 * tp / gen : 0.0;
        double conf_recall = gen ? 100.0 * conf_tp / gen : 0.0;
        double fpr = srv ? 100.0 * fp_ / srv : 100.0;

        printf("corpus %s: %d generic, %d server (%d big senders), %d with IPv6\n",
               path, gen, srv, big, v6);
        printf("precision %.2f%%  recall %.2f%%  false-positive rate %.2f%%  "
               "big-sender FP %d\n", precision, recall, fpr, big_fp);
        printf("bounds: recall >= %.2f%%, false-positive rate <= %.2f%%\n",
               min_recall, max_fpr);
        printf("recall with every generic name forward-confirmed: %.2f%%\n", conf_recall);
        printf("big senders without the built-in list: %d of %d called generic "
               "unconfirmed, %d when forward-confirmed (structure)\n",
               nolist_fp, big, struct_fp);
        CHECK(bad_rows == 0);
        /* enough names to mean something */
        printf("sizes: at least %d generic and %d server names\n", min_gen, min_srv);
        CHECK(gen >= min_gen);
        CHECK(srv >= min_srv);
        CHECK(recall >= min_recall);
        CHECK(conf_recall >= min_recall);
        CHECK(fpr <= max_fpr);
        CHECK(big_fp == 0);
        CHECK(struct_fp * 20 <= big);
        CHECK(struct_fp <= nolist_fp);
        if (argc <= 1)              /* the corpus has names only structure saves */
            CHECK(struct_fp < nolist_fp);
    }
    CHECK_DONE();
}
