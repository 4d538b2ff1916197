#ifndef RDNS_CONFIG_H
#define RDNS_CONFIG_H
/*
 * config - rdns-milter.yaml, read with libyaml.
 *
 * Every key is optional and has a compiled-in default, so both programs
 * run with no file at all. An unknown key, a wrong type, a value out of
 * range, a bad CIDR or a bad regex is an error reported as
 * "FILE:LINE: message" (lines count from 1), and the programs exit 2.
 *
 * A loaded config is a plain read-only record; the daemon swaps whole
 * configs on SIGHUP and never edits one in place.
 */
#include <stdbool.h>
#include <stddef.h>

#include "score.h"
#include "strlist.h"

typedef enum rdns_stage {
    RDNS_STAGE_CONNECT,
    RDNS_STAGE_HELO,
    RDNS_STAGE_MAIL,
    RDNS_STAGE_RCPT
} rdns_stage;

/* mode: enforce refuses; monitor only logs, counts and marks what it
 * would have refused (a first rollout). */
typedef enum rdns_mode {
    RDNS_MODE_ENFORCE,
    RDNS_MODE_MONITOR
} rdns_mode;

typedef struct rdns_config {
    char *path;                     /* file read, or NULL for defaults */

    /* scoring */
    double weights[RDNS_CHECK_COUNT];  /* weights: {check_name: number} */
    double threshold;               /* reject at or above (threshold) */
    rdns_stage reject_stage;        /* reject_stage: connect|helo|mail|rcpt */
    rdns_mode mode;                 /* mode: enforce|monitor */
    char *reject_reply;             /* reject_reply: text after "550 5.7.1" */
    char *tempfail_reply;           /* tempfail_reply: after "451 4.7.1" */
                                    /* both may hold %{ip} %{ptr} %{helo}
                                       %{reasons} %{score}, expanded by the
                                       milter with sanitised values */

    /* dns: */
    rdns_strlist resolvers;         /* dns.resolvers; empty: resolv.conf */
    int dns_timeout_ms;             /* dns.timeout_ms, per try */
    int dns_retries;                /* dns.retries */
    int dns_budget_ms;              /* dns.budget_ms: all DNS time of one
                                       client; bounds every callback, so it
                                       stays under MTA milter timeouts */
    int max_ptr_names;              /* dns.max_ptr_names */
    int max_cname_depth;            /* dns.max_cname_depth */
    int dns_cache_size;             /* dns.cache_size: entries; 0 = no cache */
    int dns_cache_max_ttl;          /* dns.cache_max_ttl: seconds */
    int dns_cache_min_ttl;          /* dns.cache_min_ttl: seconds */
    bool dns_prefetch;              /* dns.prefetch: start lookups as soon
                                       as their input is known */
    int dns_prefetch_min_rtt_ms;    /* dns.prefetch_min_rtt_ms: only when
                                       the resolver is this slow; 0: always */
    int dns_workers;                /* dns.workers: threads doing them */
    int dns_unwanted_threshold;     /* dns.unwanted_reply_threshold: warn
                                       after this many dropped replies;
                                       0 = never */

    /* generic: */
    rdns_strlist generic_patterns;  /* generic.patterns: PCRE2 */
    rdns_strlist not_generic;       /* generic.not_generic: suffix or ~regex */
    bool generic_neighbours;        /* generic.neighbours: ask the adjacent
                                       addresses' PTR names about a name the
                                       classifier left undecided (off) */

    /* who is not scored or not refused */
    rdns_strlist whitelist;         /* whitelist: IP, CIDR, domain suffix */
    rdns_strlist trusted_networks;  /* trusted_networks: IP, CIDR */
    rdns_strlist never_reject;      /* never_reject: local parts or addresses */

    /* headers */
    char *authserv_id;              /* authserv_id; "" = no A-R header */

    /* milter daemon (milter:) */
    char *socket;                   /* milter.socket */
    unsigned socket_mode;           /* milter.socket_mode, octal string */
    int milter_timeout;             /* milter.timeout: seconds a session may
                                       stay silent (libmilter) */
    char *user;                     /* milter.user; "" = do not switch */
    char *group;                    /* milter.group */
    char *pid_file;                 /* milter.pid_file; "" = none */
    char *syslog_facility;          /* milter.syslog_facility */
    int stats_interval;             /* milter.stats_interval: seconds
                                       between stats log lines; 0 = none */
    char *control_socket;           /* milter.control_socket: "" = next to
                                       the milter socket, "none", or path */
    bool mta_names;                 /* milter.mta_names: take the client
                                       name the MTA has forward-confirmed
                                       instead of asking PTR and A again */
} rdns_config;

/* The compiled-in defaults. Never NULL; free with rdns_config_free. */
rdns_config *rdns_config_default(void);

/* Reads path over the defaults. On success returns the config; on error
 * NULL, with "path:line: message" in err. */
rdns_config *rdns_config_load(const char *path, char *err, size_t errlen);

/* Reads a YAML document held in memory (for tests and fuzzing); name is
 * used in messages in place of a file name. */
rdns_config *rdns_config_parse(const char *name, const char *text, size_t len,
                               char *err, size_t errlen);

void rdns_config_free(rdns_config *c);

/* Every key the parser accepts, dotted ("dns.timeout_ms",
 * "weights.ptr_none"), NULL-terminated; for the documentation test. */
const char *const *rdns_config_keys(void);

const char *rdns_stage_str(rdns_stage s);   /* "connect", ... */
const char *rdns_mode_str(rdns_mode m);     /* "enforce", "monitor" */

#endif
