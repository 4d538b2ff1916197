/*
 * NAME
 *   fuzz_config - libFuzzer target for rdns_config_parse
 * DESCRIPTION
 *   The input is a YAML document (any bytes). Invariants checked:
 *   - NULL comes with a message "fuzz:LINE: ..." or "fuzz: ..." that is
 *     printable ASCII inside its buffer (values are echoed escaped);
 *   - a config that loads has every number inside its documented range,
 *     lists within their limits, and is accepted by the modules it feeds:
 *     the generic classifier compiles its patterns, the whitelists take
 *     their entries, and the engine builds from it.
 */
#include <ctype.h>
#include <math.h>

#include "config.h"
#include "eval.h"
#include "fuzz.h"
#include "generic_ptr.h"
#include "whitelist.h"

static void check_error(const char *err, size_t errlen)
{
    const char *p = err + 4;

    FUZZ_ASSERT(fuzz_printable(err, errlen));
    FUZZ_ASSERT(strncmp(err, "fuzz:", 5) == 0);
    p = err + 5;
    if (*p == ' ') {
        FUZZ_ASSERT(p[1] != '\0');
        return;
    }
    FUZZ_ASSERT(isdigit((unsigned char)*p) && *p != '0');
    while (isdigit((unsigned char)*p))
        p++;
    FUZZ_ASSERT(p[0] == ':' && p[1] == ' ' && p[2] != '\0');
}

static void check_ranges(const rdns_config *c)
{
    for (int i = 0; i < RDNS_CHECK_COUNT; i++)
        FUZZ_ASSERT(isfinite(c->weights[i]) && c->weights[i] >= -100 && c->weights[i] <= 100);
    FUZZ_ASSERT(isfinite(c->threshold) && c->threshold >= 0.1 && c->threshold <= 1000);
    FUZZ_ASSERT(c->reject_stage >= RDNS_STAGE_CONNECT && c->reject_stage <= RDNS_STAGE_RCPT);
    FUZZ_ASSERT(c->dns_timeout_ms >= 1 && c->dns_timeout_ms <= 60000);
    FUZZ_ASSERT(c->dns_retries >= 0 && c->dns_retries <= 10);
    FUZZ_ASSERT(c->dns_budget_ms >= 100 && c->dns_budget_ms <= 60000);
    FUZZ_ASSERT(c->max_ptr_names >= 1 && c->max_ptr_names <= 64);
    FUZZ_ASSERT(c->max_cname_depth >= 0 && c->max_cname_depth <= 32);
    FUZZ_ASSERT(c->resolvers.n <= 16);
    FUZZ_ASSERT(c->socket_mode <= 0777);
    FUZZ_ASSERT(c->reject_reply && c->tempfail_reply && c->authserv_id && c->socket
                && c->user && c->group && c->pid_file && c->syslog_facility);
    FUZZ_ASSERT(strlen(c->reject_reply) <= 450 && strlen(c->tempfail_reply) <= 450);
    FUZZ_ASSERT(strlen(c->authserv_id) <= 253);
}

static void check_modules(rdns_config *c)
{
    char err[512];
    rdns_generic *g;
    rdns_whitelist *w;
    rdns_engine *e;

    g = rdns_generic_create(&c->generic_patterns, &c->not_generic, err, sizeof(err));
    FUZZ_ASSERT(g != NULL);
    rdns_generic_free(g);
    w = rdns_whitelist_create(&c->whitelist, false, err, sizeof(err));
    FUZZ_ASSERT(w != NULL);
    rdns_whitelist_free(w);
    w = rdns_whitelist_create(&c->trusted_networks, true, err, sizeof(err));
    FUZZ_ASSERT(w != NULL);
    rdns_whitelist_free(w);

    /* A loopback resolver when none is set, so the engine does not depend
     * on this machine's /etc/resolv.conf. */
    if (c->resolvers.n == 0)
        rdns_strlist_add(&c->resolvers, "127.0.0.1:9");
    e = rdns_engine_create(c, err, sizeof(err));       /* takes c */
    if (e == NULL)
        fprintf(stderr, "engine refused a loaded config: %s\n", err);
    FUZZ_ASSERT(e != NULL);
    rdns_engine_unref(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size > 0 ? size : 1);
    char err[512];
    rdns_config *c;

    if (text == NULL)
        abort();
    if (size > 0)
        memcpy(text, data, size);
    memset(err, 'Z', sizeof(err));
    c = rdns_config_parse("fuzz", text, size, err, sizeof(err));
    if (c == NULL) {
        check_error(err, sizeof(err));
    } else {
        check_ranges(c);
        check_modules(c);
    }
    free(text);
    return 0;
}
