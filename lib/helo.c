/*
 * NAME
 *   helo - the HELO/EHLO argument: syntax and scorecard checks
 * SYNOPSIS
 *   rdns_helo_kind rdns_helo_parse(helo, len, lit, why, whylen);
 *   void rdns_helo_check(score, dns, helo, len, client, verified, deadline);
 * DESCRIPTION
 *   RFC 5321 section 4.1.1.1 asks a client to say HELO with its fully
 *   qualified domain name or, when it has none, with an address literal
 *   (section 4.1.3): "[192.0.2.1]" or "[IPv6:2001:db8::1]", the tag in any
 *   case. rdns_helo_parse() tells those apart from everything else and says
 *   why, in words for people, when the argument is neither.
 *
 *   The argument is untrusted: it may be empty, 2,000 bytes long, or hold
 *   NUL, CR, LF or 8-bit bytes. It is read by length, never as a C string,
 *   and appears in details only through rdns_sanitize(), cut to
 *   HELO_SHOW_MAX characters.
 *
 *   Decisions:
 *   - "[2001:db8::1]" (an IPv6 address without the "IPv6:" tag) is not a
 *     valid literal under RFC 5321 section 4.1.3; it is BAD with the reason
 *     "IPv6 literal without IPv6: tag". Real MTAs write the tag.
 *   - Other general address literals ("[tag:content]") have no registered
 *     tag besides IPv6: "malformed address literal".
 *   - "[IPv6:::ffff:192.0.2.1]" is the IPv4 host 192.0.2.1 (lib/addr folds
 *     mapped addresses), so it matches an IPv4 client.
 *   - An underscore or a space is a bad character: a host name is LDH only
 *     (RFC 1123 section 2.1).
 *
 *   rdns_helo_check() rewrites all five HELO checks every time (a second
 *   HELO replaces the first), and returns before any DNS lookup unless the
 *   argument is a valid FQDN that is not already the verified PTR name.
 *   It touches dns_temperror only to record a temporary DNS failure, never
 *   to clear one that another module recorded.
 */
#include "helo.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "name.h"

#define HELO_SHOW_MAX 80                    /* HELO text shown in details */
#define HELO_TEXT_MAX (RDNS_NAME_MAX + 1)   /* a name plus its trailing dot */
#define HELO_LITERAL_MAX 64                 /* "[IPv6:" + 45 + "]" fits */
#define HELO_DETAIL_MAX 512
#define HELO_TEMPERROR_MAX 320              /* dns_temperror detail, all notes */

#define HELO_FIX_FQDN \
    "configure your mail server to say HELO with its fully qualified name, " \
    "such as mail.example.com, which must have an A record"

static bool helo_is_ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || c == '-';
}

/* "[1.2.3.4]" or "[IPv6:...]"; h[0] is '['. */
static rdns_helo_kind helo_parse_literal(const char *h, size_t len,
                                         rdns_addr *lit, char *why,
                                         size_t whylen)
{
    char inner[HELO_LITERAL_MAX];
    unsigned char bin[16];
    size_t n;

    if (len < 3 || h[len - 1] != ']' || len - 2 >= sizeof(inner)
        || memchr(h + 1, '\0', len - 2) != NULL) {
        rdns_textf(why, whylen, "malformed address literal");
        return RDNS_HELO_BAD;
    }
    n = len - 2;
    memcpy(inner, h + 1, n);
    inner[n] = '\0';
    if (n > 5 && strncasecmp(inner, "IPv6:", 5) == 0) {
        /* inet_pton(AF_INET6) alone: "[IPv6:1.2.3.4]" is not IPv6. */
        if (inet_pton(AF_INET6, inner + 5, bin) == 1 && rdns_addr_parse(inner + 5, lit))
            return RDNS_HELO_LITERAL;
        rdns_textf(why, whylen, "malformed address literal");
        return RDNS_HELO_BAD;
    }
    if (inet_pton(AF_INET, inner, bin) == 1 && rdns_addr_parse(inner, lit))
        return RDNS_HELO_LITERAL;
    if (inet_pton(AF_INET6, inner, bin) == 1) {
        rdns_textf(why, whylen, "IPv6 literal without IPv6: tag");
        return RDNS_HELO_BAD;
    }
    rdns_textf(why, whylen, "malformed address literal");
    return RDNS_HELO_BAD;
}

