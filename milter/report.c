/*
 * NAME
 *   report - render an evaluation for people (text) or scripts (JSON)
 * DESCRIPTION
 *   Every string printed here came through lib/, which sanitised what the
 *   network supplied; JSON output still escapes quotes and backslashes.
 *   The JSON contract: client, iprev, ptr, verified_name, whitelisted,
 *   trusted, checks{name: {hit, score, detail[, unknown][, fix][, reward]
 *   [, void]}}, score, threshold, action, mode. A check appears only when
 *   it was evaluated. action is the verdict enforce mode acts on, also
 *   under mode monitor (then "mode": "monitor": the milter would only log
 *   and mark it). For a reward (good evidence: helo_confirms,
 *   sender_mx_match) "reward" is true, "hit" means earned and "score" is
 *   negative; "void" is true when it was earned but a disqualifying check
 *   hit, so it counts 0. Scores may be negative.
 *
 *   Text: a reward shows as BONUS (earned), "no", "unknown" (DNS failed:
 *   not earned) or "void" (earned, not counted), after the penalties.
 */
#include "report.h"

#include <string.h>

#include "name.h"

static void json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(fp, "\\u%04x", c);
        else
            fputc(c, fp);
    }
    fputc('"', fp);
}

static double report_check_score(const rdns_eval *ev, const rdns_config *cfg, rdns_check c)
{
    double p = rdns_score_points(rdns_eval_card(ev), cfg->weights, c);

    return p == 0 ? 0.0 : p;        /* never "-0" */
}

/* An earned reward that a disqualifying check voided. */
static bool report_void(const rdns_score *card, rdns_check c)
{
    return rdns_check_is_reward(c) && rdns_score_state(card, c) == RDNS_CHECK_HIT
        && rdns_score_rewards_void(card, NULL);
}

void report_json(FILE *fp, const rdns_eval *ev, const rdns_config *cfg, bool trusted)
{
    const rdns_score *card = rdns_eval_card(ev);
    const rdns_addr *client = rdns_eval_client(ev);
    char ip[RDNS_ADDR_STRLEN] = "";
    const char *verified = rdns_eval_verified_name(ev);
    bool first = true;

    if (client)
        rdns_addr_format(client, ip, sizeof(ip));
    fputs("{\"client\":", fp);
    json_str(fp, ip);
    fputs(",\"iprev\":", fp);
    if (rdns_eval_whitelisted(ev) && rdns_eval_ptr_count(ev) == 0 && !verified)
        fputs("null", fp);          /* whitelisted by address: not looked up */
    else
        json_str(fp, rdns_iprev_str(rdns_eval_iprev(ev)));
    fputs(",\"ptr\":[", fp);
    for (size_t i = 0; i < rdns_eval_ptr_count(ev); i++) {
        if (i)
            fputc(',', fp);
        json_str(fp, rdns_eval_ptr_name(ev, i));
    }
    fputs("],\"verified_name\":", fp);
    if (verified)
        json_str(fp, verified);
    else
        fputs("null", fp);
    fprintf(fp, ",\"whitelisted\":%s,\"trusted\":%s,\"checks\":{",
            rdns_eval_whitelisted(ev) ? "true" : "false", trusted ? "true" : "false");
    for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
        rdns_check c = (rdns_check)i;
        rdns_check_state st = rdns_score_state(card, c);
        const char *fix = rdns_score_fix(card, c);

        if (st == RDNS_CHECK_SKIPPED)
            continue;
        fprintf(fp, "%s\"%s\":{\"hit\":%s,\"score\":%g,\"detail\":", first ? "" : ",",
                rdns_check_name(c), st == RDNS_CHECK_HIT ? "true" : "false",
                report_check_score(ev, cfg, c));
        json_str(fp, rdns_score_detail(card, c));
        if (st == RDNS_CHECK_UNKNOWN)
            fputs(",\"unknown\":true", fp);
        if (rdns_check_is_reward(c))
            fputs(",\"reward\":true", fp);
        if (report_void(card, c))
            fputs(",\"void\":true", fp);
        if (st == RDNS_CHECK_HIT && fix) {
            fputs(",\"fix\":", fp);
            json_str(fp, fix);
        }
        fputc('}', fp);
        first = false;
    }
    fprintf(fp, "},\"score\":%g,\"threshold\":%g,\"action\":\"%s\",\"mode\":\"%s\"}\n",
            rdns_eval_score(ev), cfg->threshold, rdns_action_str(rdns_eval_action(ev)),
            rdns_mode_str(cfg->mode));
}

static const char *report_state_word(const rdns_score *card, rdns_check c)
{
    rdns_check_state st = rdns_score_state(card, c);

    if (rdns_check_is_reward(c) && st == RDNS_CHECK_HIT)
        return report_void(card, c) ? "void" : "BONUS";
    if (rdns_check_is_reward(c) && st == RDNS_CHECK_CLEAR)
        return "no";
    switch (st) {
    case RDNS_CHECK_HIT:
        return "HIT";
    case RDNS_CHECK_UNKNOWN:
        return "unknown";
    case RDNS_CHECK_CLEAR:
        return "ok";
    case RDNS_CHECK_SKIPPED:
        break;
    }
    return "-";
}

