/*
 * test_config - rdns-milter.yaml: defaults, a full file, every class of
 * error with its line number, the shipped sample, the list of keys.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"

#define REPO_ROOT RDNS_TEST_DATA "/../.."
#define SAMPLE_FILE REPO_ROOT "/etc/rdns-milter.yaml"

static rdns_config *parse(const char *text, char *err, size_t errlen)
{
    return rdns_config_parse("t.yaml", text, strlen(text), err, errlen);
}

static rdns_config *parse_as(const char *name, const char *text, char *err, size_t errlen)
{
    return rdns_config_parse(name, text, strlen(text), err, errlen);
}

static bool list_is(const rdns_strlist *l, const char *const *want)
{
    size_t n = 0;

    while (want[n] != NULL)
        n++;
    if (l->n != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(l->v[i], want[i]) != 0)
            return false;
    return true;
}

static bool list_equal(const rdns_strlist *a, const rdns_strlist *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return false;
    return true;
}

/* Field by field, so a new field that a test forgets shows up here. */
static bool config_equal(const rdns_config *a, const rdns_config *b)
{
    bool same = true;

    for (int i = 0; i < RDNS_CHECK_COUNT; i++)
        if (a->weights[i] != b->weights[i]) {
            fprintf(stderr, "weights.%s differs\n", rdns_check_name((rdns_check)i));
            same = false;
        }
#define SAME(cond, what) do { if (!(cond)) { fprintf(stderr, "%s differs\n", what); \
                                             same = false; } } while (0)
    SAME(a->threshold == b->threshold, "threshold");
    SAME(a->reject_stage == b->reject_stage, "reject_stage");
    SAME(a->mode == b->mode, "mode");
    SAME(strcmp(a->reject_reply, b->reject_reply) == 0, "reject_reply");
    SAME(strcmp(a->tempfail_reply, b->tempfail_reply) == 0, "tempfail_reply");
    SAME(list_equal(&a->resolvers, &b->resolvers), "dns.resolvers");
    SAME(a->dns_timeout_ms == b->dns_timeout_ms, "dns.timeout_ms");
    SAME(a->dns_retries == b->dns_retries, "dns.retries");
    SAME(a->dns_budget_ms == b->dns_budget_ms, "dns.budget_ms");
    SAME(a->max_ptr_names == b->max_ptr_names, "dns.max_ptr_names");
    SAME(a->max_cname_depth == b->max_cname_depth, "dns.max_cname_depth");
    SAME(a->dns_cache_size == b->dns_cache_size, "dns.cache_size");
    SAME(a->dns_cache_max_ttl == b->dns_cache_max_ttl, "dns.cache_max_ttl");
    SAME(a->dns_cache_min_ttl == b->dns_cache_min_ttl, "dns.cache_min_ttl");
    SAME(a->dns_prefetch == b->dns_prefetch, "dns.prefetch");
    SAME(a->dns_prefetch_min_rtt_ms == b->dns_prefetch_min_rtt_ms, "dns.prefetch_min_rtt_ms");
    SAME(a->dns_workers == b->dns_workers, "dns.workers");
    SAME(a->stats_interval == b->stats_interval, "milter.stats_interval");
    SAME(strcmp(a->control_socket, b->control_socket) == 0, "milter.control_socket");
    SAME(a->mta_names == b->mta_names, "milter.mta_names");
    SAME(list_equal(&a->generic_patterns, &b->generic_patterns), "generic.patterns");
    SAME(list_equal(&a->not_generic, &b->not_generic), "generic.not_generic");
    SAME(list_equal(&a->whitelist, &b->whitelist), "whitelist");
    SAME(list_equal(&a->trusted_networks, &b->trusted_networks), "trusted_networks");
    SAME(list_equal(&a->never_reject, &b->never_reject), "never_reject");
    SAME(strcmp(a->authserv_id, b->authserv_id) == 0, "authserv_id");
    SAME(strcmp(a->socket, b->socket) == 0, "milter.socket");
    SAME(a->socket_mode == b->socket_mode, "milter.socket_mode");
    SAME(strcmp(a->user, b->user) == 0, "milter.user");
    SAME(strcmp(a->group, b->group) == 0, "milter.group");
    SAME(strcmp(a->pid_file, b->pid_file) == 0, "milter.pid_file");
    SAME(strcmp(a->syslog_facility, b->syslog_facility) == 0, "milter.syslog_facility");
#undef SAME
    return same;
}

