/*
 * test_helo - rdns_helo_parse() on every shape of HELO argument, and
 * rdns_helo_check() on the paths that need no DNS answer.
 *
 * The resolver points at a UDP socket of this test on 127.0.0.1 that never
 * answers: a syntax-only case must send it nothing (counted after each
 * check), and an FQDN must send it A and AAAA questions and end UNKNOWN
 * with dns_temperror, never HIT. Answers that exist, NXDOMAIN and NODATA
 * are covered by the scenario tests against a real DNS server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "silentdns.h"
#include "clock.h"
#include "dns.h"
#include "helo.h"
#include "score.h"

/* ---- rdns_helo_parse ------------------------------------------------- */

static void parse_is(const char *helo, size_t len, rdns_helo_kind want,
                     const char *want_why, int line)
{
    char why[128] = "sentinel";
    rdns_addr lit;
    rdns_helo_kind got = rdns_helo_parse(helo, len, &lit, why, sizeof(why));

    if (got != want || (want_why != NULL && strcmp(why, want_why) != 0)
        || (want != RDNS_HELO_BAD && why[0] != '\0')) {
        check_failed++;
        fprintf(stderr, "%s:%d: parse gave kind %d why \"%s\", want %d \"%s\"\n",
                __FILE__, line, (int)got, why, (int)want, want_why ? want_why : "");
    } else {
        check_passed++;
    }
}

#define BAD(h, why) parse_is(h, sizeof(h) - 1, RDNS_HELO_BAD, why, __LINE__)
#define FQDN(h) parse_is(h, sizeof(h) - 1, RDNS_HELO_FQDN, NULL, __LINE__)

static void literal_is(const char *helo, const char *want_addr, int family)
{
    rdns_addr lit, want;
    char why[64] = "";

    CHECK(rdns_addr_parse(want_addr, &want));
    CHECK(rdns_helo_parse(helo, strlen(helo), &lit, why, sizeof(why)) == RDNS_HELO_LITERAL);
    CHECK(lit.family == family);
    CHECK(rdns_addr_equal(&lit, &want));
    CHECK_STR(why, "");
}

static void test_parse_names(void)
{
    char buf[400];

    FQDN("mail.example.com");
    FQDN("mail.example.com.");
    FQDN("MAIL.Example.COM");
    FQDN("123.example.com");
    FQDN("a.b");
    FQDN("xn--bcher-kva.example");
    BAD("", "empty");
    CHECK(rdns_helo_parse(NULL, 0, NULL, NULL, 0) == RDNS_HELO_BAD);
    BAD("localhost", "localhost");
    BAD("LOCALHOST.", "localhost");
    BAD("localhost.localdomain", "localhost");
    BAD("Localhost.LocalDomain.", "localhost");
    BAD("user", "single label 'user'");
    BAD("user.", "single label 'user'");
    BAD("WIN-7F3K2.", "single label 'WIN-7F3K2'");
    BAD("192.0.2.1", "bare IP address without brackets");
    BAD("2001:db8::1", "bare IP address without brackets");
    BAD("::ffff:192.0.2.1", "bare IP address without brackets");
    BAD("mail.example.com\r", "bad character 0x0d");
    BAD("mail.example.com\r\n", "bad character 0x0d");
    BAD("mail\n.example.com", "bad character 0x0a");
    BAD("mail\0.example.com", "bad character 0x00");
    BAD("mail.example.com ", "bad character 0x20");
    BAD("my_host.example.com", "bad character 0x5f");
    BAD("mail.b\xc3\xbc" "cher.example", "bad character 0xc3");
    BAD("mail:25.example.com", "bad character 0x3a");
    BAD("a..example.com", "empty label");
    BAD(".example.com", "empty label");
    BAD(".", "empty label");
    BAD("-mail.example.com", "label starts or ends with '-'");
    BAD("mail-.example.com", "label starts or ends with '-'");
    BAD("mail.example.com-", "label starts or ends with '-'");
    BAD("host.123", "top-level label is all digits");
    BAD("1.2.3.4.5", "top-level label is all digits");
    BAD("300.1.1.1", "top-level label is all digits");

    /* label and total lengths */
    memset(buf, 'a', 64);
    memcpy(buf + 64, ".example.com", 13);
    CHECK(rdns_helo_parse(buf, strlen(buf), NULL, NULL, 0) == RDNS_HELO_BAD);
    parse_is(buf, strlen(buf), RDNS_HELO_BAD, "label longer than 63 characters", __LINE__);
    parse_is(buf + 1, strlen(buf + 1), RDNS_HELO_FQDN, NULL, __LINE__);
    /* 63+1+63+1+63+1+61 = 253: the longest name, with and without a dot */
    memset(buf, 'a', 253);
    buf[63] = buf[127] = buf[191] = '.';
    buf[253] = '\0';
    parse_is(buf, 253, RDNS_HELO_FQDN, NULL, __LINE__);
    buf[253] = '.';
    parse_is(buf, 254, RDNS_HELO_FQDN, NULL, __LINE__);
    buf[253] = 'a';
    parse_is(buf, 254, RDNS_HELO_BAD, "too long", __LINE__);
    memset(buf, 'a', sizeof(buf));
    parse_is(buf, sizeof(buf), RDNS_HELO_BAD, "too long", __LINE__);
}

