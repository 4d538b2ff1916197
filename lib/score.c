/*
 * NAME
 *   score - scorecard of checks, weights and the resulting action
 * DESCRIPTION
 *   The default weights below are chosen so that one strong sign alone
 *   never rejects (a real server with one DNS mistake still gets its mail
 *   through, tagged), while the typical zombie, which shows three or four
 *   signs at once, is refused. Threshold: 7.
 *
 *   Rewards. helo_confirms (-1.0) and sender_mx_match (-2.0) are good
 *   evidence that the client is a mail server whatever its ISP named it:
 *   its HELO name resolves to it, or its sender domain's MX (or, without
 *   MX, the domain's own address) is it. A zombie cannot earn them unless
 *   its herder controls the DNS of some domain; one who does can point a
 *   name at the zombie and earn both. So a reward is bounded twice:
 *   - it is void when a disqualifying check hit (no PTR, a HELO that is not
 *     a name, not the client's literal, or does not resolve, a bad sender
 *     domain): rewards excuse what an operator behind an ISP cannot fix
 *     (ptr_generic, fcrdns_fail, helo_ptr_mismatch), not lies;
 *   - the weights are small: both together (-3.0) bring a generic PTR with a
 *     foreign HELO (3.5) to 0.5 but never cancel two strong signs, and even
 *     without the voiding helo_confirms could not lift ptr_none plus a bad
 *     sender (5 + 3, or 5 + 4) below the threshold; sender_mx_match cannot
 *     be earned with a bad sender at all.
 *   A reward left open by a DNS failure is never given (worst case 0) and
 *   never lets the failure reject (best case earned): see score.h.
 */
#include "score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define SCORE_TEMPERROR_MAX 320         /* dns_temperror detail, all notes */

static const struct {
    const char *name;
    double weight;
    const char *reason;     /* short, for SMTP replies */
    bool reward;            /* good evidence, weight <= 0 */
    bool voids_rewards;     /* a HIT voids every reward */
    /* why: the reason for the default weight (also in README and man page) */
} checks[RDNS_CHECK_COUNT] = {
    /* No PTR at all: RFC 1912 2.1 asks every host to have one, and large
     * receivers refuse mail without it; but a small site can forget. */
    [RDNS_CHECK_PTR_NONE] = {"ptr_none", 5.0, "no PTR record for the client address", false, true},
    /* A PTR whose name does not point back: common for hijacked hosts in
     * half-maintained ISP space, rarer but possible for real servers. */
    [RDNS_CHECK_FCRDNS_FAIL] = {"fcrdns_fail", 3.0, "the PTR name does not resolve back to the client address", false, false},
    /* Generic ISP name with the address in it: a home line, not a server. */
    [RDNS_CHECK_PTR_GENERIC] = {"ptr_generic", 3.0, "the PTR name looks like a dynamic or residential address", false, false},
    /* RFC 5321 4.1.1.1 requires an FQDN or an address literal; "localhost"
     * or "User" is malware or a broken script, never an MTA. */
    [RDNS_CHECK_HELO_NOT_FQDN] = {"helo_not_fqdn", 3.0, "HELO is not a fully qualified domain name", false, true},
    /* Claiming to be an address it is not is a lie, not a mistake. */
    [RDNS_CHECK_HELO_LITERAL_MISMATCH] = {"helo_literal_mismatch", 3.0, "HELO address literal is not the client address", false, true},
    /* A made-up name; real servers' HELO names resolve. */
    [RDNS_CHECK_HELO_UNRESOLVABLE] = {"helo_unresolvable", 2.0, "HELO name does not resolve", false, true},
    /* Many real servers HELO with a name other than their PTR (clusters,
     * NAT): weak evidence, reported for filters more than for rejects. */
    [RDNS_CHECK_HELO_PTR_MISMATCH] = {"helo_ptr_mismatch", 0.5, "HELO name differs from the PTR name", false, false},
    /* MAIL FROM domain that is not a host name at all. */
    [RDNS_CHECK_FROM_NOT_FQDN] = {"from_not_fqdn", 3.0, "sender domain is not a domain name", false, true},
    /* No bounce could ever be delivered to this sender. */
    [RDNS_CHECK_FROM_DOMAIN_INVALID] = {"from_domain_invalid", 4.0, "sender domain cannot receive mail", false, true},
    /* DNS trouble says nothing about the client; informative only. It can
     * never cause a reject, only count towards a tempfail. */
    [RDNS_CHECK_DNS_TEMPERROR] = {"dns_temperror", 0.0, "temporary DNS failure", false, false},
    /* The HELO name's A/AAAA holds the client address: whoever runs the
     * client also runs that name's DNS, as for a real MTA whose ISP owns
     * the PTR. The weaker reward: anyone can point a name at any address. */
    [RDNS_CHECK_HELO_CONFIRMS] = {"helo_confirms", -1.0, "HELO name resolves to the client address", true, false},
    /* The sender domain routes its mail to this very host: it is an MTA
     * and bounces reach it. Worth more than a HELO name, still small. */
    [RDNS_CHECK_SENDER_MX_MATCH] = {"sender_mx_match", -2.0, "client is an MX host of the sender domain", true, false},
};

