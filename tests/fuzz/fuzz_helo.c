/*
 * NAME
 *   fuzz_helo - libFuzzer target for rdns_helo_parse and the HELO checks
 * DESCRIPTION
 *   The input is the raw HELO argument (any bytes, NUL included), passed
 *   by length in an exact-size heap buffer. Invariants checked:
 *   - the reason for BAD is non-empty printable ASCII inside its buffer,
 *     and a tiny reason buffer gives the same verdict without overflow;
 *   - a LITERAL starts with '[' and ends with ']', and the address,
 *     written back as "[a.b.c.d]" or "[IPv6:...]", parses to itself
 *     (round trip);
 *   - an FQDN holds no NUL and is a valid name by rdns_name_is_fqdn;
 *   - rdns_helo_check, run where it promises no lookup (BAD, LITERAL, or
 *     an FQDN equal to the verified name), leaves only printable details
 *     on the scorecard.
 */
#include <sys/socket.h>

#include "addr.h"
#include "dns.h"
#include "fuzz.h"
#include "helo.h"
#include "name.h"
#include "score.h"

static rdns_dns *fuzz_dns;

/* A resolver that is never asked: the paths fuzzed here do no lookups.
 * It points at the discard port on loopback should that ever change. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    rdns_strlist servers = {0};
    rdns_dns_options o = {.servers = &servers, .timeout_ms = 5, .retries = 0,
                          .max_cname_depth = 4};
    char err[256];

    (void)argc;
    (void)argv;
    rdns_strlist_add(&servers, "127.0.0.1:9");
    fuzz_dns = rdns_dns_create(&o, err, sizeof(err));
    rdns_strlist_clear(&servers);
    FUZZ_ASSERT(fuzz_dns != NULL);
    return 0;
}

static void check_literal(const char *h, size_t len, const rdns_addr *lit)
{
    char text[RDNS_ADDR_STRLEN], again[RDNS_ADDR_STRLEN + 8];
    rdns_addr back;
    int n;

    FUZZ_ASSERT(len >= 3 && h[0] == '[' && h[len - 1] == ']');
    FUZZ_ASSERT(lit->family == AF_INET || lit->family == AF_INET6);
    rdns_addr_format(lit, text, sizeof(text));
    n = snprintf(again, sizeof(again), "[%s%s]",
                 lit->family == AF_INET6 ? "IPv6:" : "", text);
    FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(again));
    FUZZ_ASSERT(rdns_helo_parse(again, (size_t)n, &back, NULL, 0) == RDNS_HELO_LITERAL);
    FUZZ_ASSERT(rdns_addr_equal(lit, &back));
}

static void check_card(const rdns_score *s)
{
    for (int c = 0; c < RDNS_CHECK_COUNT; c++) {
        const char *d = rdns_score_detail(s, (rdns_check)c);
        const char *f = rdns_score_fix(s, (rdns_check)c);

        FUZZ_ASSERT(d != NULL && fuzz_printable(d, strlen(d) + 1));
        if (f)
            FUZZ_ASSERT(fuzz_printable(f, strlen(f) + 1));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *h = malloc(size > 0 ? size : 1);
    char why[128], tiny[4];
    rdns_addr lit, lit2, client;
    rdns_helo_kind kind;
    rdns_score *s;
    char *verified = NULL;

    if (h == NULL)
        abort();
    if (size > 0)
        memcpy(h, data, size);
    kind = rdns_helo_parse(h, size, &lit, why, sizeof(why));
    FUZZ_ASSERT(kind == RDNS_HELO_FQDN || kind == RDNS_HELO_LITERAL || kind == RDNS_HELO_BAD);
    FUZZ_ASSERT(fuzz_printable(why, sizeof(why)));
    FUZZ_ASSERT(rdns_helo_parse(h, size, &lit2, tiny, sizeof(tiny)) == kind);
    FUZZ_ASSERT(fuzz_printable(tiny, sizeof(tiny)));
    FUZZ_ASSERT(rdns_helo_parse(h, size, NULL, NULL, 0) == kind);

    switch (kind) {
    case RDNS_HELO_BAD:
        FUZZ_ASSERT(why[0] != '\0');
        break;
    case RDNS_HELO_LITERAL:
        FUZZ_ASSERT(rdns_addr_equal(&lit, &lit2));
        check_literal(h, size, &lit);
        break;
    case RDNS_HELO_FQDN:
        FUZZ_ASSERT(memchr(h, '\0', size) == NULL);
        verified = fuzz_cstr(data, size);
        FUZZ_ASSERT(rdns_name_is_fqdn(verified));
        break;
    }

    /* No lookup on these paths: a bad argument, a literal, or the
     * verified PTR name itself. The client is the literal when there is
     * one (no mismatch) or a fixed address. */
    s = rdns_score_new();
    rdns_addr_parse("192.0.2.1", &client);
    rdns_helo_check(s, fuzz_dns, h, size, kind == RDNS_HELO_LITERAL ? &lit : &client,
                    verified, 0);
    check_card(s);
    if (kind == RDNS_HELO_LITERAL)
        FUZZ_ASSERT(rdns_score_state(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) != RDNS_CHECK_HIT);
    if (kind == RDNS_HELO_BAD)
        FUZZ_ASSERT(rdns_score_state(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_HIT);
    rdns_score_free(s);
    free(verified);
    free(h);
    return 0;
}