static void test_parse_literals(void)
{
    char big[2000];

    literal_is("[192.0.2.1]", "192.0.2.1", AF_INET);
    literal_is("[IPv6:2001:db8::1]", "2001:db8::1", AF_INET6);
    literal_is("[ipv6:2001:DB8:0:0:0:0:0:1]", "2001:db8::1", AF_INET6);
    literal_is("[IPV6:::1]", "::1", AF_INET6);
    /* mapped: the IPv4 host it is */
    literal_is("[IPv6:::ffff:192.0.2.1]", "192.0.2.1", AF_INET);
    BAD("[2001:db8::1]", "IPv6 literal without IPv6: tag");
    BAD("[::1]", "IPv6 literal without IPv6: tag");
    BAD("[IPv6:192.0.2.1]", "malformed address literal");
    BAD("[IPv6:]", "malformed address literal");
    BAD("[IPv6:2001:db8::1%eth0]", "malformed address literal");
    BAD("[192.0.2.256]", "malformed address literal");
    BAD("[192.0.2]", "malformed address literal");
    BAD("[192.0.2.01]", "malformed address literal");
    BAD("[192.0.2.1", "malformed address literal");
    BAD("[192.0.2.1].", "malformed address literal");
    BAD("[ 192.0.2.1]", "malformed address literal");
    BAD("[192.0.2.1\0]", "malformed address literal");
    BAD("[192.0.2.1\r]", "malformed address literal");
    BAD("[x-tag:content]", "malformed address literal");
    BAD("[mail.example.com]", "malformed address literal");
    BAD("[]", "malformed address literal");
    BAD("[", "malformed address literal");
    memset(big, '1', sizeof(big));
    big[0] = '[';
    big[sizeof(big) - 1] = ']';
    parse_is(big, sizeof(big), RDNS_HELO_BAD, "malformed address literal", __LINE__);
}

static void test_parse_outputs(void)
{
    char why[8];
    rdns_addr lit;

    /* lit is cleared for anything but a literal */
    memset(&lit, 0xa5, sizeof(lit));
    CHECK(rdns_helo_parse("mail.example.com", 16, &lit, NULL, 0) == RDNS_HELO_FQDN);
    CHECK(lit.family == 0);
    /* why is cut to fit and always terminated */
    CHECK(rdns_helo_parse("user", 4, NULL, why, sizeof(why)) == RDNS_HELO_BAD);
    CHECK(strlen(why) == sizeof(why) - 1);
    CHECK(strncmp(why, "single", 6) == 0);
    /* only len bytes are read: the rest of the buffer is not HELO */
    CHECK(rdns_helo_parse("mail.example.com\r\n", 16, NULL, NULL, 0) == RDNS_HELO_FQDN);
    CHECK(rdns_helo_parse("[192.0.2.1]junk", 11, &lit, NULL, 0) == RDNS_HELO_LITERAL);
}

/* ---- rdns_helo_check ------------------------------------------------- */

static const rdns_check helo_checks[] = {
    RDNS_CHECK_HELO_NOT_FQDN, RDNS_CHECK_HELO_LITERAL_MISMATCH,
    RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_HELO_PTR_MISMATCH,
};

static bool printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

