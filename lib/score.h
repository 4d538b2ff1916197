#ifndef RDNS_SCORE_H
#define RDNS_SCORE_H
/*
 * score - the scorecard: which checks were evaluated, which hit, and the
 * action their weights add up to.
 *
 * A check is SKIPPED (not evaluated: its input was missing), CLEAR
 * (evaluated, nothing wrong), HIT, or UNKNOWN (could not be decided because
 * DNS failed temporarily).
 *
 * Most checks are penalties (weight >= 0): a HIT is a sign of a zombie.
 * Rewards (helo_confirms, sender_mx_match; weight <= 0) are good evidence:
 * a HIT means "earned". A reward counts only while no disqualifying check
 * hit (ptr_none, helo_not_fqdn, helo_literal_mismatch, helo_unresolvable,
 * from_not_fqdn, from_domain_invalid): good evidence excuses what an
 * operator cannot fix (a generic or unconfirmed ISP PTR, a HELO other than
 * the PTR), never a missing PTR, a lie or a dead sender domain.
 *
 * The decision rule is what keeps a DNS outage from ever turning into a
 * 5xx, and a DNS failure from ever turning into a reward:
 *
 *   certain   = weights of HIT penalties (dns_temperror excepted)
 *               + weights of earned rewards, if no disqualifier HIT
 *   best      = certain + weights of UNKNOWN rewards, if no disqualifier
 *               HIT (an open reward might have been earned)
 *   worst     = HIT penalties + worst case of the UNKNOWN penalties
 *               (ptr_none excludes fcrdns_fail and ptr_generic)
 *               + dns_temperror's if HIT + earned rewards only if no
 *               disqualifier is HIT or UNKNOWN (an open reward counts 0)
 *   reject    when best >= threshold
 *   tempfail  when best < threshold <= worst
 *   accept    otherwise
 *
 * The reported score is certain plus dns_temperror's weight when it hit.
 * Check names are a stable interface (JSON, headers, logs, config keys).
 */
#include <stdbool.h>
#include <stddef.h>

typedef enum rdns_check {
    RDNS_CHECK_PTR_NONE,
    RDNS_CHECK_FCRDNS_FAIL,
    RDNS_CHECK_PTR_GENERIC,
    RDNS_CHECK_HELO_NOT_FQDN,
    RDNS_CHECK_HELO_LITERAL_MISMATCH,
    RDNS_CHECK_HELO_UNRESOLVABLE,
    RDNS_CHECK_HELO_PTR_MISMATCH,
    RDNS_CHECK_FROM_NOT_FQDN,
    RDNS_CHECK_FROM_DOMAIN_INVALID,
    RDNS_CHECK_DNS_TEMPERROR,
    /* rewards (negative weights); last, so the penalties keep their numbers */
    RDNS_CHECK_HELO_CONFIRMS,
    RDNS_CHECK_SENDER_MX_MATCH,
    RDNS_CHECK_COUNT
} rdns_check;

typedef enum rdns_check_state {
    RDNS_CHECK_SKIPPED = 0,
    RDNS_CHECK_CLEAR,
    RDNS_CHECK_HIT,
    RDNS_CHECK_UNKNOWN
} rdns_check_state;

typedef enum rdns_action {
    RDNS_ACTION_ACCEPT,
    RDNS_ACTION_TEMPFAIL,
    RDNS_ACTION_REJECT
} rdns_action;

typedef struct rdns_score rdns_score;

rdns_score *rdns_score_new(void);
void rdns_score_free(rdns_score *s);
/* Returns every check to SKIPPED. */
void rdns_score_clear(rdns_score *s);

/* Copies every evaluated (not SKIPPED) check of src into dst. */
void rdns_score_merge(rdns_score *dst, const rdns_score *src);
/* Records a check's outcome. detail: what was found, for people; fix: what
 * the sender should change (NULL when nothing). Both are copied and must
 * already be sanitised. Setting a check again replaces it. */
void rdns_score_set(rdns_score *s, rdns_check c, rdns_check_state st,
                    const char *detail, const char *fix);
/* Marks dns_temperror HIT with note appended to the notes earlier lookups
 * left (a note already there is not repeated; the whole is bounded). */
void rdns_score_temperror(rdns_score *s, const char *note);
rdns_check_state rdns_score_state(const rdns_score *s, rdns_check c);
const char *rdns_score_detail(const rdns_score *s, rdns_check c); /* "" if none */
const char *rdns_score_fix(const rdns_score *s, rdns_check c);    /* NULL if none */

/* weights has RDNS_CHECK_COUNT entries. */
double rdns_score_total(const rdns_score *s, const double *weights);
rdns_action rdns_score_action(const rdns_score *s, const double *weights,
                              double threshold);
/* What check c adds to the reported score: its weight when it is HIT and
 * counts (a reward voided by a disqualifier adds 0), else 0. */
double rdns_score_points(const rdns_score *s, const double *weights, rdns_check c);
/* The first disqualifying check that HIT, which voids every reward; false
 * when rewards count. */
bool rdns_score_rewards_void(const rdns_score *s, rdns_check *why);
/* Does check c count: HIT, and not a reward voided by a disqualifier? */
bool rdns_score_counts(const rdns_score *s, rdns_check c);
/* Comma-separated names of the checks that count (rdns_score_counts) ("fcrdns_fail,ptr_generic"), or "" */
char *rdns_score_hits(const rdns_score *s, char *buf, size_t len);

const char *rdns_check_name(rdns_check c);
/* A short phrase for people, for SMTP replies ("no PTR record for the
 * client address"). */
const char *rdns_check_reason(rdns_check c);
bool rdns_check_lookup(const char *name, rdns_check *out);
const char *rdns_action_str(rdns_action a);   /* "accept", "tempfail", "reject" */
/* Is c a reward (good evidence, weight <= 0) rather than a penalty? */
bool rdns_check_is_reward(rdns_check c);
/* Compiled-in default weight of a check (see the table in score.c). */
double rdns_check_default_weight(rdns_check c);

#endif
