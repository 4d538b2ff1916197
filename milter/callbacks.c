/*
 * NAME
 *   callbacks - rdns-milter's libmilter callbacks
 * DESCRIPTION
 *   Thin by design: each callback gathers its input from the MTA, calls
 *   lib/eval, and acts on the verdict. The state of one SMTP session
 *   lives in a cb_conn (smfi_setpriv), created at connect and freed at
 *   close, which libmilter always calls.
 *
 *   Per connection: the engine (one reference, so a reload never changes
 *   the rules mid-session), the evaluation (connect and HELO results).
 *   Per message (reset at MAIL, end of message and abort): the queue id,
 *   the sender, the header fields to remove, the authenticated flag.
 *
 *   Overlap: connect, HELO and MAIL only start their stage of the
 *   evaluation (lib/eval runs the DNS work on its workers) and return;
 *   the callback at reject_stage, and end of message, wait for it. So DNS
 *   time hides behind the client's next SMTP round trips.
 *
 *   Decision: from config reject_stage on, at every stage, an evaluation
 *   whose action is reject gets 550 5.7.1 with reject_reply, tempfail gets
 *   451 4.7.1 with tempfail_reply. At RCPT the refusal is for that
 *   recipient only, and never_reject recipients (postmaster, abuse, and
 *   always the bare <postmaster> of RFC 5321 section 4.5.1) are accepted
 *   even then; their message gets the header.
 *
 *   Monitor mode (config mode: monitor): the same decision is reached,
 *   logged (with mode=monitor), counted (monitor_reject_STAGE, ...) and
 *   written into the header, but the MTA is told to continue. It is
 *   logged and counted where enforce mode would have refused and no
 *   more: once per session at connect or HELO (a refusal there ends the
 *   session under enforce), once per message at MAIL, once per recipient
 *   at RCPT.
 *
 *   Not scored:
 *   - trusted_networks clients, left alone entirely: the connection is
 *     accepted at connect (SMFIS_ACCEPT), so mail re-injected by a local
 *     content filter or relayed by an internal host keeps the
 *     X-RDNS-Score and Authentication-Results the first hop wrote;
 *   - authenticated senders ({auth_authen} set at MAIL): never refused
 *     and given no header, since what the client's address looks like
 *     says nothing about mail a user submits from a dial-up line; but
 *     X-RDNS-Score and our Authentication-Results they bring are still
 *     deleted, so a user cannot forge them for the recipients' filters.
 *   Every other message gets X-RDNS-Score (and Authentication-Results
 *   when authserv_id is set), after every earlier X-RDNS-Score and every
 *   Authentication-Results claiming our authserv-id were deleted, however
 *   many foreign fields come first. A message bringing more than
 *   CB_MAX_DELETE fields to delete gets a 451 at end of message instead:
 *   never delivered with a forged one left in.
 *
 *   Logging: one key=value line per decision, built with logkv, which
 *   quotes every value a client or DNS could have chosen (rdns-milter(8),
 *   LOGGING).
 */
#include "callbacks.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"
#include "headers.h"
#include "live.h"
#include "log.h"
#include "logkv.h"
#include "mem.h"
#include "name.h"
#include "reply.h"
#include "stats.h"

#define CB_TEXT 256                 /* sanitised sender/recipient in logs */
#define CB_QID 64
/* Forged fields one message may bring: a message with more is refused
 * with a 451 rather than delivered with one left in. Only fields that
 * are ours to delete count, so foreign Authentication-Results never use
 * it up; each costs 4 bytes here and one request to the MTA at EOM.
 * Real mail carries a few (one per pass through our MXs). Not more,
 * because the MTA's cost grows with the square: Postfix's cleanup took
 * 1.3 s for 1005 deletions, 2.3 s for 2000, 5.7 s for 4000 and 31 s for
 * 10000, all for one message that a client sends in a second. */
#define CB_MAX_DELETE 2000