/* Every detail and fix the HELO checks wrote is printable and bounded. */
static void check_clean(const rdns_score *s)
{
    for (size_t i = 0; i < sizeof(helo_checks) / sizeof(helo_checks[0]); i++) {
        const char *d = rdns_score_detail(s, helo_checks[i]);
        const char *f = rdns_score_fix(s, helo_checks[i]);

        CHECK(printable(d) && strlen(d) < 400);
        CHECK(f == NULL || (printable(f) && strlen(f) < 400));
    }
}

static rdns_check_state st(const rdns_score *s, rdns_check c)
{
    return rdns_score_state(s, c);
}

static void test_check_bad(rdns_dns *dns)
{
    rdns_score *s = rdns_score_new();
    rdns_addr client;
    char log[512], big[2000];
    int64_t t0;

    CHECK(rdns_addr_parse("192.0.2.1", &client));
    t0 = rdns_clock_ms();
    rdns_helo_check(s, dns, "user", 4, &client, "mail.example.com", t0 + 5000);
    CHECK(rdns_clock_ms() - t0 < 50);
    CHECK(silent_drain(log, sizeof(log)) == 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_HELO_NOT_FQDN), "'user'") != NULL);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_HELO_NOT_FQDN), "single label") != NULL);
    CHECK(rdns_score_fix(s, RDNS_CHECK_HELO_NOT_FQDN) != NULL);
    CHECK(strstr(rdns_score_fix(s, RDNS_CHECK_HELO_NOT_FQDN), "fully qualified name") != NULL);
    CHECK(st(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) == RDNS_CHECK_SKIPPED);
    CHECK(st(s, RDNS_CHECK_HELO_UNRESOLVABLE) == RDNS_CHECK_SKIPPED);
    CHECK(st(s, RDNS_CHECK_HELO_PTR_MISMATCH) == RDNS_CHECK_SKIPPED);
    CHECK(st(s, RDNS_CHECK_DNS_TEMPERROR) == RDNS_CHECK_SKIPPED);
    check_clean(s);

    /* CR, LF and NUL never reach a detail raw */
    rdns_helo_check(s, dns, "evil\r\n250 OK\0x", 15, &client, NULL, 0);
    CHECK(silent_drain(log, sizeof(log)) == 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_HELO_NOT_FQDN),
                 "evil\\x0d\\x0a250 OK\\x00x") != NULL);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_HELO_NOT_FQDN), "bad character 0x0d") != NULL);
    check_clean(s);

    /* a 2,000-byte HELO is shown cut, not whole */
    memset(big, 'x', sizeof(big));
    rdns_helo_check(s, dns, big, sizeof(big), &client, NULL, 0);
    CHECK(silent_drain(log, sizeof(log)) == 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_HELO_NOT_FQDN), "...") != NULL);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_HELO_NOT_FQDN), "too long") != NULL);
    CHECK(strlen(rdns_score_detail(s, RDNS_CHECK_HELO_NOT_FQDN)) < 120);
    check_clean(s);

    /* specific advice for a bare IP and for an untagged IPv6 literal */
    rdns_helo_check(s, dns, "192.0.2.1", 9, &client, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_fix(s, RDNS_CHECK_HELO_NOT_FQDN), "[192.0.2.1]") != NULL);
    CHECK(st(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) == RDNS_CHECK_SKIPPED);
    rdns_helo_check(s, dns, "[2001:db8::1]", 13, &client, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_fix(s, RDNS_CHECK_HELO_NOT_FQDN), "[IPv6:") != NULL);
    rdns_helo_check(s, dns, "", 0, &client, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_HELO_NOT_FQDN), "empty") != NULL);
    rdns_helo_check(s, dns, NULL, 5, &client, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_HIT);
    rdns_helo_check(s, dns, "localhost.localdomain", 21, &client, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_HELO_NOT_FQDN), ": localhost") != NULL);
    CHECK(silent_drain(log, sizeof(log)) == 0);
    check_clean(s);
    rdns_score_free(s);
}