static void test_defaults(void)
{
    rdns_config *c = rdns_config_default();
    static const char *const trusted[] = {"127.0.0.0/8", "::1/128", NULL};
    static const char *const never[] = {"postmaster", "abuse", NULL};

    CHECK(c != NULL);
    CHECK(c->path == NULL);
    CHECK(c->threshold == 7.0);
    CHECK(c->reject_stage == RDNS_STAGE_RCPT);
    CHECK(c->mode == RDNS_MODE_ENFORCE);
    CHECK(strstr(c->reject_reply, "%{ip}") != NULL);
    CHECK(strstr(c->reject_reply, "%{reasons}") != NULL);
    CHECK(strstr(c->reject_reply, "PTR record") != NULL);
    CHECK_STR(c->tempfail_reply,
              "Client host %{ip}: DNS lookup failed temporarily, please try again later");
    for (int i = 0; i < RDNS_CHECK_COUNT; i++)
        CHECK(c->weights[i] == rdns_check_default_weight((rdns_check)i));
    CHECK(c->weights[RDNS_CHECK_PTR_NONE] == 5.0);
    CHECK(c->resolvers.n == 0);
    CHECK(c->dns_timeout_ms == 1500);
    CHECK(c->dns_retries == 1);
    CHECK(c->dns_budget_ms == 8000);
    CHECK(c->max_ptr_names == 10);
    CHECK(c->max_cname_depth == 8);
    CHECK(c->generic_patterns.n == 0);
    CHECK(c->not_generic.n == 0);
    CHECK(!c->generic_neighbours);
    CHECK(c->mta_names);
    CHECK(c->whitelist.n == 0);
    CHECK(list_is(&c->trusted_networks, trusted));
    CHECK(list_is(&c->never_reject, never));
    CHECK_STR(c->authserv_id, "");
    CHECK_STR(c->socket, "unix:/var/spool/postfix/rdns-milter/rdns-milter.sock");
    CHECK(c->socket_mode == 0660);
    CHECK_STR(c->user, "");
    CHECK_STR(c->group, "");
    CHECK_STR(c->pid_file, "");
    CHECK_STR(c->syslog_facility, "mail");
    rdns_config_free(c);
    rdns_config_free(NULL);

    CHECK_STR(rdns_stage_str(RDNS_STAGE_CONNECT), "connect");
    CHECK_STR(rdns_stage_str(RDNS_STAGE_HELO), "helo");
    CHECK_STR(rdns_stage_str(RDNS_STAGE_MAIL), "mail");
    CHECK_STR(rdns_stage_str(RDNS_STAGE_RCPT), "rcpt");
    CHECK_STR(rdns_mode_str(RDNS_MODE_ENFORCE), "enforce");
    CHECK_STR(rdns_mode_str(RDNS_MODE_MONITOR), "monitor");
}

/* Empty input, comments only, a bare "---": all defaults. */
static void test_empty(void)
{
    static const char *const texts[] = {"", "\n\n", "# nothing here\n  # still nothing\n",
                                        "---\n", "--- ~\n", "---\n...\n"};
    rdns_config *d = rdns_config_default();
    char err[512];

    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        rdns_config *c = parse(texts[i], err, sizeof(err));

        CHECK(c != NULL);
        if (c == NULL) {
            fprintf(stderr, "text %zu: %s\n", i, err);
            continue;
        }
        CHECK(config_equal(c, d));
        CHECK_STR(c->path, "t.yaml");
        rdns_config_free(c);
    }
    rdns_config_free(d);
}

static const char full_text[] =
    "# every key, none at its default\n"
    "threshold: 9.5\n"
    "reject_stage: mail\n"
    "mode: monitor\n"
    "reject_reply: 'Go away %{ip} (%{ptr}, %{helo}): %{reasons} score %{score}'\n"
    "tempfail_reply: \"Later, %{ip}\"\n"
    "weights:\n"
    "  ptr_none: 6\n"
    "  fcrdns_fail: 2.5\n"
    "  ptr_generic: 1e0\n"
    "  helo_not_fqdn: 0\n"
    "  helo_literal_mismatch: 100\n"
    "  helo_unresolvable: 99\n"
    "  helo_ptr_mismatch: .25\n"
    "  from_not_fqdn: \"1.5\"\n"
    "  from_domain_invalid: 4.5\n"
    "  dns_temperror: 1\n"
    "  helo_confirms: -100\n"
    "  sender_mx_match: -1e0\n"
    "dns:\n"
    "  resolvers: [127.0.0.1, \"127.0.0.2:5353\", \"[::1]:53\", \"::1\", \"[::1]\"]\n"
    "  timeout_ms: 250\n"
    "  retries: 0\n"
    "  budget_ms: 3000\n"
    "  max_ptr_names: 64\n"
    "  max_cname_depth: 0\n"
    "  prefetch: false\n"
    "  prefetch_min_rtt_ms: 0\n"
    "  workers: 7\n"
    "generic:\n"
    "  patterns:\n"
    "    - '^dyn-\\d+\\.'\n"
    "    - 'pool[0-9]+'\n"
    "  not_generic: [mail.example.net, '~^smtp\\d+\\.']\n"
    "whitelist:\n"
    "  - 192.0.2.1\n"
    "  - 198.51.100.0/24\n"
    "  - 2001:db8::/32\n"
    "  - example.org\n"
    "trusted_networks: []\n"
    "never_reject: [postmaster, hostmaster@example.net]\n"
    "authserv_id: mx.example.net\n"
    "milter:\n"
    "  socket: inet:8894@127.0.0.1\n"
    "  socket_mode: 0600\n"
    "  user: rdns-milter\n"
    "  group: postfix\n"
    "  pid_file: /run/rdns-milter/rdns-milter.pid\n"
    "  syslog_facility: local3\n"
    "  mta_names: false\n";

