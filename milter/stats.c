/*
 * NAME
 *   stats - the daemon's counters, for the postmaster
 * DESCRIPTION
 *   A fixed set of 64-bit counters in one static record (stats_daemon),
 *   bumped with relaxed atomic additions: a callback never takes a lock
 *   or waits for another session to count. Nothing orders the counters
 *   among themselves, so a reader sees each one exact but may see a
 *   session counted in "connections" and not yet in "iprev_pass".
 *
 *   What is counted, and when:
 *     connections, trusted      at connect;
 *     active                    sessions open now (connections - closed);
 *     messages, authenticated   at MAIL FROM;
 *     whitelisted, iprev_*,     at close, once per scored session
 *     dns_temperror_sessions    (iprev_none: no address, or whitelisted
 *                               by address so no lookup was made);
 *     reject_STAGE, tempfail_STAGE
 *                               each 550 or 451 the filter gives (at RCPT
 *                               that is one per recipient refused);
 *     monitor_reject_STAGE,     each 550 or 451 not given because the
 *     monitor_tempfail_STAGE    config's mode is monitor (the same places
 *                               enforce mode refuses; see callbacks.c);
 *     never_reject              each refusal not given to a never_reject
 *                               recipient;
 *     accept                    each scored message at end of data;
 *     forged_overflow           each message refused (451) for bringing
 *                               more forged fields than are deleted;
 *     hit_CHECK                 with each decision above (refusal,
 *                               would-be refusal, rescue, accepted
 *                               message) whose checks include CHECK: the
 *                               counts match the decision lines of the
 *                               log;
 *     dns_lookups, cache_*      the resolver's cache counters of the
 *                               running configuration (zero without a
 *                               cache; they restart at a reload);
 *     dns_unwanted_replies      DNS replies dropped as not ours, since
 *                               start (lib/dns.c counts them);
 *     fd_open, fd_limit         descriptors open now, and the limit;
 *     fd_warnings               warnings logged that they run short
 *                               (watch.c), accept_failures each accept
 *                               that failed for lack of one.
 */
#include "stats.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "dns.h"
#include "live.h"
#include "log.h"
#include "score.h"
#include "watch.h"

#ifndef RDNS_VERSION
#define RDNS_VERSION "unknown"
#endif

enum stats_id {
    STATS_CONNECTIONS,
    STATS_CLOSED,
    STATS_TRUSTED,
    STATS_MESSAGES,
    STATS_AUTHENTICATED,
    STATS_WHITELISTED,
    STATS_ACCEPT,
    STATS_NEVER_REJECT,
    STATS_REJECT_STAGE,             /* + rdns_stage, 4 of them */
    STATS_TEMPFAIL_STAGE = STATS_REJECT_STAGE + 4,
    STATS_MONITOR_REJECT_STAGE = STATS_TEMPFAIL_STAGE + 4,     /* mode: monitor */
    STATS_MONITOR_TEMPFAIL_STAGE = STATS_MONITOR_REJECT_STAGE + 4,
    STATS_IPREV = STATS_MONITOR_TEMPFAIL_STAGE + 4,   /* + rdns_iprev, 4 of them */
    STATS_IPREV_NONE = STATS_IPREV + 4,
    STATS_DNS_TEMPERROR,
    STATS_FD_WARNINGS,
    STATS_ACCEPT_FAILURES,
    STATS_FORGED_OVERFLOW,
    STATS_HIT,                      /* + rdns_check */
    STATS_COUNT = STATS_HIT + RDNS_CHECK_COUNT
};

/* The daemon's counters: the one record every session writes to. */
static struct {
    atomic_int_least64_t started_ms;
    atomic_uint_least64_t n[STATS_COUNT];
} stats_daemon;

static void stats_inc(enum stats_id id)
{
    atomic_fetch_add_explicit(&stats_daemon.n[id], 1, memory_order_relaxed);
}

static uint64_t stats_get(enum stats_id id)
{
    return atomic_load_explicit(&stats_daemon.n[id], memory_order_relaxed);
}

void rdns_stats_start(void)
{
    atomic_store(&stats_daemon.started_ms, rdns_clock_ms());
}

void rdns_stats_connect(void)
{
    stats_inc(STATS_CONNECTIONS);
}

void rdns_stats_trusted(void)
{
    stats_inc(STATS_TRUSTED);
}