struct rdns_score {
    struct {
        rdns_check_state state;
        char *detail;
        char *fix;
    } c[RDNS_CHECK_COUNT];
};

rdns_score *rdns_score_new(void)
{
    return rdns_calloc(1, sizeof(rdns_score));
}

void rdns_score_clear(rdns_score *s)
{
    for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
        free(s->c[i].detail);
        free(s->c[i].fix);
        s->c[i].detail = s->c[i].fix = NULL;
        s->c[i].state = RDNS_CHECK_SKIPPED;
    }
}

void rdns_score_free(rdns_score *s)
{
    if (s == NULL)
        return;
    rdns_score_clear(s);
    free(s);
}

void rdns_score_set(rdns_score *s, rdns_check c, rdns_check_state st,
                    const char *detail, const char *fix)
{
    if ((unsigned)c >= RDNS_CHECK_COUNT)
        return;
    free(s->c[c].detail);
    free(s->c[c].fix);
    s->c[c].state = st;
    s->c[c].detail = rdns_strdup(detail ? detail : "");
    s->c[c].fix = fix ? rdns_strdup(fix) : NULL;
}

void rdns_score_merge(rdns_score *dst, const rdns_score *src)
{
    for (int i = 0; i < RDNS_CHECK_COUNT; i++)
        if (src->c[i].state != RDNS_CHECK_SKIPPED)
            rdns_score_set(dst, (rdns_check)i, src->c[i].state, src->c[i].detail, src->c[i].fix);
}

void rdns_score_temperror(rdns_score *s, const char *note)
{
    char buf[SCORE_TEMPERROR_MAX];
    const char *prev = rdns_score_detail(s, RDNS_CHECK_DNS_TEMPERROR);

    if (s->c[RDNS_CHECK_DNS_TEMPERROR].state == RDNS_CHECK_HIT && prev[0] != '\0') {
        if (strstr(prev, note) != NULL)
            return;
        snprintf(buf, sizeof(buf), "%s; %s", prev, note);
        note = buf;
    }
    rdns_score_set(s, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_HIT, note, NULL);
}

rdns_check_state rdns_score_state(const rdns_score *s, rdns_check c)
{
    return (unsigned)c < RDNS_CHECK_COUNT ? s->c[c].state : RDNS_CHECK_SKIPPED;
}

const char *rdns_score_detail(const rdns_score *s, rdns_check c)
{
    return (unsigned)c < RDNS_CHECK_COUNT && s->c[c].detail ? s->c[c].detail : "";
}

const char *rdns_score_fix(const rdns_score *s, rdns_check c)
{
    return (unsigned)c < RDNS_CHECK_COUNT ? s->c[c].fix : NULL;
}

static double score_unknown(const rdns_score *s, const double *w, rdns_check c)
{
    return s->c[c].state == RDNS_CHECK_UNKNOWN && w[c] > 0 ? w[c] : 0;
}

/* A penalty never lowers and a reward never raises the score, whatever
 * the configured weight says (the config rejects such weights anyway). */
static double score_weight(const double *w, rdns_check c)
{
    if (checks[c].reward)
        return w[c] < 0 ? w[c] : 0;
    return w[c] > 0 ? w[c] : 0;
}

bool rdns_score_rewards_void(const rdns_score *s, rdns_check *why)
{
    for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
        if (checks[i].voids_rewards && s->c[i].state == RDNS_CHECK_HIT) {
            if (why != NULL)
                *why = (rdns_check)i;
            return true;
        }
    }
    return false;
}

/* Could a disqualifier still turn out HIT? */
static bool score_rewards_open(const rdns_score *s)
{
    for (int i = 0; i < RDNS_CHECK_COUNT; i++)
        if (checks[i].voids_rewards && s->c[i].state == RDNS_CHECK_UNKNOWN)
            return true;
    return false;
}

/*
 * certain: what the answers so far add up to. best: certain with every
 * open reward earned. worst: the worst outcome the undecided checks could
 * still have, with every open reward unearned and the earned ones voided
 * when a disqualifier is open. ptr_none excludes fcrdns_fail and
 * ptr_generic (no PTR name, nothing to confirm or classify), so they count
 * as max(ptr_none, fcrdns + generic), not as their sum: otherwise a DNS
 * outage alone would tempfail everyone.
 */
