/*
 * NAME
 *   config - reads rdns-milter.yaml over the compiled-in defaults
 * DESCRIPTION
 *   The file is loaded with libyaml's document API and walked against one
 *   table of keys (CONFIG_KEYS below), which also gives the documented
 *   list rdns_config_keys() and so cannot drift from what is accepted.
 *
 *   Everything is strict, because a typo in a mail filter's config should
 *   stop the daemon at start, not silently change who gets refused:
 *   unknown keys (with a "did you mean" hint), duplicate keys, a list where
 *   a value belongs and the reverse, numbers with trailing garbage or out
 *   of range, bad addresses, regexes, sockets, modes and facilities.
 *   Every error is one line "NAME:LINE: message", printable ASCII.
 *
 *   Lists given in the file replace the default lists (so
 *   "trusted_networks: []" trusts nobody). A key given with no value
 *   (null) means an empty list, or an empty string where an empty string
 *   is meaningful; elsewhere it is an error.
 * DIAGNOSTICS
 *   "x.yaml:3: unknown key "treshold" (did you mean "threshold"?)"
 *   "x.yaml:12: dns.timeout_ms: expected an integer from 1 to 60000, got "fast""
 *   "x.yaml: cannot read: No such file or directory"
 *   "x.yaml: not a regular file" (a FIFO or device would hang or never end)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "addr.h"
#include "generic_ptr.h"
#include "mem.h"
#include "name.h"
#include "whitelist.h"

#define CONFIG_FILE_MAX (1024 * 1024)   /* a config is never this big */
#define CONFIG_ERR_MAX 1024
#define CONFIG_LIST_MAX 100000          /* entries per list */
#define CONFIG_SUN_PATH_MAX 107         /* sockaddr_un.sun_path minus NUL */

#define CONFIG_DEFAULT_REJECT_REPLY \
    "Client host %{ip} refused: %{reasons}. Ask your ISP for a PTR record " \
    "that names your mail server, with a matching A record, or send through " \
    "your provider's mail server."
#define CONFIG_DEFAULT_TEMPFAIL_REPLY \
    "Client host %{ip}: DNS lookup failed temporarily, please try again later"
#define CONFIG_DEFAULT_SOCKET "unix:/var/spool/postfix/rdns-milter/rdns-milter.sock"

typedef enum config_kind {
    CK_NUMBER,      /* double, min..max */
    CK_INT,         /* int, min..max */
    CK_WEIGHT,      /* weights[check named after "weights."], min..max */
    CK_STAGE,       /* rdns_stage */
    CK_RUNMODE,     /* rdns_mode: enforce or monitor */
    CK_MODE,        /* unsigned, octal digits */
    CK_BOOL,        /* bool: true or false */
    CK_STRING,      /* char *, up to maxlen bytes; min 1 = may be empty */
    CK_LIST         /* rdns_strlist, up to max items of maxlen bytes */
} config_kind;

/* Extra check of a string or list item; why gets the reason. */
typedef bool (*config_check_fn)(const char *value, char *why, size_t whylen);

typedef struct config_key {
    const char *key;
    config_kind kind;
    size_t off;
    double min, max;
    size_t maxlen;
    config_check_fn check;
} config_key;

static bool config_check_reply(const char *v, char *why, size_t whylen);
static bool config_check_resolver(const char *v, char *why, size_t whylen);
static bool config_check_regex(const char *v, char *why, size_t whylen);
static bool config_check_not_generic(const char *v, char *why, size_t whylen);
static bool config_check_whitelist(const char *v, char *why, size_t whylen);
static bool config_check_trusted(const char *v, char *why, size_t whylen);
static bool config_check_never_reject(const char *v, char *why, size_t whylen);
static bool config_check_authserv(const char *v, char *why, size_t whylen);
static bool config_check_socket(const char *v, char *why, size_t whylen);
static bool config_check_account(const char *v, char *why, size_t whylen);
static bool config_check_abspath(const char *v, char *why, size_t whylen);
static bool config_check_control(const char *v, char *why, size_t whylen);
static bool config_check_facility(const char *v, char *why, size_t whylen);

/* The one table of keys. Adding a key here makes it parsed, listed by
 * rdns_config_keys() and required in the man page by the unit test. */