typedef struct cb_conn {
    rdns_engine *engine;            /* this session's rules */
    rdns_eval *ev;                  /* NULL: not scored */
    char client[RDNS_ADDR_STRLEN];  /* text, or "unknown" */
    char daemon[64];                /* {daemon_name}, or "" */

    bool monitored;                 /* monitor mode: a would-be refusal at
                                       connect or HELO was logged */

    /* per message */
    bool authenticated;
    bool monitored_mail;            /* the same at MAIL */
    char qid[CB_QID];
    char from[CB_TEXT];
    unsigned n_score;               /* X-RDNS-Score fields seen */
    unsigned n_ar;                  /* Authentication-Results fields seen */
    unsigned *ar_ours;              /* their indexes (1-based) that carry */
    size_t n_ar_ours, ar_ours_cap;  /* our authserv-id */
    bool too_many;                  /* more than CB_MAX_DELETE to delete */
} cb_conn;

static cb_conn *cb_get(SMFICTX *ctx)
{
    return smfi_getpriv(ctx);
}

static void cb_copy_macro(SMFICTX *ctx, const char *name, char *dst, size_t len)
{
    const char *v = smfi_getsymval(ctx, (char *)name);

    if (v != NULL && *v != '\0')
        rdns_sanitize(dst, len, v, strlen(v));
}

/* milter.mta_names: Postfix and Sendmail have both looked up the client's
 * PTR name and its addresses before connect, and say how it went in
 * {client_resolve}. Only OK is taken; FORGED, FAIL, TEMP or no macro at all
 * leave the evaluation to its own lookups, so no failure is ever taken on
 * the MTA's word. */
static void cb_mta_name(SMFICTX *ctx, rdns_eval *ev)
{
    const char *resolve = smfi_getsymval(ctx, "{client_resolve}");
    const char *name = smfi_getsymval(ctx, "{client_name}");

    if (resolve != NULL && strcmp(resolve, "OK") == 0 && name != NULL)
        rdns_eval_mta_name(ev, name, strnlen(name, RDNS_NAME_MAX + 2));
}

static void cb_reset_message(cb_conn *c)
{
    c->authenticated = false;
    c->monitored_mail = false;
    c->qid[0] = '\0';
    c->from[0] = '\0';
    c->n_score = 0;
    c->n_ar = 0;
    free(c->ar_ours);
    c->ar_ours = NULL;
    c->n_ar_ours = 0;
    c->ar_ours_cap = 0;
    c->too_many = false;
    if (c->ev != NULL)
        rdns_eval_reset_mail(c->ev);
}

/* The fields every line about a session starts with. */
static void cb_log_who(rdns_logkv *l, const cb_conn *c)
{
    if (c->qid[0])
        rdns_logkv_add(l, "qid", c->qid);
    rdns_logkv_add(l, "client", c->client);
}

/* from=<address>, in brackets as Postfix logs it even when the MTA
 * passed it bare (Postfix does for mail from pickup); "-" before MAIL. */
static void cb_log_from(rdns_logkv *l, const cb_conn *c)
{
    char b[CB_TEXT + 2];

    if (c->from[0] == '\0' || c->from[0] == '<') {
        rdns_logkv_add(l, "from", c->from[0] ? c->from : "-");
        return;
    }
    snprintf(b, sizeof(b), "<%s>", c->from);
    rdns_logkv_add(l, "from", b);
}

/* One log line per decision: who, what DNS said, what was done. Every
 * value is quoted by logkv, so a client's text cannot add fields. */
static void cb_log_decision(const cb_conn *c, const char *stage, const char *result,
                            const char *rcpt)
{
    const rdns_config *cfg = rdns_engine_config(c->engine);
    char ptr[RDNS_NAME_MAX * 4 + 1], hits[400];
    const char *p = rdns_reply_ptr(c->ev);
    rdns_logkv l;

    rdns_sanitize(ptr, sizeof(ptr), p, strlen(p));
    rdns_score_hits(rdns_eval_card(c->ev), hits, sizeof(hits));
    rdns_logkv_init(&l);
    cb_log_who(&l, c);
    rdns_logkv_add(&l, "ptr", ptr);
    rdns_logkv_add(&l, "iprev", rdns_iprev_str(rdns_eval_iprev(c->ev)));
    rdns_logkv_add(&l, "helo", rdns_eval_helo_text(c->ev));
    cb_log_from(&l, c);
    if (rcpt != NULL)
        rdns_logkv_add(&l, "rcpt", rcpt);
    rdns_logkv_addf(&l, "score", "%.1f/%.1f", rdns_eval_score(c->ev), cfg->threshold);
    rdns_logkv_add(&l, "action", rdns_action_str(rdns_eval_action(c->ev)));
    rdns_logkv_add(&l, "stage", stage);
    rdns_logkv_add(&l, "result", result);
    rdns_logkv_add(&l, "hits", hits[0] ? hits : "none");
    if (rdns_eval_whitelisted(c->ev))
        rdns_logkv_add(&l, "whitelisted", "yes");
    if (cfg->mode == RDNS_MODE_MONITOR)
        rdns_logkv_add(&l, "mode", "monitor");
    rdns_log_info("%s", rdns_logkv_text(&l));
}