static void test_full(void)
{
    static const char *const resolvers[] = {"127.0.0.1", "127.0.0.2:5353", "[::1]:53", "::1",
                                            "[::1]", NULL};
    static const char *const patterns[] = {"^dyn-\\d+\\.", "pool[0-9]+", NULL};
    static const char *const notgen[] = {"mail.example.net", "~^smtp\\d+\\.", NULL};
    static const char *const wl[] = {"192.0.2.1", "198.51.100.0/24", "2001:db8::/32",
                                     "example.org", NULL};
    static const char *const never[] = {"postmaster", "hostmaster@example.net", NULL};
    char err[512] = "";
    rdns_config *c = parse(full_text, err, sizeof(err));

    CHECK(c != NULL);
    if (c == NULL) {
        fprintf(stderr, "full: %s\n", err);
        return;
    }
    CHECK_STR(err, "");
    CHECK(c->threshold == 9.5);
    CHECK(c->reject_stage == RDNS_STAGE_MAIL);
    CHECK(c->mode == RDNS_MODE_MONITOR);
    CHECK_STR(c->reject_reply, "Go away %{ip} (%{ptr}, %{helo}): %{reasons} score %{score}");
    CHECK_STR(c->tempfail_reply, "Later, %{ip}");
    CHECK(c->weights[RDNS_CHECK_PTR_NONE] == 6.0);
    CHECK(c->weights[RDNS_CHECK_FCRDNS_FAIL] == 2.5);
    CHECK(c->weights[RDNS_CHECK_PTR_GENERIC] == 1.0);
    CHECK(c->weights[RDNS_CHECK_HELO_NOT_FQDN] == 0.0);
    CHECK(c->weights[RDNS_CHECK_HELO_LITERAL_MISMATCH] == 100.0);
    CHECK(c->weights[RDNS_CHECK_HELO_UNRESOLVABLE] == 99.0);
    CHECK(c->weights[RDNS_CHECK_HELO_PTR_MISMATCH] == 0.25);
    CHECK(c->weights[RDNS_CHECK_FROM_NOT_FQDN] == 1.5);
    CHECK(c->weights[RDNS_CHECK_FROM_DOMAIN_INVALID] == 4.5);
    CHECK(c->weights[RDNS_CHECK_DNS_TEMPERROR] == 1.0);
    CHECK(c->weights[RDNS_CHECK_HELO_CONFIRMS] == -100.0);
    CHECK(c->weights[RDNS_CHECK_SENDER_MX_MATCH] == -1.0);
    CHECK(list_is(&c->resolvers, resolvers));
    CHECK(c->dns_timeout_ms == 250);
    CHECK(c->dns_retries == 0);
    CHECK(c->dns_budget_ms == 3000);
    CHECK(c->max_ptr_names == 64);
    CHECK(c->max_cname_depth == 0);
    CHECK(c->dns_prefetch == false);
    CHECK(c->dns_prefetch_min_rtt_ms == 0);
    CHECK(c->dns_workers == 7);
    CHECK(list_is(&c->generic_patterns, patterns));
    CHECK(list_is(&c->not_generic, notgen));
    CHECK(list_is(&c->whitelist, wl));
    CHECK(c->trusted_networks.n == 0);      /* a list replaces the default */
    CHECK(list_is(&c->never_reject, never));
    CHECK_STR(c->authserv_id, "mx.example.net");
    CHECK_STR(c->socket, "inet:8894@127.0.0.1");
    CHECK(c->socket_mode == 0600);
    CHECK_STR(c->user, "rdns-milter");
    CHECK_STR(c->group, "postfix");
    CHECK_STR(c->pid_file, "/run/rdns-milter/rdns-milter.pid");
    CHECK_STR(c->syslog_facility, "local3");
    CHECK(!c->mta_names);
    CHECK_STR(c->path, "t.yaml");
    rdns_config_free(c);
}

/* A partial file changes what it names and nothing else. */
static void test_partial(void)
{
    char err[512];
    rdns_config *d = rdns_config_default();
    rdns_config *c = parse("weights:\n  fcrdns_fail: 4\ndns: {retries: 3}\n", err, sizeof(err));

    CHECK(c != NULL);
    if (c == NULL)
        return;
    CHECK(c->weights[RDNS_CHECK_FCRDNS_FAIL] == 4.0);
    CHECK(c->dns_retries == 3);
    c->weights[RDNS_CHECK_FCRDNS_FAIL] = d->weights[RDNS_CHECK_FCRDNS_FAIL];
    c->dns_retries = d->dns_retries;
    CHECK(config_equal(c, d));
    rdns_config_free(c);

    /* Null values: empty lists, empty optional strings, empty groups. */
    c = parse("whitelist:\ntrusted_networks: ~\nauthserv_id:\ndns:\nmilter: null\n",
              err, sizeof(err));
    CHECK(c != NULL);
    if (c != NULL) {
        CHECK(c->whitelist.n == 0);
        CHECK(c->trusted_networks.n == 0);
        CHECK_STR(c->authserv_id, "");
        CHECK(c->dns_timeout_ms == 1500);
        rdns_config_free(c);
    }

    /* socket_mode: quoted or not, with or without the leading zero. */
    {
        static const char *const modes[] = {"\"0660\"", "0660", "660", "'0640'", "600",
                                            "0"};
        static const unsigned want[] = {0660, 0660, 0660, 0640, 0600, 0};

        for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
            char text[64];

            snprintf(text, sizeof(text), "milter:\n  socket_mode: %s\n", modes[i]);
            c = parse(text, err, sizeof(err));
            CHECK(c != NULL && c->socket_mode == want[i]);
            rdns_config_free(c);
        }
    }
    /* Each accepted socket form. */
    {
        static const char *const socks[] = {"unix:/run/x.sock", "local:/var/spool/x",
                                            "inet:8891", "inet:8891@localhost",
                                            "inet:8891@127.0.0.1", "inet6:8891@::1",
                                            "inet6:8891", "inet6:8891@mx.example.net"};

        for (size_t i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
            char text[128];

            snprintf(text, sizeof(text), "milter:\n  socket: \"%s\"\n", socks[i]);
            c = parse(text, err, sizeof(err));
            CHECK(c != NULL && strcmp(c->socket, socks[i]) == 0);
            if (c == NULL)
                fprintf(stderr, "socket %s: %s\n", socks[i], err);
            rdns_config_free(c);
        }
    }
    /* Every stage and facility name. */
    for (int s = RDNS_STAGE_CONNECT; s <= RDNS_STAGE_RCPT; s++) {
        char text[64];

        snprintf(text, sizeof(text), "reject_stage: %s\n", rdns_stage_str((rdns_stage)s));
        c = parse(text, err, sizeof(err));
        CHECK(c != NULL && c->reject_stage == (rdns_stage)s);
        rdns_config_free(c);
    }
    c = parse("milter: {syslog_facility: local7}\n", err, sizeof(err));
    CHECK(c != NULL && strcmp(c->syslog_facility, "local7") == 0);
    rdns_config_free(c);
    c = parse("milter: {syslog_facility: DAEMON}\n", err, sizeof(err));
    CHECK(c != NULL && strcmp(c->syslog_facility, "DAEMON") == 0);
    rdns_config_free(c);
    /* Every placeholder the milter fills in is accepted. */
    c = parse("reject_reply: '%{ip} %{ptr} %{helo} %{reasons} %{score} %{threshold} 100%'\n",
              err, sizeof(err));
    CHECK(c != NULL);
    rdns_config_free(c);
    rdns_config_free(d);
}

