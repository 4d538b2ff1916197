/*
 * NAME
 *   eval - one SMTP client's evaluation, stage by stage
 * DESCRIPTION
 *   The only place that knows the order of the checks and how their
 *   outcomes map to the scorecard; rdns-milter and rdns-check both go
 *   through here, so the command line always shows what the milter would
 *   have decided.
 *
 *   Connect: an address on the whitelist ends the evaluation before any
 *   DNS. Otherwise FCrDNS decides ptr_none and fcrdns_fail, the PTR names
 *   are classified for ptr_generic, and a verified name on the whitelist
 *   clears every check. HELO and MAIL FROM add their own checks.
 *
 *   dns_temperror is owned here: each stage remembers whether its lookups
 *   failed temporarily, and the check is the union of the stages, so a
 *   new MAIL FROM does not erase the connect stage's trouble.
 *
 *   Time: all DNS of one client shares dns.budget_ms; each stage gets what
 *   earlier stages left.
 */
#include "eval.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dns.h"
#include "helo.h"
#include "mem.h"
#include "name.h"
#include "sender.h"
#include "whitelist.h"

#define EVAL_HELO_TEXT 128          /* sanitised HELO kept for logs */
#define EVAL_TEXT 600               /* detail and fix lines */

struct rdns_engine {
    atomic_int refs;
    rdns_config *cfg;
    rdns_dns *dns;
    rdns_generic *generic;
    rdns_whitelist *whitelist;
    rdns_whitelist *trusted;
};

enum eval_stage { EVAL_CONNECT, EVAL_HELO, EVAL_MAIL, EVAL_NSTAGES };

struct rdns_eval {
    rdns_engine *e;
    bool has_client;
    rdns_addr client;
    bool whitelisted;
    rdns_fcrdns *fc;                     /* NULL until connect */
    rdns_score *card;
    char helo[EVAL_HELO_TEXT];
    int64_t spent_ms;                    /* DNS time used so far */
    char temperror[EVAL_NSTAGES][EVAL_TEXT];  /* "" when the stage had none */
};

/* ---- engine ---- */

rdns_engine *rdns_engine_create(rdns_config *cfg, char *err, size_t errlen)
{
    rdns_engine *e = rdns_calloc(1, sizeof(*e));
    rdns_dns_options opts = {
        .servers = &cfg->resolvers,
        .timeout_ms = cfg->dns_timeout_ms,
        .retries = cfg->dns_retries,
        .max_cname_depth = cfg->max_cname_depth,
    };

    atomic_init(&e->refs, 1);
    e->cfg = cfg;
    if ((e->dns = rdns_dns_create(&opts, err, errlen)) == NULL
        || (e->generic = rdns_generic_create(&cfg->generic_patterns, &cfg->not_generic,
                                             err, errlen)) == NULL
        || (e->whitelist = rdns_whitelist_create(&cfg->whitelist, false, err, errlen)) == NULL
        || (e->trusted = rdns_whitelist_create(&cfg->trusted_networks, true, err, errlen)) == NULL) {
        rdns_engine_unref(e);
        return NULL;
    }
    return e;
}

rdns_engine *rdns_engine_ref(rdns_engine *e)
{
    atomic_fetch_add(&e->refs, 1);
    return e;
}

void rdns_engine_unref(rdns_engine *e)
{
    if (e == NULL || atomic_fetch_sub(&e->refs, 1) != 1)
        return;
    if (e->dns)
        rdns_dns_free(e->dns);
    if (e->generic)
        rdns_generic_free(e->generic);
    if (e->whitelist)
        rdns_whitelist_free(e->whitelist);
    if (e->trusted)
        rdns_whitelist_free(e->trusted);
    rdns_config_free(e->cfg);
    free(e);
}

const rdns_config *rdns_engine_config(const rdns_engine *e)
{
    return e->cfg;
}

const rdns_generic *rdns_engine_generic(const rdns_engine *e)
{
    return e->generic;
}

bool rdns_engine_trusted(const rdns_engine *e, const rdns_addr *a)
{
    return a != NULL && rdns_whitelist_match_addr(e->trusted, a);
}

/* ---- evaluation ---- */

rdns_eval *rdns_eval_new(rdns_engine *e, const rdns_addr *client)
{
    rdns_eval *ev = rdns_calloc(1, sizeof(*ev));

    ev->e = rdns_engine_ref(e);
    ev->card = rdns_score_new();
    if (client != NULL) {
        ev->has_client = true;
        ev->client = *client;
    }
    return ev;
}

void rdns_eval_free(rdns_eval *ev)
{
    if (ev == NULL)
        return;
    if (ev->fc)
        rdns_fcrdns_free(ev->fc);
    rdns_score_free(ev->card);
    rdns_engine_unref(ev->e);
    free(ev);
}

