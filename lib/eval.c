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
 *   Overlap: each stage writes only its own scorecard, so the stages can
 *   run at the same time on the engine's workers, started the moment the
 *   MTA hands over their input. The result is put together when the
 *   caller waits: the stage cards merged, helo_ptr_mismatch decided (it
 *   needs both the HELO and the verified PTR name, which may have arrived
 *   in either order), and dns_temperror as the union of every stage's
 *   trouble, so a new MAIL FROM never erases the connect stage's.
 *   A stage goes to a worker only while DNS is slow enough to be worth it
 *   (dns.prefetch_min_rtt_ms against the resolver's recent average); with
 *   a fast local resolver it runs in the caller, which costs less.
 *
 *   Time: all DNS of one client shares dns.budget_ms. A stage's deadline
 *   is fixed when it is started, from what the budget has left, so a job
 *   that waited in the queue has less time rather than more, and a caller
 *   never waits much longer than the budget.
 */
#include "eval.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dns.h"
#include "helo.h"
#include "mem.h"
#include "name.h"
#include "neighbours.h"
#include "regdom.h"
#include "sender.h"
#include "whitelist.h"
#include "workers.h"

#define EVAL_HELO_TEXT 128          /* sanitised HELO kept for logs */
#define EVAL_TEXT 600               /* detail and fix lines */
#define EVAL_INPUT_MAX 1024         /* HELO or MAIL FROM bytes kept */

struct rdns_engine {
    atomic_int refs;
    rdns_config *cfg;
    rdns_dns *dns;
    rdns_generic *generic;
    rdns_whitelist *whitelist;
    rdns_whitelist *trusted;
    bool prefetch;                  /* run stages on workers */
    int64_t fast_dns_us;            /* ...unless DNS answers faster */
    pthread_mutex_t workers_mu;
    rdns_workers *workers;          /* started on first use */
};

enum eval_step { EVAL_CONNECT, EVAL_HELO, EVAL_MAIL, EVAL_NSTAGES };

struct eval_stage {
    rdns_score *card;               /* this stage's checks only */
    bool running;                   /* started, not finished */
    bool ran;                       /* results present */
    int64_t started;                /* rdns_clock_ms() when started */
    int64_t deadline;
    char *input;                    /* HELO or MAIL FROM as given */
    size_t len;
};

struct eval_job {
    rdns_eval *ev;
    enum eval_step st;
};

struct rdns_eval {
    rdns_engine *e;
    bool has_client;
    rdns_addr client;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct eval_stage stage[EVAL_NSTAGES];
    struct eval_job jobs[EVAL_NSTAGES];
    int64_t spent_ms;               /* DNS time used so far */

    /* the name the MTA has forward-confirmed, or "" (rdns_eval_mta_name) */
    char mta_name[RDNS_NAME_MAX + 1];

    /* connect results, written by the connect stage */
    rdns_fcrdns *fc;
    bool whitelisted;

    /* merged results, rebuilt by eval_merge() */
    rdns_score *card;
    char helo[EVAL_HELO_TEXT];
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
        .cache_size = cfg->dns_cache_size > 0 ? cfg->dns_cache_size : -1,  /* 0: off */
        .cache_max_ttl = cfg->dns_cache_max_ttl,
        .cache_min_ttl = cfg->dns_cache_min_ttl,
    };

    atomic_init(&e->refs, 1);
    e->cfg = cfg;
    e->prefetch = cfg->dns_prefetch;
    e->fast_dns_us = (int64_t)cfg->dns_prefetch_min_rtt_ms * 1000;
    pthread_mutex_init(&e->workers_mu, NULL);
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
    /* Every evaluation holds a reference and waits for its jobs before
     * letting go, so the workers are idle here. */
    rdns_workers_free(e->workers);
    pthread_mutex_destroy(&e->workers_mu);
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

void rdns_engine_dns_stats(const rdns_engine *e, rdns_dns_cache_stats *out)
{
    rdns_dns_stats(e->dns, out);
}

/* The workers start with the first stage run in the background, so a
 * program that never asks for one (rdns-check) starts no threads. */
static rdns_workers *engine_workers(rdns_engine *e)
{
    rdns_workers *w;

    pthread_mutex_lock(&e->workers_mu);
    if (e->workers == NULL)
        e->workers = rdns_workers_create((unsigned)e->cfg->dns_workers);
    w = e->workers;
    pthread_mutex_unlock(&e->workers_mu);
    return w;
}

/* ---- the stages ---- */

rdns_eval *rdns_eval_new(rdns_engine *e, const rdns_addr *client)
{
    rdns_eval *ev = rdns_calloc(1, sizeof(*ev));

    ev->e = rdns_engine_ref(e);
    pthread_mutex_init(&ev->mu, NULL);
    pthread_cond_init(&ev->cv, NULL);
    for (int i = 0; i < EVAL_NSTAGES; i++) {
        ev->stage[i].card = rdns_score_new();
        ev->jobs[i].ev = ev;
        ev->jobs[i].st = (enum eval_step)i;
    }
    ev->card = rdns_score_new();
    if (client != NULL) {
        ev->has_client = true;
        ev->client = *client;
        /* Known at once, so no stage starts lookups for such a client. */
        ev->whitelisted = rdns_whitelist_match_addr(e->whitelist, client);
    }
    return ev;
}

bool rdns_eval_mta_name(rdns_eval *ev, const char *name, size_t len)
{
    ev->mta_name[0] = '\0';
    if (name == NULL || len == 0 || !ev->has_client)
        return false;
    if (name[len - 1] == '.')       /* the root's dot, as Sendmail may write it */
        len--;
    if (len == 0 || len > RDNS_NAME_MAX || memchr(name, '\0', len) != NULL)
        return false;
    memcpy(ev->mta_name, name, len);
    ev->mta_name[len] = '\0';
    if (!rdns_name_is_fqdn(ev->mta_name)) {
        ev->mta_name[0] = '\0';
        return false;
    }
    rdns_name_normalize(ev->mta_name);
    return true;
}

/* ptr_generic's hit for name, with why and what the sender can do. */
static void eval_generic_hit(rdns_score *card, const char *name, const char *why,
                             const char *block)
{
    char detail[EVAL_TEXT], fix[EVAL_TEXT];
    /* the provider by its registered domain (PSL), when the name has one */
    const char *isp = rdns_regdom_find(name, RDNS_REGDOM_ICANN);

    snprintf(detail, sizeof(detail), "%s: %s", name, why);
    snprintf(fix, sizeof(fix),
             "%s looks like a dynamic or residential address: send through your "
             "provider's mail server, or ask the ISP that owns %s%s%s%s for a PTR "
             "record naming your mail server (mail.example.com) with an A record "
             "back", name, block, isp ? " (" : "", isp ? isp : "", isp ? ")" : "");
    rdns_score_set(card, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_HIT, detail, fix);
}

static void eval_ptr_checks(rdns_eval *ev, rdns_score *card, int64_t deadline)
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
        rdns_score_set(card, RDNS_CHECK_PTR_NONE, RDNS_CHECK_HIT, fcd, fix);
        return;                 /* nothing to confirm or classify */
    }
    if (r == RDNS_IPREV_TEMPERROR && n == 0) {
        /* The PTR lookup itself failed: every connect check is open. */
        rdns_score_temperror(card, fcd);
        rdns_score_set(card, RDNS_CHECK_PTR_NONE, RDNS_CHECK_UNKNOWN, fcd, NULL);
        rdns_score_set(card, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_UNKNOWN, fcd, NULL);
        rdns_score_set(card, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_UNKNOWN, fcd, NULL);
        return;
    }
    snprintf(detail, sizeof(detail), "PTR %s", rdns_fcrdns_ptr_name(ev->fc, 0));
    rdns_score_set(card, RDNS_CHECK_PTR_NONE, RDNS_CHECK_CLEAR, detail, NULL);

    if (r == RDNS_IPREV_PASS) {
        rdns_score_set(card, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_CLEAR, fcd, NULL);
    } else if (r == RDNS_IPREV_FAIL) {
        snprintf(fix, sizeof(fix),
                 "publish an %s record for %s pointing to %s, or ask the ISP that owns %s "
                 "to change the PTR record to a name that has one",
                 ev->client.family == AF_INET6 ? "AAAA" : "A",
                 rdns_fcrdns_ptr_name(ev->fc, 0), ip, block);
        rdns_score_set(card, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_HIT, fcd, fix);
    } else {
        rdns_score_temperror(card, fcd);
        rdns_score_set(card, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_UNKNOWN, fcd, NULL);
    }

    /* Classify the name that speaks for the client: the verified one, or
     * else any of them. */
    {
        const char *verified = rdns_fcrdns_verified_name(ev->fc);
        char reason[256];

        for (size_t i = 0; i < n; i++) {
            const char *name = verified ? verified : rdns_fcrdns_ptr_name(ev->fc, i);

            /* a confirmed name may be recognised as an outbound mail host */
            unsigned flags = verified ? RDNS_GENERIC_CONFIRMED : 0;

            if (rdns_generic_classify_ex(ev->e->generic, name, &ev->client, flags,
                                         reason, sizeof(reason))) {
                eval_generic_hit(card, name, reason, block);
                return;
            }
            if (verified || i == n - 1) {
                char nb[EVAL_TEXT / 2];

                /* Undecided by the name alone: its neighbours may tell
                 * (generic.neighbours), never against the lists. */
                nb[0] = '\0';
                if (ev->e->cfg->generic_neighbours && rdns_neighbours_candidate(name)
                    && !rdns_generic_known_server(ev->e->generic, name, flags)) {
                    if (rdns_neighbours_pool(ev->e->dns, &ev->client, name, deadline,
                                             nb, sizeof(nb))) {
                        eval_generic_hit(card, name, nb, block);
                        return;
                    }
                }
                snprintf(detail, sizeof(detail), "%s: %s%s%s", name, reason,
                         nb[0] ? "; " : "", nb);
                rdns_score_set(card, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_CLEAR, detail, NULL);
                return;
            }
        }
    }
}

