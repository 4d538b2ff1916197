/*
 * NAME
 *   fuzz_sanitize - libFuzzer target for lib/name and lib/addr
 * DESCRIPTION
 *   Input: byte 0 chooses the output buffer size of rdns_sanitize (0..255,
 *   an exact-size heap buffer, so ASan sees any write past it); the rest is
 *   the untrusted text. Invariants checked:
 *   - rdns_sanitize: output is printable ASCII (0x20..0x7e), terminated
 *     inside the buffer; when the escaped text fits it is exactly the
 *     expected escaping, when it does not it is a prefix of it ending in
 *     "..."; a zero-size buffer is not touched.
 *   - name functions on the text cut at its first NUL (and the part after
 *     that NUL as a second name): rdns_name_equal is reflexive, symmetric,
 *     blind to ASCII case and to one trailing dot; an FQDN is LDH and dots
 *     only, at most 253 bytes without the trailing dot, is its own suffix
 *     and a suffix of "x." plus itself; normalizing keeps it an FQDN, equal
 *     to the original, lowercase.
 *   - rdns_addr_parse: format and parse again gives the same address; the
 *     reverse name ends in in-addr.arpa or ip6.arpa and fits its buffer;
 *     the /24 or /48 block parses and contains the address.
 *   - rdns_cidr_parse: host bits clear, prefix in range, the network
 *     matches itself, and "ADDR/PREFIX" parses back to the same block.
 */
#include <ctype.h>
#include <sys/socket.h>

#include "addr.h"
#include "fuzz.h"
#include "name.h"

/* The escaping rdns_sanitize promises, without any cut. */
static char *expected_escape(const char *src, size_t n, size_t *outlen)
{
    char *e = malloc(n * 4 + 1);
    size_t o = 0;

    if (e == NULL)
        abort();
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];

        if (c >= 0x20 && c <= 0x7e)
            e[o++] = (char)c;
        else
            o += (size_t)snprintf(e + o, 5, "\\x%02x", c);
    }
    e[o] = '\0';
    *outlen = o;
    return e;
}

static void check_sanitize(size_t dstlen, const char *src, size_t n)
{
    char *dst = malloc(dstlen > 0 ? dstlen : 1);
    size_t elen, olen;
    char *exp;

    if (dst == NULL)
        abort();
    if (dstlen == 0) {
        dst[0] = 'Z';
        FUZZ_ASSERT(rdns_sanitize(dst, 0, src, n) == dst);
        FUZZ_ASSERT(dst[0] == 'Z');
        free(dst);
        return;
    }
    FUZZ_ASSERT(rdns_sanitize(dst, dstlen, src, n) == dst);
    FUZZ_ASSERT(fuzz_printable(dst, dstlen));
    exp = expected_escape(src, n, &elen);
    olen = strlen(dst);
    if (elen < dstlen) {
        FUZZ_ASSERT(olen == elen && memcmp(dst, exp, elen) == 0);
    } else {
        size_t mark = dstlen - 1 >= 3 ? 3 : dstlen - 1;

        FUZZ_ASSERT(olen >= mark);
        FUZZ_ASSERT(memcmp(dst + olen - mark, "...", mark) == 0);
        FUZZ_ASSERT(memcmp(dst, exp, olen - mark) == 0);
    }
    free(exp);
    free(dst);
}

static void check_fqdn(const char *name)
{
    size_t n = strlen(name), core = n;
    char *buf, *up;

    if (core > 0 && name[core - 1] == '.')
        core--;
    FUZZ_ASSERT(core <= RDNS_NAME_MAX);
    for (size_t i = 0; i < core; i++)
        FUZZ_ASSERT(isalnum((unsigned char)name[i]) || name[i] == '-' || name[i] == '.');
    FUZZ_ASSERT(rdns_name_has_suffix(name, name));

    buf = malloc(n + 3);
    if (buf == NULL)
        abort();
    memcpy(buf, "x.", 2);
    memcpy(buf + 2, name, n + 1);
    FUZZ_ASSERT(rdns_name_has_suffix(buf, name));
    FUZZ_ASSERT(!rdns_name_has_suffix(name, buf));
    FUZZ_ASSERT(!rdns_name_equal(name, buf));

    up = buf;
    memcpy(up, name, n + 1);
    rdns_name_normalize(up);
    FUZZ_ASSERT(rdns_name_is_fqdn(up));
    FUZZ_ASSERT(rdns_name_equal(up, name));
    for (const char *p = up; *p; p++)
        FUZZ_ASSERT(!isupper((unsigned char)*p));
    free(buf);
}