void rdns_stats_close(rdns_eval *ev)
{
    if (ev != NULL) {
        rdns_iprev r;

        rdns_eval_wait(ev);
        r = rdns_eval_iprev(ev);
        if (rdns_eval_whitelisted(ev))
            stats_inc(STATS_WHITELISTED);
        /* eval reports temperror when it never looked (see eval.h) */
        if (rdns_eval_client(ev) == NULL
            || (rdns_eval_whitelisted(ev) && r == RDNS_IPREV_TEMPERROR))
            stats_inc(STATS_IPREV_NONE);
        else
            stats_inc((enum stats_id)(STATS_IPREV + (int)r));
        if (rdns_score_state(rdns_eval_card(ev), RDNS_CHECK_DNS_TEMPERROR) == RDNS_CHECK_HIT)
            stats_inc(STATS_DNS_TEMPERROR);
    }
    /* Last, so active (connections - closed) never counts a session twice. */
    stats_inc(STATS_CLOSED);
}

void rdns_stats_message(bool authenticated)
{
    stats_inc(STATS_MESSAGES);
    if (authenticated)
        stats_inc(STATS_AUTHENTICATED);
}

void rdns_stats_fd_warning(void)
{
    stats_inc(STATS_FD_WARNINGS);
}

void rdns_stats_accept_failure(void)
{
    stats_inc(STATS_ACCEPT_FAILURES);
}

void rdns_stats_forged_overflow(void)
{
    stats_inc(STATS_FORGED_OVERFLOW);
}

static void stats_hits(const rdns_eval *ev)
{
    const rdns_score *card = rdns_eval_card(ev);

    for (int c = 0; c < RDNS_CHECK_COUNT; c++)
        if (rdns_score_counts(card, (rdns_check)c))    /* as the log's hits= */
            stats_inc((enum stats_id)(STATS_HIT + c));
}

void rdns_stats_refused(const rdns_eval *ev, rdns_stage stage, rdns_action act)
{
    enum stats_id base = act == RDNS_ACTION_REJECT ? STATS_REJECT_STAGE : STATS_TEMPFAIL_STAGE;

    if ((int)stage < 0 || (int)stage > (int)RDNS_STAGE_RCPT || act == RDNS_ACTION_ACCEPT)
        return;
    stats_inc((enum stats_id)(base + (int)stage));
    stats_hits(ev);
}

void rdns_stats_monitored(const rdns_eval *ev, rdns_stage stage, rdns_action act)
{
    enum stats_id base = act == RDNS_ACTION_REJECT ? STATS_MONITOR_REJECT_STAGE
                                                   : STATS_MONITOR_TEMPFAIL_STAGE;

    if ((int)stage < 0 || (int)stage > (int)RDNS_STAGE_RCPT || act == RDNS_ACTION_ACCEPT)
        return;
    stats_inc((enum stats_id)(base + (int)stage));
    stats_hits(ev);
}

void rdns_stats_rescued(const rdns_eval *ev)
{
    stats_inc(STATS_NEVER_REJECT);
    stats_hits(ev);
}

void rdns_stats_accepted(const rdns_eval *ev)
{
    stats_inc(STATS_ACCEPT);
    stats_hits(ev);
}

/* ---- output ---- */

enum stats_group { G_SESSIONS, G_ACTIONS, G_MONITOR, G_IPREV, G_HITS, G_DNS, G_FDS };

typedef struct stats_item {
    int group;
    char name[48];
    char value[32];
    const char *unit;               /* after the value in the log form */
} stats_item;

#define STATS_ITEMS 128            /* room for counters still to come */

typedef struct stats_list {
    stats_item v[STATS_ITEMS];
    size_t n;
} stats_list;

static void stats_add(stats_list *l, int group, const char *name, uint64_t value)
{
    stats_item *it;

    if (l->n >= STATS_ITEMS)
        return;
    it = &l->v[l->n++];
    it->group = group;
    snprintf(it->name, sizeof(it->name), "%s", name);
    snprintf(it->value, sizeof(it->value), "%" PRIu64, value);
    it->unit = "";
}

static void stats_add_stages(stats_list *l, int group, const char *what, enum stats_id base)
{
    char name[48];

    for (int s = RDNS_STAGE_CONNECT; s <= RDNS_STAGE_RCPT; s++) {
        snprintf(name, sizeof(name), "%s_%s", what, rdns_stage_str((rdns_stage)s));
        stats_add(l, group, name, stats_get((enum stats_id)(base + s)));
    }
}