/* Classifies name (printable, NUL-terminated, no ':'): FQDN, or BAD with
 * the most useful reason first. */
static rdns_helo_kind helo_parse_name(const char *name, char *why, size_t whylen)
{
    size_t n = strlen(name);
    size_t start = 0;
    bool digits_only = true;

    if (n > 0 && name[n - 1] == '.')
        n--;
    if (rdns_name_equal(name, "localhost")
        || rdns_name_equal(name, "localhost.localdomain")) {
        rdns_textf(why, whylen, "localhost");
        return RDNS_HELO_BAD;
    }
    if (n == 0) {
        rdns_textf(why, whylen, "empty label");
        return RDNS_HELO_BAD;
    }
    if (memchr(name, '.', n) == NULL) {
        char label[HELO_SHOW_MAX + 1];

        rdns_textf(why, whylen, "single label '%s'",
                 rdns_sanitize(label, sizeof(label), name, n));
        return RDNS_HELO_BAD;
    }
    for (size_t i = 0; i <= n; i++) {
        if (i < n && name[i] != '.') {
            if (name[i] < '0' || name[i] > '9')
                digits_only = false;
            continue;
        }
        if (i == start) {
            rdns_textf(why, whylen, "empty label");
            return RDNS_HELO_BAD;
        }
        if (i - start > 63) {
            rdns_textf(why, whylen, "label longer than 63 characters");
            return RDNS_HELO_BAD;
        }
        if (name[start] == '-' || name[i - 1] == '-') {
            rdns_textf(why, whylen, "label starts or ends with '-'");
            return RDNS_HELO_BAD;
        }
        if (i < n)
            digits_only = true;     /* only the last label's value counts */
        start = i + 1;
    }
    if (digits_only) {
        rdns_textf(why, whylen, "top-level label is all digits");
        return RDNS_HELO_BAD;
    }
    if (!rdns_name_is_fqdn(name)) {     /* the one definition of an FQDN */
        rdns_textf(why, whylen, "not a valid host name");
        return RDNS_HELO_BAD;
    }
    return RDNS_HELO_FQDN;
}