/* One error case: the YAML, the line it must name, and text the message
 * must hold. */
typedef struct error_case {
    const char *yaml;
    size_t line;
    const char *want;
} error_case;

static const error_case errors[] = {
    /* unknown keys at every level, with hints */
    {"threshold: 7\ntreshold: 8\n", 2,
     "unknown key \"treshold\" (did you mean \"threshold\"?)"},
    {"dns:\n  timout_ms: 5\n", 2, "unknown key \"dns.timout_ms\" (did you mean \"dns.timeout_ms\"?)"},
    {"timeout_ms: 5\n", 1, "unknown key \"timeout_ms\" (did you mean \"dns.timeout_ms\"?)"},
    {"milter:\n  sockt: unix:/x\n", 2, "(did you mean \"milter.socket\"?)"},
    {"weights:\n  ptr_nne: 1\n", 2, "(did you mean \"weights.ptr_none\"?)"},
    {"weights:\n  spf_fail: 1\n", 2, "unknown key \"weights.spf_fail\" (weights are named after checks"},
    {"generic:\n  pattern: []\n", 2, "(did you mean \"generic.patterns\"?)"},
    {"completely_else: 1\n", 1, "unknown key \"completely_else\""},
    {"[a]: 1\n", 1, "a key must be a plain name, got a list"},
    /* booleans are true or false, not yes/no/1 */
    {"dns:\n  prefetch: yes\n", 2, "dns.prefetch: expected true or false, got \"yes\""},
    {"threshold: 7\nmode: dry-run\n", 2, "mode: expected enforce or monitor, got \"dry-run\""},
    {"mode: Monitor\n", 1, "mode: expected enforce or monitor, got \"Monitor\""},
    {"mode: [monitor]\n", 1, "mode"},
    {"dns:\n  prefetch: 1\n", 2, "dns.prefetch: expected true or false, got \"1\""},
    {"dns:\n  prefetch: [true]\n", 2, "dns.prefetch"},
    {"dns:\n  workers: 0\n", 2, "dns.workers: expected an integer from 1 to 1024"},
    {"dns:\n  prefetch_min_rtt_ms: -1\n", 2,
     "dns.prefetch_min_rtt_ms: expected an integer from 0 to 60000"},
    {"milter:\n  control_socket: relative.ctl\n", 2, "milter.control_socket"},
    {"milter:\n  stats_interval: -1\n", 2, "milter.stats_interval: expected an integer"},
    /* duplicates */
    {"threshold: 7\n\nthreshold: 8\n", 3, "duplicate key \"threshold\" (first at line 1)"},
    {"dns:\n  retries: 1\n  retries: 2\n", 3, "duplicate key \"dns.retries\" (first at line 2)"},
    {"dns: {}\nthreshold: 1\ndns: {}\n", 3, "duplicate key \"dns\" (first at line 1)"},
    {"weights:\n  ptr_none: 1\n  ptr_none: 2\n", 3, "duplicate key \"weights.ptr_none\""},
    /* wrong types */
    {"threshold: [1]\n", 1, "threshold: expected a single value, got a list"},
    {"dns:\n  timeout_ms: {a: 1}\n", 2, "dns.timeout_ms: expected a single value, got a mapping"},
    {"whitelist: 10.0.0.0/8\n", 1, "whitelist: expected a list (write [ ... ] even for one entry), got a single value"},
    {"whitelist: {a: b}\n", 1, "whitelist: expected a list"},
    {"whitelist:\n  - [10.0.0.1]\n", 2, "whitelist: each entry must be a single value, got a list"},
    {"whitelist:\n  - ok.example\n  -\n", 3, "whitelist: empty entry"},
    {"dns: 5\n", 1, "dns: expected a mapping of keys, got a single value"},
    {"weights: [1, 2]\n", 1, "weights: expected a mapping of keys, got a list"},
    {"- a\n- b\n", 1, "the file must be a mapping of keys such as \"threshold: 7\", got a list"},
    {"\n\njust text\n", 3, "the file must be a mapping of keys"},
    /* numbers */
    {"dns:\n  retries: 1\n\n  timeout_ms: fast\n", 4,
     "dns.timeout_ms: expected an integer from 1 to 60000, got \"fast\""},
    {"dns:\n  timeout_ms: 0\n", 2, "expected an integer from 1 to 60000, got \"0\""},
    {"dns:\n  timeout_ms: 60001\n", 2, "expected an integer from 1 to 60000"},
    {"dns:\n  timeout_ms: 1500ms\n", 2, "got \"1500ms\""},
    {"dns:\n  timeout_ms: 15.0\n", 2, "expected an integer"},
    {"dns:\n  timeout_ms: 0x10\n", 2, "expected an integer"},
    {"dns:\n  timeout_ms: 0100\n", 2, "expected an integer"},
    {"dns:\n  timeout_ms: 99999999999999999999999\n", 2, "expected an integer"},
    {"dns:\n  timeout_ms:\n", 2, "expected an integer from 1 to 60000, got \"\""},
    {"dns:\n  retries: 11\n", 2, "dns.retries: expected an integer from 0 to 10"},
    {"dns:\n  retries: -1\n", 2, "dns.retries: expected an integer from 0 to 10"},
    {"dns:\n  budget_ms: 99\n", 2, "dns.budget_ms: expected an integer from 100 to 60000"},
    {"dns:\n  max_ptr_names: 0\n", 2, "dns.max_ptr_names: expected an integer from 1 to 64"},
    {"dns:\n  max_cname_depth: 33\n", 2, "dns.max_cname_depth: expected an integer from 0 to 32"},
    {"threshold: 0\n", 1, "threshold: expected a number from 0.1 to 1000, got \"0\""},
    {"threshold: 1001\n", 1, "threshold: expected a number from 0.1 to 1000"},
    {"threshold: 7 points\n", 1, "got \"7 points\""},
    {"threshold: .inf\n", 1, "threshold: expected a number"},
    {"threshold: nan\n", 1, "threshold: expected a number"},
    {"threshold: 1e999\n", 1, "threshold: expected a number"},
    {"threshold: 0x7\n", 1, "threshold: expected a number"},
    {"threshold: ~\n", 1, "threshold: expected a number"},
    {"weights:\n  ptr_none: 101\n", 2, "weights.ptr_none: expected a number from 0 to 100, got \"101\""},
    {"weights:\n  ptr_none: -1\n", 2, "weights.ptr_none: expected a number from 0 to 100, got \"-1\""},
    {"weights:\n  helo_confirms: 0.5\n", 2,
     "weights.helo_confirms: expected a number from -100 to 0, got \"0.5\""},
    {"weights:\n  ptr_none: high\n", 2, "weights.ptr_none: expected a number"},
    /* enumerations */
    {"reject_stage: data\n", 1, "reject_stage: expected one of connect, helo, mail, rcpt, got \"data\""},
    {"reject_stage: RCPT\n", 1, "reject_stage: expected one of"},
    {"milter:\n  syslog_facility: local8\n", 2, "milter.syslog_facility: 'local8': expected one of mail, daemon, user, local0 .. local7"},
    {"milter:\n  syslog_facility: \"\"\n", 2, "milter.syslog_facility: expected a value, got nothing"},
    /* modes */
    {"milter:\n  socket_mode: rw\n", 2, "milter.socket_mode: expected an octal mode from 0000 to 0777 such as \"0660\", got \"rw\""},
    {"milter:\n  socket_mode: \"0680\"\n", 2, "milter.socket_mode: expected an octal mode"},
    {"milter:\n  socket_mode: 1777\n", 2, "milter.socket_mode: expected an octal mode"},
    {"milter:\n  socket_mode: 00660\n", 2, "milter.socket_mode: expected an octal mode"},
    {"milter:\n  socket_mode: -660\n", 2, "milter.socket_mode: expected an octal mode"},
    /* sockets */
    {"milter:\n  socket: /run/x.sock\n", 2, "milter.socket: '/run/x.sock': expected unix:/PATH, local:/PATH, inet:PORT@HOST, inet6:PORT@HOST or inet:PORT"},
    {"milter:\n  socket: unix:run/x.sock\n", 2, "the socket path must be absolute"},
    {"milter:\n  socket: \"unix:/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n", 2, "longer than 107 bytes"},
    {"milter:\n  socket: inet:0@127.0.0.1\n", 2, "milter.socket: 'inet:0@127.0.0.1': expected"},
    {"milter:\n  socket: inet:65536\n", 2, "milter.socket: 'inet:65536': expected"},
    {"milter:\n  socket: inet:port@localhost\n", 2, "milter.socket: 'inet:port@localhost'"},
    {"milter:\n  socket: inet:8891@\n", 2, "milter.socket: 'inet:8891@'"},
    {"milter:\n  socket: inet:8891@bad_host!\n", 2, "milter.socket: 'inet:8891@bad_host!'"},
    {"milter:\n  socket: inet:8891@::1\n", 2, "milter.socket: 'inet:8891@::1'"},
    {"milter:\n  socket: inet6:8891@127.0.0.1\n", 2, "milter.socket: 'inet6:8891@127.0.0.1'"},
    {"milter:\n  socket: tcp:8891\n", 2, "milter.socket: 'tcp:8891'"},
    {"milter:\n  socket:\n", 2, "milter.socket: expected a value, got nothing"},
    /* addresses and names in lists */
    {"whitelist:\n  - 10.0.0.0/8\n  - 10.0.0.1/33\n", 3, "whitelist: '10.0.0.1/33': prefix out of range (0..32)"},
    {"whitelist: [10.0.0.1/8]\n", 1, "whitelist: '10.0.0.1/8': host bits set"},
    {"whitelist: [\"net\"]\n", 1, "whitelist: 'net': not an IP address, CIDR block or domain name"},
    {"trusted_networks:\n  - 127.0.0.0/8\n  - localhost.example\n", 3, "trusted_networks: 'localhost.example': only IP addresses and CIDR blocks"},
    {"trusted_networks: [\"::1/129\"]\n", 1, "trusted_networks: '::1/129': prefix out of range (0..128)"},
    {"dns:\n  resolvers: [localhost]\n", 2, "dns.resolvers: 'localhost': expected an IP address, IPv4:PORT or [IPv6]:PORT"},
    {"dns:\n  resolvers: [\"127.0.0.1:0\"]\n", 2, "dns.resolvers: '127.0.0.1:0'"},
    {"dns:\n  resolvers: [\"[::1]:99999\"]\n", 2, "dns.resolvers: '[::1]:99999'"},
    {"dns:\n  resolvers: [\"[127.0.0.1]:53\"]\n", 2, "dns.resolvers: '[127.0.0.1]:53'"},
    {"dns:\n  resolvers: [\"::1:53x\"]\n", 2, "dns.resolvers: '::1:53x'"},
    {"never_reject: [\"post master\"]\n", 1, "never_reject: 'post master': expected a local part"},
    {"never_reject: [\"@example.net\"]\n", 1, "never_reject: '@example.net'"},
    {"never_reject: [\"abuse@localhost\"]\n", 1, "never_reject: 'abuse@localhost'"},
    {"generic:\n  not_generic: [example]\n", 2, "generic.not_generic: 'example': expected a domain name of two or more labels, or ~REGEX"},
    /* regexes */
    {"generic:\n  patterns:\n    - ok\n    - '([a-z'\n", 4, "generic.patterns: "},
    {"generic:\n  not_generic:\n    - '~(unclosed'\n", 3, "generic.not_generic: "},
    {"generic:\n  patterns: ['']\n", 2, "generic.patterns: empty entry"},
    {"generic:\n  not_generic: ['~']\n", 2, "generic.not_generic: empty pattern"},
    /* strings */
    {"reject_reply: \"\"\n", 1, "reject_reply: expected a value, got nothing"},
    {"reject_reply: \"go\\naway\"\n", 1, "reject_reply: only printable ASCII"},
    {"reject_reply: \"caf\\u00e9\"\n", 1, "reject_reply: only printable ASCII"},
    {"tempfail_reply: \"retry %{ip} %{when}\"\n", 1, "tempfail_reply: unknown placeholder \"%{when}\""},
    {"tempfail_reply: \"retry %{ip\"\n", 1, "tempfail_reply: unclosed placeholder"},
    {"authserv_id: \"mx example\"\n", 1, "authserv_id: 'mx example': expected a single token"},
    {"authserv_id: \"mx;x\"\n", 1, "authserv_id: 'mx;x'"},
    {"milter:\n  user: \"ro ot\"\n", 2, "milter.user: 'ro ot': not a valid user or group name"},
    {"milter:\n  group: -wheel\n", 2, "milter.group: '-wheel': not a valid user or group name"},
    {"reject_reply: \"%{thresh}\"\n", 1, "%{score} %{threshold})"},
    {"milter:\n  user: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 2, "milter.user: value too long (33 bytes, at most 32)"},
    {"milter:\n  pid_file: run/x.pid\n", 2, "milter.pid_file: 'run/x.pid': expected an absolute path"},
    {"authserv_id: \"a\\0b\"\n", 1, "authserv_id: NUL byte in value"},
    /* YAML syntax */
    {"threshold: 7\ndns:\n  retries: [1, 2\n", 4, "YAML syntax error"},
    {"threshold: 7\n  bad: indent\n", 2, "YAML syntax error"},
    {"a: 'unclosed\n", 2, "YAML syntax error"},
    {"threshold: 7\n\tdns: 1\n", 2, "YAML syntax error"},
    {"threshold: 7\n---\nthreshold: 8\n", 3, "only one YAML document is allowed"},
    {"threshold: 7\nbad: \xff\n", 2, "YAML syntax error"},
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        const error_case *e = &errors[i];
        char err[1024] = "", prefix[32];
        rdns_config *c = parse(e->yaml, err, sizeof(err));

        snprintf(prefix, sizeof(prefix), "t.yaml:%zu: ", e->line);
        CHECK(c == NULL);
        rdns_config_free(c);
        if (strncmp(err, prefix, strlen(prefix)) != 0 || strstr(err, e->want) == NULL) {
            fprintf(stderr, "case %zu: got \"%s\"\n  want \"%s...%s\"\n", i, err, prefix,
                    e->want);
            CHECK(0);
        } else {
            CHECK(1);
        }
        /* One line of printable ASCII, whatever the input held. */
        for (const char *p = err; *p; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
                fprintf(stderr, "case %zu: unprintable byte in \"%s\"\n", i, err);
                CHECK(0);
                break;
            }
    }
}