static const char *report_action_text(rdns_action a, const rdns_config *cfg)
{
    static const char *const stage_text[] = {
        [RDNS_STAGE_CONNECT] = "connect", [RDNS_STAGE_HELO] = "HELO",
        [RDNS_STAGE_MAIL] = "MAIL FROM", [RDNS_STAGE_RCPT] = "RCPT TO",
    };
    static char buf[128];

    switch (a) {
    case RDNS_ACTION_REJECT:
        snprintf(buf, sizeof(buf), "REJECT (550 5.7.1 at %s)", stage_text[cfg->reject_stage]);
        return buf;
    case RDNS_ACTION_TEMPFAIL:
        return "TEMPFAIL (451 4.7.1: DNS trouble left the verdict open; the sender retries)";
    case RDNS_ACTION_ACCEPT:
        break;
    }
    return "ACCEPT (the message gets an X-RDNS-Score header)";
}

void report_text(FILE *fp, const rdns_eval *ev, const rdns_config *cfg, bool trusted)
{
    const rdns_score *card = rdns_eval_card(ev);
    const rdns_addr *client = rdns_eval_client(ev);
    char ip[RDNS_ADDR_STRLEN] = "?";
    const char *verified = rdns_eval_verified_name(ev);
    bool fixes = false;

    if (client)
        rdns_addr_format(client, ip, sizeof(ip));
    fprintf(fp, "client       %s\n", ip);
    if (rdns_eval_ptr_count(ev) == 0)
        fprintf(fp, "PTR          (none)\n");
    for (size_t i = 0; i < rdns_eval_ptr_count(ev); i++)
        fprintf(fp, "PTR          %s%s\n", rdns_eval_ptr_name(ev, i),
                verified && strcmp(verified, rdns_eval_ptr_name(ev, i)) == 0
                ? "  (forward-confirmed)" : "");
    if (!(rdns_eval_whitelisted(ev) && rdns_eval_ptr_count(ev) == 0 && !verified))
        fprintf(fp, "iprev        %s\n", rdns_iprev_str(rdns_eval_iprev(ev)));
    if (rdns_eval_helo_text(ev)[0])
        fprintf(fp, "HELO         %s\n", rdns_eval_helo_text(ev));
    if (trusted)
        fprintf(fp, "note         %s is in trusted_networks: rdns-milter never scores it\n", ip);
    if (rdns_eval_whitelisted(ev)) {
        fprintf(fp, "whitelisted  yes: no checks apply, score 0\n");
    } else {
        fprintf(fp, "\n%-22s %-8s %5s  %s\n", "check", "result", "score", "detail");
        rdns_check why;

        for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
            rdns_check c = (rdns_check)i;

            if (rdns_score_state(card, c) == RDNS_CHECK_SKIPPED)
                continue;
            fprintf(fp, "%-22s %-8s %5.1f  %s\n", rdns_check_name(c),
                    report_state_word(card, c), report_check_score(ev, cfg, c),
                    rdns_score_detail(card, c));
        }
        for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
            if (report_void(card, (rdns_check)i) && rdns_score_rewards_void(card, &why)) {
                fprintf(fp, "(rewards not counted: %s hit, which good evidence does not "
                        "excuse)\n", rdns_check_name(why));
                break;
            }
        }
    }
    fprintf(fp, "\nscore %.1f, threshold %.1f: %s\n", rdns_eval_score(ev), cfg->threshold,
            report_action_text(rdns_eval_action(ev), cfg));
    if (cfg->mode == RDNS_MODE_MONITOR && rdns_eval_action(ev) == RDNS_ACTION_ACCEPT)
        fprintf(fp, "mode monitor: nothing is refused; the milter only logs and marks its "
                    "verdicts\n");
    else if (cfg->mode == RDNS_MODE_MONITOR)
        fprintf(fp, "mode monitor: not enforced; the milter logs it and delivers the message "
                    "with \"action=%s mode=monitor\" in X-RDNS-Score\n",
                rdns_action_str(rdns_eval_action(ev)));
    for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
        const char *fix = rdns_score_fix(card, (rdns_check)i);

        if (rdns_score_state(card, (rdns_check)i) != RDNS_CHECK_HIT || fix == NULL)
            continue;
        if (!fixes)
            fprintf(fp, "\nhow to fix:\n");
        fixes = true;
        fprintf(fp, "  - %s: %s\n", rdns_check_name((rdns_check)i), fix);
    }
}

void report_classify_text(FILE *fp, const char *name, bool generic, const char *reason)
{
    fprintf(fp, "%s: %s (%s)\n", name, generic ? "generic" : "not generic", reason);
}

void report_classify_json(FILE *fp, const char *name, bool generic, const char *reason)
{
    fputs("{\"name\":", fp);
    json_str(fp, name);
    fprintf(fp, ",\"generic\":%s,\"reason\":", generic ? "true" : "false");
    json_str(fp, reason);
    fputs("}\n", fp);
}