/* The address inside <...>, without a source route, bounded. */
static void cb_bare_address(const char *arg, char *out, size_t len)
{
    const char *p = arg, *end;
    size_t n;

    while (*p == ' ' || *p == '<')
        p++;
    if (*p == '@' && (end = strchr(p, ':')) != NULL)
        p = end + 1;                /* <@a,@b:user@dom> */
    end = p + strlen(p);
    while (end > p && (end[-1] == '>' || end[-1] == ' '))
        end--;
    n = (size_t)(end - p);
    if (n >= len)
        n = len - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* never_reject: local parts ("postmaster") or whole addresses. */
static bool cb_never_reject(const rdns_config *cfg, const char *rcpt)
{
    char addr[CB_TEXT], local[CB_TEXT], entry[CB_TEXT];
    char *at;

    if (rcpt == NULL)
        return false;
    cb_bare_address(rcpt, addr, sizeof(addr));
    snprintf(local, sizeof(local), "%s", addr);
    if ((at = strrchr(local, '@')) != NULL)
        *at = '\0';
    else if (strcasecmp(local, "postmaster") == 0)
        return true;                /* RFC 5321 4.5.1: always accepted */
    for (size_t i = 0; i < cfg->never_reject.n; i++) {
        const char *e = cfg->never_reject.v[i];

        if (strchr(e, '@') != NULL) {
            cb_bare_address(e, entry, sizeof(entry));
            if (strcasecmp(addr, entry) == 0)
                return true;
        } else if (strcasecmp(local, e) == 0) {
            return true;
        }
    }
    return false;
}

/* The common decision of every stage; rcpt is set at RCPT only. */
static sfsistat cb_decide(SMFICTX *ctx, cb_conn *c, rdns_stage stage, const char *rcpt)
{
    const rdns_config *cfg = rdns_engine_config(c->engine);
    char text[RDNS_REPLY_BUF], who[CB_TEXT];
    rdns_action act;
    bool reject;

    if (c->ev == NULL || c->authenticated || stage < cfg->reject_stage)
        return SMFIS_CONTINUE;
    if (cfg->mode == RDNS_MODE_MONITOR && (c->monitored || c->monitored_mail))
        return SMFIS_CONTINUE;      /* enforce mode would have refused already */
    rdns_eval_wait(c->ev);          /* the first place a verdict is needed */
    act = rdns_eval_action(c->ev);
    if (act == RDNS_ACTION_ACCEPT)
        return SMFIS_CONTINUE;
    who[0] = '\0';
    if (rcpt != NULL)
        rdns_sanitize(who, sizeof(who), rcpt, strlen(rcpt));
    if (stage == RDNS_STAGE_RCPT && cb_never_reject(cfg, rcpt)) {
        rdns_stats_rescued(c->ev);
        cb_log_decision(c, rdns_stage_str(stage), "never_reject", who);
        return SMFIS_CONTINUE;
    }
    reject = act == RDNS_ACTION_REJECT;
    if (cfg->mode == RDNS_MODE_MONITOR) {
        /* Logged and counted as enforce mode would refuse; not refused. */
        if (stage == RDNS_STAGE_MAIL)
            c->monitored_mail = true;
        else if (stage != RDNS_STAGE_RCPT)
            c->monitored = true;
        rdns_stats_monitored(c->ev, stage, act);
        cb_log_decision(c, rdns_stage_str(stage), reject ? "550" : "451", rcpt ? who : NULL);
        return SMFIS_CONTINUE;
    }
    rdns_reply_expand(reject ? cfg->reject_reply : cfg->tempfail_reply, c->ev, cfg->threshold,
                      text, sizeof(text));
    if (smfi_setreply(ctx, reject ? "550" : "451", reject ? "5.7.1" : "4.7.1", text)
        != MI_SUCCESS)
        rdns_log_warn("smfi_setreply failed; the MTA gives its default reply");
    rdns_stats_refused(c->ev, stage, act);
    cb_log_decision(c, rdns_stage_str(stage), reject ? "550" : "451", rcpt ? who : NULL);
    return reject ? SMFIS_REJECT : SMFIS_TEMPFAIL;
}

static sfsistat cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                             unsigned long f2, unsigned long f3, unsigned long *pf0,
                             unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
    /* Steps we never look at; fewer round trips per message. NR_HDR is
     * always offered: libmilter fakes it for MTAs without it. Not NODATA:
     * without the DATA reply, Postfix writes the DATA macros and then the
     * first header field back to back, and on a TCP socket Nagle holds
     * the second write until our delayed ACK, 40 ms per message
     * (tests/bench/postfix_latency.py: 44 ms with it, 2 ms without). */
    unsigned long steps = SMFIP_NOBODY | SMFIP_NOEOH | SMFIP_NOUNKNOWN | SMFIP_NR_HDR;
    unsigned long acts = SMFIF_ADDHDRS | SMFIF_CHGHDRS;

    (void)f2;
    (void)f3;
    if (f0 & SMFIF_SETSYMLIST) {
        char conn_macros[] = "{daemon_name} {client_name} {client_resolve}";
        char mail_macros[] = "i {auth_authen}";
        char eom_macros[] = "i";

        acts |= SMFIF_SETSYMLIST;
        smfi_setsymlist(ctx, SMFIM_CONNECT, conn_macros);
        smfi_setsymlist(ctx, SMFIM_ENVFROM, mail_macros);
        smfi_setsymlist(ctx, SMFIM_EOM, eom_macros);
    }
    if ((f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS)) != (SMFIF_ADDHDRS | SMFIF_CHGHDRS))
        rdns_log_warn("the MTA does not let filters add and change header fields: "
                      "no X-RDNS-Score");
    *pf0 = acts & f0;
    *pf1 = steps & f1;
    *pf2 = 0;
    *pf3 = 0;
    return SMFIS_CONTINUE;
}

