/*
 * NAME
 *   rdns-check - what rdns-milter thinks of an SMTP client, from the shell
 * SYNOPSIS
 *   rdns-check [--config FILE] [--resolver HOST[:PORT]] [--helo NAME]
 *              [--from ADDRESS] [--json] IP
 *   rdns-check [--config FILE] [--json] --classify HOSTNAME [IP]
 *   rdns-check --version | --help
 * DESCRIPTION
 *   Runs the very evaluation the milter runs (lib/eval) and prints each
 *   check, its score, the action, and how to fix what was found. It is for
 *   the admin tuning weights and for the sender whose mail bounced.
 *
 *   --classify is offline: the generic-PTR classifier alone, no DNS.
 *
 *   Under "mode: monitor" the verdict shown is still the one enforce mode
 *   would act on, with a note that the milter only logs and marks it.
 * DIAGNOSTICS
 *   Exit 0 when an evaluation completed, whatever its verdict; exit 2 with
 *   one line on stderr for bad arguments or a bad configuration.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "eval.h"
#include "name.h"
#include "report.h"

#define CHECK_DEFAULT_CONFIG "/etc/rdns-milter/rdns-milter.yaml"

#ifndef RDNS_VERSION
#define RDNS_VERSION "unknown"
#endif

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: rdns-check [--config FILE] [--resolver HOST[:PORT]] [--helo NAME]\n"
            "                  [--from ADDRESS] [--json] IP\n"
            "       rdns-check [--config FILE] [--json] --classify HOSTNAME [IP]\n"
            "       rdns-check --version | --help\n");
}

/* One line on stderr: "rdns-check: what: 'arg'", and the exit code 2. */
static int fail(const char *what, const char *arg)
{
    fprintf(stderr, "rdns-check: %s: '%s'\n", what, arg);
    return 2;
}

/* Loads --config, else the installed file if there is one, else defaults. */
static rdns_config *check_load_config(const char *path, char *err, size_t errlen)
{
    if (path == NULL && access(CHECK_DEFAULT_CONFIG, R_OK) == 0)
        path = CHECK_DEFAULT_CONFIG;
    if (path == NULL)
        return rdns_config_default();
    return rdns_config_load(path, err, errlen);
}

static int check_classify(const rdns_engine *e, int argc, char **argv, bool json)
{
    rdns_addr ip;
    char reason[512], name[RDNS_NAME_MAX + 8];
    bool generic;

    if (argc < 1 || argc > 2) {
        usage(stderr);
        return 2;
    }
    if (argc == 2 && !rdns_addr_parse(argv[1], &ip))
        return fail("not an IP address", argv[1]);
    rdns_sanitize(name, sizeof(name), argv[0], strlen(argv[0]));
    generic = rdns_generic_classify(rdns_engine_generic(e), argv[0], argc == 2 ? &ip : NULL,
                                    reason, sizeof(reason));
    if (json)
        report_classify_json(stdout, name, generic, reason);
    else
        report_classify_text(stdout, name, generic, reason);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"resolver", required_argument, NULL, 'r'},
        {"helo", required_argument, NULL, 'H'},
        {"from", required_argument, NULL, 'F'},
        {"json", no_argument, NULL, 'j'},
        {"classify", no_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *config_path = NULL, *helo = NULL, *from = NULL;
    rdns_strlist resolvers = {0};
    bool json = false, classify = false;
    char err[512];
    rdns_config *cfg;
    rdns_engine *e;
    rdns_addr client;
    int c, rc;

    while ((c = getopt_long(argc, argv, "c:r:H:F:jChV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config_path = optarg;
            break;
        case 'r':
            rdns_strlist_add(&resolvers, optarg);
            break;
        case 'H':
            helo = optarg;
            break;
        case 'F':
            from = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'C':
            classify = true;
            break;
        case 'h':
            usage(stdout);
            rdns_strlist_clear(&resolvers);
            return 0;
        case 'V':
            printf("rdns-milter %s\n", RDNS_VERSION);
            rdns_strlist_clear(&resolvers);
            return fflush(stdout) == 0 ? 0 : 2;
        default:
            usage(stderr);
            rdns_strlist_clear(&resolvers);
            return 2;
        }
    }
    argc -= optind;
    argv += optind;
    if (!classify && argc != 1) {
        usage(stderr);
        rdns_strlist_clear(&resolvers);
        return 2;
    }
    if (!classify && !rdns_addr_parse(argv[0], &client)) {
        rdns_strlist_clear(&resolvers);
        return fail("not an IP address", argv[0]);
    }
    if ((cfg = check_load_config(config_path, err, sizeof(err))) == NULL) {
        rdns_strlist_clear(&resolvers);
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    if (resolvers.n > 0) {
        rdns_strlist_clear(&cfg->resolvers);
        cfg->resolvers = resolvers;         /* the config owns them now */
    }
    if ((e = rdns_engine_create(cfg, err, sizeof(err))) == NULL) {
        fprintf(stderr, "rdns-check: %s\n", err);
        return 2;
    }

    if (classify) {
        rc = check_classify(e, argc, argv, json);
    } else {
        rdns_eval *ev = rdns_eval_new(e, &client);
        bool trusted = rdns_engine_trusted(e, &client);

        rdns_eval_connect(ev);
        if (helo)
            rdns_eval_helo(ev, helo, strlen(helo));
        if (from && *from)
            rdns_eval_mail(ev, from, strlen(from));
        if (json)
            report_json(stdout, ev, rdns_engine_config(e), trusted);
        else
            report_text(stdout, ev, rdns_engine_config(e), trusted);
        rdns_eval_free(ev);
        rc = 0;
    }
    rdns_engine_unref(e);
    return fflush(stdout) == 0 ? rc : 2;
}
