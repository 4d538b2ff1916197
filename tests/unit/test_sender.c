/*
 * test_sender - rdns_sender_parse() on every shape of MAIL FROM argument
 * MTAs hand a milter, and rdns_sender_check() on the paths that need no
 * DNS answer.
 *
 * The resolver points at a UDP socket of this test on 127.0.0.1 that never
 * answers: a syntax-only case must send it nothing (counted after each
 * check), and an FQDN must ask it for MX and end UNKNOWN with
 * dns_temperror, never HIT. MX, null MX, NXDOMAIN and the A/AAAA fallback
 * are covered by the scenario tests against a real DNS server.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "silentdns.h"
#include "clock.h"
#include "dns.h"
#include "score.h"
#include "sender.h"

/* ---- rdns_sender_parse ----------------------------------------------- */

static void parse_is(const char *from, size_t len, rdns_sender_kind want,
                     const char *want_domain, int line)
{
    char domain[256];
    rdns_sender_kind got;

    memset(domain, 'Z', sizeof(domain));
    got = rdns_sender_parse(from, len, domain, sizeof(domain));
    if (got != want || strcmp(domain, want_domain) != 0) {
        check_failed++;
        fprintf(stderr, "%s:%d: parse gave kind %d domain \"%.80s\", want %d \"%s\"\n",
                __FILE__, line, (int)got, domain, (int)want, want_domain);
    } else {
        check_passed++;
    }
}

#define DOMAIN(f, d) parse_is(f, sizeof(f) - 1, RDNS_SENDER_DOMAIN, d, __LINE__)
#define BAD(f) parse_is(f, sizeof(f) - 1, RDNS_SENDER_BAD, "", __LINE__)
#define NUL(f) parse_is(f, sizeof(f) - 1, RDNS_SENDER_NULL, "", __LINE__)

static void test_parse(void)
{
    char buf[600];

    DOMAIN("<user@Example.COM>", "example.com");
    DOMAIN("user@example.com", "example.com");
    DOMAIN("<user@example.com.>", "example.com");
    DOMAIN(" <user@example.com> ", "example.com");
    DOMAIN("<@relay1.example,@relay2.example:user@dom.example>", "dom.example");
    DOMAIN("<@relay1.example:user@dom.example>", "dom.example");
    DOMAIN("<\"a@b\"@dom.example>", "dom.example");
    DOMAIN("<\"a\\\"@b\"@dom.example>", "dom.example");     /* "a\"@b"@dom */
    DOMAIN("<\"a\\\\\"@dom.example>", "dom.example");       /* "a\\"@dom */
    DOMAIN("<user@[192.0.2.1]>", "[192.0.2.1]");
    DOMAIN("<user@[IPv6:2001:DB8::1]>", "[IPv6:2001:DB8::1]");
    DOMAIN("<user@localhost>", "localhost");       /* syntax is checked later */
    DOMAIN("<user@b\xc3\x9c" "cher.Example>", "b\xc3\x9c" "cher.example");
    DOMAIN("<a@b@example.com>", "example.com");    /* the last @ */
    NUL("<>");
    NUL("");
    NUL(" <> ");
    parse_is(NULL, 0, RDNS_SENDER_NULL, "", __LINE__);
    BAD("<user>");
    BAD("user");
    BAD("<\"a@b\">");
    BAD("<\"user@example.com>");
    BAD("<user@example.com");
    BAD("user@example.com>");
    BAD("<");
    BAD(">");
    BAD("<@example.com>");
    BAD("<@relay.example:@dom.example>");
    BAD("<user@>");
    BAD("<user@.>");
    BAD("<user@exa\rmple.com>");
    BAD("<user@exa\nmple.com>");
    BAD("<user@exa\0mple.com>");

    /* a VERP local part over 64 bytes is accepted (see sender.c) */
    memset(buf, 'v', 70);
    memcpy(buf + 70, "@mandrillapp.com", 17);
    parse_is(buf, strlen(buf), RDNS_SENDER_DOMAIN, "mandrillapp.com", __LINE__);
    /* the path: 254 bytes inside the brackets at most */
    buf[0] = '<';
    memset(buf + 1, 'a', 254);
    memcpy(buf + 1 + 254 - 12, "@example.com>", 14);
    parse_is(buf, strlen(buf), RDNS_SENDER_DOMAIN, "example.com", __LINE__);
    memset(buf + 1, 'a', 255);
    memcpy(buf + 1 + 255 - 12, "@example.com>", 14);
    parse_is(buf, strlen(buf), RDNS_SENDER_BAD, "", __LINE__);
    /* a 2,000-byte domain */
    {
        char big[2000];

        memset(big, 'd', sizeof(big));
        memcpy(big, "<u@", 3);
        big[sizeof(big) - 1] = '>';
        parse_is(big, sizeof(big), RDNS_SENDER_BAD, "", __LINE__);
    }
    /* only len bytes are read */
    parse_is("<user@example.com>xyz", 18, RDNS_SENDER_DOMAIN, "example.com", __LINE__);
    /* a buffer too small for the domain is BAD, and the buffer stays a string */
    {
        char small[6];

        CHECK(rdns_sender_parse("<u@example.com>", 15, small, sizeof(small)) == RDNS_SENDER_BAD);
        CHECK(small[0] == '\0');
        CHECK(rdns_sender_parse("<u@ex.co>", 9, small, sizeof(small)) == RDNS_SENDER_DOMAIN);
        CHECK_STR(small, "ex.co");
    }
}

