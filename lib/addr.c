/*
 * NAME
 *   addr - IPv4/IPv6 addresses and CIDR blocks as values
 * DESCRIPTION
 *   IPv4-mapped IPv6 addresses are folded to IPv4 on every way in, so the
 *   rest of the program sees one family per host.
 */
#include "addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static void addr_fold_mapped(rdns_addr *a)
{
    if (a->family == AF_INET6 && memcmp(a->b, v4mapped, 12) == 0) {
        memmove(a->b, a->b + 12, 4);
        memset(a->b + 4, 0, 12);
        a->family = AF_INET;
    }
}

bool rdns_addr_parse(const char *text, rdns_addr *out)
{
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, text, out->b) == 1) {
        out->family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, text, out->b) == 1) {
        out->family = AF_INET6;
        addr_fold_mapped(out);
        return true;
    }
    return false;
}

bool rdns_addr_from_sockaddr(const struct sockaddr *sa, rdns_addr *out)
{
    memset(out, 0, sizeof(*out));
    if (sa == NULL)
        return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;

        out->family = AF_INET;
        memcpy(out->b, &sin->sin_addr, 4);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)sa;

        out->family = AF_INET6;
        memcpy(out->b, &sin6->sin6_addr, 16);
        addr_fold_mapped(out);
        return true;
    }
    return false;
}

void rdns_addr_format(const rdns_addr *a, char *buf, size_t len)
{
    if (len == 0)
        return;
    if (inet_ntop(a->family, a->b, buf, (socklen_t)len) == NULL)
        snprintf(buf, len, "?");
}

bool rdns_addr_equal(const rdns_addr *a, const rdns_addr *b)
{
    size_t n = a->family == AF_INET ? 4 : 16;

    return a->family == b->family && memcmp(a->b, b->b, n) == 0;
}

void rdns_addr_revname(const rdns_addr *a, char *buf, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t off = 0;

    if (len == 0)
        return;
    buf[0] = '\0';
    if (a->family == AF_INET) {
        snprintf(buf, len, "%u.%u.%u.%u.in-addr.arpa", a->b[3], a->b[2], a->b[1], a->b[0]);
        return;
    }
    for (int i = 15; i >= 0 && off + 4 < len; i--) {
        buf[off++] = hex[a->b[i] & 0xf];
        buf[off++] = '.';
        buf[off++] = hex[a->b[i] >> 4];
        buf[off++] = '.';
    }
    buf[off] = '\0';
    snprintf(buf + off, len - off, "ip6.arpa");
}

static void cidr_mask(rdns_addr *a, unsigned prefix)
{
    size_t n = a->family == AF_INET ? 4 : 16;

    for (size_t i = 0; i < n; i++) {
        unsigned bits = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;

        a->b[i] &= (unsigned char)(0xff << (8 - bits));
    }
}

bool rdns_cidr_parse(const char *text, rdns_cidr *out)
{
    char buf[64];
    const char *slash = strchr(text, '/');
    size_t alen = slash ? (size_t)(slash - text) : strlen(text);
    unsigned max;

    memset(out, 0, sizeof(*out));
    if (alen == 0 || alen >= sizeof(buf))
        return false;
    memcpy(buf, text, alen);
    buf[alen] = '\0';
    if (!rdns_addr_parse(buf, &out->addr))
        return false;
    /* A mapped address folded to IPv4 keeps an IPv6 prefix; reject it
     * rather than guess what the admin meant. */
    max = out->addr.family == AF_INET ? 32 : 128;
    if (out->addr.family == AF_INET && strchr(buf, ':') != NULL && slash)
        return false;
    if (!slash) {
        out->prefix = max;
        return true;
    }
    {
        const char *p = slash + 1;
        char *end;
        unsigned long v;

        if (*p < '0' || *p > '9')
            return false;
        v = strtoul(p, &end, 10);
        if (*end != '\0' || v > max || end - p > 3)
            return false;
        out->prefix = (unsigned)v;
    }
    {
        rdns_addr masked = out->addr;

        cidr_mask(&masked, out->prefix);
        if (!rdns_addr_equal(&masked, &out->addr))
            return false;       /* host bits set: probably a typo */
    }
    return true;
}

bool rdns_cidr_match(const rdns_cidr *c, const rdns_addr *a)
{
    rdns_addr masked;

    if (c->addr.family != a->family)
        return false;
    masked = *a;
    cidr_mask(&masked, c->prefix);
    return rdns_addr_equal(&masked, &c->addr);
}

void rdns_addr_block(const rdns_addr *a, char *buf, size_t len)
{
    rdns_addr masked = *a;
    unsigned prefix = a->family == AF_INET ? 24 : 48;
    char text[RDNS_ADDR_STRLEN];

    cidr_mask(&masked, prefix);
    rdns_addr_format(&masked, text, sizeof(text));
    snprintf(buf, len, "%s/%u", text, prefix);
}