static void eval_run_connect(rdns_eval *ev, int64_t deadline)
{
    rdns_fcrdns *fc;
    const char *verified;

    if (ev->mta_name[0] != '\0')
        fc = rdns_fcrdns_from_mta(&ev->client, ev->mta_name);
    else
        fc = rdns_fcrdns_check(ev->e->dns, &ev->client, (size_t)ev->e->cfg->max_ptr_names,
                               deadline);
    pthread_mutex_lock(&ev->mu);
    ev->fc = fc;            /* published for a HELO stage that may be running */
    pthread_mutex_unlock(&ev->mu);
    verified = rdns_fcrdns_verified_name(fc);
    if (verified && rdns_whitelist_match_name(ev->e->whitelist, verified)) {
        pthread_mutex_lock(&ev->mu);
        ev->whitelisted = true;
        pthread_mutex_unlock(&ev->mu);
        return;
    }
    eval_ptr_checks(ev, ev->stage[EVAL_CONNECT].card, deadline);
}

/* Runs one stage in the calling thread; touches only that stage's data
 * (and, for connect, the connect results). */
static void eval_run(rdns_eval *ev, enum eval_step st)
{
    struct eval_stage *s = &ev->stage[st];

    rdns_score_clear(s->card);
    switch (st) {
    case EVAL_CONNECT:
        eval_run_connect(ev, s->deadline);
        break;
    case EVAL_HELO: {
        const char *verified;

        pthread_mutex_lock(&ev->mu);
        verified = ev->fc ? rdns_fcrdns_verified_name(ev->fc) : NULL;
        pthread_mutex_unlock(&ev->mu);
        rdns_helo_check(s->card, ev->e->dns, s->input, s->len,
                        ev->has_client ? &ev->client : NULL, verified, s->deadline);
        break;
    }
    case EVAL_MAIL:
        rdns_sender_check_client(s->card, ev->e->dns, s->input, s->len,
                                 ev->has_client ? &ev->client : NULL, s->deadline);
        break;
    case EVAL_NSTAGES:
        break;
    }
    pthread_mutex_lock(&ev->mu);
    ev->spent_ms += rdns_clock_ms() - s->started;   /* queue time counts too */
    s->running = false;
    s->ran = true;
    pthread_cond_broadcast(&ev->cv);
    pthread_mutex_unlock(&ev->mu);
}

