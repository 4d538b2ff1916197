/*
 * test_regdom - registered domains from the Public Suffix List.
 *
 * The first table holds names where the hand-written guess the
 * classifier used before (two labels, three under a two-letter country
 * code whose second level was one of co, com, net, org, ne, or, ac, ad,
 * gov, edu, gob, go, gr, lg, nom, ltd, plc, biz, info, in, on) gives
 * another answer than the PSL; the test computes that old guess too and
 * checks it really differs, so every row shows a case the list fixes.
 */
#include <stdio.h>
#include <string.h>

#include "regdom.h"
#include "check.h"

/* The guess lib/generic_ptr.c made before libpsl. */
static const char *old_guess(const char *name)
{
    static const char *const slds[] = {
        "co", "com", "net", "org", "ne", "or", "ac", "ad", "gov", "edu", "gob",
        "go", "gr", "lg", "nom", "ltd", "plc", "biz", "info", "in", "on",
    };
    const char *dots[128];
    size_t n = 0;

    for (const char *p = name; *p; p++)
        if (*p == '.' && n < 128)
            dots[n++] = p;
    if (n < 2)
        return name;
    if (strlen(dots[n - 1] + 1) == 2) {
        size_t sl = (size_t)(dots[n - 1] - dots[n - 2] - 1);

        for (size_t i = 0; i < sizeof(slds) / sizeof(*slds); i++)
            if (strlen(slds[i]) == sl && memcmp(dots[n - 2] + 1, slds[i], sl) == 0)
                return n >= 3 ? dots[n - 3] + 1 : name;
    }
    return dots[n - 2] + 1;
}

struct regcase {
    const char *name;
    int sections;
    const char *want;               /* NULL: the name is a public suffix */
};

int main(void)
{
    /* Where the old guess was wrong. */
    static const struct regcase differ[] = {
        {"x.blogspot.com", RDNS_REGDOM_ANY, "x.blogspot.com"},
        {"foo.s3.amazonaws.com", RDNS_REGDOM_ANY, "foo.s3.amazonaws.com"},
        {"a.b.city.kawasaki.jp", RDNS_REGDOM_ICANN, "city.kawasaki.jp"},
        {"www.foo.nakahara.kawasaki.jp", RDNS_REGDOM_ICANN, "foo.nakahara.kawasaki.jp"},
        {"host.pvt.k12.ma.us", RDNS_REGDOM_ICANN, "host.pvt.k12.ma.us"},
        {"mail.school.k12.ma.us", RDNS_REGDOM_ICANN, "school.k12.ma.us"},
        {"a.b.example.sch.uk", RDNS_REGDOM_ICANN, "b.example.sch.uk"},
        {"dsl.example.waw.pl", RDNS_REGDOM_ICANN, "example.waw.pl"},
        {"mail.example.gouv.fr", RDNS_REGDOM_ICANN, "example.gouv.fr"},
        {"mx.example.asn.au", RDNS_REGDOM_ICANN, "example.asn.au"},
        {"host.example.sp.gov.br", RDNS_REGDOM_ICANN, "example.sp.gov.br"},
        {"mx1.example.gen.tr", RDNS_REGDOM_ICANN, "example.gen.tr"},
        {"host.ne.ch", RDNS_REGDOM_ICANN, "ne.ch"},
        {"mail.co.de", RDNS_REGDOM_ICANN, "co.de"},
        {"x.example.blogspot.co.uk", RDNS_REGDOM_ANY, "example.blogspot.co.uk"},
    };
    /* The same answer either way, and the views' difference. */
    static const struct regcase same[] = {
        {"c-68-80-12-34.hsd1.pa.comcast.net", RDNS_REGDOM_ICANN, "comcast.net"},
        {"HOST.Example.CO.UK.", RDNS_REGDOM_ICANN, "Example.CO.UK."},
        {"x.blogspot.com", RDNS_REGDOM_ICANN, "blogspot.com"},
        {"ec2-1-2-3-4.compute-1.amazonaws.com", RDNS_REGDOM_ICANN, "amazonaws.com"},
        {"ec2-1-2-3-4.compute-1.amazonaws.com", RDNS_REGDOM_ANY, NULL},
        {"dsl-1-2-3-4.mweb.co.za", RDNS_REGDOM_ICANN, "mweb.co.za"},
        {"host.example", RDNS_REGDOM_ICANN, "host.example"},
        {"co.uk", RDNS_REGDOM_ICANN, NULL},
        {"com", RDNS_REGDOM_ICANN, NULL},
        {"blogspot.com", RDNS_REGDOM_ANY, NULL},
        {"", RDNS_REGDOM_ICANN, NULL},
        {"a..b.com", RDNS_REGDOM_ICANN, NULL},
        {"\xc3\xa9t\xc3\xa9.example.org", RDNS_REGDOM_ICANN, NULL},
        {"a b.example.org", RDNS_REGDOM_ANY, NULL},
    };

    for (size_t i = 0; i < sizeof(differ) / sizeof(*differ); i++) {
        const struct regcase *c = &differ[i];
        const char *got = rdns_regdom_find(c->name, c->sections);

        CHECK_STR(got, c->want);
        if (strcmp(old_guess(c->name), c->want) == 0)
            fprintf(stderr, "row %zu (%s): the old guess agrees, not a difference\n",
                    i, c->name);
        CHECK(strcmp(old_guess(c->name), c->want) != 0);
        printf("%-34s old guess %-22s PSL %s\n", c->name, old_guess(c->name), c->want);
    }
    for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++) {
        const struct regcase *c = &same[i];
        const char *got = rdns_regdom_find(c->name, c->sections);

        if (c->want == NULL) {
            CHECK(got == NULL);
            if (got != NULL)
                fprintf(stderr, "  %s gave %s\n", c->name, got);
        } else {
            CHECK_STR(got, c->want);
        }
    }
    CHECK(rdns_regdom_labels("c-68-80-12-34.hsd1.pa.comcast.net", RDNS_REGDOM_ICANN) == 2);
    CHECK(rdns_regdom_labels("a.b.c.example.co.uk", RDNS_REGDOM_ICANN) == 3);
    CHECK(rdns_regdom_labels("co.uk", RDNS_REGDOM_ICANN) == 0);
    CHECK(rdns_regdom_labels(NULL, RDNS_REGDOM_ICANN) == 0);
    CHECK(rdns_regdom_is_suffix("co.uk", RDNS_REGDOM_ICANN));
    CHECK(rdns_regdom_is_suffix("com.au", RDNS_REGDOM_ICANN));
    CHECK(!rdns_regdom_is_suffix("blogspot.com", RDNS_REGDOM_ICANN));
    CHECK(rdns_regdom_is_suffix("blogspot.com", RDNS_REGDOM_ANY));
    CHECK(!rdns_regdom_is_suffix("example.com", RDNS_REGDOM_ANY));
    /* top-level domains the list names, and labels only "*" covers */
    CHECK(rdns_regdom_tld_listed("com"));
    CHECK(rdns_regdom_tld_listed("DO"));
    CHECK(!rdns_regdom_tld_listed("adsl"));
    CHECK(!rdns_regdom_tld_listed("local"));
    CHECK(!rdns_regdom_tld_listed("co.uk"));
    CHECK(!rdns_regdom_tld_listed(""));
    /* the list in use is a real one, loaded once */
    printf("list: %s\n", rdns_regdom_source());
    CHECK(strstr(rdns_regdom_source(), "no list") == NULL);
    CHECK(rdns_regdom_source() == rdns_regdom_source());
    CHECK_DONE();
}
