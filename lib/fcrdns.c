/*
 * NAME
 *   fcrdns - forward-confirmed reverse DNS (RFC 8601 section 2.7.3 iprev)
 * SYNOPSIS
 *   #include "fcrdns.h"
 * DESCRIPTION
 *   Looks up the PTR names of the client's reverse name, then the A
 *   (IPv4 client) or AAAA (IPv6 client) records of at most max_names of
 *   them, in the order the server gave them, and stops at the first name
 *   with an address equal to the client's. Only the client's own family
 *   counts: an IPv6 client is not confirmed by an A record.
 *
 *   A temporary failure never turns into "fail": when no name confirmed
 *   and some forward lookup failed temporarily, the result is temperror,
 *   because that name might have confirmed.
 *
 *   The detail is one line for people, built from sanitised names.
 */
#include "fcrdns.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "name.h"

struct rdns_fcrdns {
    rdns_iprev result;
    rdns_strlist names;          /* PTR names checked */
    char *verified;              /* first confirming name, or NULL */
    char detail[320];
};

/* Why one forward lookup did not confirm, for the detail line. */
static void fcrdns_reason(char *buf, size_t len, const char *name, const char *tname,
                          const rdns_dns_answer *a, const char *ip)
{
    char n[RDNS_NAME_MAX + 16];

    rdns_sanitize(n, sizeof(n), name, strlen(name));
    switch (a->status) {
    case RDNS_DNS_NXDOMAIN:
        rdns_textf(buf, len, "PTR name %s has no %s record (NXDOMAIN)", n, tname);
        break;
    case RDNS_DNS_NODATA:
        rdns_textf(buf, len, "PTR name %s has no %s record (NODATA)", n, tname);
        break;
    case RDNS_DNS_TEMPFAIL:
        rdns_textf(buf, len, "%s lookup of %s failed: %s", tname, n, a->detail);
        break;
    case RDNS_DNS_OK: {
        char other[RDNS_ADDR_STRLEN];

        rdns_addr_format(&a->addrs[0], other, sizeof(other));
        rdns_textf(buf, len, "PTR name %s resolves to %s%s, not %s", n, other,
                 a->naddrs > 1 ? " and others" : "", ip);
        break;
    }
    }
}

static bool fcrdns_confirms(const rdns_dns_answer *a, const rdns_addr *client)
{
    if (a->status != RDNS_DNS_OK)
        return false;
    for (size_t i = 0; i < a->naddrs; i++)
        if (rdns_addr_equal(&a->addrs[i], client))
            return true;
    return false;
}

static void fcrdns_ptr_failed(rdns_fcrdns *r, const rdns_dns_answer *ptr, const char *ip)
{
    switch (ptr->status) {
    case RDNS_DNS_TEMPFAIL:
        r->result = RDNS_IPREV_TEMPERROR;
        rdns_textf(r->detail, sizeof(r->detail), "PTR lookup for %s failed: %s", ip, ptr->detail);
        break;
    case RDNS_DNS_NXDOMAIN:
        r->result = RDNS_IPREV_PERMERROR;
        rdns_textf(r->detail, sizeof(r->detail), "no PTR record for %s (NXDOMAIN)", ip);
        break;
    default:
        r->result = RDNS_IPREV_PERMERROR;
        rdns_textf(r->detail, sizeof(r->detail), "no PTR record for %s (NODATA)", ip);
        break;
    }
}