static uint64_t stats_sum_stages(enum stats_id base)
{
    uint64_t sum = 0;

    for (int s = RDNS_STAGE_CONNECT; s <= RDNS_STAGE_RCPT; s++)
        sum += stats_get((enum stats_id)(base + s));
    return sum;
}

static void stats_collect_dns(stats_list *l)
{
    rdns_dns_cache_stats d;
    rdns_engine *e = rdns_live_acquire();
    uint64_t lookups;

    memset(&d, 0, sizeof(d));
    if (e != NULL) {
        rdns_engine_dns_stats(e, &d);
        rdns_engine_unref(e);
    }
    lookups = d.hits + d.misses;
    stats_add(l, G_DNS, "dns_lookups", lookups);
    stats_add(l, G_DNS, "dns_temperror_sessions", stats_get(STATS_DNS_TEMPERROR));
    stats_add(l, G_DNS, "cache_hits", d.hits);
    stats_add(l, G_DNS, "cache_misses", d.misses);
    if (l->n < STATS_ITEMS) {
        stats_item *it = &l->v[l->n++];
        /* tenths of a percent, in integers: no float rounding surprises */
        uint64_t tenths = lookups ? (d.hits * 1000 + lookups / 2) / lookups : 0;

        it->group = G_DNS;
        snprintf(it->name, sizeof(it->name), "cache_hit_rate");
        snprintf(it->value, sizeof(it->value), "%" PRIu64 ".%" PRIu64, tenths / 10,
                 tenths % 10);
        it->unit = "%";
    }
    stats_add(l, G_DNS, "cache_entries", d.entries);
    stats_add(l, G_DNS, "cache_capacity", d.capacity);
    stats_add(l, G_DNS, "cache_inserts", d.inserts);
    stats_add(l, G_DNS, "cache_evictions", d.evictions);
    stats_add(l, G_DNS, "cache_expired", d.expired);
    stats_add(l, G_DNS, "cache_uncacheable", d.uncacheable);
    stats_add(l, G_DNS, "dns_unwanted_replies", rdns_dns_unwanted_count());
}

static void stats_collect(stats_list *l)
{
    static const char *const iprev_names[] = {"iprev_pass", "iprev_fail", "iprev_permerror",
                                              "iprev_temperror"};
    int64_t started = atomic_load(&stats_daemon.started_ms);
    int64_t up = started ? (rdns_clock_ms() - started) / 1000 : 0;
    uint64_t closed = stats_get(STATS_CLOSED);   /* before connections: active >= 0 */
    uint64_t conns = stats_get(STATS_CONNECTIONS);
    char name[48];

    l->n = 0;
    stats_add(l, G_SESSIONS, "uptime", up > 0 ? (uint64_t)up : 0);
    stats_add(l, G_SESSIONS, "connections", conns);
    stats_add(l, G_SESSIONS, "active", conns >= closed ? conns - closed : 0);
    stats_add(l, G_SESSIONS, "trusted", stats_get(STATS_TRUSTED));
    stats_add(l, G_SESSIONS, "messages", stats_get(STATS_MESSAGES));
    stats_add(l, G_SESSIONS, "authenticated", stats_get(STATS_AUTHENTICATED));
    stats_add(l, G_SESSIONS, "whitelisted", stats_get(STATS_WHITELISTED));

    stats_add(l, G_ACTIONS, "accept", stats_get(STATS_ACCEPT));
    stats_add(l, G_ACTIONS, "reject", stats_sum_stages(STATS_REJECT_STAGE));
    stats_add(l, G_ACTIONS, "tempfail", stats_sum_stages(STATS_TEMPFAIL_STAGE));
    stats_add(l, G_ACTIONS, "never_reject", stats_get(STATS_NEVER_REJECT));
    stats_add_stages(l, G_ACTIONS, "reject", STATS_REJECT_STAGE);
    stats_add_stages(l, G_ACTIONS, "tempfail", STATS_TEMPFAIL_STAGE);
    stats_add(l, G_ACTIONS, "forged_overflow", stats_get(STATS_FORGED_OVERFLOW));

    stats_add(l, G_MONITOR, "monitor_reject", stats_sum_stages(STATS_MONITOR_REJECT_STAGE));
    stats_add(l, G_MONITOR, "monitor_tempfail", stats_sum_stages(STATS_MONITOR_TEMPFAIL_STAGE));
    stats_add_stages(l, G_MONITOR, "monitor_reject", STATS_MONITOR_REJECT_STAGE);
    stats_add_stages(l, G_MONITOR, "monitor_tempfail", STATS_MONITOR_TEMPFAIL_STAGE);

    for (int i = 0; i < 4; i++)
        stats_add(l, G_IPREV, iprev_names[i], stats_get((enum stats_id)(STATS_IPREV + i)));
    stats_add(l, G_IPREV, "iprev_none", stats_get(STATS_IPREV_NONE));

    for (int c = 0; c < RDNS_CHECK_COUNT; c++) {
        snprintf(name, sizeof(name), "hit_%s", rdns_check_name((rdns_check)c));
        stats_add(l, G_HITS, name, stats_get((enum stats_id)(STATS_HIT + c)));
    }
    stats_collect_dns(l);
    stats_add(l, G_FDS, "fd_open", rdns_watch_fd_open());
    stats_add(l, G_FDS, "fd_limit", rdns_watch_fd_limit());
    stats_add(l, G_FDS, "fd_warnings", stats_get(STATS_FD_WARNINGS));
    stats_add(l, G_FDS, "accept_failures", stats_get(STATS_ACCEPT_FAILURES));
}