#define CONFIG_KEYS(X) \
    X("threshold", CK_NUMBER, threshold, 0.1, 1000, 0, NULL) \
    X("reject_stage", CK_STAGE, reject_stage, 0, 0, 0, NULL) \
    X("mode", CK_RUNMODE, mode, 0, 0, 0, NULL) \
    X("reject_reply", CK_STRING, reject_reply, 0, 0, 450, config_check_reply) \
    X("tempfail_reply", CK_STRING, tempfail_reply, 0, 0, 450, config_check_reply) \
    X("weights.ptr_none", CK_WEIGHT, weights, 0, 100, 0, NULL) \
    X("weights.fcrdns_fail", CK_WEIGHT, weights, 0, 100, 0, NULL) \
    X("weights.ptr_generic", CK_WEIGHT, weights, 0, 100, 0, NULL) \
    X("weights.helo_not_fqdn", CK_WEIGHT, weights, 0, 100, 0, NULL) \
    X("weights.helo_literal_mismatch", CK_WEIGHT, weights, 0, 100, 0, NULL) \
    X("weights.helo_unresolvable", CK_WEIGHT, weights, 0, 100, 0, NULL) \
    X("weights.helo_ptr_mismatch", CK_WEIGHT, weights, 0, 100, 0, NULL) \
    X("weights.from_not_fqdn", CK_WEIGHT, weights, 0, 100, 0, NULL) \
    X("weights.from_domain_invalid", CK_WEIGHT, weights, 0, 100, 0, NULL) \
    X("weights.dns_temperror", CK_WEIGHT, weights, 0, 100, 0, NULL) \
    X("weights.helo_confirms", CK_WEIGHT, weights, -100, 0, 0, NULL) \
    X("weights.sender_mx_match", CK_WEIGHT, weights, -100, 0, 0, NULL) \
    X("dns.resolvers", CK_LIST, resolvers, 0, 16, 64, config_check_resolver) \
    X("dns.timeout_ms", CK_INT, dns_timeout_ms, 1, 60000, 0, NULL) \
    X("dns.retries", CK_INT, dns_retries, 0, 10, 0, NULL) \
    X("dns.budget_ms", CK_INT, dns_budget_ms, 100, 60000, 0, NULL) \
    X("dns.max_ptr_names", CK_INT, max_ptr_names, 1, 64, 0, NULL) \
    X("dns.max_cname_depth", CK_INT, max_cname_depth, 0, 32, 0, NULL) \
    X("dns.cache_size", CK_INT, dns_cache_size, 0, 10000000, 0, NULL) \
    X("dns.cache_max_ttl", CK_INT, dns_cache_max_ttl, 1, 604800, 0, NULL) \
    X("dns.cache_min_ttl", CK_INT, dns_cache_min_ttl, 0, 86400, 0, NULL) \
    X("dns.prefetch", CK_BOOL, dns_prefetch, 0, 0, 0, NULL) \
    X("dns.prefetch_min_rtt_ms", CK_INT, dns_prefetch_min_rtt_ms, 0, 60000, 0, NULL) \
    X("dns.workers", CK_INT, dns_workers, 1, 1024, 0, NULL) \
    X("dns.unwanted_reply_threshold", CK_INT, dns_unwanted_threshold, 0, 100000000, 0, NULL) \
    X("generic.patterns", CK_LIST, generic_patterns, 0, CONFIG_LIST_MAX, 1024, \
      config_check_regex) \
    X("generic.not_generic", CK_LIST, not_generic, 0, CONFIG_LIST_MAX, 1024, \
      config_check_not_generic) \
    X("generic.neighbours", CK_BOOL, generic_neighbours, 0, 0, 0, NULL) \
    X("whitelist", CK_LIST, whitelist, 0, CONFIG_LIST_MAX, 255, config_check_whitelist) \
    X("trusted_networks", CK_LIST, trusted_networks, 0, CONFIG_LIST_MAX, 64, \
      config_check_trusted) \
    X("never_reject", CK_LIST, never_reject, 0, CONFIG_LIST_MAX, 254, \
      config_check_never_reject) \
    X("authserv_id", CK_STRING, authserv_id, 1, 0, 253, config_check_authserv) \
    X("milter.socket", CK_STRING, socket, 0, 0, 300, config_check_socket) \
    X("milter.socket_mode", CK_MODE, socket_mode, 0, 0777, 0, NULL) \
    X("milter.timeout", CK_INT, milter_timeout, 1, 3600, 0, NULL) \
    X("milter.user", CK_STRING, user, 1, 0, 32, config_check_account) \
    X("milter.group", CK_STRING, group, 1, 0, 32, config_check_account) \
    X("milter.pid_file", CK_STRING, pid_file, 1, 0, 1024, config_check_abspath) \
    X("milter.syslog_facility", CK_STRING, syslog_facility, 0, 0, 16, config_check_facility) \
    X("milter.stats_interval", CK_INT, stats_interval, 0, 604800, 0, NULL) \
    X("milter.control_socket", CK_STRING, control_socket, 1, 0, 107, config_check_control) \
    X("milter.mta_names", CK_BOOL, mta_names, 0, 0, 0, NULL)

/* A new check needs its weights.<name> line above. Penalties weigh 0 to
 * 100, rewards -100 to 0: a weight of the other sign would make a hit
 * argue against itself and break the tempfail rule of score.h. */
_Static_assert(RDNS_CHECK_COUNT == 12, "add weights.<check> to CONFIG_KEYS");

#define CONFIG_KEY_NAME(k, kind, field, mn, mx, len, fn) k,
#define CONFIG_KEY_DESC(k, kind, field, mn, mx, len, fn) \
    {k, kind, offsetof(rdns_config, field), mn, mx, len, fn},

static const char *const config_key_names[] = {CONFIG_KEYS(CONFIG_KEY_NAME) NULL};
static const config_key config_table[] = {CONFIG_KEYS(CONFIG_KEY_DESC)};

#define CONFIG_NKEYS (sizeof(config_table) / sizeof(config_table[0]))

static const char *const config_groups[] = {"dns", "generic", "milter", "weights"};
#define CONFIG_NGROUPS (sizeof(config_groups) / sizeof(config_groups[0]))

static const char *const config_stages[] = {
    [RDNS_STAGE_CONNECT] = "connect",
    [RDNS_STAGE_HELO] = "helo",
    [RDNS_STAGE_MAIL] = "mail",
    [RDNS_STAGE_RCPT] = "rcpt",
};

static const char *const config_modes[] = {
    [RDNS_MODE_ENFORCE] = "enforce",
    [RDNS_MODE_MONITOR] = "monitor",
};

static const char *const config_facilities[] = {
    "mail", "daemon", "user", "local0", "local1", "local2", "local3",
    "local4", "local5", "local6", "local7",
};

static const char *const config_placeholders[] = {"ip", "ptr", "helo", "reasons", "score",
                                                   "threshold"};

