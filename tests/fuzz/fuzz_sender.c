/*
 * NAME
 *   fuzz_sender - libFuzzer target for rdns_sender_parse and its checks
 * DESCRIPTION
 *   The input is a raw MAIL FROM argument (any bytes), passed by length in
 *   an exact-size heap buffer. Invariants checked:
 *   - a DOMAIN result is non-empty, at most 255 bytes, free of control
 *     bytes, lowercase ASCII (unless an address literal), and occurs in the
 *     input (ignoring ASCII case);
 *   - a buffer too small for the domain never overflows (exact-size heap
 *     buffer) and gives BAD, never a cut domain;
 *   - an argument without angle brackets gives the same answer when
 *     wrapped in them;
 *   - rdns_sender_check, where it promises no lookup (null sender, bad
 *     argument, address literal, 8-bit or non-FQDN domain), leaves only
 *     printable details, and never penalises the null sender.
 */
#include <strings.h>

#include "dns.h"
#include "fuzz.h"
#include "name.h"
#include "score.h"
#include "sender.h"

static rdns_dns *fuzz_dns;

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

static bool contains_nocase(const char *hay, size_t hlen, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = 0; n <= hlen && i <= hlen - n; i++)
        if (strncasecmp(hay + i, needle, n) == 0 && memchr(hay + i, '\0', n) == NULL)
            return true;
    return false;
}

static void check_domain(const char *from, size_t len, const char *d)
{
    size_t n = strlen(d);

    FUZZ_ASSERT(n > 0 && n <= 255);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)d[i];

        FUZZ_ASSERT(c >= 0x20 && c != 0x7f);
        if (d[0] != '[')
            FUZZ_ASSERT(!(c >= 'A' && c <= 'Z'));
    }
    FUZZ_ASSERT(contains_nocase(from, len, d));
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
    char *from = malloc(size + 2), *wrapped;
    char domain[256], d2[256];
    rdns_sender_kind kind;
    size_t dlen;

    if (from == NULL)
        abort();
    if (size > 0)
        memcpy(from, data, size);
    kind = rdns_sender_parse(from, size, domain, sizeof(domain));
    FUZZ_ASSERT(kind == RDNS_SENDER_NULL || kind == RDNS_SENDER_DOMAIN
                || kind == RDNS_SENDER_BAD);
    FUZZ_ASSERT(strnlen(domain, sizeof(domain)) < sizeof(domain));
    if (kind != RDNS_SENDER_DOMAIN)
        FUZZ_ASSERT(domain[0] == '\0');
    else
        check_domain(from, size, domain);

    /* Exactly the room the domain needs, then one byte less. */
    if (kind == RDNS_SENDER_DOMAIN) {
        char *exact, *shorter;

        dlen = strlen(domain);
        exact = malloc(dlen + 1);
        shorter = malloc(dlen);
        if (exact == NULL || shorter == NULL)
            abort();
        FUZZ_ASSERT(rdns_sender_parse(from, size, exact, dlen + 1) == RDNS_SENDER_DOMAIN);
        FUZZ_ASSERT(strcmp(exact, domain) == 0);
        FUZZ_ASSERT(rdns_sender_parse(from, size, shorter, dlen) == RDNS_SENDER_BAD);
        free(exact);
        free(shorter);
    }

    /* "<arg>" answers like "arg" when arg has no brackets or edge spaces. */
    if (size > 0 && from[0] != '<' && from[size - 1] != '>'
        && from[0] != ' ' && from[0] != '\t'
        && from[size - 1] != ' ' && from[size - 1] != '\t') {
        wrapped = malloc(size + 2);
        if (wrapped == NULL)
            abort();
        wrapped[0] = '<';
        memcpy(wrapped + 1, from, size);
        wrapped[size + 1] = '>';
        FUZZ_ASSERT(rdns_sender_parse(wrapped, size + 2, d2, sizeof(d2)) == kind);
        FUZZ_ASSERT(strcmp(d2, domain) == 0);
        free(wrapped);
    }

    if (kind != RDNS_SENDER_DOMAIN || !rdns_name_is_fqdn(domain)) {
        rdns_score *s = rdns_score_new();

        rdns_sender_check(s, fuzz_dns, from, size, 0);
        check_card(s);
        if (kind == RDNS_SENDER_NULL) {
            FUZZ_ASSERT(rdns_score_state(s, RDNS_CHECK_FROM_NOT_FQDN) != RDNS_CHECK_HIT);
            FUZZ_ASSERT(rdns_score_state(s, RDNS_CHECK_FROM_DOMAIN_INVALID) != RDNS_CHECK_HIT);
        }
        if (kind == RDNS_SENDER_BAD)
            FUZZ_ASSERT(rdns_score_state(s, RDNS_CHECK_FROM_NOT_FQDN) == RDNS_CHECK_HIT);
        rdns_score_free(s);
    }
    free(from);
    return 0;
}