static void check_names(const char *a, const char *b)
{
    size_t n = strlen(a);
    char *up = malloc(n + 2);

    if (up == NULL)
        abort();
    FUZZ_ASSERT(rdns_name_equal(a, a));
    FUZZ_ASSERT(rdns_name_equal(a, b) == rdns_name_equal(b, a));
    for (size_t i = 0; i <= n; i++)
        up[i] = (char)toupper((unsigned char)a[i]);
    FUZZ_ASSERT(rdns_name_equal(a, up));
    FUZZ_ASSERT(rdns_name_is_fqdn(a) == rdns_name_is_fqdn(up));
    if (n == 0 || a[n - 1] != '.') {
        memcpy(up, a, n);
        up[n] = '.';
        up[n + 1] = '\0';
        FUZZ_ASSERT(rdns_name_equal(a, up));
        FUZZ_ASSERT(rdns_name_is_fqdn(a) == rdns_name_is_fqdn(up));
    }
    free(up);
    (void)rdns_name_has_suffix(a, b);
    (void)rdns_name_has_suffix(b, a);
    if (rdns_name_is_fqdn(a))
        check_fqdn(a);
}

static void check_addr(const char *text)
{
    rdns_addr a, again;
    rdns_cidr block;
    char buf[RDNS_ADDR_STRLEN], rev[RDNS_REVNAME_LEN], blk[RDNS_ADDR_STRLEN + 8];
    size_t rl;

    if (!rdns_addr_parse(text, &a))
        return;
    FUZZ_ASSERT(a.family == AF_INET || a.family == AF_INET6);
    rdns_addr_format(&a, buf, sizeof(buf));
    FUZZ_ASSERT(rdns_addr_parse(buf, &again));
    FUZZ_ASSERT(rdns_addr_equal(&a, &again));

    rdns_addr_revname(&a, rev, sizeof(rev));
    rl = strnlen(rev, sizeof(rev));
    FUZZ_ASSERT(rl < sizeof(rev));
    if (a.family == AF_INET)
        FUZZ_ASSERT(rl > 13 && strcmp(rev + rl - 13, ".in-addr.arpa") == 0);
    else
        FUZZ_ASSERT(rl == 72 && strcmp(rev + rl - 9, ".ip6.arpa") == 0);

    rdns_addr_block(&a, blk, sizeof(blk));
    FUZZ_ASSERT(rdns_cidr_parse(blk, &block));
    FUZZ_ASSERT(rdns_cidr_match(&block, &a));
    FUZZ_ASSERT(block.prefix == (a.family == AF_INET ? 24u : 48u));
}

static void check_cidr(const char *text)
{
    rdns_cidr c, again;
    char buf[RDNS_ADDR_STRLEN + 8], a[RDNS_ADDR_STRLEN];
    unsigned max;

    if (!rdns_cidr_parse(text, &c))
        return;
    max = c.addr.family == AF_INET ? 32 : 128;
    FUZZ_ASSERT(c.addr.family == AF_INET || c.addr.family == AF_INET6);
    FUZZ_ASSERT(c.prefix <= max);
    for (unsigned bit = c.prefix; bit < max; bit++)
        FUZZ_ASSERT(!(c.addr.b[bit / 8] & (0x80 >> (bit % 8))));
    FUZZ_ASSERT(rdns_cidr_match(&c, &c.addr));
    rdns_addr_format(&c.addr, a, sizeof(a));
    snprintf(buf, sizeof(buf), "%s/%u", a, c.prefix);
    FUZZ_ASSERT(rdns_cidr_parse(buf, &again));
    FUZZ_ASSERT(rdns_addr_equal(&c.addr, &again.addr) && c.prefix == again.prefix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text, *second;
    char *copy;
    size_t n;

    if (size < 1)
        return 0;
    n = size - 1;
    copy = fuzz_cstr(data + 1, n);
    check_sanitize(data[0], copy, n);
    check_sanitize(n * 4 + 1, copy, n);       /* always fits: no cut */

    text = copy;
    second = strlen(copy) < n ? copy + strlen(copy) + 1 : "";
    check_names(text, second);
    check_names(second, text);
    check_addr(text);
    check_cidr(text);
    check_addr(second);
    check_cidr(second);
    free(copy);
    return 0;
}
