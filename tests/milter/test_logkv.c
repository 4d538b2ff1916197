/* logkv: what is bare, what is quoted, how it is escaped, and that a line
 * too long is cut between fields and says so. */
#include "check.h"
#include "logkv.h"

static const char *one(const char *key, const char *value, size_t len)
{
    static rdns_logkv l;

    rdns_logkv_init(&l);
    rdns_logkv_addn(&l, key, value, len);
    return rdns_logkv_text(&l);
}

#define ONE(v) one("k", (v), sizeof(v) - 1)

int main(void)
{
    rdns_logkv l;

    /* bare: printable ASCII without space, '=', '"', '\' */
    CHECK_STR(ONE("mail.good.example"), "k=mail.good.example");
    CHECK_STR(ONE("<alice@example.com>"), "k=<alice@example.com>");
    CHECK_STR(ONE("<>"), "k=<>");
    CHECK_STR(ONE("8.0/7.0"), "k=8.0/7.0");
    CHECK_STR(ONE("~!#$%&'()*+,-./:;<>?@[]^_`{|}"), "k=~!#$%&'()*+,-./:;<>?@[]^_`{|}");
    /* quoted: the HELO cannot add fields */
    CHECK_STR(ONE("x score=0.0/7.0 action=accept stage=eom result=header"),
              "k=\"x score=0.0/7.0 action=accept stage=eom result=header\"");
    CHECK_STR(ONE(""), "k=\"\"");
    CHECK_STR(ONE(" "), "k=\" \"");
    CHECK_STR(ONE("a=b"), "k=\"a=b\"");
    CHECK_STR(ONE("a\"b"), "k=\"a\\\"b\"");
    CHECK_STR(ONE("\""), "k=\"\\\"\"");
    CHECK_STR(ONE("a\\b"), "k=\"a\\\\b\"");
    CHECK_STR(ONE("\\x41"), "k=\"\\\\x41\"");           /* not mistaken for 'A' */
    CHECK_STR(ONE("a\tb\r\nc"), "k=\"a\\x09b\\x0d\\x0ac\"");
    CHECK_STR(ONE("\x7f\x80\xff"), "k=\"\\x7f\\x80\\xff\"");
    CHECK_STR(ONE("a\0b"), "k=\"a\\x00b\"");
    CHECK_STR(one("k", NULL, 5), "k=\"\"");

    /* several fields, one space between them */
    rdns_logkv_init(&l);
    CHECK_STR(rdns_logkv_text(&l), "");
    rdns_logkv_add(&l, "client", "192.0.2.1");
    rdns_logkv_add(&l, "helo", "a b");
    rdns_logkv_addf(&l, "score", "%.1f/%.1f", 8.0, 7.0);
    rdns_logkv_addf(&l, "why", "%s=%d", "x", 1);
    CHECK_STR(rdns_logkv_text(&l), "client=192.0.2.1 helo=\"a b\" score=8.0/7.0 why=\"x=1\"");

    /* too long: whole fields only, then " cut=yes", and nothing after */
    {
        static char big[RDNS_LOGKV_LINE];
        const char *t;
        size_t n;

        memset(big, '"', sizeof(big) - 1);          /* doubles when quoted */
        rdns_logkv_init(&l);
        rdns_logkv_add(&l, "a", "1");
        rdns_logkv_addn(&l, "big", big, sizeof(big) / 4);   /* fits */
        rdns_logkv_addn(&l, "big", big, sizeof(big) / 4);   /* does not */
        rdns_logkv_add(&l, "z", "2");
        t = rdns_logkv_text(&l);
        n = strlen(t);
        CHECK(n < RDNS_LOGKV_LINE);
        CHECK(strncmp(t, "a=1 big=\"\\\"", 11) == 0);
        CHECK(n > 8 && strcmp(t + n - 9, "\" cut=yes") == 0);
        CHECK(strstr(t, "z=") == NULL);

        rdns_logkv_init(&l);                        /* the first field */
        rdns_logkv_addn(&l, "big", big, sizeof(big) - 1);
        CHECK_STR(rdns_logkv_text(&l), "cut=yes");

        /* a value that just fits: all the room but the marker's */
        rdns_logkv_init(&l);
        memset(big, 'x', sizeof(big) - 1);
        n = RDNS_LOGKV_LINE - 1 - 8 - 2;            /* 8: " cut=yes", 2: "k=" */
        rdns_logkv_addn(&l, "k", big, n);
        CHECK(strlen(rdns_logkv_text(&l)) == n + 2);
        rdns_logkv_addn(&l, "k", big, 0);           /* no room for k="" */
        CHECK(strcmp(rdns_logkv_text(&l) + n + 2, " cut=yes") == 0);
    }
    CHECK_DONE();
}