/* Deadline for the next stage: whatever the budget has left. */
static int64_t eval_deadline(const rdns_eval *ev, int64_t now)
{
    int64_t left = ev->e->cfg->dns_budget_ms - ev->spent_ms;

    return now + (left > 0 ? left : 0);
}

/* dns_temperror is the union of every stage's trouble. */
static void eval_set_temperror(rdns_eval *ev)
{
    for (int i = 0; i < EVAL_NSTAGES; i++) {
        if (ev->temperror[i][0] != '\0') {
            rdns_score_set(ev->card, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_HIT, ev->temperror[i],
                           "temporary DNS trouble: check that the DNS servers of the names "
                           "involved answer; the receiver will accept or ask to retry later");
            return;
        }
    }
    rdns_score_set(ev->card, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_CLEAR,
                   "every lookup was answered", NULL);
}

/* After a helo/sender module ran: take its dns_temperror into the stage. */
static void eval_collect_temperror(rdns_eval *ev, enum eval_stage st)
{
    ev->temperror[st][0] = '\0';
    if (rdns_score_state(ev->card, RDNS_CHECK_DNS_TEMPERROR) == RDNS_CHECK_HIT)
        snprintf(ev->temperror[st], EVAL_TEXT, "%s",
                 rdns_score_detail(ev->card, RDNS_CHECK_DNS_TEMPERROR));
    eval_set_temperror(ev);
}

static void eval_ptr_checks(rdns_eval *ev)
{
    char ip[RDNS_ADDR_STRLEN], block[RDNS_ADDR_STRLEN + 4];
    char detail[EVAL_TEXT], fix[EVAL_TEXT];
    rdns_iprev r = rdns_fcrdns_result(ev->fc);
    size_t n = rdns_fcrdns_ptr_count(ev->fc);
    const char *fcd = rdns_fcrdns_detail(ev->fc);

    rdns_addr_format(&ev->client, ip, sizeof(ip));
    rdns_addr_block(&ev->client, block, sizeof(block));

    if (r == RDNS_IPREV_PERMERROR) {
        snprintf(fix, sizeof(fix),
                 "ask the ISP that owns %s for a PTR record for %s naming your mail server "
                 "(for example mail.example.com), and publish an A record for that name "
                 "pointing back to %s", block, ip, ip);
        rdns_score_set(ev->card, RDNS_CHECK_PTR_NONE, RDNS_CHECK_HIT, fcd, fix);
        return;                 /* nothing to confirm or classify */
    }
    if (r == RDNS_IPREV_TEMPERROR && n == 0) {
        /* The PTR lookup itself failed: every connect check is open. */
        snprintf(ev->temperror[EVAL_CONNECT], EVAL_TEXT, "%s", fcd);
        rdns_score_set(ev->card, RDNS_CHECK_PTR_NONE, RDNS_CHECK_UNKNOWN, fcd, NULL);
        rdns_score_set(ev->card, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_UNKNOWN, fcd, NULL);
        rdns_score_set(ev->card, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_UNKNOWN, fcd, NULL);
        return;
    }
    snprintf(detail, sizeof(detail), "PTR %s", rdns_fcrdns_ptr_name(ev->fc, 0));
    rdns_score_set(ev->card, RDNS_CHECK_PTR_NONE, RDNS_CHECK_CLEAR, detail, NULL);

    if (r == RDNS_IPREV_PASS) {
        rdns_score_set(ev->card, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_CLEAR, fcd, NULL);
    } else if (r == RDNS_IPREV_FAIL) {
        snprintf(fix, sizeof(fix),
                 "publish an %s record for %s pointing to %s, or ask the ISP that owns %s "
                 "to change the PTR record to a name that has one",
                 ev->client.family == AF_INET6 ? "AAAA" : "A",
                 rdns_fcrdns_ptr_name(ev->fc, 0), ip, block);
        rdns_score_set(ev->card, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_HIT, fcd, fix);
    } else {
        snprintf(ev->temperror[EVAL_CONNECT], EVAL_TEXT, "%s", fcd);
        rdns_score_set(ev->card, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_UNKNOWN, fcd, NULL);
    }

    /* Classify the name that speaks for the client: the verified one, or
     * else any of them. */
    {
        const char *verified = rdns_fcrdns_verified_name(ev->fc);
        char reason[256];

        for (size_t i = 0; i < n; i++) {
            const char *name = verified ? verified : rdns_fcrdns_ptr_name(ev->fc, i);

            if (rdns_generic_classify(ev->e->generic, name, &ev->client, reason, sizeof(reason))) {
                snprintf(detail, sizeof(detail), "%s: %s", name, reason);
                snprintf(fix, sizeof(fix),
                         "%s looks like a dynamic or residential address: send through your "
                         "provider's mail server, or ask the ISP that owns %s for a PTR "
                         "record naming your mail server (mail.example.com) with an A record "
                         "back", name, block);
                rdns_score_set(ev->card, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_HIT, detail, fix);
                return;
            }
            if (verified || i == n - 1) {
                snprintf(detail, sizeof(detail), "%s: %s", name, reason);
                rdns_score_set(ev->card, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_CLEAR, detail, NULL);
                return;
            }
        }
    }
}