/* ---- rdns_sender_check ----------------------------------------------- */

static bool printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

static void check_clean(const rdns_score *s)
{
    static const rdns_check cs[] = {RDNS_CHECK_FROM_NOT_FQDN,
                                    RDNS_CHECK_FROM_DOMAIN_INVALID,
                                    RDNS_CHECK_DNS_TEMPERROR};

    for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
        const char *f = rdns_score_fix(s, cs[i]);

        CHECK(printable(rdns_score_detail(s, cs[i])));
        CHECK(strlen(rdns_score_detail(s, cs[i])) < 400);
        CHECK(f == NULL || (printable(f) && strlen(f) < 400));
    }
}

static rdns_check_state st(const rdns_score *s, rdns_check c)
{
    return rdns_score_state(s, c);
}

/* from, run with a generous deadline: syntax only, so no question sent. */
static void syntax_only(rdns_dns *dns, rdns_score *s, const char *from, size_t len,
                        rdns_check_state want_fqdn, const char *detail_has, int line)
{
    char log[256];
    int64_t t0 = rdns_clock_ms();
    int asked;

    rdns_sender_check(s, dns, from, len, t0 + 5000);
    asked = silent_drain(log, sizeof(log));
    if (asked != 0 || rdns_clock_ms() - t0 > 50
        || st(s, RDNS_CHECK_FROM_NOT_FQDN) != want_fqdn
        || st(s, RDNS_CHECK_FROM_DOMAIN_INVALID) != RDNS_CHECK_SKIPPED
        || strstr(rdns_score_detail(s, RDNS_CHECK_FROM_NOT_FQDN), detail_has) == NULL) {
        check_failed++;
        fprintf(stderr, "%s:%d: asked %d (%s), from_not_fqdn %d \"%s\", "
                "from_domain_invalid %d\n", __FILE__, line, asked, log,
                (int)st(s, RDNS_CHECK_FROM_NOT_FQDN),
                rdns_score_detail(s, RDNS_CHECK_FROM_NOT_FQDN),
                (int)st(s, RDNS_CHECK_FROM_DOMAIN_INVALID));
    } else {
        check_passed++;
    }
    if (want_fqdn == RDNS_CHECK_HIT)
        CHECK(rdns_score_fix(s, RDNS_CHECK_FROM_NOT_FQDN) != NULL);
    check_clean(s);
}

#define SYNTAX(f, want, has) syntax_only(dns, s, f, sizeof(f) - 1, want, has, __LINE__)