static void eval_job(void *arg)
{
    struct eval_job *job = arg;

    eval_run(job->ev, job->st);
}

/* Waits (mutex held) until stage st is not running. */
static void eval_wait_stage(rdns_eval *ev, enum eval_step st)
{
    while (ev->stage[st].running)
        pthread_cond_wait(&ev->cv, &ev->mu);
}

/* Is the stage cheap enough to run in the caller's thread? When it needs
 * no DNS at all (a bad HELO or a literal, the null sender), or its first
 * answer is in the cache (then so, usually, are the rest), handing it to a
 * worker costs more than it saves. */
static bool eval_cheap(const rdns_eval *ev, enum eval_step st, const char *input, size_t len)
{
    char name[RDNS_NAME_MAX + 2];
    rdns_addr lit;

    switch (st) {
    case EVAL_CONNECT:
        if (ev->mta_name[0] != '\0')
            return true;
        rdns_addr_revname(&ev->client, name, sizeof(name));
        return rdns_dns_cached(ev->e->dns, name, RDNS_DNS_PTR);
    case EVAL_HELO:
        if (rdns_helo_parse(input, len, &lit, NULL, 0) != RDNS_HELO_FQDN || len >= sizeof(name))
            return true;
        memcpy(name, input, len);
        name[len] = '\0';
        /* helo.c asks the client's own family first (helo_confirms) */
        return rdns_dns_cached(ev->e->dns, name, ev->has_client && ev->client.family == AF_INET6
                               ? RDNS_DNS_AAAA : RDNS_DNS_A);
    case EVAL_MAIL:
        if (rdns_sender_parse(input, len, name, sizeof(name)) != RDNS_SENDER_DOMAIN
            || !rdns_name_is_fqdn(name))
            return true;
        return rdns_dns_cached(ev->e->dns, name, RDNS_DNS_MX);
    case EVAL_NSTAGES:
        break;
    }
    return true;
}

