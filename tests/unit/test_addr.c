/* Tests of lib/addr.c: parsing, mapped addresses, reverse names, CIDR. */
#include <arpa/inet.h>

#include "addr.h"
#include "check.h"

static const char *fmt(const rdns_addr *a)
{
    static char buf[RDNS_ADDR_STRLEN];

    rdns_addr_format(a, buf, sizeof(buf));
    return buf;
}

static const char *rev(const char *text)
{
    static char buf[RDNS_REVNAME_LEN];
    rdns_addr a;

    if (!rdns_addr_parse(text, &a))
        return "(unparsable)";
    rdns_addr_revname(&a, buf, sizeof(buf));
    return buf;
}

static int cidr_has(const char *cidr, const char *ip)
{
    rdns_cidr c;
    rdns_addr a;

    return rdns_cidr_parse(cidr, &c) && rdns_addr_parse(ip, &a) && rdns_cidr_match(&c, &a);
}

int main(void)
{
    rdns_addr a, b;
    rdns_cidr c;
    char buf[64];

    CHECK(rdns_addr_parse("85.105.64.87", &a) && a.family == AF_INET);
    CHECK_STR(fmt(&a), "85.105.64.87");
    CHECK(rdns_addr_parse("2001:db8::1", &a) && a.family == AF_INET6);
    CHECK_STR(fmt(&a), "2001:db8::1");
    /* An IPv4-mapped address is the IPv4 host it names. */
    CHECK(rdns_addr_parse("::ffff:192.0.2.7", &a) && a.family == AF_INET);
    CHECK_STR(fmt(&a), "192.0.2.7");
    CHECK(rdns_addr_parse("192.0.2.7", &b) && rdns_addr_equal(&a, &b));
    CHECK(!rdns_addr_parse("", &a));
    CHECK(!rdns_addr_parse("1.2.3", &a));
    CHECK(!rdns_addr_parse("256.1.1.1", &a));
    CHECK(!rdns_addr_parse("[1.2.3.4]", &a));
    CHECK(!rdns_addr_parse("1.2.3.4 ", &a));
    CHECK(!rdns_addr_parse("fe80::1%eth0", &a));

    CHECK_STR(rev("85.105.64.87"), "87.64.105.85.in-addr.arpa");
    CHECK_STR(rev("2001:db8::567:89ab"),
              "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");

    {
        struct sockaddr_in6 sin6 = {0};

        sin6.sin6_family = AF_INET6;
        inet_pton(AF_INET6, "::ffff:10.1.2.3", &sin6.sin6_addr);
        CHECK(rdns_addr_from_sockaddr((struct sockaddr *)&sin6, &a) && a.family == AF_INET);
        CHECK_STR(fmt(&a), "10.1.2.3");
        struct sockaddr un = {.sa_family = AF_UNIX};
        CHECK(!rdns_addr_from_sockaddr(&un, &a));
        CHECK(!rdns_addr_from_sockaddr(NULL, &a));
    }

    CHECK(cidr_has("10.0.0.0/8", "10.200.3.4"));
    CHECK(!cidr_has("10.0.0.0/8", "11.0.0.1"));
    CHECK(cidr_has("192.0.2.128/25", "192.0.2.200"));
    CHECK(!cidr_has("192.0.2.128/25", "192.0.2.127"));
    CHECK(cidr_has("0.0.0.0/0", "203.0.113.9"));
    CHECK(cidr_has("2001:db8::/32", "2001:db8:ffff::1"));
    CHECK(!cidr_has("2001:db8::/32", "2001:db9::1"));
    CHECK(!cidr_has("2001:db8::/32", "10.0.0.1"));   /* families never mix */
    CHECK(cidr_has("192.0.2.7", "192.0.2.7"));
    CHECK(!cidr_has("192.0.2.7", "192.0.2.8"));
    CHECK(cidr_has("2001:db8::/127", "2001:db8::1"));
    CHECK(!rdns_cidr_parse("10.0.0.1/8", &c));       /* host bits: a typo */
    CHECK(!rdns_cidr_parse("10.0.0.0/33", &c));
    CHECK(!rdns_cidr_parse("10.0.0.0/", &c));
    CHECK(!rdns_cidr_parse("10.0.0.0/-1", &c));
    CHECK(!rdns_cidr_parse("10.0.0.0/8x", &c));
    CHECK(!rdns_cidr_parse("2001:db8::/129", &c));
    CHECK(!rdns_cidr_parse("/8", &c));
    CHECK(!rdns_cidr_parse("example.com/8", &c));

    rdns_addr_parse("85.105.64.87", &a);
    rdns_addr_block(&a, buf, sizeof(buf));
    CHECK_STR(buf, "85.105.64.0/24");
    rdns_addr_parse("2001:db8:1234:5678::1", &a);
    rdns_addr_block(&a, buf, sizeof(buf));
    CHECK_STR(buf, "2001:db8:1234::/48");
    CHECK_DONE();
}
