/* Tests of lib/dns_sock.c: which servers may have their socket kept, and
 * that query IDs drawn in batches still look like the random source. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "check.h"
#include "dns_sock.h"

static bool loopback(const char *text)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)&ss;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, text, &sin->sin_addr) == 1)
        sin->sin_family = AF_INET;
    else if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1)
        sin6->sin6_family = AF_INET6;
    return rdns_dns_sock_loopback((const struct sockaddr *)&ss);
}

static void test_loopback(void)
{
    CHECK(loopback("127.0.0.1"));
    CHECK(loopback("127.0.0.53"));          /* systemd-resolved's stub */
    CHECK(loopback("127.255.255.254"));
    CHECK(loopback("::1"));
    CHECK(!loopback("128.0.0.1"));
    CHECK(!loopback("126.255.255.255"));
    CHECK(!loopback("10.0.0.1"));
    CHECK(!loopback("192.0.2.53"));
    CHECK(!loopback("::"));
    CHECK(!loopback("2001:db8::1"));
    /* a mapped address goes out as IPv4 from an IPv6 socket: not kept */
    CHECK(!loopback("::ffff:127.0.0.1"));
}

static void test_ids(void)
{
    unsigned seen[65536 / 32] = {0};
    unsigned distinct = 0;

    /* 1000 draws over 16 batches: with 65536 values, about 8 repeats are
     * expected; a batch handed out twice or a stuck source would give
     * hundreds. */
    for (int i = 0; i < 1000; i++) {
        uint16_t id;

        CHECK(rdns_dns_sock_id(&id));
        if (!(seen[id / 32] & (1u << (id % 32))))
            distinct++;
        seen[id / 32] |= 1u << (id % 32);
    }
    CHECK(distinct >= 960);
}

static void test_owners(void)
{
    uint64_t a = rdns_dns_sock_owner(), b = rdns_dns_sock_owner();

    CHECK(a != 0 && b != 0 && a != b);
}

int main(void)
{
    test_loopback();
    test_ids();
    test_owners();
    CHECK_DONE();
}