/* The exact form of the messages the brief promises. */
static void test_exact_messages(void)
{
    char err[512];
    rdns_config *c;

    c = parse_as("/etc/x.yaml", "\n\n\n\n\n\n\n\n\n\ndns:\n  timeout_ms: fast\n", err, sizeof(err));
    CHECK(c == NULL);
    CHECK_STR(err, "/etc/x.yaml:12: dns.timeout_ms: expected an integer from 1 to 60000, "
                   "got \"fast\"");
    c = parse_as("x.yaml", "a: 1\n", err, sizeof(err));
    CHECK(c == NULL);
    CHECK_STR(err, "x.yaml:1: unknown key \"a\"");
    c = parse_as("x.yaml", "dns: {}\nmilter: {}\ntreshold: 3\n", err, sizeof(err));
    CHECK(c == NULL);
    CHECK_STR(err, "x.yaml:3: unknown key \"treshold\" (did you mean \"threshold\"?)");
    /* Unprintable bytes in a key are escaped, not copied. */
    c = parse_as("x.yaml", "\"a\\tb\": 1\n", err, sizeof(err));
    CHECK(c == NULL);
    CHECK_STR(err, "x.yaml:1: unknown key \"a\\x09b\"");
    /* A short error buffer is filled and terminated, never overrun. */
    {
        char small[16];

        memset(small, 'Z', sizeof(small));
        c = rdns_config_parse("x.yaml", "treshold: 3\n", 12, small, sizeof(small) - 4);
        CHECK(c == NULL);
        CHECK(strlen(small) < sizeof(small) - 4);
        CHECK(small[sizeof(small) - 1] == 'Z');
    }
    /* len is honoured: text past it is not read. */
    c = rdns_config_parse("x.yaml", "threshold: 3\ngarbage: [", 13, err, sizeof(err));
    CHECK(c != NULL && c->threshold == 3.0);
    rdns_config_free(c);
    /* Huge input is refused before parsing. */
    {
        size_t n = 2 * 1024 * 1024;
        char *big = malloc(n);

        memset(big, '#', n);
        c = rdns_config_parse("big.yaml", big, n, err, sizeof(err));
        CHECK(c == NULL);
        CHECK(strstr(err, "big.yaml: file too large") == err);
        free(big);
    }
}