/* ---- Prometheus text exposition format (version 0.0.4) ----
 *
 * The counters above keep their names; here each is mapped to a metric
 * family, with labels where the name holds a dimension (stage, action,
 * iprev result, check), so reject_rcpt becomes
 * rdns_milter_refusals_total{action="reject",stage="rcpt"}. A counter
 * without a rule below is still exported, as rdns_milter_NAME_total. Sums
 * and ratios (reject, cache_hit_rate) are left to PromQL. */

typedef struct stats_prom_rule {
    const char *name;               /* exact name, or prefix ending in '_' */
    const char *family;             /* NULL: not exported */
    const char *type;               /* "counter" or "gauge" */
    const char *label;              /* the prefix's rest goes into this label */
    const char *fixed;              /* a label pair given as is, or NULL */
    const char *help;
} stats_prom_rule;

#define PROM_REFUSALS "Refusals given (550 and 451 replies) by stage; at RCPT one per recipient."
#define PROM_MONITOR "Refusals not given because mode is monitor, by the stage and action " \
                     "enforce mode would have used."

static const stats_prom_rule stats_prom_rules[] = {
    {"uptime", "rdns_milter_uptime_seconds", "gauge", NULL, NULL,
     "Seconds since the daemon started."},
    {"connections", "rdns_milter_connections_total", "counter", NULL, NULL,
     "SMTP sessions the MTA handed over."},
    {"active", "rdns_milter_active_sessions", "gauge", NULL, NULL, "SMTP sessions open now."},
    {"trusted", "rdns_milter_trusted_sessions_total", "counter", NULL, NULL,
     "Sessions from trusted_networks, accepted without scoring."},
    {"messages", "rdns_milter_messages_total", "counter", NULL, NULL, "MAIL FROM commands."},
    {"authenticated", "rdns_milter_authenticated_messages_total", "counter", NULL, NULL,
     "MAIL FROM commands of authenticated users, not scored."},
    {"whitelisted", "rdns_milter_whitelisted_sessions_total", "counter", NULL, NULL,
     "Scored sessions whose client is on the whitelist."},
    {"accept", "rdns_milter_accepted_messages_total", "counter", NULL, NULL,
     "Scored messages that reached the end of data and got X-RDNS-Score."},
    {"never_reject", "rdns_milter_never_reject_total", "counter", NULL, NULL,
     "Refusals not given because the recipient is in never_reject."},
    {"reject", NULL, NULL, NULL, NULL, NULL},
    {"tempfail", NULL, NULL, NULL, NULL, NULL},
    {"monitor_reject", NULL, NULL, NULL, NULL, NULL},
    {"monitor_tempfail", NULL, NULL, NULL, NULL, NULL},
    {"cache_hit_rate", NULL, NULL, NULL, NULL, NULL},
    {"dns_lookups", "rdns_milter_dns_lookups_total", "counter", NULL, NULL,
     "DNS lookups, from the cache or not, since the last reload."},
    {"dns_temperror_sessions", "rdns_milter_dns_temperror_sessions_total", "counter", NULL,
     NULL, "Scored sessions that met a temporary DNS failure."},
    {"cache_entries", "rdns_milter_dns_cache_entries", "gauge", NULL, NULL,
     "DNS answers held in the cache now."},
    {"cache_capacity", "rdns_milter_dns_cache_capacity", "gauge", NULL, NULL,
     "DNS answers the cache holds at most (dns.cache_size)."},
    {"cache_hits", "rdns_milter_dns_cache_hits_total", "counter", NULL, NULL,
     "DNS lookups answered from the cache, since the last reload."},
    {"cache_misses", "rdns_milter_dns_cache_misses_total", "counter", NULL, NULL,
     "DNS lookups that went to the network, since the last reload."},
    {"cache_inserts", "rdns_milter_dns_cache_inserts_total", "counter", NULL, NULL,
     "DNS answers stored in the cache, since the last reload."},
    {"cache_evictions", "rdns_milter_dns_cache_evictions_total", "counter", NULL, NULL,
     "DNS answers dropped from the full cache to make room, since the last reload."},
    {"cache_expired", "rdns_milter_dns_cache_expired_total", "counter", NULL, NULL,
     "DNS answers dropped from the cache past their TTL, since the last reload."},
    {"cache_uncacheable", "rdns_milter_dns_cache_uncacheable_total", "counter", NULL, NULL,
     "DNS answers not stored (temporary failures, TTL 0), since the last reload."},
    /* prefixes */
    {"reject_", "rdns_milter_refusals_total", "counter", "stage", "action=\"reject\"",
     PROM_REFUSALS},
    {"tempfail_", "rdns_milter_refusals_total", "counter", "stage", "action=\"tempfail\"",
     PROM_REFUSALS},
    {"monitor_reject_", "rdns_milter_monitor_refusals_total", "counter", "stage",
     "action=\"reject\"", PROM_MONITOR},
    {"monitor_tempfail_", "rdns_milter_monitor_refusals_total", "counter", "stage",
     "action=\"tempfail\"", PROM_MONITOR},
    {"iprev_", "rdns_milter_iprev_sessions_total", "counter", "result", NULL,
     "Scored sessions by iprev (FCrDNS) result; none: no lookup was made."},
    {"hit_", "rdns_milter_check_hits_total", "counter", "check", NULL,
     "Decisions (refusal, would-be refusal, rescue, accepted message) in which the check hit."},
};