rdns_helo_kind rdns_helo_parse(const char *helo, size_t len, rdns_addr *lit,
                               char *why, size_t whylen)
{
    char buf[HELO_TEXT_MAX + 1];
    rdns_addr scratch, bare;

    if (lit == NULL)
        lit = &scratch;
    memset(lit, 0, sizeof(*lit));
    if (why != NULL && whylen > 0)
        why[0] = '\0';
    if (helo == NULL || len == 0) {
        rdns_textf(why, whylen, "empty");
        return RDNS_HELO_BAD;
    }
    if (helo[0] == '[')
        return helo_parse_literal(helo, len, lit, why, whylen);
    /* ':' is let through here only to tell a bare IPv6 address. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)helo[i];

        if (!helo_is_ldh(c) && c != '.' && c != ':') {
            rdns_textf(why, whylen, "bad character 0x%02x", c);
            return RDNS_HELO_BAD;
        }
    }
    if (len - (helo[len - 1] == '.') > RDNS_NAME_MAX) {
        rdns_textf(why, whylen, "too long");
        return RDNS_HELO_BAD;
    }
    memcpy(buf, helo, len);
    buf[len] = '\0';
    if (rdns_addr_parse(buf, &bare)) {
        rdns_textf(why, whylen, "bare IP address without brackets");
        return RDNS_HELO_BAD;
    }
    if (strchr(buf, ':') != NULL) {
        rdns_textf(why, whylen, "bad character 0x3a");
        return RDNS_HELO_BAD;
    }
    return helo_parse_name(buf, why, whylen);
}

/* Address as the HELO literal that would name it. */
static void helo_literal_text(const rdns_addr *a, char *buf, size_t len)
{
    char text[RDNS_ADDR_STRLEN];

    rdns_addr_format(a, text, sizeof(text));
    rdns_textf(buf, len, "[%s%s]", a->family == AF_INET6 ? "IPv6:" : "", text);
}

static void helo_check_bad(rdns_score *s, const char *shown, const char *why)
{
    char detail[HELO_DETAIL_MAX];
    const char *fix = HELO_FIX_FQDN;

    if (strcmp(why, "bare IP address without brackets") == 0)
        fix = "write an address literal in brackets, such as [192.0.2.1], or "
              "better, " HELO_FIX_FQDN;
    else if (strcmp(why, "IPv6 literal without IPv6: tag") == 0)
        fix = "write an IPv6 literal with its tag, such as [IPv6:2001:db8::1], "
              "or better, " HELO_FIX_FQDN;
    rdns_textf(detail, sizeof(detail), "HELO '%s': %s", shown, why);
    rdns_score_set(s, RDNS_CHECK_HELO_NOT_FQDN, RDNS_CHECK_HIT, detail, fix);
}

static void helo_check_literal(rdns_score *s, const char *shown,
                               const rdns_addr *lit, const rdns_addr *client)
{
    char detail[HELO_DETAIL_MAX], fix[HELO_DETAIL_MAX], own[RDNS_ADDR_STRLEN + 8];

    rdns_textf(detail, sizeof(detail), "HELO '%s' is an address literal", shown);
    rdns_score_set(s, RDNS_CHECK_HELO_NOT_FQDN, RDNS_CHECK_CLEAR, detail, NULL);
    if (client == NULL) {
        rdns_score_set(s, RDNS_CHECK_HELO_LITERAL_MISMATCH, RDNS_CHECK_SKIPPED,
                       "client address unknown", NULL);
        return;
    }
    helo_literal_text(client, own, sizeof(own));
    if (rdns_addr_equal(lit, client)) {
        rdns_textf(detail, sizeof(detail), "HELO '%s' is the client address", shown);
        rdns_score_set(s, RDNS_CHECK_HELO_LITERAL_MISMATCH, RDNS_CHECK_CLEAR,
                       detail, NULL);
        return;
    }
    rdns_textf(detail, sizeof(detail), "HELO '%s' is not the client address %s",
             shown, own);
    rdns_textf(fix, sizeof(fix), "HELO with your own address as a literal (%s) "
             "or, better, with your fully qualified name", own);
    rdns_score_set(s, RDNS_CHECK_HELO_LITERAL_MISMATCH, RDNS_CHECK_HIT, detail, fix);
}

/* Looks up one type; a TEMPFAIL is also recorded in dns_temperror. With
 * client, *holds tells whether the answer has the client address. */
static rdns_dns_status helo_lookup(rdns_score *s, rdns_dns *dns, const char *name,
                                   rdns_dns_type type, int64_t deadline,
                                   const rdns_addr *client, bool *holds)
{
    rdns_dns_answer *ans = rdns_dns_lookup(dns, name, type, deadline);
    rdns_dns_status st = ans->status;

    if (holds != NULL) {
        *holds = false;
        for (size_t i = 0; client != NULL && st == RDNS_DNS_OK && i < ans->naddrs; i++)
            if (rdns_addr_equal(&ans->addrs[i], client))
                *holds = true;
    }
    if (st == RDNS_DNS_TEMPFAIL) {
        char note[HELO_TEMPERROR_MAX], why[161], shown[HELO_SHOW_MAX + 1];

        rdns_sanitize(why, sizeof(why), ans->detail, strnlen(ans->detail, sizeof(ans->detail)));
        rdns_sanitize(shown, sizeof(shown), name, strlen(name));
        rdns_textf(note, sizeof(note), "%s lookup of HELO name %s: %s",
                 rdns_dns_type_str(type), shown,
                 why[0] ? why : "temporary failure");
        rdns_score_temperror(s, note);
    }
    rdns_dns_answer_free(ans);
    return st;
}

/* helo_confirms from the lookup of the client's own family (st): earned
 * only on an answer holding the client address, UNKNOWN when that lookup
 * failed temporarily, so a DNS failure never earns it. */
static void helo_check_confirms(rdns_score *s, const char *shown, const rdns_addr *client,
                                rdns_dns_type type, rdns_dns_status st, bool holds)
{
    char detail[HELO_DETAIL_MAX], ip[RDNS_ADDR_STRLEN];

    rdns_addr_format(client, ip, sizeof(ip));
    if (st == RDNS_DNS_OK && holds) {
        rdns_textf(detail, sizeof(detail), "HELO '%s' resolves to the client address %s",
                   shown, ip);
        rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_HIT, detail, NULL);
    } else if (st == RDNS_DNS_TEMPFAIL) {
        rdns_textf(detail, sizeof(detail), "could not look up %s of HELO '%s': "
                   "temporary DNS failure, not earned", rdns_dns_type_str(type), shown);
        rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_UNKNOWN, detail, NULL);
    } else {
        rdns_textf(detail, sizeof(detail), "HELO '%s' has no %s record for the client "
                   "address %s", shown, rdns_dns_type_str(type), ip);
        rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_CLEAR, detail, NULL);
    }
}