static void test_check_syntax(rdns_dns *dns)
{
    rdns_score *s = rdns_score_new();

    /* the null sender is never penalised */
    SYNTAX("<>", RDNS_CHECK_SKIPPED, "null sender");
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_FROM_DOMAIN_INVALID), "null sender") != NULL);
    SYNTAX("", RDNS_CHECK_SKIPPED, "null sender");
    SYNTAX("<user>", RDNS_CHECK_HIT, "missing @");
    CHECK(strstr(rdns_score_fix(s, RDNS_CHECK_FROM_NOT_FQDN), "MX or A record") != NULL);
    SYNTAX("<user@[192.0.2.1]>", RDNS_CHECK_HIT, "address literal");
    SYNTAX("<user@localhost>", RDNS_CHECK_HIT, "(single label)");
    SYNTAX("<user@host.123>", RDNS_CHECK_HIT, "not a fully qualified domain name");
    SYNTAX("<user@my_host.example.com>", RDNS_CHECK_HIT, "my_host.example.com");
    SYNTAX("<user@example.com", RDNS_CHECK_HIT, "unbalanced");
    /* CR/LF/NUL never reach a detail raw */
    SYNTAX("<user@evil\r\n250 OK\0>", RDNS_CHECK_HIT, "evil\\x0d\\x0a250 OK\\x00");
    /* internationalized domains: not looked up, never penalised when well-formed */
    SYNTAX("<user@b\xc3\xbc" "cher.example>", RDNS_CHECK_CLEAR,
           "internationalized domain not checked");
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_FROM_DOMAIN_INVALID),
                 "internationalized domain not checked") != NULL);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_FROM_NOT_FQDN), "b\\xc3\\xbccher.example") != NULL);
    SYNTAX("<user@\xe4\xbe\x8b\xe5\xad\x90.\xe6\xb5\x8b\xe8\xaf\x95>", RDNS_CHECK_CLEAR,
           "internationalized");
    SYNTAX("<user@b\xff" "cher.example>", RDNS_CHECK_HIT, "not a valid internationalized");
    SYNTAX("<user@b\xc3" "cher.example>", RDNS_CHECK_HIT, "not a valid internationalized");
    SYNTAX("<user@\xc0\xafx.example>", RDNS_CHECK_HIT, "not a valid internationalized");
    SYNTAX("<user@\xe0\x80\xafx.example>", RDNS_CHECK_HIT, "not a valid internationalized");
    SYNTAX("<user@\xf0\x80\x80\xafx.example>", RDNS_CHECK_HIT, "not a valid internationalized");
    SYNTAX("<user@\xed\xa0\x80x.example>", RDNS_CHECK_HIT, "not a valid internationalized");
    SYNTAX("<user@\xf4\x90\x80\x80x.example>", RDNS_CHECK_HIT, "not a valid internationalized");
    SYNTAX("<user@b\xc3\xbc" "cher>", RDNS_CHECK_HIT, "not a valid internationalized");
    SYNTAX("<user@b\xc3\xbc" "cher..example>", RDNS_CHECK_HIT, "not a valid internationalized");
    SYNTAX("<user@b\xc3\xbc_cher.example>", RDNS_CHECK_HIT, "not a valid internationalized");
    /* a 2,000-byte argument is shown cut */
    {
        char big[2000];

        memset(big, 'x', sizeof(big));
        big[0] = '<';
        big[sizeof(big) - 1] = '>';
        syntax_only(dns, s, big, sizeof(big), RDNS_CHECK_HIT, "...", __LINE__);
        CHECK(strlen(rdns_score_detail(s, RDNS_CHECK_FROM_NOT_FQDN)) < 160);
    }
    CHECK(st(s, RDNS_CHECK_DNS_TEMPERROR) == RDNS_CHECK_SKIPPED);
    rdns_score_free(s);
}