static void test_check_literal(rdns_dns *dns)
{
    rdns_score *s = rdns_score_new();
    rdns_addr v4, other, v6;
    char log[512];

    CHECK(rdns_addr_parse("192.0.2.1", &v4));
    CHECK(rdns_addr_parse("198.51.100.7", &other));
    CHECK(rdns_addr_parse("2001:db8::25", &v6));

    rdns_helo_check(s, dns, "[192.0.2.1]", 11, &v4, "mail.example.com", 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_CLEAR);
    CHECK(st(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) == RDNS_CHECK_CLEAR);
    CHECK(st(s, RDNS_CHECK_HELO_UNRESOLVABLE) == RDNS_CHECK_SKIPPED);
    CHECK(st(s, RDNS_CHECK_HELO_PTR_MISMATCH) == RDNS_CHECK_SKIPPED);
    CHECK(rdns_score_fix(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) == NULL);

    rdns_helo_check(s, dns, "[192.0.2.1]", 11, &other, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_CLEAR);
    CHECK(st(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_HELO_LITERAL_MISMATCH), "198.51.100.7") != NULL);
    CHECK(strstr(rdns_score_fix(s, RDNS_CHECK_HELO_LITERAL_MISMATCH), "[198.51.100.7]") != NULL);

    rdns_helo_check(s, dns, "[192.0.2.1]", 11, NULL, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_CLEAR);
    CHECK(st(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) == RDNS_CHECK_SKIPPED);

    rdns_helo_check(s, dns, "[IPv6:2001:DB8:0::25]", 21, &v6, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) == RDNS_CHECK_CLEAR);
    /* an IPv4 literal from an IPv6 client is not its address */
    rdns_helo_check(s, dns, "[192.0.2.1]", 11, &v6, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_fix(s, RDNS_CHECK_HELO_LITERAL_MISMATCH), "[IPv6:2001:db8::25]") != NULL);
    /* a mapped literal is the IPv4 client */
    rdns_helo_check(s, dns, "[IPv6:::ffff:192.0.2.1]", 23, &v4, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) == RDNS_CHECK_CLEAR);
    CHECK(silent_drain(log, sizeof(log)) == 0);
    check_clean(s);
    rdns_score_free(s);
}