#define STATS_PROM_RULES (sizeof(stats_prom_rules) / sizeof(stats_prom_rules[0]))

/* One item as a Prometheus sample: family (type, help) and labels. */
typedef struct stats_prom {
    char family[96];
    const char *type;
    const char *help;
    char labels[128];               /* "" or {a="b",...} */
} stats_prom;

static void stats_prom_label_value(char *out, size_t len, const char *v)
{
    size_t n = 0;

    for (; *v && n + 3 < len; v++) {
        if (*v == '\\' || *v == '"' || *v == '\n') {
            out[n++] = '\\';
            out[n++] = *v == '\n' ? 'n' : *v;
        } else {
            out[n++] = *v;
        }
    }
    out[n] = '\0';
}

/* False when the item is not exported. */
static bool stats_prom_map(const char *name, stats_prom *p)
{
    const stats_prom_rule *r = NULL;
    size_t rest = 0;

    for (size_t i = 0; i < STATS_PROM_RULES && r == NULL; i++) {
        const char *rn = stats_prom_rules[i].name;
        size_t n = strlen(rn);

        if (rn[n - 1] != '_' && strcmp(name, rn) == 0)
            r = &stats_prom_rules[i];
        else if (rn[n - 1] == '_' && strncmp(name, rn, n) == 0 && name[n] != '\0') {
            r = &stats_prom_rules[i];
            rest = n;
        }
    }
    p->labels[0] = '\0';
    if (r == NULL) {                /* a counter added without a rule */
        snprintf(p->family, sizeof(p->family), "rdns_milter_%s_total", name);
        p->type = "counter";
        p->help = "An rdns-milter counter; see STATISTICS in rdns-milter(8).";
        return true;
    }
    if (r->family == NULL)
        return false;
    snprintf(p->family, sizeof(p->family), "%s", r->family);
    p->type = r->type;
    p->help = r->help;
    if (r->label != NULL) {
        char value[64];

        stats_prom_label_value(value, sizeof(value), name + rest);
        snprintf(p->labels, sizeof(p->labels), "{%s%s%s=\"%s\"}", r->fixed ? r->fixed : "",
                 r->fixed ? "," : "", r->label, value);
    } else if (r->fixed != NULL) {
        snprintf(p->labels, sizeof(p->labels), "{%s}", r->fixed);
    }
    return true;
}