/* One parse: where messages go and what has been seen where. */
typedef struct config_ctx {
    const char *name;
    char *err;
    size_t errlen;
    yaml_document_t *doc;
    rdns_config *cfg;
    size_t seen_key[CONFIG_NKEYS];      /* line of first occurrence, 0 = none */
    size_t seen_group[CONFIG_NGROUPS];
} config_ctx;

/* ---- defaults, keys, stages ------------------------------------------ */

rdns_config *rdns_config_default(void)
{
    rdns_config *c = rdns_calloc(1, sizeof(*c));

    for (int i = 0; i < RDNS_CHECK_COUNT; i++)
        c->weights[i] = rdns_check_default_weight((rdns_check)i);
    c->threshold = 7.0;
    c->reject_stage = RDNS_STAGE_RCPT;
    c->mode = RDNS_MODE_ENFORCE;
    c->reject_reply = rdns_strdup(CONFIG_DEFAULT_REJECT_REPLY);
    c->tempfail_reply = rdns_strdup(CONFIG_DEFAULT_TEMPFAIL_REPLY);
    c->dns_timeout_ms = 1500;
    c->dns_retries = 1;
    c->dns_budget_ms = 8000;
    c->max_ptr_names = 10;
    c->max_cname_depth = 8;
    c->dns_cache_size = 50000;
    c->dns_cache_max_ttl = 3600;
    c->dns_cache_min_ttl = 0;
    c->dns_prefetch = true;
    c->dns_prefetch_min_rtt_ms = 2;
    c->dns_workers = 32;
    c->dns_unwanted_threshold = 100;
    rdns_strlist_add(&c->trusted_networks, "127.0.0.0/8");
    rdns_strlist_add(&c->trusted_networks, "::1/128");
    rdns_strlist_add(&c->never_reject, "postmaster");
    rdns_strlist_add(&c->never_reject, "abuse");
    c->authserv_id = rdns_strdup("");
    c->socket = rdns_strdup(CONFIG_DEFAULT_SOCKET);
    c->socket_mode = 0660;
    c->milter_timeout = 3600;
    c->user = rdns_strdup("");
    c->group = rdns_strdup("");
    c->pid_file = rdns_strdup("");
    c->stats_interval = 3600;
    c->control_socket = rdns_strdup("");
    c->mta_names = true;
    c->syslog_facility = rdns_strdup("mail");
    return c;
}

void rdns_config_free(rdns_config *c)
{
    if (c == NULL)
        return;
    free(c->path);
    free(c->reject_reply);
    free(c->tempfail_reply);
    rdns_strlist_clear(&c->resolvers);
    rdns_strlist_clear(&c->generic_patterns);
    rdns_strlist_clear(&c->not_generic);
    rdns_strlist_clear(&c->whitelist);
    rdns_strlist_clear(&c->trusted_networks);
    rdns_strlist_clear(&c->never_reject);
    free(c->authserv_id);
    free(c->socket);
    free(c->user);
    free(c->group);
    free(c->pid_file);
    free(c->control_socket);
    free(c->syslog_facility);
    free(c);
}

const char *const *rdns_config_keys(void)
{
    return config_key_names;
}

const char *rdns_stage_str(rdns_stage s)
{
    return (unsigned)s < sizeof(config_stages) / sizeof(config_stages[0])
        ? config_stages[s] : "?";
}

const char *rdns_mode_str(rdns_mode m)
{
    return (unsigned)m < sizeof(config_modes) / sizeof(config_modes[0]) ? config_modes[m] : "?";
}

/* ---- messages --------------------------------------------------------- */

/* Quotes untrusted text for a message: printable and short. */
static const char *config_quote(const char *s, char *buf, size_t len)
{
    return rdns_sanitize(buf, len, s, strlen(s));
}

/* Writes "NAME:LINE: message" (or "NAME: message" for line 0), with any
 * byte that is not printable ASCII escaped. Always returns false. */
__attribute__((format(printf, 3, 4)))
static bool config_error(config_ctx *x, size_t line, const char *fmt, ...)
{
    char msg[CONFIG_ERR_MAX], full[CONFIG_ERR_MAX + 300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(full, sizeof(full), "%s:%zu: %s", x->name, line, msg);
    else
        snprintf(full, sizeof(full), "%s: %s", x->name, msg);
    if (x->errlen > 0)
        rdns_sanitize(x->err, x->errlen, full, strlen(full));
    return false;
}

static size_t config_line(const yaml_node_t *n)
{
    return n->start_mark.line + 1;
}

static const char *config_node_what(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "a single value";
    }
}

/* ---- scalar values ---------------------------------------------------- */

