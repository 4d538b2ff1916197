/*
 * NAME
 *   sender - the MAIL FROM domain: extraction and scorecard checks
 * SYNOPSIS
 *   rdns_sender_kind rdns_sender_parse(from, len, domain, domainlen);
 *   void rdns_sender_check(score, dns, from, len, deadline);
 * DESCRIPTION
 *   The argument is what an MTA hands a milter as the envelope sender
 *   (libmilter's argv[0] of xxfi_envfrom): normally "<user@example.com>",
 *   sometimes without the angle brackets. It is untrusted, read by length,
 *   and shown in details only through rdns_sanitize().
 *
 *   Parsing follows RFC 5321 section 4.1.2: "<>" (and an empty argument)
 *   is the null sender; a source route "<@a,@b:user@dom>" is dropped; the
 *   domain starts after the last '@' outside a quoted local part, so
 *   "\"a@b\"@dom" gives "dom". One trailing dot is removed and ASCII letters
 *   are lowercased; an address literal "[192.0.2.1]" is returned as is
 *   (from_not_fqdn then hits).
 *
 *   Decisions:
 *   - Lengths (RFC 5321 section 4.5.3.1): the path inside the brackets is
 *     at most 254 bytes (256 with them) and the domain at most 255; longer
 *     is BAD. The 64-byte local-part limit is NOT enforced: real bulk
 *     senders' VERP bounce addresses exceed it (Mandrill's
 *     "bounce-md_<ids>.<hash>@..." runs to 70 and more), the RFC itself asks
 *     receivers to accept longer objects where they can, and the local part
 *     says nothing about whether a bounce can reach the domain.
 *   - An empty local part ("<@example.com>") or a domain holding control
 *     bytes is BAD: no MTA sends either.
 *   - Internationalized domains (SMTPUTF8, RFC 6531): a domain holding
 *     8-bit bytes is taken as opaque UTF-8. It is not converted to an
 *     A-label (that needs IDNA2008 mapping and normalisation, which a wrong
 *     guess would turn into a wrong NXDOMAIN), so it is neither looked up
 *     nor penalised: when it is well-formed UTF-8 in at least two non-empty
 *     labels, from_not_fqdn is CLEAR and from_domain_invalid SKIPPED, both
 *     with the detail "internationalized domain not checked". Malformed
 *     UTF-8 is not a name: from_not_fqdn hits. Domains already in A-label
 *     form (xn--...) are plain ASCII and checked like any other.
 *
 *   from_domain_invalid follows RFC 5321 section 5.1: MX records decide;
 *   without any (NODATA), an A or AAAA record is the implicit MX. A null MX
 *   (RFC 7505) says the domain takes no mail. A temporary DNS failure before
 *   a conclusion makes the check UNKNOWN and records dns_temperror.
 */
#include "sender.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "name.h"

#define SENDER_PATH_MAX 254      /* 256 with the angle brackets */
#define SENDER_DOMAIN_MAX 255
#define SENDER_SHOW_MAX 80       /* MAIL FROM text shown in details */
#define SENDER_DETAIL_MAX 512
#define SENDER_TEMPERROR_MAX 320
#define SENDER_IDN_NOTE "internationalized domain not checked"
#define SENDER_MX_HOSTS 4        /* MX hosts resolved for sender_mx_match */

static bool sender_is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The domain part of [p, end) (brackets and route already gone), copied. */
static rdns_sender_kind sender_domain(const char *p, const char *end,
                                      char *domain, size_t domainlen,
                                      char *why, size_t whylen)
{
    const char *at = NULL;
    bool quoted = false;
    size_t dlen;

    for (const char *q = p; q < end; q++) {
        if (quoted) {
            if (*q == '\\' && q + 1 < end)
                q++;                    /* quoted-pair: "\"" or "\\" */
            else if (*q == '"')
                quoted = false;
            continue;
        }
        if (*q == '"')
            quoted = true;
        else if (*q == '@')
            at = q;
    }
    if (quoted) {
        rdns_textf(why, whylen, "unterminated quoted local part");
        return RDNS_SENDER_BAD;
    }
    if (at == NULL) {
        rdns_textf(why, whylen, "no domain (missing @)");
        return RDNS_SENDER_BAD;
    }
    if (at == p) {
        rdns_textf(why, whylen, "empty local part");
        return RDNS_SENDER_BAD;
    }
    p = at + 1;
    dlen = (size_t)(end - p);
    if (dlen > 0 && p[dlen - 1] == '.')
        dlen--;
    if (dlen == 0) {
        rdns_textf(why, whylen, "empty domain");
        return RDNS_SENDER_BAD;
    }
    if (dlen > SENDER_DOMAIN_MAX) {
        rdns_textf(why, whylen, "domain longer than %d characters", SENDER_DOMAIN_MAX);
        return RDNS_SENDER_BAD;
    }
    for (size_t i = 0; i < dlen; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c < 0x20 || c == 0x7f) {
            rdns_textf(why, whylen, "bad character 0x%02x in domain", c);
            return RDNS_SENDER_BAD;
        }
    }
    if (domain == NULL || dlen >= domainlen) {
        rdns_textf(why, whylen, "domain does not fit the caller's buffer");
        return RDNS_SENDER_BAD;
    }
    memcpy(domain, p, dlen);
    domain[dlen] = '\0';
    if (domain[0] != '[') {             /* a literal is returned as is */
        for (size_t i = 0; i < dlen; i++)
            if (domain[i] >= 'A' && domain[i] <= 'Z')
                domain[i] = (char)(domain[i] - 'A' + 'a');
    }
    return RDNS_SENDER_DOMAIN;
}

