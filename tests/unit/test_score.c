/* Tests of lib/score.c: the decision rule that keeps DNS trouble from
 * ever producing a reject. */
#include <stdio.h>

#include "check.h"
#include "score.h"

static double w[RDNS_CHECK_COUNT];

int main(void)
{
    rdns_score *s = rdns_score_new();
    rdns_check c;
    char hits[256];

    for (int i = 0; i < RDNS_CHECK_COUNT; i++)
        w[i] = rdns_check_default_weight((rdns_check)i);

    /* Names are a stable interface. */
    CHECK_STR(rdns_check_name(RDNS_CHECK_PTR_NONE), "ptr_none");
    CHECK_STR(rdns_check_name(RDNS_CHECK_DNS_TEMPERROR), "dns_temperror");
    CHECK(rdns_check_lookup("helo_ptr_mismatch", &c) && c == RDNS_CHECK_HELO_PTR_MISMATCH);
    CHECK(!rdns_check_lookup("ptr-none", &c));
    for (int i = 0; i < RDNS_CHECK_COUNT; i++)
        CHECK(rdns_check_lookup(rdns_check_name((rdns_check)i), &c) && c == (rdns_check)i);

    /* Nothing evaluated: accept with 0. */
    CHECK(rdns_score_total(s, w) == 0.0);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_ACCEPT);
    CHECK_STR(rdns_score_hits(s, hits, sizeof(hits)), "");

    /* The seed case: fcrdns_fail + ptr_generic + helo_not_fqdn = 9: reject. */
    rdns_score_set(s, RDNS_CHECK_PTR_NONE, RDNS_CHECK_CLEAR, "PTR x", NULL);
    rdns_score_set(s, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_HIT, "no A", "add an A record");
    rdns_score_set(s, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_HIT, "generic", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_NOT_FQDN, RDNS_CHECK_HIT, "single label", NULL);
    CHECK(rdns_score_total(s, w) == 9.0);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_REJECT);
    CHECK(rdns_score_action(s, w, 9.0) == RDNS_ACTION_REJECT);    /* at the threshold */
    CHECK(rdns_score_action(s, w, 9.5) == RDNS_ACTION_ACCEPT);
    CHECK_STR(rdns_score_hits(s, hits, sizeof(hits)), "fcrdns_fail,ptr_generic,helo_not_fqdn");
    CHECK_STR(rdns_score_hits(s, hits, 20), "fcrdns_fail");       /* cut at a name */
    CHECK_STR(rdns_score_detail(s, RDNS_CHECK_FCRDNS_FAIL), "no A");
    CHECK_STR(rdns_score_fix(s, RDNS_CHECK_FCRDNS_FAIL), "add an A record");
    CHECK(rdns_score_fix(s, RDNS_CHECK_PTR_GENERIC) == NULL);
    CHECK_STR(rdns_score_detail(s, RDNS_CHECK_FROM_NOT_FQDN), "");

    /* PTR lookup failed temporarily, HELO is bad: the open checks could
     * reach the threshold, so tempfail, never reject. The worst case of
     * the open connect checks is max(ptr_none 5, fcrdns 3 + generic 3). */
    rdns_score_clear(s);
    rdns_score_set(s, RDNS_CHECK_PTR_NONE, RDNS_CHECK_UNKNOWN, "timeout", NULL);
    rdns_score_set(s, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_UNKNOWN, "timeout", NULL);
    rdns_score_set(s, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_UNKNOWN, "timeout", NULL);
    rdns_score_set(s, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_HIT, "timeout", NULL);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_ACCEPT);    /* 0 certain, 6 possible */
    rdns_score_set(s, RDNS_CHECK_HELO_NOT_FQDN, RDNS_CHECK_HIT, "localhost", NULL);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_TEMPFAIL);  /* 3 + 6 >= 7 */
    CHECK(rdns_score_total(s, w) == 3.0);
    CHECK(rdns_score_action(s, w, 10.0) == RDNS_ACTION_ACCEPT);   /* 9 < 10 */

    /* dns_temperror never rejects, whatever its weight. */
    rdns_score_clear(s);
    w[RDNS_CHECK_DNS_TEMPERROR] = 50;
    rdns_score_set(s, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_HIT, "SERVFAIL", NULL);
    CHECK(rdns_score_total(s, w) == 50.0);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_TEMPFAIL);
    w[RDNS_CHECK_DNS_TEMPERROR] = 0;

    /* A weight of the wrong sign counts 0 (the config refuses it anyway):
     * a penalty never lowers the score, a reward never raises it. */
    rdns_score_clear(s);
    w[RDNS_CHECK_HELO_PTR_MISMATCH] = -2;
    w[RDNS_CHECK_HELO_CONFIRMS] = 2;
    rdns_score_set(s, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_PTR_MISMATCH, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_HIT, "", NULL);
    CHECK(rdns_score_total(s, w) == 3.0);
    w[RDNS_CHECK_HELO_PTR_MISMATCH] = rdns_check_default_weight(RDNS_CHECK_HELO_PTR_MISMATCH);
    w[RDNS_CHECK_HELO_CONFIRMS] = rdns_check_default_weight(RDNS_CHECK_HELO_CONFIRMS);

    /* ---- rewards ---- */
    CHECK_STR(rdns_check_name(RDNS_CHECK_HELO_CONFIRMS), "helo_confirms");
    CHECK_STR(rdns_check_name(RDNS_CHECK_SENDER_MX_MATCH), "sender_mx_match");
    CHECK(rdns_check_is_reward(RDNS_CHECK_HELO_CONFIRMS));
    CHECK(rdns_check_is_reward(RDNS_CHECK_SENDER_MX_MATCH));
    CHECK(!rdns_check_is_reward(RDNS_CHECK_PTR_GENERIC));
    CHECK(!rdns_check_is_reward((rdns_check)99));
    for (int i = 0; i < RDNS_CHECK_COUNT; i++)
        CHECK(rdns_check_is_reward((rdns_check)i)
              ? rdns_check_default_weight((rdns_check)i) < 0
              : rdns_check_default_weight((rdns_check)i) >= 0);
    CHECK(w[RDNS_CHECK_HELO_CONFIRMS] == -1.0 && w[RDNS_CHECK_SENDER_MX_MATCH] == -2.0);

    /* The bound on the defaults, independent of the voiding below: the
     * HELO reward alone cannot lift no PTR plus a bad sender under the
     * threshold (sender_mx_match cannot be earned with a bad sender). */
    CHECK(w[RDNS_CHECK_PTR_NONE] + w[RDNS_CHECK_FROM_NOT_FQDN] + w[RDNS_CHECK_HELO_CONFIRMS] >= 7.0);
    CHECK(w[RDNS_CHECK_PTR_NONE] + w[RDNS_CHECK_FROM_DOMAIN_INVALID]
          + w[RDNS_CHECK_HELO_CONFIRMS] >= 7.0);

    /* A corporate MTA behind an ISP's generic, confirming PTR: HELO with
     * its own name (not the PTR), which resolves to it, and the sender
     * domain's MX is it. 3 + 0.5 - 1 - 2 = 0.5. */
    rdns_score_clear(s);
    rdns_score_set(s, RDNS_CHECK_PTR_NONE, RDNS_CHECK_CLEAR, "", NULL);
    rdns_score_set(s, RDNS_CHECK_FCRDNS_FAIL, RDNS_CHECK_CLEAR, "", NULL);
    rdns_score_set(s, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_NOT_FQDN, RDNS_CHECK_CLEAR, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_CLEAR, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_PTR_MISMATCH, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_CLEAR, "", NULL);
    rdns_score_set(s, RDNS_CHECK_FROM_DOMAIN_INVALID, RDNS_CHECK_CLEAR, "", NULL);
    rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, RDNS_CHECK_HIT, "", NULL);
    CHECK(rdns_score_total(s, w) == 0.5);
    CHECK(!rdns_score_rewards_void(s, &c));
    CHECK(rdns_score_points(s, w, RDNS_CHECK_HELO_CONFIRMS) == -1.0);
    CHECK(rdns_score_points(s, w, RDNS_CHECK_SENDER_MX_MATCH) == -2.0);
    CHECK(rdns_score_points(s, w, RDNS_CHECK_PTR_GENERIC) == 3.0);
    CHECK(rdns_score_points(s, w, RDNS_CHECK_FCRDNS_FAIL) == 0.0);
    CHECK_STR(rdns_score_hits(s, hits, sizeof(hits)),
              "ptr_generic,helo_ptr_mismatch,helo_confirms,sender_mx_match");
    /* A site that refuses every home line (ptr_generic 7) still takes it:
     * 7.5 would reject, the evidence brings it to 4.5. */
    w[RDNS_CHECK_PTR_GENERIC] = 7;
    CHECK(rdns_score_total(s, w) == 4.5);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_ACCEPT);
    rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_CLEAR, "", NULL);
    rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, RDNS_CHECK_CLEAR, "", NULL);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_REJECT);  /* the zombie: 7.5 */

    /* An open reward counts 0 in the worst case (a DNS failure earns
     * nothing: 7.5 - 1 = 6.5 with the MX host lookup open tempfails at
     * threshold 6, it does not accept as 4.5 would) and as earned in the
     * best case (the failure cannot reject what the answer might have
     * accepted). */
    rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, RDNS_CHECK_UNKNOWN, "timeout", NULL);
    rdns_score_set(s, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_HIT, "timeout", NULL);
    CHECK(rdns_score_total(s, w) == 6.5);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_ACCEPT);       /* worst 6.5 */
    CHECK(rdns_score_action(s, w, 6.0) == RDNS_ACTION_TEMPFAIL);     /* best 4.5 */
    CHECK(rdns_score_action(s, w, 6.5) == RDNS_ACTION_TEMPFAIL);     /* not reject */
    CHECK(rdns_score_action(s, w, 4.5) == RDNS_ACTION_REJECT);       /* even if earned */
    rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_UNKNOWN, "timeout", NULL);
    CHECK(rdns_score_total(s, w) == 7.5);                 /* neither counted */
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_TEMPFAIL);     /* best 4.5 */
    CHECK(rdns_score_action(s, w, 8.0) == RDNS_ACTION_ACCEPT);       /* worst 7.5 */
    CHECK(rdns_score_points(s, w, RDNS_CHECK_SENDER_MX_MATCH) == 0.0);
    CHECK_STR(rdns_score_hits(s, hits, sizeof(hits)), "ptr_generic,helo_ptr_mismatch,dns_temperror");
    w[RDNS_CHECK_PTR_GENERIC] = rdns_check_default_weight(RDNS_CHECK_PTR_GENERIC);

    /* An open disqualifier voids the earned rewards in the worst case:
     * if the HELO turns out not to resolve, they would not count. */
    rdns_score_clear(s);
    rdns_score_set(s, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_PTR_MISMATCH, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_UNKNOWN, "", NULL);
    rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, RDNS_CHECK_HIT, "", NULL);
    CHECK(rdns_score_total(s, w) == 1.5);
    CHECK(rdns_score_action(s, w, 5.0) == RDNS_ACTION_TEMPFAIL);     /* 3.5 + 2 */
    CHECK(rdns_score_action(s, w, 6.0) == RDNS_ACTION_ACCEPT);
    CHECK(rdns_score_action(s, w, 1.5) == RDNS_ACTION_REJECT);

    /* Good evidence does not excuse a missing PTR, a lie or a dead sender
     * domain: a disqualifying hit voids every reward. A spammer who points
     * its own domain at a zombie without PTR earns nothing from it. */
    rdns_score_clear(s);
    rdns_score_set(s, RDNS_CHECK_PTR_NONE, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, RDNS_CHECK_HIT, "", NULL);
    CHECK(rdns_score_total(s, w) == 5.0);
    CHECK(rdns_score_rewards_void(s, &c) && c == RDNS_CHECK_PTR_NONE);
    CHECK(rdns_score_points(s, w, RDNS_CHECK_HELO_CONFIRMS) == 0.0);
    CHECK(!rdns_score_counts(s, RDNS_CHECK_HELO_CONFIRMS));
    CHECK(rdns_score_counts(s, RDNS_CHECK_PTR_NONE));
    CHECK_STR(rdns_score_hits(s, hits, sizeof(hits)), "ptr_none");     /* void: not listed */
    rdns_score_set(s, RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_HIT, "", NULL);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_REJECT);       /* 7, not 4 */
    rdns_score_set(s, RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_CLEAR, "", NULL);
    rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, RDNS_CHECK_SKIPPED, "", NULL);
    rdns_score_set(s, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_HIT, "", NULL);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_REJECT);       /* 8, not 7 */
    /* A voided reward left open cannot soften a reject either. */
    rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, RDNS_CHECK_UNKNOWN, "", NULL);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_REJECT);
    for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
        rdns_score_clear(s);
        rdns_score_set(s, (rdns_check)i, RDNS_CHECK_HIT, "", NULL);
        CHECK(rdns_score_rewards_void(s, NULL)
              == (i == RDNS_CHECK_PTR_NONE || i == RDNS_CHECK_HELO_NOT_FQDN
                  || i == RDNS_CHECK_HELO_LITERAL_MISMATCH || i == RDNS_CHECK_HELO_UNRESOLVABLE
                  || i == RDNS_CHECK_FROM_NOT_FQDN || i == RDNS_CHECK_FROM_DOMAIN_INVALID));
    }

    /* A good server: rewards alone give a negative total, never "-0". */
    rdns_score_clear(s);
    rdns_score_set(s, RDNS_CHECK_PTR_NONE, RDNS_CHECK_CLEAR, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_HIT, "", NULL);
    CHECK(rdns_score_total(s, w) == -1.0);
    CHECK(rdns_score_action(s, w, 7.0) == RDNS_ACTION_ACCEPT);
    CHECK(rdns_score_action(s, w, 0.1) == RDNS_ACTION_ACCEPT);
    rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, RDNS_CHECK_HIT, "", NULL);
    CHECK(rdns_score_total(s, w) == -3.0);
    w[RDNS_CHECK_HELO_CONFIRMS] = 0;
    w[RDNS_CHECK_SENDER_MX_MATCH] = 0;
    {
        char buf[32];

        snprintf(buf, sizeof(buf), "%.1f", rdns_score_total(s, w));
        CHECK_STR(buf, "0.0");
    }
    w[RDNS_CHECK_HELO_CONFIRMS] = rdns_check_default_weight(RDNS_CHECK_HELO_CONFIRMS);
    w[RDNS_CHECK_SENDER_MX_MATCH] = rdns_check_default_weight(RDNS_CHECK_SENDER_MX_MATCH);

    /* Setting again replaces; clear forgets. */
    rdns_score_set(s, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_CLEAR, "fine", NULL);
    CHECK(rdns_score_state(s, RDNS_CHECK_PTR_GENERIC) == RDNS_CHECK_CLEAR);
    rdns_score_clear(s);
    CHECK(rdns_score_state(s, RDNS_CHECK_PTR_GENERIC) == RDNS_CHECK_SKIPPED);
    CHECK(rdns_score_state(s, (rdns_check)99) == RDNS_CHECK_SKIPPED);
    CHECK_STR(rdns_action_str(RDNS_ACTION_TEMPFAIL), "tempfail");
    rdns_score_free(s);
    CHECK_DONE();
}