/* Does the resolver answer so fast (dns.prefetch_min_rtt_ms) that a stage
 * costs its caller less than handing it to a worker? A hand-off is two
 * thread wake-ups; a local resolver answering from its cache (well under a
 * millisecond) makes a whole stage cheaper than that, while one that
 * recurses (tens of milliseconds) is what overlap is for. Decided per
 * stage from the recent average, so a resolver that slows down gets
 * overlap again within a few exchanges. */
static bool eval_dns_fast(const rdns_engine *e)
{
    int64_t rtt = rdns_dns_rtt_us(e->dns);

    return rtt >= 0 && rtt < e->fast_dns_us;
}

/* Starts stage st with input (copied, bounded); async on the workers or
 * inline. A stage still running from an earlier call is waited for. With
 * once, a stage that already ran or runs is left alone. A whitelisted
 * client's stages do nothing. */
static void eval_start(rdns_eval *ev, enum eval_step st, const char *input, size_t len,
                       bool async, bool once)
{
    struct eval_stage *s = &ev->stage[st];
    int64_t left;

    pthread_mutex_lock(&ev->mu);
    if (once && (s->running || s->ran)) {
        pthread_mutex_unlock(&ev->mu);
        return;
    }
    eval_wait_stage(ev, st);
    free(s->input);
    s->input = NULL;
    s->len = 0;
    if (input != NULL) {
        s->len = len < EVAL_INPUT_MAX ? len : EVAL_INPUT_MAX;
        s->input = rdns_malloc(s->len + 1);
        memcpy(s->input, input, s->len);
        s->input[s->len] = '\0';
    }
    if (ev->whitelisted || (st == EVAL_CONNECT && !ev->has_client)) {
        s->ran = true;
        rdns_score_clear(s->card);
        pthread_mutex_unlock(&ev->mu);
        return;
    }
    /* What the budget has left: minus what finished stages spent and what
     * stages still running have used so far. */
    {
        int64_t now = rdns_clock_ms();

        left = ev->e->cfg->dns_budget_ms - ev->spent_ms;
        for (int i = 0; i < EVAL_NSTAGES; i++)
            if (ev->stage[i].running)
                left -= now - ev->stage[i].started;
        s->started = now;
        s->deadline = now + (left > 0 ? left : 0);
    }
    s->running = true;
    s->ran = false;
    pthread_mutex_unlock(&ev->mu);

    if (async && ev->e->prefetch && !eval_dns_fast(ev->e)
        && !eval_cheap(ev, st, s->input, s->len))
        rdns_workers_submit(engine_workers(ev->e), eval_job, &ev->jobs[st]);
    else
        eval_run(ev, st);
}

/* Puts the stage cards together into ev->card (mutex held, no stage
 * running). */