static void test_check_fqdn(rdns_dns *dns)
{
    rdns_score *s = rdns_score_new();
    rdns_addr client;
    char log[512];
    int64_t t0;

    CHECK(rdns_addr_parse("192.0.2.1", &client));

    /* the verified PTR name resolves by definition: no lookup at all */
    rdns_helo_check(s, dns, "Mail.Example.COM.", 17, &client, "mail.example.com",
                    rdns_clock_ms() + 5000);
    CHECK(silent_drain(log, sizeof(log)) == 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_CLEAR);
    CHECK(st(s, RDNS_CHECK_HELO_LITERAL_MISMATCH) == RDNS_CHECK_SKIPPED);
    CHECK(st(s, RDNS_CHECK_HELO_UNRESOLVABLE) == RDNS_CHECK_CLEAR);
    CHECK(st(s, RDNS_CHECK_HELO_PTR_MISMATCH) == RDNS_CHECK_CLEAR);
    CHECK(st(s, RDNS_CHECK_DNS_TEMPERROR) == RDNS_CHECK_SKIPPED);
    CHECK(st(s, RDNS_CHECK_HELO_CONFIRMS) == RDNS_CHECK_HIT);      /* it is the client's */

    /* DNS silent: UNKNOWN and dns_temperror, never a HIT; A then AAAA */
    t0 = rdns_clock_ms();
    rdns_helo_check(s, dns, "Relay.Example.NET", 17, &client, NULL, t0 + 3000);
    CHECK(rdns_clock_ms() - t0 < 3000);
    CHECK(silent_drain(log, sizeof(log)) >= 2);
    CHECK(strstr(log, "A relay.example.net.") != NULL);
    CHECK(strstr(log, "AAAA relay.example.net.") != NULL);
    CHECK(strstr(log, "A relay.example.net.") < strstr(log, "AAAA relay.example.net."));
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_CLEAR);
    CHECK(st(s, RDNS_CHECK_HELO_UNRESOLVABLE) == RDNS_CHECK_UNKNOWN);
    CHECK(st(s, RDNS_CHECK_HELO_PTR_MISMATCH) == RDNS_CHECK_SKIPPED);
    CHECK(st(s, RDNS_CHECK_DNS_TEMPERROR) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_DNS_TEMPERROR),
                 "A lookup of HELO name relay.example.net") != NULL);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_DNS_TEMPERROR),
                 "AAAA lookup of HELO name relay.example.net") != NULL);
    check_clean(s);
    /* ... and the reward is open, never earned by the failure */
    CHECK(st(s, RDNS_CHECK_HELO_CONFIRMS) == RDNS_CHECK_UNKNOWN);

    /* an IPv6 client: AAAA first (the one that can confirm), then A; no
     * lookup more than helo_unresolvable makes anyway */
    {
        rdns_addr v6;

        CHECK(rdns_addr_parse("2001:db8::25", &v6));
        rdns_score_clear(s);
        rdns_helo_check(s, dns, "relay6.example.net", 18, &v6, NULL, rdns_clock_ms() + 3000);
        CHECK(silent_drain(log, sizeof(log)) >= 2);
        CHECK(strstr(log, "AAAA relay6.example.net.") != NULL);
        CHECK(strstr(log, "AAAA relay6.example.net.") < strstr(log, "A relay6.example.net."));
        CHECK(st(s, RDNS_CHECK_HELO_CONFIRMS) == RDNS_CHECK_UNKNOWN);
        CHECK(st(s, RDNS_CHECK_HELO_UNRESOLVABLE) == RDNS_CHECK_UNKNOWN);
        /* no client address: nothing to confirm */
        rdns_helo_check(s, dns, "mail.example.com", 16, NULL, NULL, rdns_clock_ms() + 3000);
        silent_drain(log, sizeof(log));
        CHECK(st(s, RDNS_CHECK_HELO_CONFIRMS) == RDNS_CHECK_SKIPPED);
    }

    /* another name than the verified PTR: mismatch, with the PTR as advice;
     * an earlier dns_temperror note is kept, not overwritten */
    rdns_score_set(s, RDNS_CHECK_DNS_TEMPERROR, RDNS_CHECK_HIT, "PTR lookup: timeout", NULL);
    rdns_helo_check(s, dns, "smtp.example.org", 16, &client, "mx7.example.net",
                    rdns_clock_ms() + 3000);
    CHECK(silent_drain(log, sizeof(log)) >= 2);
    CHECK(strstr(log, "A smtp.example.org.") != NULL);
    CHECK(st(s, RDNS_CHECK_HELO_PTR_MISMATCH) == RDNS_CHECK_HIT);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_HELO_PTR_MISMATCH), "mx7.example.net") != NULL);
    CHECK(strstr(rdns_score_fix(s, RDNS_CHECK_HELO_PTR_MISMATCH), "(mx7.example.net)") != NULL);
    CHECK(st(s, RDNS_CHECK_HELO_UNRESOLVABLE) == RDNS_CHECK_UNKNOWN);
    CHECK(strncmp(rdns_score_detail(s, RDNS_CHECK_DNS_TEMPERROR), "PTR lookup: timeout; ", 21) == 0);
    CHECK(strstr(rdns_score_detail(s, RDNS_CHECK_DNS_TEMPERROR), "smtp.example.org") != NULL);
    check_clean(s);

    /* a spent deadline still ends UNKNOWN, promptly */
    rdns_score_clear(s);
    t0 = rdns_clock_ms();
    rdns_helo_check(s, dns, "late.example.com", 16, &client, NULL, t0 - 1);
    CHECK(rdns_clock_ms() - t0 < 1000);
    silent_drain(log, sizeof(log));
    CHECK(st(s, RDNS_CHECK_HELO_UNRESOLVABLE) == RDNS_CHECK_UNKNOWN);
    CHECK(st(s, RDNS_CHECK_DNS_TEMPERROR) == RDNS_CHECK_HIT);

    /* a later HELO replaces every HELO check an earlier one set */
    rdns_helo_check(s, dns, "[192.0.2.1]", 11, &client, NULL, 0);
    CHECK(st(s, RDNS_CHECK_HELO_NOT_FQDN) == RDNS_CHECK_CLEAR);
    CHECK(st(s, RDNS_CHECK_HELO_UNRESOLVABLE) == RDNS_CHECK_SKIPPED);
    CHECK(st(s, RDNS_CHECK_HELO_CONFIRMS) == RDNS_CHECK_SKIPPED);  /* a literal is no name */
    CHECK(st(s, RDNS_CHECK_HELO_PTR_MISMATCH) == RDNS_CHECK_SKIPPED);
    CHECK(silent_drain(log, sizeof(log)) == 0);
    rdns_score_free(s);
}

int main(void)
{
    rdns_dns *dns;

    test_parse_names();
    test_parse_literals();
    test_parse_outputs();
    dns = silent_dns();
    test_check_bad(dns);
    test_check_literal(dns);
    test_check_fqdn(dns);
    rdns_dns_free(dns);
    close(silent_fd);
    CHECK_DONE();
}
