/*
 * test_whitelist - addresses, CIDR blocks and domain suffixes; label
 * boundaries; addresses_only mode; error messages that name the entry.
 */
#include <string.h>

#include "check.h"
#include "whitelist.h"

static rdns_whitelist *make(bool addresses_only, const char *const *entries,
                            char *err, size_t errlen)
{
    rdns_strlist l = {0};
    rdns_whitelist *w;

    for (size_t i = 0; entries[i] != NULL; i++)
        rdns_strlist_add(&l, entries[i]);
    w = rdns_whitelist_create(&l, addresses_only, err, errlen);
    rdns_strlist_clear(&l);
    return w;
}

static bool addr_in(const rdns_whitelist *w, const char *text)
{
    rdns_addr a;

    if (!rdns_addr_parse(text, &a)) {
        fprintf(stderr, "test bug: bad address %s\n", text);
        return false;
    }
    return rdns_whitelist_match_addr(w, &a);
}

static void test_addresses(void)
{
    static const char *const e[] = {"192.0.2.10", "198.51.100.0/24", "10.0.0.0/8",
                                    "2001:db8::/32", "2001:db8:ffff::1", NULL};
    char err[256];
    rdns_whitelist *w = make(false, e, err, sizeof(err));

    CHECK(w != NULL);
    CHECK(addr_in(w, "192.0.2.10"));
    CHECK(!addr_in(w, "192.0.2.11"));
    CHECK(addr_in(w, "198.51.100.0"));
    CHECK(addr_in(w, "198.51.100.255"));
    CHECK(!addr_in(w, "198.51.101.1"));
    CHECK(addr_in(w, "10.255.1.2"));
    CHECK(!addr_in(w, "11.0.0.1"));
    CHECK(addr_in(w, "2001:db8:1234::5"));
    CHECK(!addr_in(w, "2001:db9::1"));
    CHECK(addr_in(w, "2001:db8:ffff::1"));
    /* An IPv4-mapped client is its IPv4 self. */
    CHECK(addr_in(w, "::ffff:10.1.2.3"));
    CHECK(!addr_in(w, "::ffff:11.1.2.3"));
    /* No address entry turns into a name entry. */
    CHECK(!rdns_whitelist_has_names(w));
    CHECK(!rdns_whitelist_match_name(w, "192.0.2.10"));
    CHECK(!rdns_whitelist_match_addr(w, NULL));
    rdns_whitelist_free(w);
}

static void test_names(void)
{
    static const char *const e[] = {"example.net", ".Mail.Example.ORG", "bulk.example.com.",
                                    NULL};
    char err[256];
    rdns_whitelist *w = make(false, e, err, sizeof(err));

    CHECK(w != NULL);
    CHECK(rdns_whitelist_has_names(w));
    CHECK(rdns_whitelist_match_name(w, "example.net"));
    CHECK(rdns_whitelist_match_name(w, "mx1.example.net"));
    CHECK(rdns_whitelist_match_name(w, "MX1.EXAMPLE.NET."));
    CHECK(!rdns_whitelist_match_name(w, "badexample.net"));
    CHECK(!rdns_whitelist_match_name(w, "example.net.evil.com"));
    CHECK(!rdns_whitelist_match_name(w, "net"));
    CHECK(rdns_whitelist_match_name(w, "a.b.mail.example.org"));
    CHECK(rdns_whitelist_match_name(w, "mail.example.org"));
    CHECK(!rdns_whitelist_match_name(w, "example.org"));
    CHECK(!rdns_whitelist_match_name(w, "xmail.example.org"));
    CHECK(rdns_whitelist_match_name(w, "out.bulk.example.com"));
    CHECK(!rdns_whitelist_match_name(w, "example.com"));
    CHECK(!rdns_whitelist_match_name(w, ""));
    CHECK(!rdns_whitelist_match_name(w, NULL));
    /* Names never match addresses. */
    CHECK(!addr_in(w, "192.0.2.1"));
    rdns_whitelist_free(w);
}

static void test_empty(void)
{
    char err[256];
    rdns_whitelist *w = rdns_whitelist_create(NULL, false, err, sizeof(err));
    rdns_strlist l = {0};

    CHECK(w != NULL);
    CHECK(!addr_in(w, "127.0.0.1"));
    CHECK(!rdns_whitelist_match_name(w, "example.net"));
    CHECK(!rdns_whitelist_has_names(w));
    rdns_whitelist_free(w);
    w = rdns_whitelist_create(&l, true, err, sizeof(err));
    CHECK(w != NULL);
    CHECK(!addr_in(w, "::1"));
    rdns_whitelist_free(w);
    rdns_whitelist_free(NULL);
    CHECK(!rdns_whitelist_match_addr(NULL, NULL));
    CHECK(!rdns_whitelist_has_names(NULL));
}

