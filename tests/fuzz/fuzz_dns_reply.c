/*
 * NAME
 *   fuzz_dns_reply - libFuzzer target for the DNS reply reader (dns_reply.h)
 * DESCRIPTION
 *   The input is one DNS message as it would arrive over UDP. The question
 *   asked is taken from the message itself (its first question, in
 *   presentation form, and its type when that is A, AAAA, PTR or MX, else
 *   A) and the ID from its first two bytes, so the fuzzer reaches the
 *   reading of answers and not only the "not our reply" check. Invariants:
 *   - the answer is never NULL; status, detail and canonical are sane:
 *     printable ASCII inside their buffers, a TEMPFAIL or NXDOMAIN says
 *     why, only OK carries records, OK carries at least one (or a null MX);
 *   - names (PTR, MX) are printable ASCII (8-bit bytes escaped), lowercase,
 *     without trailing dot, at most RDNS_NAME_MAX bytes; addresses are of
 *     the family asked (an IPv4-mapped AAAA folds to IPv4); at most 64
 *     records are kept; MX names carry preferences;
 *   - a spoof is never believed: the same bytes read as the reply to
 *     another ID, another name or another type give TEMPFAIL with no
 *     records;
 *   - reading is deterministic (same bytes, same answer).
 */
#include <ctype.h>
#include <sys/socket.h>

#include "dns.h"
#include "dns_reply.h"
#include "fuzz.h"
#include "name.h"


/* First question of wire as presentation text and its type; false when
 * there is none to read. */
static bool question(const uint8_t *w, size_t len, char *name, size_t namelen,
                     rdns_dns_type *type)
{
    size_t off = 12, o = 0;
    unsigned qtype;

    if (len < 12 || ((w[4] << 8) | w[5]) == 0)
        return false;
    for (;;) {
        unsigned n;

        if (off >= len)
            return false;
        n = w[off++];
        if (n == 0)
            break;
        if (n > 63 || off + n > len)
            return false;
        for (unsigned i = 0; i < n; i++) {
            unsigned char c = w[off + i];

            if (o + 5 >= namelen)
                return false;
            if (isalnum(c) || c == '-' || c == '_')
                name[o++] = (char)c;
            else
                o += (size_t)snprintf(name + o, namelen - o, "\\%03u", c);
        }
        off += n;
        name[o++] = '.';
    }
    if (o == 0)
        name[o++] = '.';
    name[o] = '\0';
    if (off + 4 > len)
        return false;
    qtype = (unsigned)(w[off] << 8 | w[off + 1]);
    switch (qtype) {
    case 28:
        *type = RDNS_DNS_AAAA;
        break;
    case 12:
        *type = RDNS_DNS_PTR;
        break;
    case 15:
        *type = RDNS_DNS_MX;
        break;
    default:
        *type = RDNS_DNS_A;
        break;
    }
    return true;
}

static void check_text(const char *s, size_t size)
{
    if (!fuzz_printable(s, size))
        fuzz_show("text", s, strnlen(s, size));
    FUZZ_ASSERT(fuzz_printable(s, size));
}

static void check_answer(const rdns_dns_answer *a, rdns_dns_type type, const char *cname,
                         size_t cname_len)
{
    FUZZ_ASSERT(a != NULL);
    FUZZ_ASSERT(a->status == RDNS_DNS_OK || a->status == RDNS_DNS_NXDOMAIN
                || a->status == RDNS_DNS_NODATA || a->status == RDNS_DNS_TEMPFAIL);
    check_text(a->detail, sizeof(a->detail));
    check_text(a->canonical, sizeof(a->canonical));
    check_text(cname, cname_len);
    if (a->status == RDNS_DNS_TEMPFAIL || a->status == RDNS_DNS_NXDOMAIN)
        FUZZ_ASSERT(a->detail[0] != '\0');
    if (cname[0] != '\0')
        FUZZ_ASSERT(a->status == RDNS_DNS_TEMPFAIL);
    if (a->status != RDNS_DNS_OK) {
        FUZZ_ASSERT(a->names.n == 0 && a->naddrs == 0 && !a->null_mx);
        return;
    }
    FUZZ_ASSERT(a->names.n + a->naddrs > 0 || a->null_mx);
    FUZZ_ASSERT(a->names.n <= RDNS_DNS_MAX_NAMES && a->naddrs <= RDNS_DNS_MAX_ADDRS);
    if (a->null_mx)
        FUZZ_ASSERT(type == RDNS_DNS_MX);
    if (type == RDNS_DNS_A || type == RDNS_DNS_AAAA)
        FUZZ_ASSERT(a->names.n == 0);
    else
        FUZZ_ASSERT(a->naddrs == 0);
    if (type == RDNS_DNS_MX && a->names.n > 0)
        FUZZ_ASSERT(a->mx_pref != NULL);
    for (size_t i = 0; i < a->naddrs; i++) {
        FUZZ_ASSERT(a->addrs[i].family == AF_INET || type == RDNS_DNS_AAAA);
        FUZZ_ASSERT(a->addrs[i].family == AF_INET || a->addrs[i].family == AF_INET6);
    }
    for (size_t i = 0; i < a->names.n; i++) {
        const char *n = a->names.v[i];
        size_t len = strlen(n);

        check_text(n, len + 1);
        FUZZ_ASSERT(len <= RDNS_NAME_MAX);
        for (size_t j = 0; j < len; j++)
            FUZZ_ASSERT(!isupper((unsigned char)n[j]));
        /* a trailing '.' is allowed only as an escaped byte ("\.") */
        if (len > 0 && n[len - 1] == '.')
            FUZZ_ASSERT(len >= 2 && n[len - 2] == '\\');
    }
}