static void test_check_dns(rdns_dns *dns)
{
    rdns_score *s = rdns_score_new();
    char log[256];
    int64_t t0;

    /* DNS silent: MX asked, nothing concluded, no HIT; no A before MX answers */
    t0 = rdns_clock_ms();
    rdns_sender_check(s, dns, "<User@Silent.Example.COM>", 25, t0 + 3000);
    CHECK(rdns_clock_ms() - t0 < 3000);
    CHECK(silent_drain(log, sizeof(log)) == 1);  /* one question, no retries */
    CHECK(strncmp(log, "MX ", 3) == 0);          /* no A or AAAA without an MX answer */
    CHECK(st(s, RDNS_CHECK_FROM_NOT_FQDN) == RDNS_CHECK_CLEAR);
    CHECK(st(s, RDNS_CHECK_FROM_DOMAIN_INVALID) == RDNS_CHECK_UNKNOWN);
    CHECK(st(s, RDNS_CHECK_DNS_TEMPERROR) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_DNS_TEMPERROR),
                 "MX lookup of MAIL FROM domain silent.example.com") != NULL);
    check_clean(s);

    /* an earlier dns_temperror note is kept */
    rdns_score_set(s, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_HIT, "PTR lookup: timeout", NULL);
    rdns_sender_check(s, dns, "<a@other.example.org>", 21, rdns_clock_ms() + 3000);
    silent_drain(log, sizeof(log));
    CHECK(st(s, RDNS_CHECK_FROM_DOMAIN_INVALID) == RDNS_CHECK_UNKNOWN);
    CHECK(strncmp(rdns_score_detail(s, RDNS_CHECK_DNS_TEMPERROR), "PTR lookup: timeout; ", 21) == 0);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_DNS_TEMPERROR), "other.example.org") != NULL);

    /* with a client: the MX lookup is open, so is the reward (never
     * earned by a failure); still one question */
    {
        rdns_addr client;

        CHECK(rdns_addr_parse("192.0.2.1", &client));
        rdns_score_clear(s);
        rdns_sender_check_client(s, dns, "<a@mx.example.org>", 18, &client,
                                 rdns_clock_ms() + 3000);
        CHECK(silent_drain(log, sizeof(log)) == 1);
        CHECK(st(s, RDNS_CHECK_FROM_DOMAIN_INVALID) == RDNS_CHECK_UNKNOWN);
        CHECK(st(s, RDNS_CHECK_SENDER_MX_MATCH) == RDNS_CHECK_UNKNOWN);
        /* the null sender has no domain: nothing to match, no lookup */
        rdns_sender_check_client(s, dns, "<>", 2, &client, 0);
        CHECK(st(s, RDNS_CHECK_SENDER_MX_MATCH) == RDNS_CHECK_SKIPPED);
        CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_SENDER_MX_MATCH), "null sender") != NULL);
        rdns_sender_check_client(s, dns, "<a@localhost>", 13, &client, 0);
        CHECK(st(s, RDNS_CHECK_SENDER_MX_MATCH) == RDNS_CHECK_SKIPPED);
        CHECK(silent_drain(log, sizeof(log)) == 0);
    }
    /* without a client (rdns_sender_check) the reward is not evaluated */
    rdns_sender_check(s, dns, "<a@mx.example.org>", 18, rdns_clock_ms() + 3000);
    silent_drain(log, sizeof(log));
    CHECK(st(s, RDNS_CHECK_SENDER_MX_MATCH) == RDNS_CHECK_SKIPPED);

    /* a later MAIL FROM replaces both checks */
    rdns_sender_check(s, dns, "<>", 2, 0);
    CHECK(st(s, RDNS_CHECK_FROM_NOT_FQDN) == RDNS_CHECK_SKIPPED);
    CHECK(st(s, RDNS_CHECK_FROM_DOMAIN_INVALID) == RDNS_CHECK_SKIPPED);
    CHECK(silent_drain(log, sizeof(log)) == 0);
    rdns_score_free(s);
}

int main(void)
{
    rdns_dns *dns;

    test_parse();
    dns = silent_dns();
    test_check_syntax(dns);
    test_check_dns(dns);
    rdns_dns_free(dns);
    close(silent_fd);
    CHECK_DONE();
}