static void test_addresses_only(void)
{
    static const char *const ok[] = {"127.0.0.0/8", "::1/128", "192.0.2.7", NULL};
    static const char *const bad[] = {"127.0.0.0/8", "mail.example.net", NULL};
    char err[256];
    rdns_whitelist *w = make(true, ok, err, sizeof(err));

    CHECK(w != NULL);
    CHECK(addr_in(w, "127.5.6.7"));
    CHECK(addr_in(w, "::1"));
    CHECK(!addr_in(w, "::2"));
    CHECK(addr_in(w, "192.0.2.7"));
    rdns_whitelist_free(w);

    w = make(true, bad, err, sizeof(err));
    CHECK(w == NULL);
    CHECK(strstr(err, "'mail.example.net'") != NULL);
    CHECK(strstr(err, "only IP addresses and CIDR blocks") != NULL);
    CHECK(rdns_whitelist_entry_ok("mail.example.net", false, err, sizeof(err)));
    CHECK(!rdns_whitelist_entry_ok("mail.example.net", true, err, sizeof(err)));
}

/* Each bad entry is refused by both functions, with its text and the
 * reason in the message. */
static void expect_bad(const char *entry, const char *why)
{
    char err[256];
    char quoted[300];
    const char *list[] = {"192.0.2.1", entry, NULL};
    rdns_whitelist *w;

    snprintf(quoted, sizeof(quoted), "'%s'", entry);
    err[0] = '\0';
    CHECK(!rdns_whitelist_entry_ok(entry, false, err, sizeof(err)));
    if (strstr(err, quoted) == NULL || strstr(err, why) == NULL) {
        fprintf(stderr, "entry %s: message \"%s\" lacks \"%s\"\n", entry, err, why);
        CHECK(0);
    }
    w = make(false, list, err, sizeof(err));
    CHECK(w == NULL);
    CHECK(strstr(err, why) != NULL);
}

static void test_errors(void)
{
    char err[256];

    expect_bad("10.0.0.1/33", "prefix out of range (0..32)");
    expect_bad("2001:db8::/129", "prefix out of range (0..128)");
    expect_bad("10.0.0.1/24", "host bits set");
    expect_bad("2001:db8::1/32", "host bits set");
    expect_bad("10.0.0.256", "not a valid IP address");
    expect_bad("10.0.0", "not a valid IP address");
    expect_bad("2001:db8:::1", "not a valid IP address");
    expect_bad("10.0.0.0/", "prefix length is not a number");
    expect_bad("10.0.0.0/8x", "prefix length is not a number");
    expect_bad("10.0.0.0/-1", "prefix length is not a number");
    expect_bad("::ffff:10.0.0.0/104", "IPv4-mapped");
    expect_bad("/8", "not an IP address or CIDR block");
    expect_bad("net", "domain name of two or more labels");
    /* public suffixes from the PSL: a whole registry, never one sender */
    expect_bad("co.uk", "public suffix");
    expect_bad(".com.au", "public suffix");
    expect_bad("chuo.kobe.jp.", "public suffix");
    CHECK(rdns_whitelist_entry_ok("city.kobe.jp", false, err, sizeof(err)));
    expect_bad("exa mple.net", "domain name of two or more labels");
    expect_bad("-bad.example.net", "domain name of two or more labels");
    expect_bad("example..net", "domain name of two or more labels");
    expect_bad("..example.net", "domain name of two or more labels");
    expect_bad("example.123", "domain name of two or more labels");

    CHECK(!rdns_whitelist_entry_ok("", false, err, sizeof(err)));
    CHECK_STR(err, "'': empty entry");
    /* Unprintable bytes in an entry do not reach the message raw. */
    CHECK(!rdns_whitelist_entry_ok("bad\nname.example", false, err, sizeof(err)));
    CHECK(strchr(err, '\n') == NULL);
    CHECK(strstr(err, "bad\\x0aname.example") != NULL);
    {
        char longname[400];

        memset(longname, 'a', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = '\0';
        CHECK(!rdns_whitelist_entry_ok(longname, false, err, sizeof(err)));
        CHECK(strstr(err, "too long") != NULL);
    }
    /* A small buffer is never overrun and stays terminated. */
    {
        char small[8];

        CHECK(!rdns_whitelist_entry_ok("10.0.0.1/33", false, small, sizeof(small)));
        CHECK(strlen(small) == sizeof(small) - 1);
    }
    CHECK(rdns_whitelist_entry_ok("0.0.0.0/0", true, err, sizeof(err)));
    CHECK(rdns_whitelist_entry_ok("::/0", true, err, sizeof(err)));
    CHECK(rdns_whitelist_entry_ok(".example.net", false, err, sizeof(err)));
    CHECK_STR(err, "");
}

int main(void)
{
    test_addresses();
    test_names();
    test_empty();
    test_addresses_only();
    test_errors();
    CHECK_DONE();
}