static const char *config_scalar(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

/* An unquoted empty value, "~" or "null": YAML's null. */
static bool config_is_null(const yaml_node_t *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
        if (strcmp(config_scalar(n), nulls[i]) == 0)
            return true;
    return false;
}

/* A decimal integer: optional '-', digits, no leading zeros (YAML 1.1 would
 * read them as octal), no trailing garbage, no overflow. */
static bool config_parse_int(const char *s, long *out)
{
    const char *d = s[0] == '-' ? s + 1 : s;
    char *end;
    long v;

    if (*d < '0' || *d > '9' || (d[0] == '0' && d[1] != '\0'))
        return false;
    for (const char *p = d; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

/* A finite decimal number such as 7, -0.5 or 1e2; no hex, inf or nan. */
static bool config_parse_number(const char *s, double *out)
{
    bool digit = false;
    char *end;
    double v;

    if (*s == '\0')
        return false;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digit = true;
        else if (!strchr("+-.eE", *p))
            return false;
    }
    if (!digit)
        return false;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* A file mode written in octal digits, with or without a leading 0:
 * "0660", 0660 and 660 all mean rw-rw----. */
static bool config_parse_mode(const char *s, unsigned max, unsigned *out)
{
    unsigned v = 0;
    size_t n = strlen(s);

    if (n == 0 || n > 4)
        return false;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '7')
            return false;
        v = v * 8 + (unsigned)(*p - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

static bool config_in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* ---- checks of strings and list items ------------------------------- */

static bool config_printable(const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            return false;
    return true;
}

static bool config_check_reply(const char *v, char *why, size_t whylen)
{
    const char *p = v;

    if (*v == '\0') {
        snprintf(why, whylen, "must not be empty");
        return false;
    }
    if (!config_printable(v)) {
        snprintf(why, whylen,
                 "only printable ASCII is allowed in an SMTP reply (no tabs, line breaks or 8-bit)");
        return false;
    }
    while ((p = strstr(p, "%{")) != NULL) {
        const char *close = strchr(p, '}');
        char name[32];
        size_t n;

        if (close == NULL) {
            snprintf(why, whylen, "unclosed placeholder \"%.20s\"", p);
            return false;
        }
        n = (size_t)(close - p - 2);
        if (n < sizeof(name)) {
            memcpy(name, p + 2, n);
            name[n] = '\0';
        }
        if (n >= sizeof(name)
            || !config_in_list(name, config_placeholders,
                               sizeof(config_placeholders) / sizeof(config_placeholders[0]))) {
            snprintf(why, whylen,
                     "unknown placeholder \"%.*s\" (known: %%{ip} %%{ptr} %%{helo} "
                     "%%{reasons} %%{score} %%{threshold})", (int)(n + 3 < 40 ? n + 3 : 40), p);
            return false;
        }
        p = close + 1;
    }
    return true;
}

static bool config_port_ok(const char *s)
{
    long v;

    return config_parse_int(s, &v) && v >= 1 && v <= 65535;
}

/* "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT"; HOST is an address, since
 * a resolver named by a host name would need a resolver to find it. */
static bool config_check_resolver(const char *v, char *why, size_t whylen)
{
    char host[64];
    rdns_addr a;
    const char *colon;

    if (rdns_addr_parse(v, &a))
        return true;
    if (v[0] == '[') {
        const char *close = strchr(v, ']');
        size_t n = close ? (size_t)(close - v - 1) : 0;

        if (close != NULL && n > 0 && n < sizeof(host)) {
            memcpy(host, v + 1, n);
            host[n] = '\0';
            if (strchr(host, ':') && rdns_addr_parse(host, &a)
                && (close[1] == '\0' || (close[1] == ':' && config_port_ok(close + 2))))
                return true;
        }
    } else if ((colon = strchr(v, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
        size_t n = (size_t)(colon - v);

        if (n > 0 && n < sizeof(host)) {
            memcpy(host, v, n);
            host[n] = '\0';
            if (rdns_addr_parse(host, &a) && a.family == AF_INET && config_port_ok(colon + 1))
                return true;
        }
    }
    snprintf(why, whylen,
             "'%s': expected an IP address, IPv4:PORT or [IPv6]:PORT (port 1..65535)", v);
    return false;
}

static bool config_check_regex(const char *v, char *why, size_t whylen)
{
    if (*v == '\0') {
        snprintf(why, whylen, "empty pattern (it would match every name)");
        return false;
    }
    return rdns_generic_pattern_ok(v, why, whylen);
}

/* A domain suffix (two or more labels, optional leading dot) or "~regex". */
static bool config_check_not_generic(const char *v, char *why, size_t whylen)
{
    if (v[0] == '~')
        return config_check_regex(v + 1, why, whylen);
    if (!rdns_name_is_fqdn(v[0] == '.' ? v + 1 : v)) {
        snprintf(why, whylen,
                 "'%s': expected a domain name of two or more labels, or ~REGEX", v);
        return false;
    }
    return true;
}

static bool config_check_whitelist(const char *v, char *why, size_t whylen)
{
    return rdns_whitelist_entry_ok(v, false, why, whylen);
}

static bool config_check_trusted(const char *v, char *why, size_t whylen)
{
    return rdns_whitelist_entry_ok(v, true, why, whylen);
}

/* "postmaster" or "postmaster@example.net". */
static bool config_check_never_reject(const char *v, char *why, size_t whylen)
{
    const char *at = strrchr(v, '@');

    if (*v == '\0' || !config_printable(v) || strpbrk(v, " <>\"") != NULL
        || (at != NULL && (at == v || !rdns_name_is_fqdn(at + 1)))) {
        snprintf(why, whylen, "'%s': expected a local part such as postmaster, "
                 "or an address such as postmaster@example.net", v);
        return false;
    }
    return true;
}

/* RFC 8601 authserv-id: an RFC 2045 token (in practice a host name). */
static bool config_check_authserv(const char *v, char *why, size_t whylen)
{
    if (!config_printable(v) || strpbrk(v, " ()<>@,;:\\\"/[]?=") != NULL) {
        snprintf(why, whylen, "'%s': expected a single token such as mx.example.net "
                 "(no spaces or ()<>@,;:\\\"/[]?=)", v);
        return false;
    }
    return true;
}

/* A host name for a socket: LDH labels, one label allowed ("localhost"). */
static bool config_hostname_ok(const char *h)
{
    size_t label = 0, n = strlen(h);

    if (n == 0 || n > RDNS_NAME_MAX)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char c = h[i];

        if (c == '.' || c == '\0') {
            if (label == 0 || h[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '-') || (label == 0 && c == '-') || ++label > 63)
            return false;
    }
    return true;
}

static bool config_check_inet(const char *spec, int family)
{
    char port[8];
    const char *at = strchr(spec, '@');
    size_t n = at ? (size_t)(at - spec) : strlen(spec);
    rdns_addr a;

    if (n == 0 || n >= sizeof(port))
        return false;
    memcpy(port, spec, n);
    port[n] = '\0';
    if (!config_port_ok(port))
        return false;
    if (at == NULL)
        return true;
    if (rdns_addr_parse(at + 1, &a))
        return family == AF_INET6 ? strchr(at + 1, ':') != NULL : a.family == AF_INET;
    return config_hostname_ok(at + 1);
}

static bool config_check_socket(const char *v, char *why, size_t whylen)
{
    const char *path = NULL;

    if (strncmp(v, "unix:", 5) == 0)
        path = v + 5;
    else if (strncmp(v, "local:", 6) == 0)
        path = v + 6;
    if (path != NULL) {
        if (path[0] != '/' || !config_printable(path) || strchr(path, ' ') != NULL) {
            snprintf(why, whylen, "'%s': the socket path must be absolute", v);
            return false;
        }
        if (strlen(path) > CONFIG_SUN_PATH_MAX) {
            snprintf(why, whylen, "'%s': the socket path is longer than %d bytes", v,
                     CONFIG_SUN_PATH_MAX);
            return false;
        }
        return true;
    }
    if ((strncmp(v, "inet:", 5) == 0 && config_check_inet(v + 5, AF_INET))
        || (strncmp(v, "inet6:", 6) == 0 && config_check_inet(v + 6, AF_INET6)))
        return true;
    snprintf(why, whylen, "'%s': expected unix:/PATH, local:/PATH, inet:PORT@HOST, "
             "inet6:PORT@HOST or inet:PORT (port 1..65535)", v);
    return false;
}

/* A user or group name as useradd(8) accepts it, or empty. */
static bool config_check_account(const char *v, char *why, size_t whylen)
{
    for (const char *p = v; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
            || *p == '_' || *p == '.' || (*p == '-' && p != v) || (*p == '$' && p[1] == '\0'))
            continue;
        snprintf(why, whylen, "'%s': not a valid user or group name", v);
        return false;
    }
    return true;
}

static bool config_check_abspath(const char *v, char *why, size_t whylen)
{
    if (*v != '\0' && (v[0] != '/' || !config_printable(v))) {
        snprintf(why, whylen, "'%s': expected an absolute path", v);
        return false;
    }
    return true;
}

/* "" (next to the milter socket), "none", or an absolute path. */
static bool config_check_control(const char *v, char *why, size_t whylen)
{
    if (strcmp(v, "none") == 0)
        return true;
    if (*v != '\0' && (v[0] != '/' || !config_printable(v))) {
        snprintf(why, whylen, "'%s': expected an absolute path, \"\" or \"none\"", v);
        return false;
    }
    return true;
}

static bool config_check_facility(const char *v, char *why, size_t whylen)
{
    bool found = false;

    /* Case-insensitive, as syslog.conf(5) reads facility names. */
    for (size_t i = 0; i < sizeof(config_facilities) / sizeof(config_facilities[0]); i++)
        found = found || strcasecmp(v, config_facilities[i]) == 0;
    if (!found) {
        snprintf(why, whylen, "'%s': expected one of mail, daemon, user, local0 .. local7", v);
        return false;
    }
    return true;
}

/* ---- keys ------------------------------------------------------------- */

static const config_key *config_find(const char *key, size_t *index)
{
    for (size_t i = 0; i < CONFIG_NKEYS; i++) {
        if (strcmp(config_table[i].key, key) == 0) {
            *index = i;
            return &config_table[i];
        }
    }
    return NULL;
}

static int config_group_index(const char *name)
{
    for (size_t i = 0; i < CONFIG_NGROUPS; i++)
        if (strcmp(config_groups[i], name) == 0)
            return (int)i;
    return -1;
}

/* Edit distance, for "did you mean"; both strings are short. */
static size_t config_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t row[80];

    if (la >= 80 || lb >= 80)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];

        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);

            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const char *config_last_part(const char *key)
{
    const char *dot = strrchr(key, '.');

    return dot ? dot + 1 : key;
}

/* The accepted key closest to the dotted key typed, or NULL. A key typed
 * at the wrong level ("timeout_ms" for "dns.timeout_ms") is found too. */
static const char *config_suggest(const char *typed)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX, limit = strlen(typed) >= 8 ? 3 : 2;

    for (size_t i = 0; i < CONFIG_NKEYS + CONFIG_NGROUPS; i++) {
        const char *cand = i < CONFIG_NKEYS ? config_table[i].key
                                            : config_groups[i - CONFIG_NKEYS];
        size_t d = config_distance(typed, cand);
        size_t d2 = config_distance(config_last_part(typed), config_last_part(cand));

        if (d2 == 0)
            d = 1;      /* right name, wrong place */
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    return best_d <= limit ? best : NULL;
}

static bool config_unknown_key(config_ctx *x, size_t line, const char *dotted)
{
    char q[80];
    const char *hint = config_suggest(dotted);

    config_quote(dotted, q, sizeof(q));
    if (hint != NULL)
        return config_error(x, line, "unknown key \"%s\" (did you mean \"%s\"?)", q, hint);
    if (strncmp(dotted, "weights.", 8) == 0)
        return config_error(x, line, "unknown key \"%s\" (weights are named after checks: "
                            "ptr_none, fcrdns_fail, ptr_generic, helo_not_fqdn, "
                            "helo_literal_mismatch, helo_unresolvable, helo_ptr_mismatch, "
                            "from_not_fqdn, from_domain_invalid, dns_temperror)", q);
    return config_error(x, line, "unknown key \"%s\"", q);
}

/* ---- values ----------------------------------------------------------- */

static bool config_expect_scalar(config_ctx *x, const config_key *k, const yaml_node_t *v)
{
    if (v->type == YAML_SCALAR_NODE)
        return true;
    return config_error(x, config_line(v), "%s: expected a single value, got %s",
                        k->key, config_node_what(v));
}

static bool config_set_number(config_ctx *x, const config_key *k, const yaml_node_t *v,
                              void *field)
{
    char q[80];
    double d;

    if (!config_expect_scalar(x, k, v))
        return false;
    if (config_is_null(v) || !config_parse_number(config_scalar(v), &d)
        || d < k->min || d > k->max)
        return config_error(x, config_line(v), "%s: expected a number from %g to %g, got \"%s\"",
                            k->key, k->min, k->max, config_quote(config_scalar(v), q, 40));
    if (k->kind == CK_WEIGHT) {
        rdns_check c;

        if (!rdns_check_lookup(k->key + strlen("weights."), &c))
            return config_error(x, config_line(v), "%s: no such check", k->key);
        x->cfg->weights[c] = d;
    } else {
        *(double *)field = d;
    }
    return true;
}

static bool config_set_int(config_ctx *x, const config_key *k, const yaml_node_t *v,
                           void *field)
{
    char q[80];
    long n;

    if (!config_expect_scalar(x, k, v))
        return false;
    if (config_is_null(v) || !config_parse_int(config_scalar(v), &n)
        || n < (long)k->min || n > (long)k->max)
        return config_error(x, config_line(v),
                            "%s: expected an integer from %ld to %ld, got \"%s\"", k->key,
                            (long)k->min, (long)k->max, config_quote(config_scalar(v), q, 40));
    *(int *)field = (int)n;
    return true;
}

static bool config_set_stage(config_ctx *x, const config_key *k, const yaml_node_t *v,
                             void *field)
{
    char q[80];

    if (!config_expect_scalar(x, k, v))
        return false;
    for (size_t i = 0; i < sizeof(config_stages) / sizeof(config_stages[0]); i++) {
        if (strcmp(config_scalar(v), config_stages[i]) == 0) {
            *(rdns_stage *)field = (rdns_stage)i;
            return true;
        }
    }
    return config_error(x, config_line(v),
                        "%s: expected one of connect, helo, mail, rcpt, got \"%s\"", k->key,
                        config_quote(config_scalar(v), q, 40));
}

static bool config_set_runmode(config_ctx *x, const config_key *k, const yaml_node_t *v,
                               void *field)
{
    char q[80];

    if (!config_expect_scalar(x, k, v))
        return false;
    for (size_t i = 0; i < sizeof(config_modes) / sizeof(config_modes[0]); i++) {
        if (strcmp(config_scalar(v), config_modes[i]) == 0) {
            *(rdns_mode *)field = (rdns_mode)i;
            return true;
        }
    }
    return config_error(x, config_line(v), "%s: expected enforce or monitor, got \"%s\"",
                        k->key, config_quote(config_scalar(v), q, 40));
}

/* YAML 1.2 core schema booleans only: "yes" and "on" are strings there,
 * and a key that silently reads "no" as true helps nobody. */
static bool config_set_bool(config_ctx *x, const config_key *k, const yaml_node_t *v,
                            void *field)
{
    char q[80];
    const char *t;

    if (!config_expect_scalar(x, k, v))
        return false;
    t = config_scalar(v);
    if (strcmp(t, "true") == 0 || strcmp(t, "True") == 0 || strcmp(t, "TRUE") == 0) {
        *(bool *)field = true;
        return true;
    }
    if (strcmp(t, "false") == 0 || strcmp(t, "False") == 0 || strcmp(t, "FALSE") == 0) {
        *(bool *)field = false;
        return true;
    }
    return config_error(x, config_line(v), "%s: expected true or false, got \"%s\"", k->key,
                        config_quote(t, q, 40));
}

static bool config_set_mode(config_ctx *x, const config_key *k, const yaml_node_t *v,
                            void *field)
{
    char q[80];

    if (!config_expect_scalar(x, k, v))
        return false;
    if (!config_parse_mode(config_scalar(v), (unsigned)k->max, (unsigned *)field))
        return config_error(x, config_line(v),
                            "%s: expected an octal mode from 0000 to 0777 such as \"0660\", "
                            "got \"%s\"", k->key, config_quote(config_scalar(v), q, 40));
    return true;
}

/* Length and content of one string value or list item. */
static bool config_check_text(config_ctx *x, const config_key *k, const yaml_node_t *v)
{
    const char *s = config_scalar(v);
    char why[CONFIG_ERR_MAX];

    if (v->data.scalar.length != strlen(s))
        return config_error(x, config_line(v), "%s: NUL byte in value", k->key);
    if (v->data.scalar.length > k->maxlen)
        return config_error(x, config_line(v), "%s: value too long (%zu bytes, at most %zu)",
                            k->key, v->data.scalar.length, k->maxlen);
    why[0] = '\0';
    if (k->check != NULL && !k->check(s, why, sizeof(why)))
        return config_error(x, config_line(v), "%s: %s", k->key, why);
    return true;
}

static bool config_set_string(config_ctx *x, const config_key *k, const yaml_node_t *v,
                              void *field)
{
    char **dst = field;
    const char *s;

    if (!config_expect_scalar(x, k, v))
        return false;
    if (v->data.scalar.length != strlen(config_scalar(v)))
        return config_error(x, config_line(v), "%s: NUL byte in value", k->key);
    s = config_is_null(v) ? "" : config_scalar(v);
    if (*s == '\0' && k->min == 0)
        return config_error(x, config_line(v), "%s: expected a value, got nothing", k->key);
    if (*s != '\0' && !config_check_text(x, k, v))
        return false;
    free(*dst);
    *dst = rdns_strdup(s);
    return true;
}

static bool config_set_list(config_ctx *x, const config_key *k, const yaml_node_t *v,
                            void *field)
{
    rdns_strlist *dst = field;
    size_t n;

    rdns_strlist_clear(dst);          /* a list in the file replaces the default */
    if (config_is_null(v))
        return true;
    if (v->type != YAML_SEQUENCE_NODE)
        return config_error(x, config_line(v),
                            "%s: expected a list (write [ ... ] even for one entry), got %s",
                            k->key, config_node_what(v));
    n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n > (size_t)k->max)
        return config_error(x, config_line(v), "%s: too many entries (%zu, at most %zu)",
                            k->key, n, (size_t)k->max);
    for (yaml_node_item_t *it = v->data.sequence.items.start;
         it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(x->doc, *it);

        if (item == NULL || item->type != YAML_SCALAR_NODE)
            return config_error(x, item ? config_line(item) : config_line(v),
                                "%s: each entry must be a single value, got %s", k->key,
                                item ? config_node_what(item) : "nothing");
        if (config_is_null(item) || config_scalar(item)[0] == '\0')
            return config_error(x, config_line(item), "%s: empty entry", k->key);
        if (!config_check_text(x, k, item))
            return false;
        rdns_strlist_add(dst, config_scalar(item));
    }
    return true;
}

static bool config_set(config_ctx *x, const config_key *k, const yaml_node_t *v)
{
    void *field = (char *)x->cfg + k->off;

    switch (k->kind) {
    case CK_NUMBER:
    case CK_WEIGHT:
        return config_set_number(x, k, v, field);
    case CK_INT:
        return config_set_int(x, k, v, field);
    case CK_STAGE:
        return config_set_stage(x, k, v, field);
    case CK_RUNMODE:
        return config_set_runmode(x, k, v, field);
    case CK_MODE:
        return config_set_mode(x, k, v, field);
    case CK_BOOL:
        return config_set_bool(x, k, v, field);
    case CK_STRING:
        return config_set_string(x, k, v, field);
    case CK_LIST:
        return config_set_list(x, k, v, field);
    }
    return config_error(x, config_line(v), "%s: internal error: bad key kind", k->key);
}

/* ---- mappings --------------------------------------------------------- */

/* The key of a pair as text, or an error for a list or mapping as key. */
static const char *config_key_text(config_ctx *x, const yaml_node_t *kn)
{
    if (kn == NULL || kn->type != YAML_SCALAR_NODE) {
        if (kn != NULL)
            config_error(x, config_line(kn), "a key must be a plain name, got %s",
                         config_node_what(kn));
        else
            config_error(x, 0, "malformed mapping");
        return NULL;
    }
    if (kn->data.scalar.length > 64 || kn->data.scalar.length != strlen(config_scalar(kn))) {
        char q[80];

        config_error(x, config_line(kn), "unknown key \"%s\"",
                     config_quote(config_scalar(kn), q, 40));
        return NULL;
    }
    return config_scalar(kn);
}

static bool config_key_value(config_ctx *x, const char *dotted, const yaml_node_t *kn,
                             const yaml_node_t *vn)
{
    size_t i;
    const config_key *k = config_find(dotted, &i);

    if (k == NULL)
        return config_unknown_key(x, config_line(kn), dotted);
    if (x->seen_key[i] != 0)
        return config_error(x, config_line(kn), "duplicate key \"%s\" (first at line %zu)",
                            dotted, x->seen_key[i]);
    x->seen_key[i] = config_line(kn);
    return config_set(x, k, vn);
}

static bool config_group(config_ctx *x, const char *group, const yaml_node_t *map)
{
    if (config_is_null(map))
        return true;
    if (map->type != YAML_MAPPING_NODE)
        return config_error(x, config_line(map), "%s: expected a mapping of keys, got %s",
                            group, config_node_what(map));
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(x->doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(x->doc, p->value);
        const char *key = config_key_text(x, kn);
        char dotted[160];

        if (key == NULL)
            return false;
        if (vn == NULL)
            return config_error(x, config_line(kn), "malformed mapping");
        snprintf(dotted, sizeof(dotted), "%s.%s", group, key);
        if (!config_key_value(x, dotted, kn, vn))
            return false;
    }
    return true;
}

static bool config_root(config_ctx *x, const yaml_node_t *root)
{
    if (root->type != YAML_MAPPING_NODE)
        return config_error(x, config_line(root),
                            "the file must be a mapping of keys such as \"threshold: 7\", got %s",
                            config_node_what(root));
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(x->doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(x->doc, p->value);
        const char *key = config_key_text(x, kn);
        int g;

        if (key == NULL)
            return false;
        if (vn == NULL)
            return config_error(x, config_line(kn), "malformed mapping");
        g = config_group_index(key);
        if (g < 0) {
            if (!config_key_value(x, key, kn, vn))
                return false;
            continue;
        }
        if (x->seen_group[g] != 0)
            return config_error(x, config_line(kn), "duplicate key \"%s\" (first at line %zu)",
                                key, x->seen_group[g]);
        x->seen_group[g] = config_line(kn);
        if (!config_group(x, key, vn))
            return false;
    }
    return true;
}

/* ---- documents -------------------------------------------------------- */

/* Line of a byte offset, for reader errors (bad UTF-8) that carry no mark. */
static size_t config_offset_line(const char *text, size_t len, size_t off)
{
    size_t line = 1;

    for (size_t i = 0; i < off && i < len; i++)
        if (text[i] == '\n')
            line++;
    return line;
}

static bool config_yaml_error(config_ctx *x, const yaml_parser_t *p, const char *text,
                              size_t len)
{
    size_t line;

    if (p->error == YAML_MEMORY_ERROR)
        return config_error(x, 0, "out of memory reading YAML");
    if (p->error == YAML_READER_ERROR)
        line = config_offset_line(text, len, p->problem_offset);
    else
        line = p->problem_mark.line + 1;
    if (p->context != NULL && p->context_mark.line + 1 != line)
        return config_error(x, line, "YAML syntax error: %s (%s at line %zu)",
                            p->problem ? p->problem : "unknown problem", p->context,
                            (size_t)p->context_mark.line + 1);
    if (p->context != NULL)
        return config_error(x, line, "YAML syntax error: %s (%s)",
                            p->problem ? p->problem : "unknown problem", p->context);
    return config_error(x, line, "YAML syntax error: %s",
                        p->problem ? p->problem : "unknown problem");
}

/* Parses text into x->cfg; the first document holds the config, and a
 * second one is refused rather than silently ignored. */
static bool config_document(config_ctx *x, const char *text, size_t len)
{
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    yaml_node_t *root;
    bool ok = false;

    if (!yaml_parser_initialize(&parser))
        return config_error(x, 0, "out of memory reading YAML");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        config_yaml_error(x, &parser, text, len);
        yaml_parser_delete(&parser);
        return false;
    }
    x->doc = &doc;
    root = yaml_document_get_root_node(&doc);
    if (root == NULL || config_is_null(root))
        ok = true;              /* empty file: all defaults */
    else
        ok = config_root(x, root);
    x->doc = NULL;
    yaml_document_delete(&doc);
    if (ok) {
        if (!yaml_parser_load(&parser, &extra)) {
            ok = config_yaml_error(x, &parser, text, len);
        } else {
            root = yaml_document_get_root_node(&extra);
            if (root != NULL)
                ok = config_error(x, config_line(root),
                                  "only one YAML document is allowed (remove the \"---\")");
            yaml_document_delete(&extra);
        }
    }
    yaml_parser_delete(&parser);
    return ok;
}

rdns_config *rdns_config_parse(const char *name, const char *text, size_t len,
                               char *err, size_t errlen)
{
    config_ctx x;
    rdns_config *cfg;

    memset(&x, 0, sizeof(x));
    x.name = name != NULL ? name : "(config)";
    x.err = err;
    x.errlen = errlen;
    if (errlen > 0)
        err[0] = '\0';
    if (len > CONFIG_FILE_MAX) {
        config_error(&x, 0, "file too large (over %d bytes)", CONFIG_FILE_MAX);
        return NULL;
    }
    cfg = rdns_config_default();
    cfg->path = name != NULL ? rdns_strdup(name) : NULL;
    x.cfg = cfg;
    if (!config_document(&x, text != NULL ? text : "", text != NULL ? len : 0)) {
        rdns_config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* Reads at most CONFIG_FILE_MAX + 1 bytes, so a huge file is refused
 * without being read whole. */
static char *config_read_file(FILE *f, size_t *lenp)
{
    size_t cap = 8192, len = 0;
    char *buf = rdns_malloc(cap);

    for (;;) {
        size_t got;

        if (len == cap) {
            if (cap > CONFIG_FILE_MAX)
                break;
            cap *= 2;
            buf = rdns_realloc(buf, cap);
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        return NULL;
    }
    *lenp = len;
    return buf;
}

rdns_config *rdns_config_load(const char *path, char *err, size_t errlen)
{
    config_ctx x;
    FILE *f;
    char *text;
    size_t len = 0;
    rdns_config *cfg;
    struct stat st;
    int e, fd;

    memset(&x, 0, sizeof(x));
    x.name = path != NULL ? path : "(null)";
    x.err = err;
    x.errlen = errlen;
    if (path == NULL) {
        config_error(&x, 0, "cannot read: no file name");
        return NULL;
    }
    /* O_NONBLOCK: opening a FIFO with no writer must not hang; anything
     * but a regular file is refused before a byte is read. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        e = errno;
        config_error(&x, 0, "cannot read: %s", strerror(e));
        return NULL;
    }
    if (fstat(fd, &st) != 0)
        st.st_mode = 0;             /* refused below as not a regular file */
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        if (S_ISDIR(st.st_mode))
            config_error(&x, 0, "cannot read: %s", strerror(EISDIR));
        else
            config_error(&x, 0, "not a regular file");
        return NULL;
    }
    if ((f = fdopen(fd, "r")) == NULL) {
        e = errno;
        close(fd);
        config_error(&x, 0, "cannot read: %s", strerror(e));
        return NULL;
    }
    errno = 0;
    text = config_read_file(f, &len);
    e = errno;
    fclose(f);
    if (text == NULL) {
        config_error(&x, 0, "cannot read: %s", strerror(e != 0 ? e : EIO));
        return NULL;
    }
    cfg = rdns_config_parse(path, text, len, err, errlen);
    free(text);
    return cfg;
}