static void eval_merge(rdns_eval *ev)
{
    struct eval_stage *h = &ev->stage[EVAL_HELO];
    bool any = false;

    rdns_score_clear(ev->card);
    if (h->ran)
        rdns_sanitize(ev->helo, sizeof(ev->helo), h->input ? h->input : "", h->len);
    if (ev->whitelisted)
        return;
    for (int i = 0; i < EVAL_NSTAGES; i++) {
        const rdns_score *sc = ev->stage[i].card;

        if (!ev->stage[i].ran)
            continue;
        any = true;
        rdns_score_merge(ev->card, sc);
        rdns_score_set(ev->card, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_SKIPPED, NULL, NULL);
    }
    if (h->ran && ev->fc)
        rdns_helo_check_ptr(ev->card, h->input, h->len, rdns_fcrdns_verified_name(ev->fc));
    for (int i = 0; i < EVAL_NSTAGES; i++) {
        const rdns_score *sc = ev->stage[i].card;

        if (ev->stage[i].ran && rdns_score_state(sc, RDNS_CHECK_DNS_TEMPERROR) == RDNS_CHECK_HIT)
            rdns_score_temperror(ev->card, rdns_score_detail(sc, RDNS_CHECK_DNS_TEMPERROR));
    }
    if (any && rdns_score_state(ev->card, RDNS_CHECK_DNS_TEMPERROR) != RDNS_CHECK_HIT)
        rdns_score_set(ev->card, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_CLEAR,
                       "every lookup was answered", NULL);
}

void rdns_eval_wait(rdns_eval *ev)
{
    pthread_mutex_lock(&ev->mu);
    for (int i = 0; i < EVAL_NSTAGES; i++)
        eval_wait_stage(ev, (enum eval_step)i);
    eval_merge(ev);
    pthread_mutex_unlock(&ev->mu);
}

void rdns_eval_start_connect(rdns_eval *ev)
{
    eval_start(ev, EVAL_CONNECT, NULL, 0, true, true);
}

void rdns_eval_start_helo(rdns_eval *ev, const char *helo, size_t len)
{
    eval_start(ev, EVAL_HELO, helo ? helo : "", helo ? len : 0, true, false);
}

void rdns_eval_start_mail(rdns_eval *ev, const char *from, size_t len)
{
    eval_start(ev, EVAL_MAIL, from ? from : "", from ? len : 0, true, false);
}

void rdns_eval_connect(rdns_eval *ev)
{
    eval_start(ev, EVAL_CONNECT, NULL, 0, false, true);
    rdns_eval_wait(ev);
}

void rdns_eval_helo(rdns_eval *ev, const char *helo, size_t len)
{
    eval_start(ev, EVAL_HELO, helo ? helo : "", helo ? len : 0, false, false);
    rdns_eval_wait(ev);
}

void rdns_eval_mail(rdns_eval *ev, const char *from, size_t len)
{
    eval_start(ev, EVAL_MAIL, from ? from : "", from ? len : 0, false, false);
    rdns_eval_wait(ev);
}

void rdns_eval_reset_mail(rdns_eval *ev)
{
    struct eval_stage *s = &ev->stage[EVAL_MAIL];

    pthread_mutex_lock(&ev->mu);
    eval_wait_stage(ev, EVAL_MAIL);
    s->ran = false;
    rdns_score_clear(s->card);
    eval_merge(ev);
    pthread_mutex_unlock(&ev->mu);
}

void rdns_eval_free(rdns_eval *ev)
{
    if (ev == NULL)
        return;
    pthread_mutex_lock(&ev->mu);
    for (int i = 0; i < EVAL_NSTAGES; i++)
        eval_wait_stage(ev, (enum eval_step)i);
    pthread_mutex_unlock(&ev->mu);
    for (int i = 0; i < EVAL_NSTAGES; i++) {
        rdns_score_free(ev->stage[i].card);
        free(ev->stage[i].input);
    }
    if (ev->fc)
        rdns_fcrdns_free(ev->fc);
    rdns_score_free(ev->card);
    pthread_mutex_destroy(&ev->mu);
    pthread_cond_destroy(&ev->cv);
    rdns_engine_unref(ev->e);
    free(ev);
}

/* ---- results (after rdns_eval_wait) ---- */

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