static bool same(const rdns_dns_answer *a, const rdns_dns_answer *b)
{
    if (a->status != b->status || a->names.n != b->names.n || a->naddrs != b->naddrs
        || a->null_mx != b->null_mx || a->ttl != b->ttl || strcmp(a->canonical, b->canonical)
        || strcmp(a->detail, b->detail))
        return false;
    for (size_t i = 0; i < a->names.n; i++)
        if (strcmp(a->names.v[i], b->names.v[i]) != 0)
            return false;
    for (size_t i = 0; i < a->naddrs; i++)
        if (!rdns_addr_equal(&a->addrs[i], &b->addrs[i]))
            return false;
    return true;
}

static void check_ignored(const uint8_t *w, size_t len, const char *name, rdns_dns_type type,
                          uint16_t id)
{
    char cname[RDNS_NAME_MAX + 1];
    rdns_dns_answer *a = rdns_dns_reply_parse(w, len, name, type, id, cname, sizeof(cname));

    check_answer(a, type, cname, sizeof(cname));
    FUZZ_ASSERT(a->status == RDNS_DNS_TEMPFAIL);
    FUZZ_ASSERT(a->names.n == 0 && a->naddrs == 0);
    rdns_dns_answer_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *w = malloc(size > 0 ? size : 1);
    char name[RDNS_NAME_MAX * 4 + 8], other[sizeof(name) + 8];
    char cname[RDNS_NAME_MAX + 1], cname2[RDNS_NAME_MAX + 1], tiny[2];
    rdns_dns_type type = RDNS_DNS_A;
    rdns_dns_answer *a, *b;
    uint16_t id = 0;

    if (w == NULL)
        abort();
    if (size > 0)
        memcpy(w, data, size);
    if (size >= 2)
        id = (uint16_t)(w[0] << 8 | w[1]);
    if (!question(w, size, name, sizeof(name), &type))
        snprintf(name, sizeof(name), "host.example.");

    memset(cname, 'Z', sizeof(cname));
    a = rdns_dns_reply_parse(w, size, name, type, id, cname, sizeof(cname));
    check_answer(a, type, cname, sizeof(cname));
    b = rdns_dns_reply_parse(w, size, name, type, id, cname2, sizeof(cname2));
    FUZZ_ASSERT(same(a, b) && strcmp(cname, cname2) == 0);
    rdns_dns_answer_free(b);
    /* A tiny CNAME buffer and none at all change nothing else. */
    b = rdns_dns_reply_parse(w, size, name, type, id, tiny, sizeof(tiny));
    FUZZ_ASSERT(same(a, b) && strnlen(tiny, sizeof(tiny)) < sizeof(tiny));
    rdns_dns_answer_free(b);
    b = rdns_dns_reply_parse(w, size, name, type, id, NULL, 0);
    FUZZ_ASSERT(same(a, b));
    rdns_dns_answer_free(b);

    /* Spoofs: the same bytes for another ID, name or type. */
    if (a->status != RDNS_DNS_TEMPFAIL || a->naddrs > 0 || a->names.n > 0) {
        check_ignored(w, size, name, type, (uint16_t)(id ^ 0x0100));
        snprintf(other, sizeof(other), "zz%s", name);
        if (strlen(name) + 2 <= RDNS_NAME_MAX)
            check_ignored(w, size, other, type, id);
        check_ignored(w, size, name, type == RDNS_DNS_PTR ? RDNS_DNS_MX : RDNS_DNS_PTR, id);
    }
    rdns_dns_answer_free(a);
    free(w);
    return 0;
}
