#ifndef RDNS_MILTER_STATS_H
#define RDNS_MILTER_STATS_H
/*
 * stats - the daemon's counters, for the postmaster.
 *
 * One set of counters for the whole daemon: with live.h, the daemon's
 * only shared mutable state. The callbacks bump them without a lock (C11
 * atomics); readers see each counter exact, not all of them at one
 * instant. Counters start at zero when the daemon starts and never go
 * back; only the cache_* values restart at a reload, since each
 * configuration builds its own resolver and cache.
 *
 * The names are a stable interface (rdns-milter -S, the "stats:" log
 * lines); see rdns_stats_render for the list.
 */
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "eval.h"

/* Starts the uptime clock; once, before the first session. */
void rdns_stats_start(void);

/* A session begins (every one ends with rdns_stats_close). */
void rdns_stats_connect(void);
/* The session is from trusted_networks: accepted, not scored. */
void rdns_stats_trusted(void);
/* A session ends (every connect has one). ev: its evaluation, or NULL
 * when it was not scored; waits for stages still running, as
 * rdns_eval_free would, to count iprev and whitelisted. */
void rdns_stats_close(rdns_eval *ev);
/* MAIL FROM; authenticated: {auth_authen} was set (not scored). */
void rdns_stats_message(bool authenticated);

/* Decisions, each counted with the checks that hit in ev (after
 * rdns_eval_wait): a 550 or 451 at stage, */
void rdns_stats_refused(const rdns_eval *ev, rdns_stage stage, rdns_action act);
/* a refusal not given because mode is monitor (where enforce mode
 * would have given it), */
void rdns_stats_monitored(const rdns_eval *ev, rdns_stage stage, rdns_action act);
/* a refusal not given because the recipient is never_reject, */
void rdns_stats_rescued(const rdns_eval *ev);
/* a scored message at end of data, given its X-RDNS-Score. */
void rdns_stats_accepted(const rdns_eval *ev);

/* watch.c: a warning that descriptors run short was logged; an accept
 * failed for lack of one. */
void rdns_stats_fd_warning(void);
void rdns_stats_accept_failure(void);
/* A message refused at end of data for bringing more forged X-RDNS-Score
 * or Authentication-Results fields than the filter deletes. */
void rdns_stats_forged_overflow(void);

typedef enum rdns_stats_format {
    RDNS_STATS_LOG,             /* a few lines "stats: name=value ...\n",
                                   grouped by subject, for the log */
    RDNS_STATS_LINES,           /* one "name value\n" per counter (-S) */
    RDNS_STATS_PROMETHEUS       /* Prometheus text exposition format 0.0.4
                                   (-S -F prometheus): rdns_milter_* */
} rdns_stats_format;

/* Writes every counter into out in format (always terminated; a line, or
 * in Prometheus format a metric family, is never cut in the middle: what
 * does not fit is left out). Returns the length written. */
size_t rdns_stats_render(char *out, size_t outlen, rdns_stats_format format);

/* The log form, one rdns_log_info call per line (SIGUSR1, the
 * stats_interval timer, the stop). */
void rdns_stats_log(void);

#define RDNS_STATS_TEXT_MAX 16384   /* enough for every counter, in any form */

#endif