/* rdns_sender_parse() with a reason for people when the result is BAD. */
static rdns_sender_kind sender_parse(const char *from, size_t len,
                                     char *domain, size_t domainlen,
                                     char *why, size_t whylen)
{
    const char *p = from, *end;

    if (domain != NULL && domainlen > 0)
        domain[0] = '\0';
    if (why != NULL && whylen > 0)
        why[0] = '\0';
    if (from == NULL)
        return RDNS_SENDER_NULL;
    end = from + len;
    while (p < end && sender_is_space(*p))
        p++;
    while (end > p && sender_is_space(end[-1]))
        end--;
    if (p < end && *p == '<') {
        if (end - p < 2 || end[-1] != '>') {
            rdns_textf(why, whylen, "unbalanced angle brackets");
            return RDNS_SENDER_BAD;
        }
        p++;
        end--;
    } else if (p < end && end[-1] == '>') {
        rdns_textf(why, whylen, "unbalanced angle brackets");
        return RDNS_SENDER_BAD;
    }
    if (p == end)
        return RDNS_SENDER_NULL;        /* "<>" or "" */
    if ((size_t)(end - p) > SENDER_PATH_MAX) {
        rdns_textf(why, whylen, "address longer than %d characters",
                   SENDER_PATH_MAX + 2);
        return RDNS_SENDER_BAD;
    }
    if (*p == '@') {
        /* A source route "@a,@b:" names relays, not the sender: skip it. */
        const char *colon = memchr(p, ':', (size_t)(end - p));

        if (colon == NULL) {
            rdns_textf(why, whylen, "empty local part");
            return RDNS_SENDER_BAD;
        }
        p = colon + 1;
    }
    return sender_domain(p, end, domain, domainlen, why, whylen);
}

rdns_sender_kind rdns_sender_parse(const char *from, size_t len,
                                   char *domain, size_t domainlen)
{
    return sender_parse(from, len, domain, domainlen, NULL, 0);
}

/* Well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or values
 * above U+10FFFF) in at least two non-empty labels, ASCII bytes LDH. */