static char tmpdir[] = "/tmp/test_config.XXXXXX";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

static void test_load(void)
{
    char path[256], want[512], err[512];
    rdns_config *c;

    CHECK(mkdtemp(tmpdir) != NULL);
    snprintf(path, sizeof(path), "%s/missing.yaml", tmpdir);
    c = rdns_config_load(path, err, sizeof(err));
    CHECK(c == NULL);
    snprintf(want, sizeof(want), "%s: cannot read: %s", path, strerror(ENOENT));
    CHECK_STR(err, want);

    c = rdns_config_load(tmpdir, err, sizeof(err));
    CHECK(c == NULL);
    snprintf(want, sizeof(want), "%s: cannot read: %s", tmpdir, strerror(EISDIR));
    CHECK_STR(err, want);

    /* A device (or a FIFO, which would hang) is not read at all. */
    c = rdns_config_load("/dev/null", err, sizeof(err));
    CHECK(c == NULL);
    CHECK_STR(err, "/dev/null: not a regular file");

    snprintf(path, sizeof(path), "%s/good.yaml", tmpdir);
    write_file(path, "threshold: 5\nnever_reject: [postmaster]\n");
    c = rdns_config_load(path, err, sizeof(err));
    CHECK(c != NULL);
    if (c != NULL) {
        CHECK(c->threshold == 5.0);
        CHECK(c->never_reject.n == 1);
        CHECK_STR(c->path, path);
        rdns_config_free(c);
    }
    unlink(path);

    snprintf(path, sizeof(path), "%s/bad.yaml", tmpdir);
    write_file(path, "# comment\nthreshold: 5\nreject_stage: later\n");
    c = rdns_config_load(path, err, sizeof(err));
    CHECK(c == NULL);
    snprintf(want, sizeof(want), "%s:3: reject_stage: expected one of connect, helo, mail, "
             "rcpt, got \"later\"", path);
    CHECK_STR(err, want);
    unlink(path);

    snprintf(path, sizeof(path), "%s/empty.yaml", tmpdir);
    write_file(path, "");
    c = rdns_config_load(path, err, sizeof(err));
    CHECK(c != NULL && c->threshold == 7.0);
    rdns_config_free(c);
    unlink(path);

    if (geteuid() != 0) {       /* root reads anything */
        snprintf(path, sizeof(path), "%s/secret.yaml", tmpdir);
        write_file(path, "threshold: 5\n");
        chmod(path, 0);
        c = rdns_config_load(path, err, sizeof(err));
        CHECK(c == NULL);
        CHECK(strstr(err, strerror(EACCES)) != NULL);
        unlink(path);
    }
    CHECK(rdns_config_load(NULL, err, sizeof(err)) == NULL);
    rmdir(tmpdir);
}