static sfsistat cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
    cb_conn *c = rdns_calloc(1, sizeof(*c));
    rdns_addr addr;
    bool have_addr;

    (void)hostname;                 /* the MTA's own lookup; we do ours */
    smfi_setpriv(ctx, c);
    rdns_stats_connect();
    c->engine = rdns_live_acquire();
    cb_copy_macro(ctx, "{daemon_name}", c->daemon, sizeof(c->daemon));
    have_addr = hostaddr != NULL && rdns_addr_from_sockaddr(hostaddr, &addr);
    if (have_addr)
        rdns_addr_format(&addr, c->client, sizeof(c->client));
    else
        snprintf(c->client, sizeof(c->client), "unknown");
    if (c->engine == NULL)          /* shutting down */
        return SMFIS_TEMPFAIL;
    if (have_addr && rdns_engine_trusted(c->engine, &addr)) {
        rdns_logkv l;

        rdns_stats_trusted();
        rdns_logkv_init(&l);
        cb_log_who(&l, c);
        rdns_logkv_add(&l, "stage", "connect");
        rdns_logkv_add(&l, "result", "trusted");
        rdns_log_info("%s", rdns_logkv_text(&l));
        return SMFIS_ACCEPT;
    }
    c->ev = rdns_eval_new(c->engine, have_addr ? &addr : NULL);
    if (have_addr && rdns_engine_config(c->engine)->mta_names)
        cb_mta_name(ctx, c->ev);
    rdns_eval_start_connect(c->ev);
    return cb_decide(ctx, c, RDNS_STAGE_CONNECT, NULL);
}

static sfsistat cb_helo(SMFICTX *ctx, char *helo)
{
    cb_conn *c = cb_get(ctx);

    if (c == NULL || c->ev == NULL)
        return SMFIS_CONTINUE;
    rdns_eval_start_helo(c->ev, helo ? helo : "", helo ? strlen(helo) : 0);
    return cb_decide(ctx, c, RDNS_STAGE_HELO, NULL);
}

static sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
    cb_conn *c = cb_get(ctx);
    const char *from = argv && argv[0] ? argv[0] : "";
    const char *auth;

    if (c == NULL || c->ev == NULL)
        return SMFIS_CONTINUE;
    cb_reset_message(c);
    cb_copy_macro(ctx, "i", c->qid, sizeof(c->qid));
    rdns_sanitize(c->from, sizeof(c->from), from, strlen(from));
    auth = smfi_getsymval(ctx, "{auth_authen}");
    if (auth != NULL && *auth != '\0') {
        char user[CB_TEXT];
        rdns_logkv l;

        c->authenticated = true;
        rdns_stats_message(true);
        rdns_sanitize(user, sizeof(user), auth, strlen(auth));
        rdns_logkv_init(&l);
        cb_log_who(&l, c);
        cb_log_from(&l, c);
        rdns_logkv_add(&l, "auth", user);
        rdns_logkv_add(&l, "stage", "mail");
        rdns_logkv_add(&l, "result", "authenticated");
        rdns_log_info("%s", rdns_logkv_text(&l));
        return SMFIS_CONTINUE;      /* on to EOM, to delete forged fields */
    }
    rdns_stats_message(false);
    rdns_eval_start_mail(c->ev, from, strlen(from));
    return cb_decide(ctx, c, RDNS_STAGE_MAIL, NULL);
}

static sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
    cb_conn *c = cb_get(ctx);

    if (c == NULL || c->ev == NULL)
        return SMFIS_CONTINUE;
    return cb_decide(ctx, c, RDNS_STAGE_RCPT, argv && argv[0] ? argv[0] : "");
}

/* Remembers which fields to delete at end of message; never replies
 * (SMFIP_NR_HDR). Every X-RDNS-Score is ours to delete, and each
 * Authentication-Results claiming our authserv-id; other A-R fields are
 * only counted, for the index of ours (the n-th field of that name). */
static sfsistat cb_header(SMFICTX *ctx, char *name, char *value)
{
    cb_conn *c = cb_get(ctx);
    const rdns_config *cfg;

    if (c == NULL || c->ev == NULL || name == NULL || c->too_many)
        return SMFIS_NOREPLY;
    cfg = rdns_engine_config(c->engine);
    if (strcasecmp(name, RDNS_HEADER_SCORE) == 0) {
        c->n_score++;
    } else if (strcasecmp(name, RDNS_HEADER_AR) == 0) {
        if (c->n_ar == INT_MAX) {   /* smfi_chgheader takes an int */
            c->too_many = true;
            return SMFIS_NOREPLY;
        }
        c->n_ar++;
        if (rdns_headers_ar_is_ours(value, cfg->authserv_id)) {
            if (c->n_ar_ours == c->ar_ours_cap) {
                c->ar_ours_cap = c->ar_ours_cap ? 2 * c->ar_ours_cap : 16;
                c->ar_ours = rdns_realloc(c->ar_ours, c->ar_ours_cap * sizeof(unsigned));
            }
            c->ar_ours[c->n_ar_ours++] = c->n_ar;
        }
    } else {
        return SMFIS_NOREPLY;
    }
    if (c->n_score + c->n_ar_ours > CB_MAX_DELETE) {
        c->too_many = true;         /* cb_eom refuses the message */
        free(c->ar_ours);
        c->ar_ours = NULL;
        c->n_ar_ours = c->ar_ours_cap = 0;
    }
    return SMFIS_NOREPLY;
}

/* Deletes from the last to the first, so an MTA that renumbers after a
 * deletion still deletes the fields meant. */
static void cb_delete_fields(SMFICTX *ctx, cb_conn *c)
{
    char score[] = RDNS_HEADER_SCORE, ar[] = RDNS_HEADER_AR;

    for (unsigned i = c->n_score; i > 0; i--)
        if (smfi_chgheader(ctx, score, (int)i, NULL) != MI_SUCCESS)
            rdns_log_warn("could not delete %s #%u", score, i);
    for (size_t i = c->n_ar_ours; i > 0; i--)
        if (smfi_chgheader(ctx, ar, (int)c->ar_ours[i - 1], NULL) != MI_SUCCESS)
            rdns_log_warn("could not delete %s #%u", ar, c->ar_ours[i - 1]);
}

