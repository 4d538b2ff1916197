/* Tests of lib/score.c: the decision rule that keeps DNS trouble from
 * ever producing a reject. */
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

    /* Negative weights (bonuses) lower the certain sum. */
    rdns_score_clear(s);
    w[RDNS_CHECK_HELO_PTR_MISMATCH] = -2;
    rdns_score_set(s, RDNS_CHECK_PTR_GENERIC, RDNS_CHECK_HIT, "", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_PTR_MISMATCH, RDNS_CHECK_HIT, "", NULL);
    CHECK(rdns_score_total(s, w) == 1.0);
    rdns_score_set(s, RDNS_CHECK_HELO_PTR_MISMATCH, RDNS_CHECK_UNKNOWN, "", NULL);
    CHECK(rdns_score_action(s, w, 3.5) == RDNS_ACTION_ACCEPT);    /* a bonus adds no risk */

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