/* helo_unresolvable and, with a client, helo_confirms: both from the same
 * A/AAAA answers, the client's own family asked first so that confirming
 * costs no lookup helo_unresolvable would not make anyway. */
static void helo_check_resolvable(rdns_score *s, rdns_dns *dns, const char *name,
                                  const char *shown, const char *verified_name,
                                  const rdns_addr *client, int64_t deadline)
{
    char detail[HELO_DETAIL_MAX], fix[HELO_DETAIL_MAX];
    rdns_dns_type t1 = client != NULL && client->family == AF_INET6 ? RDNS_DNS_AAAA : RDNS_DNS_A;
    rdns_dns_type t2 = t1 == RDNS_DNS_A ? RDNS_DNS_AAAA : RDNS_DNS_A;
    rdns_dns_status st1, st2;
    bool holds = false;

    /* The verified PTR name has the client's address: no need to ask. */
    if (verified_name != NULL && rdns_name_equal(name, verified_name)) {
        rdns_textf(detail, sizeof(detail), "HELO '%s' is the verified PTR name", shown);
        rdns_score_set(s, RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_CLEAR, detail, NULL);
        if (client != NULL) {
            rdns_textf(detail, sizeof(detail), "HELO '%s' is the verified PTR name: it "
                       "resolves to the client address", shown);
            rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_HIT, detail, NULL);
        }
        return;
    }
    if (dns == NULL) {      /* defensive: the contract promises a resolver */
        rdns_score_set(s, RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_SKIPPED,
                       "no resolver", NULL);
        rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_SKIPPED, "no resolver", NULL);
        return;
    }
    st1 = helo_lookup(s, dns, name, t1, deadline, client, &holds);
    /* RFC 8020: an NXDOMAIN is the answer for every type of the name. */
    st2 = st1 == RDNS_DNS_OK || st1 == RDNS_DNS_NXDOMAIN
          ? st1 : helo_lookup(s, dns, name, t2, deadline, NULL, NULL);
    if (client != NULL)
        helo_check_confirms(s, shown, client, t1, st1, holds);
    if (st1 == RDNS_DNS_OK || st2 == RDNS_DNS_OK) {
        rdns_textf(detail, sizeof(detail), "HELO '%s' has an address record", shown);
        rdns_score_set(s, RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_CLEAR, detail, NULL);
        return;
    }
    if (st1 == RDNS_DNS_TEMPFAIL || st2 == RDNS_DNS_TEMPFAIL) {
        rdns_textf(detail, sizeof(detail), "could not look up A/AAAA of HELO '%s': "
                 "temporary DNS failure", shown);
        rdns_score_set(s, RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_UNKNOWN, detail, NULL);
        return;
    }
    if (st1 == RDNS_DNS_NXDOMAIN && st2 == RDNS_DNS_NXDOMAIN)
        rdns_textf(detail, sizeof(detail), "HELO '%s' does not exist (NXDOMAIN)", shown);
    else
        rdns_textf(detail, sizeof(detail), "HELO '%s' has no A or AAAA record", shown);
    rdns_textf(fix, sizeof(fix), "publish an A record for %s, or " HELO_FIX_FQDN,
             shown);
    rdns_score_set(s, RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_HIT, detail, fix);
}