void rdns_eval_connect(rdns_eval *ev)
{
    const rdns_config *cfg = ev->e->cfg;
    int64_t start;

    if (!ev->has_client || ev->fc != NULL)
        return;
    if (rdns_whitelist_match_addr(ev->e->whitelist, &ev->client)) {
        ev->whitelisted = true;
        return;
    }
    start = rdns_clock_ms();
    ev->fc = rdns_fcrdns_check(ev->e->dns, &ev->client, (size_t)cfg->max_ptr_names,
                               eval_deadline(ev, start));
    ev->spent_ms += rdns_clock_ms() - start;

    {
        const char *verified = rdns_fcrdns_verified_name(ev->fc);

        if (verified && rdns_whitelist_match_name(ev->e->whitelist, verified)) {
            ev->whitelisted = true;
            rdns_score_clear(ev->card);
            return;
        }
    }
    ev->temperror[EVAL_CONNECT][0] = '\0';
    eval_ptr_checks(ev);
    eval_set_temperror(ev);
}

void rdns_eval_helo(rdns_eval *ev, const char *helo, size_t len)
{
    int64_t start;

    rdns_sanitize(ev->helo, sizeof(ev->helo), helo, len);
    if (ev->whitelisted)
        return;
    start = rdns_clock_ms();
    rdns_score_set(ev->card, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_CLEAR, "", NULL);
    rdns_helo_check(ev->card, ev->e->dns, helo, len, ev->has_client ? &ev->client : NULL,
                    ev->fc ? rdns_fcrdns_verified_name(ev->fc) : NULL,
                    eval_deadline(ev, start));
    ev->spent_ms += rdns_clock_ms() - start;
    eval_collect_temperror(ev, EVAL_HELO);
}

void rdns_eval_reset_mail(rdns_eval *ev)
{
    rdns_score_set(ev->card, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_SKIPPED, NULL, NULL);
    rdns_score_set(ev->card, RDNS_CHECK_FROM_DOMAIN_INVALID, RDNS_CHECK_SKIPPED, NULL, NULL);
    ev->temperror[EVAL_MAIL][0] = '\0';
    if (!ev->whitelisted && rdns_score_state(ev->card, RDNS_CHECK_DNS_TEMPERROR) != RDNS_CHECK_SKIPPED)
        eval_set_temperror(ev);
}

void rdns_eval_mail(rdns_eval *ev, const char *from, size_t len)
{
    int64_t start;

    rdns_eval_reset_mail(ev);
    if (ev->whitelisted)
        return;
    start = rdns_clock_ms();
    rdns_score_set(ev->card, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_CLEAR, "", NULL);
    rdns_sender_check(ev->card, ev->e->dns, from, len, eval_deadline(ev, start));
    ev->spent_ms += rdns_clock_ms() - start;
    eval_collect_temperror(ev, EVAL_MAIL);
}

/* ---- results ---- */

const rdns_addr *rdns_eval_client(const rdns_eval *ev)
{
    return ev->has_client ? &ev->client : NULL;
}

bool rdns_eval_whitelisted(const rdns_eval *ev)
{
    return ev->whitelisted;
}

rdns_iprev rdns_eval_iprev(const rdns_eval *ev)
{
    /* No address (Unix-socket client) or not looked up: nothing to say;
     * temperror is the value RFC 8601 leaves for "could not evaluate". */
    return ev->fc ? rdns_fcrdns_result(ev->fc) : RDNS_IPREV_TEMPERROR;
}

size_t rdns_eval_ptr_count(const rdns_eval *ev)
{
    return ev->fc ? rdns_fcrdns_ptr_count(ev->fc) : 0;
}

const char *rdns_eval_ptr_name(const rdns_eval *ev, size_t i)
{
    return ev->fc && i < rdns_fcrdns_ptr_count(ev->fc) ? rdns_fcrdns_ptr_name(ev->fc, i) : NULL;
}

const char *rdns_eval_verified_name(const rdns_eval *ev)
{
    return ev->fc ? rdns_fcrdns_verified_name(ev->fc) : NULL;
}

const char *rdns_eval_helo_text(const rdns_eval *ev)
{
    return ev->helo;
}

const rdns_score *rdns_eval_card(const rdns_eval *ev)
{
    return ev->card;
}

double rdns_eval_score(const rdns_eval *ev)
{
    if (ev->whitelisted)
        return 0.0;
    return rdns_score_total(ev->card, ev->e->cfg->weights);
}

rdns_action rdns_eval_action(const rdns_eval *ev)
{
    if (ev->whitelisted)
        return RDNS_ACTION_ACCEPT;
    return rdns_score_action(ev->card, ev->e->cfg->weights, ev->e->cfg->threshold);
}