static bool sender_utf8_name(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t label = 0, labels = 0;

    for (;;) {
        unsigned c = *p, need, min, cp;

        if (c == '.' || c == '\0') {
            if (label == 0)
                return false;
            labels++;
            label = 0;
            if (c == '\0')
                return labels >= 2;
            p++;
            continue;
        }
        label++;
        if (c < 0x80) {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9') || c == '-'))
                return false;
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1, min = 0x80, cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2, min = 0x800, cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        p++;
        for (unsigned i = 0; i < need; i++, p++) {
            if ((*p & 0xc0) != 0x80)
                return false;           /* also stops at the NUL */
            cp = (cp << 6) | (*p & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
    }
}

static bool sender_has_8bit(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

/* One lookup, answer returned (the caller frees it); a TEMPFAIL is
 * recorded in dns_temperror, what names the question (for the note). */
static rdns_dns_answer *sender_ask(rdns_score *s, rdns_dns *dns, const char *name,
                                   rdns_dns_type type, int64_t deadline, const char *what)
{
    rdns_dns_answer *ans = rdns_dns_lookup(dns, name, type, deadline);

    if (ans->status == RDNS_DNS_TEMPFAIL) {
        char note[SENDER_TEMPERROR_MAX], why[161], shown[SENDER_SHOW_MAX + 1];

        rdns_sanitize(why, sizeof(why), ans->detail,
                      strnlen(ans->detail, sizeof(ans->detail)));
        rdns_sanitize(shown, sizeof(shown), name, strlen(name));
        rdns_textf(note, sizeof(note), "%s lookup of %s %s: %s",
                   rdns_dns_type_str(type), what, shown,
                   why[0] ? why : "temporary failure");
        rdns_score_temperror(s, note);
    }
    return ans;
}

static bool sender_holds(const rdns_dns_answer *ans, const rdns_addr *client)
{
    for (size_t i = 0; ans->status == RDNS_DNS_OK && i < ans->naddrs; i++)
        if (rdns_addr_equal(&ans->addrs[i], client))
            return true;
    return false;
}

static void sender_set_invalid(rdns_score *s, rdns_check_state st,
                               const char *shown, const char *what,
                               const char *fix)
{
    char detail[SENDER_DETAIL_MAX];

    rdns_textf(detail, sizeof(detail), "MAIL FROM domain %s %s", shown, what);
    rdns_score_set(s, RDNS_CHECK_FROM_DOMAIN_INVALID, st, detail, fix);
}

static void sender_set_match(rdns_score *s, const rdns_addr *client, rdns_check_state st,
                             const char *what)
{
    if (client != NULL)
        rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, st, what, NULL);
}

/*
 * sender_mx_match over an MX answer: the A (AAAA for an IPv6 client) of
 * the SENDER_MX_HOSTS most preferred hosts, in order, until one holds the
 * client address. These are the only lookups made for the reward alone;
 * they share the stage's deadline (dns.budget_ms) and the cache, and a
 * host that is also the HELO or PTR name is usually answered from it. A
 * temporary failure with no match leaves the reward UNKNOWN: not earned.
 */
static void sender_check_mx_hosts(rdns_score *s, rdns_dns *dns, const rdns_dns_answer *mx,
                                  const char *shown, const rdns_addr *client,
                                  rdns_dns_type type, int64_t deadline)
{
    char detail[SENDER_DETAIL_MAX], host[SENDER_SHOW_MAX + 1], ip[RDNS_ADDR_STRLEN];
    bool tempfail = false;
    size_t pick[SENDER_MX_HOSTS], npick = 0, n = mx->names.n;

    /* The most preferred hosts, ties in answer order. */
    while (npick < SENDER_MX_HOSTS && npick < n) {
        size_t best = n;

        for (size_t i = 0; i < n; i++) {
            bool taken = false;

            for (size_t j = 0; j < npick; j++)
                taken = taken || pick[j] == i;
            if (!taken && (best == n || (mx->mx_pref && mx->mx_pref[i] < mx->mx_pref[best])))
                best = i;
        }
        pick[npick++] = best;
    }
    rdns_addr_format(client, ip, sizeof(ip));
    for (size_t k = 0; k < npick; k++) {
        const char *name = mx->names.v[pick[k]];
        rdns_dns_answer *ans = sender_ask(s, dns, name, type, deadline, "MX host");
        bool holds = sender_holds(ans, client);

        tempfail = tempfail || ans->status == RDNS_DNS_TEMPFAIL;
        rdns_dns_answer_free(ans);
        if (holds) {
            rdns_sanitize(host, sizeof(host), name, strlen(name));
            rdns_textf(detail, sizeof(detail), "the client address %s is MX host %s "
                       "(preference %u) of %s", ip, host,
                       mx->mx_pref ? mx->mx_pref[pick[k]] : 0u, shown);
            sender_set_match(s, client, RDNS_CHECK_HIT, detail);
            return;
        }
    }
    if (tempfail) {
        rdns_textf(detail, sizeof(detail), "could not look up every MX host of %s: "
                   "temporary DNS failure, not earned", shown);
        sender_set_match(s, client, RDNS_CHECK_UNKNOWN, detail);
        return;
    }
    rdns_textf(detail, sizeof(detail), "the client address %s is not an %s record of "
               "the %zu most preferred of %zu MX hosts of %s", ip, rdns_dns_type_str(type),
               npick, n, shown);
    sender_set_match(s, client, RDNS_CHECK_CLEAR, detail);
}

/* from_domain_invalid for an FQDN: MX, else (NODATA) A and AAAA, the
 * client's family first; with a client, sender_mx_match from the same
 * answers (plus the MX hosts' addresses). */
static void sender_check_dns(rdns_score *s, rdns_dns *dns, const char *domain,
                             const char *shown, const rdns_addr *client, int64_t deadline)
{
    char fix[SENDER_DETAIL_MAX], what[SENDER_DETAIL_MAX];
    rdns_dns_type t1 = client != NULL && client->family == AF_INET6 ? RDNS_DNS_AAAA : RDNS_DNS_A;
    rdns_dns_type t2 = t1 == RDNS_DNS_A ? RDNS_DNS_AAAA : RDNS_DNS_A;
    rdns_dns_answer *mx, *a1, *a2;
    rdns_dns_status st, st1, st2;
    bool holds;

    if (dns == NULL) {      /* defensive: the contract promises a resolver */
        sender_set_invalid(s, RDNS_CHECK_SKIPPED, shown, "not looked up: no resolver", NULL);
        sender_set_match(s, client, RDNS_CHECK_SKIPPED, "no resolver");
        return;
    }
    mx = sender_ask(s, dns, domain, RDNS_DNS_MX, deadline, "MAIL FROM domain");
    st = mx->status;
    if (st == RDNS_DNS_OK && mx->null_mx) {
        rdns_textf(fix, sizeof(fix), "send from a domain that accepts mail, or "
                   "replace the null MX of %s with a real one", shown);
        sender_set_invalid(s, RDNS_CHECK_HIT, shown,
                           "says it accepts no mail (null MX)", fix);
        sender_set_match(s, client, RDNS_CHECK_CLEAR, "the sender domain has a null MX");
    } else if (st == RDNS_DNS_OK) {
        sender_set_invalid(s, RDNS_CHECK_CLEAR, shown, "has MX records", NULL);
        if (client != NULL)
            sender_check_mx_hosts(s, dns, mx, shown, client, t1, deadline);
    } else if (st == RDNS_DNS_NXDOMAIN) {
        rdns_textf(fix, sizeof(fix), "send from a domain that exists, or "
                   "register %s and publish an MX record for it", shown);
        sender_set_invalid(s, RDNS_CHECK_HIT, shown,
                           "does not exist (NXDOMAIN)", fix);
        sender_set_match(s, client, RDNS_CHECK_CLEAR, "the sender domain does not exist");
    } else if (st == RDNS_DNS_TEMPFAIL) {
        sender_set_invalid(s, RDNS_CHECK_UNKNOWN, shown,
                           "could not be looked up: temporary DNS failure (MX)", NULL);
        sender_set_match(s, client, RDNS_CHECK_UNKNOWN, "could not look up the MX of the "
                         "sender domain: temporary DNS failure, not earned");
    }
    rdns_dns_answer_free(mx);
    if (st != RDNS_DNS_NODATA)
        return;

    /* NODATA: an address record is the implicit MX (RFC 5321 5.1). */
    a1 = sender_ask(s, dns, domain, t1, deadline, "MAIL FROM domain");
    st1 = a1->status;
    holds = client != NULL && sender_holds(a1, client);
    rdns_dns_answer_free(a1);
    if (client != NULL) {
        char ip[RDNS_ADDR_STRLEN];

        rdns_addr_format(client, ip, sizeof(ip));
        if (holds)
            rdns_textf(what, sizeof(what), "%s has no MX and its %s, the implicit MX, is "
                       "the client address %s", shown, rdns_dns_type_str(t1), ip);
        else if (st1 == RDNS_DNS_TEMPFAIL)
            rdns_textf(what, sizeof(what), "could not look up the %s of %s (no MX): "
                       "temporary DNS failure, not earned", rdns_dns_type_str(t1), shown);
        else
            rdns_textf(what, sizeof(what), "%s has no MX and no %s record for the client "
                       "address %s", shown, rdns_dns_type_str(t1), ip);
        sender_set_match(s, client, holds ? RDNS_CHECK_HIT : st1 == RDNS_DNS_TEMPFAIL
                         ? RDNS_CHECK_UNKNOWN : RDNS_CHECK_CLEAR, what);
    }
    if (st1 == RDNS_DNS_OK) {
        rdns_textf(what, sizeof(what), "has no MX but an %s record (implicit MX)",
                   rdns_dns_type_str(t1));
        sender_set_invalid(s, RDNS_CHECK_CLEAR, shown, what, NULL);
        return;
    }
    a2 = sender_ask(s, dns, domain, t2, deadline, "MAIL FROM domain");
    st2 = a2->status;
    rdns_dns_answer_free(a2);
    if (st2 == RDNS_DNS_OK) {
        rdns_textf(what, sizeof(what), "has no MX but an %s record (implicit MX)",
                   rdns_dns_type_str(t2));
        sender_set_invalid(s, RDNS_CHECK_CLEAR, shown, what, NULL);
        return;
    }
    if (st1 == RDNS_DNS_TEMPFAIL || st2 == RDNS_DNS_TEMPFAIL) {
        sender_set_invalid(s, RDNS_CHECK_UNKNOWN, shown,
                           "has no MX; its A/AAAA could not be looked up: "
                           "temporary DNS failure", NULL);
        return;
    }
    rdns_textf(fix, sizeof(fix), "publish an MX record for %s, or an A record",
               shown);
    sender_set_invalid(s, RDNS_CHECK_HIT, shown,
                       "has no MX, A or AAAA record: no bounce could reach it", fix);
}

#define SENDER_FIX_ADDRESS \
    "send with a complete address at a real domain, such as " \
    "user@example.com, whose domain has an MX or A record"

static void sender_check_domain(rdns_score *s, rdns_dns *dns, const char *domain,
                                const rdns_addr *client, int64_t deadline)
{
    char detail[SENDER_DETAIL_MAX], shown[SENDER_SHOW_MAX + 1];

    rdns_sanitize(shown, sizeof(shown), domain, strlen(domain));
    if (domain[0] == '[') {
        rdns_textf(detail, sizeof(detail),
                   "MAIL FROM domain %s is an address literal, not a domain", shown);
        rdns_score_set(s, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_HIT, detail,
                       SENDER_FIX_ADDRESS);
        return;
    }
    if (sender_has_8bit(domain)) {
        if (!sender_utf8_name(domain)) {
            rdns_textf(detail, sizeof(detail), "MAIL FROM domain %s is not a "
                       "valid internationalized name (bad UTF-8 or labels)", shown);
            rdns_score_set(s, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_HIT, detail,
                           SENDER_FIX_ADDRESS);
            return;
        }
        rdns_textf(detail, sizeof(detail), "MAIL FROM domain %s: " SENDER_IDN_NOTE,
                   shown);
        rdns_score_set(s, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_CLEAR, detail, NULL);
        rdns_score_set(s, RDNS_CHECK_FROM_DOMAIN_INVALID, RDNS_CHECK_SKIPPED,
                       detail, NULL);
        return;
    }
    if (!rdns_name_is_fqdn(domain)) {
        rdns_textf(detail, sizeof(detail), "MAIL FROM domain %s is not a fully "
                   "qualified domain name%s", shown,
                   strchr(domain, '.') == NULL ? " (single label)" : "");
        rdns_score_set(s, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_HIT, detail,
                       SENDER_FIX_ADDRESS);
        return;
    }
    rdns_textf(detail, sizeof(detail), "MAIL FROM domain %s is a fully "
               "qualified domain name", shown);
    rdns_score_set(s, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_CLEAR, detail, NULL);
    sender_check_dns(s, dns, domain, shown, client, deadline);
}

void rdns_sender_check(rdns_score *s, rdns_dns *dns, const char *from,
                       size_t len, int64_t deadline)
{
    rdns_sender_check_client(s, dns, from, len, NULL, deadline);
}

void rdns_sender_check_client(rdns_score *s, rdns_dns *dns, const char *from,
                              size_t len, const rdns_addr *client, int64_t deadline)
{
    char domain[SENDER_DOMAIN_MAX + 1], why[128], shown[SENDER_SHOW_MAX + 1];
    char detail[SENDER_DETAIL_MAX];
    rdns_sender_kind kind;

    if (from == NULL)
        len = 0;
    kind = sender_parse(from, len, domain, sizeof(domain), why, sizeof(why));
    /* A new MAIL FROM replaces whatever an earlier one found. */
    rdns_score_set(s, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_SKIPPED, NULL, NULL);
    rdns_score_set(s, RDNS_CHECK_FROM_DOMAIN_INVALID, RDNS_CHECK_SKIPPED,
                   "MAIL FROM domain is not a fully qualified domain name", NULL);
    rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, RDNS_CHECK_SKIPPED,
                   client ? "no MAIL FROM domain to look up" : "client address unknown",
                   NULL);
    if (kind == RDNS_SENDER_NULL) {
        const char *d = "null sender <>: never penalised, bounces must flow";

        rdns_score_set(s, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_SKIPPED, d, NULL);
        rdns_score_set(s, RDNS_CHECK_FROM_DOMAIN_INVALID, RDNS_CHECK_SKIPPED, d, NULL);
        rdns_score_set(s, RDNS_CHECK_SENDER_MX_MATCH, RDNS_CHECK_SKIPPED,
                       "null sender <>: no domain, nothing to match", NULL);
        return;
    }
    if (kind == RDNS_SENDER_BAD) {
        rdns_sanitize(shown, sizeof(shown), from, len);
        rdns_textf(detail, sizeof(detail), "MAIL FROM '%s': %s", shown, why);
        rdns_score_set(s, RDNS_CHECK_FROM_NOT_FQDN, RDNS_CHECK_HIT, detail,
                       SENDER_FIX_ADDRESS);
        return;
    }
    sender_check_domain(s, dns, domain, client, deadline);
}