static void score_sums(const rdns_score *s, const double *w, double *certain,
                       double *best, double *worst)
{
    double none, named, earned = 0, open = 0, possible = 0;
    bool void_ = rdns_score_rewards_void(s, NULL);

    *certain = 0;
    for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
        if (checks[i].reward) {
            if (s->c[i].state == RDNS_CHECK_HIT)
                earned += score_weight(w, (rdns_check)i);
            else if (s->c[i].state == RDNS_CHECK_UNKNOWN)
                open += score_weight(w, (rdns_check)i);
        } else if (i == RDNS_CHECK_DNS_TEMPERROR) {
            if (s->c[i].state == RDNS_CHECK_HIT)
                possible += score_weight(w, (rdns_check)i);
        } else if (s->c[i].state == RDNS_CHECK_HIT) {
            *certain += score_weight(w, (rdns_check)i);
        } else if (i != RDNS_CHECK_PTR_NONE && i != RDNS_CHECK_FCRDNS_FAIL
                   && i != RDNS_CHECK_PTR_GENERIC) {
            possible += score_unknown(s, w, (rdns_check)i);
        }
    }
    none = score_unknown(s, w, RDNS_CHECK_PTR_NONE);
    named = score_unknown(s, w, RDNS_CHECK_FCRDNS_FAIL)
        + score_unknown(s, w, RDNS_CHECK_PTR_GENERIC);
    possible += none > named ? none : named;

    *worst = *certain + possible + (void_ || score_rewards_open(s) ? 0 : earned);
    if (!void_)
        *certain += earned;
    *best = *certain + (void_ ? 0 : open);
}

bool rdns_score_counts(const rdns_score *s, rdns_check c)
{
    if ((unsigned)c >= RDNS_CHECK_COUNT || s->c[c].state != RDNS_CHECK_HIT)
        return false;
    return !checks[c].reward || !rdns_score_rewards_void(s, NULL);
}

double rdns_score_points(const rdns_score *s, const double *weights, rdns_check c)
{
    if ((unsigned)c >= RDNS_CHECK_COUNT || s->c[c].state != RDNS_CHECK_HIT)
        return 0.0;
    if (checks[c].reward && rdns_score_rewards_void(s, NULL))
        return 0.0;
    return score_weight(weights, c);
}

double rdns_score_total(const rdns_score *s, const double *weights)
{
    double certain, best, worst;

    score_sums(s, weights, &certain, &best, &worst);
    if (s->c[RDNS_CHECK_DNS_TEMPERROR].state == RDNS_CHECK_HIT)
        certain += score_weight(weights, RDNS_CHECK_DNS_TEMPERROR);
    return certain == 0 ? 0.0 : certain;    /* never "-0.0" */
}

rdns_action rdns_score_action(const rdns_score *s, const double *weights,
                              double threshold)
{
    double certain, best, worst;

    score_sums(s, weights, &certain, &best, &worst);
    if (best >= threshold)
        return RDNS_ACTION_REJECT;
    if (worst >= threshold)
        return RDNS_ACTION_TEMPFAIL;
    return RDNS_ACTION_ACCEPT;
}

char *rdns_score_hits(const rdns_score *s, char *buf, size_t len)
{
    size_t o = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
        int n;

        if (!rdns_score_counts(s, (rdns_check)i))
            continue;           /* a voided reward is no part of the score */
        n = snprintf(buf + o, len - o, "%s%s", o ? "," : "", checks[i].name);
        if (n < 0 || (size_t)n >= len - o) {
            buf[o] = '\0';
            break;
        }
        o += (size_t)n;
    }
    return buf;
}

const char *rdns_check_name(rdns_check c)
{
    return (unsigned)c < RDNS_CHECK_COUNT ? checks[c].name : "unknown";
}

bool rdns_check_lookup(const char *name, rdns_check *out)
{
    for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
        if (strcmp(name, checks[i].name) == 0) {
            *out = (rdns_check)i;
            return true;
        }
    }
    return false;
}

const char *rdns_action_str(rdns_action a)
{
    switch (a) {
    case RDNS_ACTION_ACCEPT:
        return "accept";
    case RDNS_ACTION_TEMPFAIL:
        return "tempfail";
    case RDNS_ACTION_REJECT:
        return "reject";
    }
    return "accept";
}

const char *rdns_check_reason(rdns_check c)
{
    return (unsigned)c < RDNS_CHECK_COUNT ? checks[c].reason : "unknown";
}

bool rdns_check_is_reward(rdns_check c)
{
    return (unsigned)c < RDNS_CHECK_COUNT && checks[c].reward;
}

double rdns_check_default_weight(rdns_check c)
{
    return (unsigned)c < RDNS_CHECK_COUNT ? checks[c].weight : 0.0;
}
