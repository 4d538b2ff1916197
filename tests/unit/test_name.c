/* Tests of lib/name.c: FQDN syntax, comparison, suffixes, sanitising. */
#include "check.h"
#include "name.h"

int main(void)
{
    char buf[64], small[8];
    char long_name[300];

    CHECK(rdns_name_is_fqdn("mail.example.com"));
    CHECK(rdns_name_is_fqdn("mail.example.com."));
    CHECK(rdns_name_is_fqdn("a8-30.smtp-out.amazonses.com"));
    CHECK(rdns_name_is_fqdn("1.2.3.example"));          /* digits allowed below the TLD */
    CHECK(rdns_name_is_fqdn("xn--bcher-kva.example"));
    CHECK(!rdns_name_is_fqdn("localhost"));
    CHECK(!rdns_name_is_fqdn("User"));
    CHECK(!rdns_name_is_fqdn("1.2.3.4"));               /* bare IP: numeric TLD */
    CHECK(!rdns_name_is_fqdn("[1.2.3.4]"));
    CHECK(!rdns_name_is_fqdn(""));
    CHECK(!rdns_name_is_fqdn("."));
    CHECK(!rdns_name_is_fqdn("a..example"));
    CHECK(!rdns_name_is_fqdn("-a.example"));
    CHECK(!rdns_name_is_fqdn("a-.example"));
    CHECK(!rdns_name_is_fqdn("a_b.example"));
    CHECK(!rdns_name_is_fqdn("a b.example"));
    CHECK(!rdns_name_is_fqdn("mail.example.com.."));
    CHECK(!rdns_name_is_fqdn("m\xc3\xa4il.example"));
    memset(long_name, 'a', 64);
    strcpy(long_name + 64, ".example");
    CHECK(!rdns_name_is_fqdn(long_name));               /* 64-byte label */
    memset(long_name, 'a', 63);
    strcpy(long_name + 63, ".example");
    CHECK(rdns_name_is_fqdn(long_name));                /* 63 is the limit */
    for (int i = 0; i < 299; i++)
        long_name[i] = (i % 2) ? '.' : 'a';
    long_name[299] = '\0';
    CHECK(!rdns_name_is_fqdn(long_name));               /* over 253 */

    CHECK(rdns_name_equal("Mail.Example.COM.", "mail.example.com"));
    CHECK(!rdns_name_equal("mail.example.com", "mail.example.co"));
    CHECK(rdns_name_has_suffix("mx1.example.net", "example.net"));
    CHECK(rdns_name_has_suffix("example.net", "example.net"));
    CHECK(rdns_name_has_suffix("MX1.EXAMPLE.NET.", ".example.net"));
    CHECK(!rdns_name_has_suffix("badexample.net", "example.net"));
    CHECK(!rdns_name_has_suffix("net", "example.net"));
    CHECK(!rdns_name_has_suffix("example.net", ""));

    strcpy(buf, "MaIl.Example.COM.");
    rdns_name_normalize(buf);
    CHECK_STR(buf, "mail.example.com");

    /* Nothing that could end a header line survives sanitising. */
    rdns_sanitize(buf, sizeof(buf), "evil\r\nX-Spam: no\0z", 18);
    CHECK_STR(buf, "evil\\x0d\\x0aX-Spam: no\\x00z");
    rdns_sanitize(buf, sizeof(buf), "caf\xc3\xa9", 5);
    CHECK_STR(buf, "caf\\xc3\\xa9");
    rdns_sanitize(small, sizeof(small), "abcdefghijkl", 12);
    CHECK_STR(small, "abcd...");
    rdns_sanitize(small, sizeof(small), "abcdefg", 7);
    CHECK_STR(small, "abcdefg");
    rdns_sanitize(small, sizeof(small), "abcde\n", 6);
    CHECK_STR(small, "abcd...");
    rdns_sanitize(buf, 1, "abc", 3);
    CHECK_STR(buf, "");
    CHECK_DONE();
}