/* The shipped sample must say exactly what the defaults are. */
static void test_sample(void)
{
    char err[512] = "";
    rdns_config *c = rdns_config_load(SAMPLE_FILE, err, sizeof(err));
    rdns_config *d = rdns_config_default();

    CHECK(c != NULL);
    if (c == NULL) {
        fprintf(stderr, "sample: %s\n", err);
    } else {
        CHECK(config_equal(c, d));
        rdns_config_free(c);
    }
    rdns_config_free(d);
}

/* The sample file must name every key (so it is a full reference). */
static void test_sample_names_every_key(void)
{
    FILE *f = fopen(SAMPLE_FILE, "r");
    char *text = calloc(1, 1 << 16);
    size_t n;

    CHECK(f != NULL && text != NULL);
    if (f == NULL || text == NULL) {
        free(text);
        return;
    }
    n = fread(text, 1, (1 << 16) - 1, f);
    fclose(f);
    CHECK(n > 0);
    for (const char *const *k = rdns_config_keys(); *k != NULL; k++) {
        const char *last = strrchr(*k, '.');
        char needle[80];

        snprintf(needle, sizeof(needle), "%s:", last ? last + 1 : *k);
        if (strstr(text, needle) == NULL) {
            fprintf(stderr, "sample file lacks %s\n", *k);
            CHECK(0);
        }
    }
    free(text);
}