/* Appends text when it fits whole; false (and nothing written) if not. */
static bool stats_append(char *out, size_t outlen, size_t *used, const char *text)
{
    size_t n = strlen(text);

    if (*used + n + 1 > outlen)
        return false;
    memcpy(out + *used, text, n + 1);
    *used += n;
    return true;
}

/* Each family once, with its HELP and TYPE, then all its samples, in the
 * order of first appearance (the format wants a family's samples
 * together). A family is only written whole. */
static size_t stats_render_prometheus(const stats_list *l, char *out, size_t outlen)
{
    stats_prom p[STATS_ITEMS];
    bool done[STATS_ITEMS];
    char piece[512], value[64];
    size_t used = 0;
    rdns_engine *e = rdns_live_acquire();
    const char *mode = "enforce";

    if (e != NULL) {
        mode = rdns_mode_str(rdns_engine_config(e)->mode);
        rdns_engine_unref(e);
    }
    stats_prom_label_value(value, sizeof(value), RDNS_VERSION);
    snprintf(piece, sizeof(piece),
             "# HELP rdns_milter_info The running rdns-milter: version and mode "
             "(enforce or monitor).\n# TYPE rdns_milter_info gauge\n"
             "rdns_milter_info{version=\"%s\",mode=\"%s\"} 1\n", value, mode);
    if (!stats_append(out, outlen, &used, piece))
        return used;
    for (size_t i = 0; i < l->n; i++)
        done[i] = !stats_prom_map(l->v[i].name, &p[i]);
    for (size_t i = 0; i < l->n; i++) {
        char family[4096];
        size_t fused = 0;
        bool whole;
        int n;

        if (done[i])
            continue;
        n = snprintf(piece, sizeof(piece), "# HELP %s %s\n# TYPE %s %s\n", p[i].family,
                     p[i].help, p[i].family, p[i].type);
        whole = n > 0 && (size_t)n < sizeof(piece)
                && stats_append(family, sizeof(family), &fused, piece);
        for (size_t j = i; j < l->n; j++) {
            if (done[j] || strcmp(p[j].family, p[i].family) != 0)
                continue;
            done[j] = true;
            n = snprintf(piece, sizeof(piece), "%s%s %s\n", p[j].family, p[j].labels,
                         l->v[j].value);
            whole = whole && n > 0 && (size_t)n < sizeof(piece)
                    && stats_append(family, sizeof(family), &fused, piece);
        }
        if (whole && !stats_append(out, outlen, &used, family))
            break;
    }
    return used;
}

size_t rdns_stats_render(char *out, size_t outlen, rdns_stats_format format)
{
    stats_list l;
    size_t used = 0;
    char piece[128];

    if (outlen == 0)
        return 0;
    out[0] = '\0';
    stats_collect(&l);
    if (format == RDNS_STATS_PROMETHEUS)
        return stats_render_prometheus(&l, out, outlen);
    if (format == RDNS_STATS_LINES) {
        for (size_t i = 0; i < l.n; i++) {
            snprintf(piece, sizeof(piece), "%s %s\n", l.v[i].name, l.v[i].value);
            if (!stats_append(out, outlen, &used, piece))
                break;
        }
        return used;
    }
    /* One log line per group. A line is only written whole. */
    for (size_t i = 0; i < l.n;) {
        char line[1024];
        size_t lused = 0;
        int g = l.v[i].group;

        stats_append(line, sizeof(line), &lused, "stats:");
        for (; i < l.n && l.v[i].group == g; i++) {
            snprintf(piece, sizeof(piece), " %s=%s%s", l.v[i].name, l.v[i].value, l.v[i].unit);
            stats_append(line, sizeof(line), &lused, piece);
        }
        stats_append(line, sizeof(line), &lused, "\n");
        if (!stats_append(out, outlen, &used, line))
            break;
    }
    return used;
}

void rdns_stats_log(void)
{
    char text[RDNS_STATS_TEXT_MAX];
    char *line, *save = NULL;

    rdns_stats_render(text, sizeof(text), RDNS_STATS_LOG);
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
        rdns_log_info("%s", line);
}