rdns_fcrdns *rdns_fcrdns_check(rdns_dns *dns, const rdns_addr *client, size_t max_names,
                               int64_t deadline)
{
    rdns_fcrdns *r = rdns_calloc(1, sizeof(*r));
    char rev[RDNS_REVNAME_LEN], ip[RDNS_ADDR_STRLEN];
    char first_reason[240] = "", temp_reason[240] = "";
    rdns_dns_type ftype = client->family == AF_INET6 ? RDNS_DNS_AAAA : RDNS_DNS_A;
    const char *tname = rdns_dns_type_str(ftype);
    rdns_dns_answer *ptr;
    size_t n;

    rdns_addr_format(client, ip, sizeof(ip));
    rdns_addr_revname(client, rev, sizeof(rev));
    ptr = rdns_dns_lookup(dns, rev, RDNS_DNS_PTR, deadline);
    if (ptr->status != RDNS_DNS_OK || ptr->names.n == 0) {
        fcrdns_ptr_failed(r, ptr, ip);
        rdns_dns_answer_free(ptr);
        return r;
    }
    n = ptr->names.n < max_names ? ptr->names.n : max_names;
    if (n == 0)
        n = 1;                      /* a limit of 0 would make every client fail */
    for (size_t i = 0; i < n; i++)
        rdns_strlist_add(&r->names, ptr->names.v[i]);
    rdns_dns_answer_free(ptr);

    for (size_t i = 0; i < r->names.n; i++) {
        rdns_dns_answer *fwd = rdns_dns_lookup(dns, r->names.v[i], ftype, deadline);
        char *why = fwd->status == RDNS_DNS_TEMPFAIL ? temp_reason : first_reason;

        if (fcrdns_confirms(fwd, client)) {
            char nm[RDNS_NAME_MAX + 16];

            r->result = RDNS_IPREV_PASS;
            r->verified = rdns_strdup(r->names.v[i]);
            rdns_sanitize(nm, sizeof(nm), r->verified, strlen(r->verified));
            rdns_textf(r->detail, sizeof(r->detail), "PTR %s confirms %s", nm, ip);
            rdns_dns_answer_free(fwd);
            return r;
        }
        if (why[0] == '\0')
            fcrdns_reason(why, sizeof(first_reason), r->names.v[i], tname, fwd, ip);
        rdns_dns_answer_free(fwd);
    }
    if (temp_reason[0] != '\0') {
        r->result = RDNS_IPREV_TEMPERROR;
        rdns_textf(r->detail, sizeof(r->detail), "%s", temp_reason);
    } else if (r->names.n == 1) {
        r->result = RDNS_IPREV_FAIL;
        rdns_textf(r->detail, sizeof(r->detail), "%s", first_reason);
    } else {
        r->result = RDNS_IPREV_FAIL;
        rdns_textf(r->detail, sizeof(r->detail), "none of %zu PTR names confirms %s; %s",
                 r->names.n, ip, first_reason);
    }
    return r;
}

rdns_fcrdns *rdns_fcrdns_from_mta(const rdns_addr *client, const char *name)
{
    rdns_fcrdns *r = rdns_calloc(1, sizeof(*r));
    char ip[RDNS_ADDR_STRLEN], nm[RDNS_NAME_MAX + 16];

    rdns_addr_format(client, ip, sizeof(ip));
    rdns_sanitize(nm, sizeof(nm), name, strlen(name));
    rdns_strlist_add(&r->names, name);
    r->verified = rdns_strdup(name);
    r->result = RDNS_IPREV_PASS;
    rdns_textf(r->detail, sizeof(r->detail), "PTR %s confirms %s (the MTA's lookup)", nm, ip);
    return r;
}

void rdns_fcrdns_free(rdns_fcrdns *r)
{
    if (r == NULL)
        return;
    rdns_strlist_clear(&r->names);
    free(r->verified);
    free(r);
}

rdns_iprev rdns_fcrdns_result(const rdns_fcrdns *r)
{
    return r->result;
}

size_t rdns_fcrdns_ptr_count(const rdns_fcrdns *r)
{
    return r->names.n;
}

const char *rdns_fcrdns_ptr_name(const rdns_fcrdns *r, size_t i)
{
    return i < r->names.n ? r->names.v[i] : NULL;
}

const char *rdns_fcrdns_verified_name(const rdns_fcrdns *r)
{
    return r->result == RDNS_IPREV_PASS ? r->verified : NULL;
}

const char *rdns_fcrdns_detail(const rdns_fcrdns *r)
{
    return r->detail;
}

const char *rdns_iprev_str(rdns_iprev r)
{
    switch (r) {
    case RDNS_IPREV_PASS:      return "pass";
    case RDNS_IPREV_FAIL:      return "fail";
    case RDNS_IPREV_PERMERROR: return "permerror";
    case RDNS_IPREV_TEMPERROR: return "temperror";
    }
    return "unknown";
}