/* Every key is listed once, every check has its weight key, and every
 * listed key is accepted by the parser with a value of its type. */
static void test_keys(void)
{
    const char *const *keys = rdns_config_keys();
    size_t n = 0;

    CHECK(keys != NULL);
    for (; keys[n] != NULL; n++)
        for (size_t j = 0; j < n; j++)
            CHECK(strcmp(keys[n], keys[j]) != 0);
    CHECK(n == 35 + RDNS_CHECK_COUNT);
    for (int i = 0; i < RDNS_CHECK_COUNT; i++) {
        char want[64], text[128], err[512];
        bool found = false;
        rdns_config *c;

        snprintf(want, sizeof(want), "weights.%s", rdns_check_name((rdns_check)i));
        for (size_t j = 0; j < n; j++)
            found = found || strcmp(keys[j], want) == 0;
        CHECK(found);
        /* rewards weigh -100 to 0, penalties 0 to 100 */
        snprintf(text, sizeof(text), "weights:\n  %s: %s\n", rdns_check_name((rdns_check)i),
                 rdns_check_is_reward((rdns_check)i) ? "-42.5" : "42.5");
        c = parse(text, err, sizeof(err));
        CHECK(c != NULL && c->weights[i] == (rdns_check_is_reward((rdns_check)i) ? -42.5 : 42.5));
        rdns_config_free(c);
    }
    /* Each key in YAML form with a value that fits its type. */
    for (size_t i = 0; i < n; i++) {
        static const struct {
            const char *key, *value;
        } values[] = {
            {"threshold", "5"}, {"reject_stage", "helo"}, {"mode", "monitor"},
            {"reject_reply", "no"},
            {"tempfail_reply", "later"}, {"authserv_id", "mx.example"},
            {"dns.resolvers", "[127.0.0.1]"}, {"dns.timeout_ms", "10"},
            {"dns.retries", "2"}, {"dns.budget_ms", "1000"}, {"dns.max_ptr_names", "3"},
            {"dns.max_cname_depth", "2"}, {"generic.patterns", "[x]"},
            {"generic.not_generic", "[a.example]"}, {"generic.neighbours", "true"},
            {"whitelist", "[a.example]"},
            {"trusted_networks", "[10.0.0.0/8]"}, {"never_reject", "[abuse]"},
            {"milter.socket", "inet:1"}, {"milter.socket_mode", "0600"},
            {"milter.user", "nobody"}, {"milter.group", "nogroup"},
            {"milter.pid_file", "/x.pid"}, {"milter.syslog_facility", "daemon"},
            {"dns.prefetch", "false"}, {"dns.workers", "4"},
            {"dns.prefetch_min_rtt_ms", "5"},
            {"milter.stats_interval", "60"}, {"milter.control_socket", "/run/x.ctl"},
            {"milter.mta_names", "false"},
        };
        const char *dot = strchr(keys[i], '.');
        const char *value = strcmp(keys[i], "weights.helo_confirms") == 0
            || strcmp(keys[i], "weights.sender_mx_match") == 0 ? "-1" : "1";
        char text[256], err[512];
        rdns_config *c;

        for (size_t j = 0; j < sizeof(values) / sizeof(values[0]); j++)
            if (strcmp(values[j].key, keys[i]) == 0)
                value = values[j].value;
        if (dot != NULL)
            snprintf(text, sizeof(text), "%.*s:\n  %s: %s\n", (int)(dot - keys[i]), keys[i],
                     dot + 1, value);
        else
            snprintf(text, sizeof(text), "%s: %s\n", keys[i], value);
        c = parse(text, err, sizeof(err));
        if (c == NULL)
            fprintf(stderr, "key %s: %s\n", keys[i], err);
        CHECK(c != NULL);
        rdns_config_free(c);
    }
}

int main(void)
{
    test_defaults();
    test_empty();
    test_full();
    test_partial();
    test_errors();
    test_exact_messages();
    test_load();
    test_sample();
    test_sample_names_every_key();
    test_keys();
    CHECK_DONE();
}
