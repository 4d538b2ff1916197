/*
 * NAME
 *   fuzz_generic_ptr - libFuzzer target for rdns_generic_classify
 * DESCRIPTION
 *   Input: byte 0 says whether an address follows (low two bits: 1 = IPv4,
 *   4 bytes; 2 = IPv6, 16 bytes; else none), then the address bytes, then
 *   the PTR name (cut at its first NUL, as a C string). Two classifiers
 *   are built once: the built-in one and one with admin patterns and
 *   not_generic entries (suffixes and a "~regex"), as a config would give.
 *   Invariants checked:
 *   - the reason is non-empty printable ASCII inside its buffer, also in a
 *     tiny buffer, and the verdict does not depend on the buffer size;
 *   - the verdict does not change with ASCII case or one trailing dot
 *     (the contract: "any case, trailing dot allowed");
 *   - a name under a not_generic suffix is never generic (they win over
 *     everything else), whatever address comes with it;
 *   - forward confirmation only ever takes a verdict away (structure
 *     recognises servers, never makes a name generic), and holding out
 *     the built-in sender list only ever adds one.
 */
#include <ctype.h>
#include <sys/socket.h>

#include "addr.h"
#include "fuzz.h"
#include "generic_ptr.h"
#include "name.h"

static rdns_generic *fuzz_plain;
static rdns_generic *fuzz_admin;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    rdns_strlist pat = {0}, nog = {0};
    char err[256];

    (void)argc;
    (void)argv;
    rdns_strlist_add(&pat, "^fuzzpool-[0-9]+\\.");
    rdns_strlist_add(&pat, "(^|[.-])(adsl|dyn)[0-9a-f]{2,}[.-]");
    rdns_strlist_add(&nog, "mail.example.org");
    rdns_strlist_add(&nog, ".relay.example.net");
    rdns_strlist_add(&nog, "~^mx[0-9]*\\.static\\.");
    fuzz_plain = rdns_generic_create(NULL, NULL, err, sizeof(err));
    FUZZ_ASSERT(fuzz_plain != NULL);
    fuzz_admin = rdns_generic_create(&pat, &nog, err, sizeof(err));
    FUZZ_ASSERT(fuzz_admin != NULL);
    /* The admin pattern works at all, or the target fuzzes nothing. */
    FUZZ_ASSERT(rdns_generic_classify(fuzz_admin, "fuzzpool-7.isp.invalid", NULL, err,
                                      sizeof(err)));
    rdns_strlist_clear(&pat);
    rdns_strlist_clear(&nog);
    return 0;
}

static bool classify(const rdns_generic *g, const char *name, const rdns_addr *ip)
{
    char reason[512], tiny[6];
    bool generic;

    memset(reason, 'Z', sizeof(reason));
    generic = rdns_generic_classify(g, name, ip, reason, sizeof(reason));
    if (!fuzz_printable(reason, sizeof(reason)))
        fuzz_show("reason", reason, strnlen(reason, sizeof(reason)));
    FUZZ_ASSERT(fuzz_printable(reason, sizeof(reason)));
    FUZZ_ASSERT(reason[0] != '\0');
    FUZZ_ASSERT(rdns_generic_classify(g, name, ip, tiny, sizeof(tiny)) == generic);
    FUZZ_ASSERT(fuzz_printable(tiny, sizeof(tiny)));
    return generic;
}

static void check(const rdns_generic *g, const char *name, const rdns_addr *ip)
{
    size_t n = strlen(name);
    char *other = malloc(n + 2);
    bool generic = classify(g, name, ip);
    char reason[512];

    if (other == NULL)
        abort();
    if (rdns_generic_classify_ex(g, name, ip, RDNS_GENERIC_CONFIRMED, reason, sizeof(reason)))
        FUZZ_ASSERT(generic);
    FUZZ_ASSERT(fuzz_printable(reason, sizeof(reason)));
    if (generic)
        FUZZ_ASSERT(rdns_generic_classify_ex(g, name, ip, RDNS_GENERIC_NO_SENDER_LIST,
                                             reason, sizeof(reason)));
    for (size_t i = 0; i <= n; i++)
        other[i] = (char)toupper((unsigned char)name[i]);
    FUZZ_ASSERT(classify(g, other, ip) == generic);
    if (n > 0 && name[n - 1] != '.') {
        memcpy(other, name, n);
        other[n] = '.';
        other[n + 1] = '\0';
        FUZZ_ASSERT(classify(g, other, ip) == generic);
    }
    free(other);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rdns_addr ip, *ipp = NULL;
    size_t off = 1;
    char *name;

    if (size < 1)
        return 0;
    memset(&ip, 0, sizeof(ip));
    if ((data[0] & 3) == 1 && size >= 5) {
        ip.family = AF_INET;
        memcpy(ip.b, data + 1, 4);
        ipp = &ip;
        off = 5;
    } else if ((data[0] & 3) == 2 && size >= 17) {
        char text[RDNS_ADDR_STRLEN];

        /* through the parser, so a mapped address is folded as elsewhere */
        ip.family = AF_INET6;
        memcpy(ip.b, data + 1, 16);
        rdns_addr_format(&ip, text, sizeof(text));
        FUZZ_ASSERT(rdns_addr_parse(text, &ip));
        ipp = &ip;
        off = 17;
    }
    name = fuzz_cstr(data + off, size - off);

    check(fuzz_plain, name, ipp);
    check(fuzz_admin, name, ipp);
    if (ipp)
        (void)classify(fuzz_plain, name, NULL);
    if (rdns_name_has_suffix(name, "mail.example.org")
        || rdns_name_has_suffix(name, "relay.example.net"))
        FUZZ_ASSERT(!classify(fuzz_admin, name, ipp));
    free(name);
    return 0;
}