static void helo_check_ptr(rdns_score *s, const char *name, const char *shown,
                           const char *verified_name)
{
    char detail[HELO_DETAIL_MAX], fix[HELO_DETAIL_MAX], ptr[HELO_SHOW_MAX + 1];

    if (verified_name == NULL) {
        rdns_score_set(s, RDNS_CHECK_HELO_PTR_MISMATCH, RDNS_CHECK_SKIPPED,
                       "no verified PTR name", NULL);
        return;
    }
    rdns_sanitize(ptr, sizeof(ptr), verified_name, strlen(verified_name));
    if (rdns_name_equal(name, verified_name)) {
        rdns_textf(detail, sizeof(detail), "HELO '%s' is the verified PTR name", shown);
        rdns_score_set(s, RDNS_CHECK_HELO_PTR_MISMATCH, RDNS_CHECK_CLEAR, detail, NULL);
        return;
    }
    rdns_textf(detail, sizeof(detail), "HELO '%s' is not the verified PTR name %s",
             shown, ptr);
    rdns_textf(fix, sizeof(fix), "HELO with the name your IP's PTR record gives "
             "(%s), or change the PTR", ptr);
    rdns_score_set(s, RDNS_CHECK_HELO_PTR_MISMATCH, RDNS_CHECK_HIT, detail, fix);
}

void rdns_helo_check(rdns_score *s, rdns_dns *dns, const char *helo,
                     size_t len, const rdns_addr *client,
                     const char *verified_name, int64_t deadline)
{
    char why[HELO_DETAIL_MAX / 2], shown[HELO_SHOW_MAX + 1];
    char name[HELO_TEXT_MAX + 1];
    rdns_addr lit;
    rdns_helo_kind kind;

    if (helo == NULL)
        len = 0;
    kind = rdns_helo_parse(helo, len, &lit, why, sizeof(why));
    rdns_sanitize(shown, sizeof(shown), helo ? helo : "", len);
    /* A new HELO replaces whatever an earlier one found. */
    rdns_score_set(s, RDNS_CHECK_HELO_NOT_FQDN, RDNS_CHECK_SKIPPED, NULL, NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_LITERAL_MISMATCH, RDNS_CHECK_SKIPPED,
                   "HELO is not an address literal", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_UNRESOLVABLE, RDNS_CHECK_SKIPPED,
                   "HELO is not a fully qualified name", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_PTR_MISMATCH, RDNS_CHECK_SKIPPED,
                   "HELO is not a fully qualified name", NULL);
    rdns_score_set(s, RDNS_CHECK_HELO_CONFIRMS, RDNS_CHECK_SKIPPED,
                   client ? "HELO is not a fully qualified name" : "client address unknown",
                   NULL);
    if (kind == RDNS_HELO_BAD) {
        helo_check_bad(s, shown, why);
        return;
    }
    if (kind == RDNS_HELO_LITERAL) {
        helo_check_literal(s, shown, &lit, client);
        return;
    }
    /* An FQDN: printable, at most HELO_TEXT_MAX bytes (parse checked). */
    memcpy(name, helo, len);
    name[len] = '\0';
    rdns_name_normalize(name);
    {
        char detail[HELO_DETAIL_MAX];

        rdns_textf(detail, sizeof(detail), "HELO '%s' is a fully qualified name", shown);
        rdns_score_set(s, RDNS_CHECK_HELO_NOT_FQDN, RDNS_CHECK_CLEAR, detail, NULL);
    }
    helo_check_ptr(s, name, shown, verified_name);
    helo_check_resolvable(s, dns, name, shown, verified_name, client, deadline);
}

void rdns_helo_check_ptr(rdns_score *s, const char *helo, size_t len,
                         const char *verified_name)
{
    char why[HELO_DETAIL_MAX / 2], shown[HELO_SHOW_MAX + 1];
    char name[HELO_TEXT_MAX + 1];
    rdns_addr lit;

    if (helo == NULL || rdns_helo_parse(helo, len, &lit, why, sizeof(why)) != RDNS_HELO_FQDN)
        return;
    rdns_sanitize(shown, sizeof(shown), helo, len);
    memcpy(name, helo, len);
    name[len] = '\0';
    rdns_name_normalize(name);
    helo_check_ptr(s, name, shown, verified_name);
}