/* A message with more forged fields than we delete must not go through
 * with one left in: 451, and a line that says why. */
static sfsistat cb_too_many(SMFICTX *ctx, cb_conn *c)
{
    rdns_logkv l;

    cb_copy_macro(ctx, "i", c->qid, sizeof(c->qid));
    if (smfi_setreply(ctx, "451", "4.7.1",
                      "Too many X-RDNS-Score or Authentication-Results header fields")
        != MI_SUCCESS)
        rdns_log_warn("smfi_setreply failed; the MTA gives its default reply");
    rdns_logkv_init(&l);
    cb_log_who(&l, c);
    cb_log_from(&l, c);
    rdns_logkv_add(&l, "stage", "eom");
    rdns_logkv_add(&l, "result", "451");
    rdns_logkv_add(&l, "reason", "too_many_forged_fields");
    rdns_log_info("%s", rdns_logkv_text(&l));
    rdns_stats_forged_overflow();
    cb_reset_message(c);
    return SMFIS_TEMPFAIL;
}

static sfsistat cb_eom(SMFICTX *ctx)
{
    cb_conn *c = cb_get(ctx);
    const rdns_config *cfg;
    char value[RDNS_HEADER_VALUE_MAX + 1];
    char score[] = RDNS_HEADER_SCORE, ar[] = RDNS_HEADER_AR;

    if (c == NULL || c->ev == NULL)
        return SMFIS_CONTINUE;
    if (c->too_many)
        return cb_too_many(ctx, c);
    cb_delete_fields(ctx, c);
    if (c->authenticated) {
        cb_reset_message(c);
        return SMFIS_CONTINUE;
    }
    cfg = rdns_engine_config(c->engine);
    rdns_eval_wait(c->ev);
    cb_copy_macro(ctx, "i", c->qid, sizeof(c->qid));
    /* Inserted at the top: trace fields read from the top down, and
     * RFC 8601 wants Authentication-Results above the fields it covers. */
    rdns_headers_score(c->ev, cfg->threshold, cfg->mode == RDNS_MODE_MONITOR, value,
                       sizeof(value));
    if (smfi_insheader(ctx, 0, score, value) != MI_SUCCESS)
        rdns_log_warn("could not add %s", score);
    if (cfg->authserv_id != NULL && cfg->authserv_id[0] != '\0') {
        rdns_headers_ar(cfg->authserv_id, c->ev, value, sizeof(value));
        if (smfi_insheader(ctx, 0, ar, value) != MI_SUCCESS)
            rdns_log_warn("could not add %s", ar);
    }
    rdns_stats_accepted(c->ev);
    cb_log_decision(c, "eom", "header", NULL);
    cb_reset_message(c);
    return SMFIS_CONTINUE;
}

static sfsistat cb_abort(SMFICTX *ctx)
{
    cb_conn *c = cb_get(ctx);

    if (c != NULL)
        cb_reset_message(c);
    return SMFIS_CONTINUE;
}

static sfsistat cb_close(SMFICTX *ctx)
{
    cb_conn *c = cb_get(ctx);

    if (c == NULL)
        return SMFIS_CONTINUE;
    smfi_setpriv(ctx, NULL);
    rdns_stats_close(c->ev);
    free(c->ar_ours);
    rdns_eval_free(c->ev);
    rdns_engine_unref(c->engine);
    free(c);
    return SMFIS_CONTINUE;
}

struct smfiDesc rdns_callbacks_desc(void)
{
    static char name[] = "rdns-milter";
    struct smfiDesc d = {
        .xxfi_name = name,
        .xxfi_version = SMFI_VERSION,
        .xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS,
        .xxfi_connect = cb_connect,
        .xxfi_helo = cb_helo,
        .xxfi_envfrom = cb_envfrom,
        .xxfi_envrcpt = cb_envrcpt,
        .xxfi_header = cb_header,
        .xxfi_eom = cb_eom,
        .xxfi_abort = cb_abort,
        .xxfi_close = cb_close,
        .xxfi_negotiate = cb_negotiate,
    };

    return d;
}
