/*
 * NAME
 *   whitelist - addresses, CIDR blocks and domain suffixes exempt from
 *   scoring
 * DESCRIPTION
 *   An entry that contains ':' or '/', or holds only digits and dots, is
 *   read as an address or CIDR block; anything else must be a host name
 *   with at least two labels (an optional leading dot means the same), and
 *   matches that name and every name below it, on label boundaries, so
 *   "example.net" never matches "badexample.net". Names are compared only
 *   against a forward-confirmed PTR name; that promise is kept by the
 *   callers, which pass nothing else to rdns_whitelist_match_name.
 *
 *   A single-label suffix ("net") is refused: it would exempt a whole
 *   top-level domain, which is never what an admin means; so is any
 *   public suffix of the ICANN section of the Public Suffix List
 *   ("co.uk", "com.au"), for the same reason.
 * DIAGNOSTICS
 *   Error messages quote the entry and say what is wrong with it:
 *   "'10.0.0.1/33': prefix out of range (0..32)".
 */
#include "whitelist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "name.h"
#include "regdom.h"

#define WHITELIST_ENTRY_MAX 255     /* longer than any address or name */

struct rdns_whitelist {
    rdns_cidr *cidrs;
    size_t ncidrs;
    rdns_strlist names;             /* lowercase, no leading/trailing dot */
};

/* Quotes an entry for a message, printable and bounded. */
static const char *whitelist_quote(const char *entry, char *buf, size_t len)
{
    return rdns_sanitize(buf, len, entry, strlen(entry));
}

/* Does this entry look like it was meant as an address or block? */
static bool whitelist_is_addressish(const char *e)
{
    bool only_digits_dots = true;

    if (strchr(e, ':') != NULL || strchr(e, '/') != NULL)
        return true;
    for (const char *p = e; *p; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.'))
            only_digits_dots = false;
    return only_digits_dots;
}

/* Explains why an address-like entry is not a valid address or block. */
static bool whitelist_check_cidr(const char *e, const char *q, char *err, size_t errlen)
{
    char buf[64];
    const char *slash = strchr(e, '/');
    size_t alen = slash ? (size_t)(slash - e) : strlen(e);
    rdns_addr a;
    rdns_cidr c;
    unsigned max;

    if (alen == 0 || alen >= sizeof(buf)) {
        snprintf(err, errlen, "'%s': not an IP address or CIDR block", q);
        return false;
    }
    memcpy(buf, e, alen);
    buf[alen] = '\0';
    if (!rdns_addr_parse(buf, &a)) {
        snprintf(err, errlen, "'%s': not a valid IP address", q);
        return false;
    }
    max = a.family == AF_INET ? 32 : 128;
    if (slash) {
        const char *p = slash + 1;
        char *end;
        unsigned long v;

        if (*p < '0' || *p > '9') {
            snprintf(err, errlen, "'%s': prefix length is not a number", q);
            return false;
        }
        v = strtoul(p, &end, 10);
        if (*end != '\0') {
            snprintf(err, errlen, "'%s': prefix length is not a number", q);
            return false;
        }
        if (a.family == AF_INET && strchr(buf, ':') != NULL) {
            snprintf(err, errlen,
                     "'%s': IPv4-mapped address with a prefix; write the IPv4 block", q);
            return false;
        }
        if (v > max || end - p > 3) {
            snprintf(err, errlen, "'%s': prefix out of range (0..%u)", q, max);
            return false;
        }
    }
    if (!rdns_cidr_parse(e, &c)) {
        /* Address and prefix are fine, so only host bits remain. */
        snprintf(err, errlen, "'%s': host bits set after the prefix length", q);
        return false;
    }
    return true;
}

bool rdns_whitelist_entry_ok(const char *entry, bool addresses_only,
                             char *err, size_t errlen)
{
    char q[80];
    const char *name;

    if (errlen > 0)
        err[0] = '\0';
    whitelist_quote(entry, q, sizeof(q));
    if (entry[0] == '\0') {
        snprintf(err, errlen, "'': empty entry");
        return false;
    }
    if (strlen(entry) > WHITELIST_ENTRY_MAX) {
        snprintf(err, errlen, "'%s': entry too long", q);
        return false;
    }
    if (whitelist_is_addressish(entry))
        return whitelist_check_cidr(entry, q, err, errlen);
    if (addresses_only) {
        snprintf(err, errlen, "'%s': only IP addresses and CIDR blocks are allowed here", q);
        return false;
    }
    name = entry[0] == '.' ? entry + 1 : entry;
    if (!rdns_name_is_fqdn(name)) {
        snprintf(err, errlen,
                 "'%s': not an IP address, CIDR block or domain name of two or more labels", q);
        return false;
    }
    if (rdns_regdom_is_suffix(name, RDNS_REGDOM_ICANN)) {
        snprintf(err, errlen, "'%s': a public suffix; it would exempt every domain "
                 "registered under it", q);
        return false;
    }
    return true;
}

static void whitelist_add(rdns_whitelist *w, const char *entry)
{
    char *name;

    if (whitelist_is_addressish(entry)) {
        w->cidrs = rdns_realloc(w->cidrs, (w->ncidrs + 1) * sizeof(*w->cidrs));
        (void)rdns_cidr_parse(entry, &w->cidrs[w->ncidrs]);   /* checked already */
        w->ncidrs++;
        return;
    }
    name = rdns_strdup(entry[0] == '.' ? entry + 1 : entry);
    rdns_name_normalize(name);
    rdns_strlist_add(&w->names, name);
    free(name);
}

rdns_whitelist *rdns_whitelist_create(const rdns_strlist *entries,
                                      bool addresses_only,
                                      char *err, size_t errlen)
{
    rdns_whitelist *w = rdns_calloc(1, sizeof(*w));

    if (errlen > 0)
        err[0] = '\0';
    for (size_t i = 0; entries != NULL && i < entries->n; i++) {
        if (!rdns_whitelist_entry_ok(entries->v[i], addresses_only, err, errlen)) {
            rdns_whitelist_free(w);
            return NULL;
        }
        whitelist_add(w, entries->v[i]);
    }
    return w;
}

void rdns_whitelist_free(rdns_whitelist *w)
{
    if (w == NULL)
        return;
    free(w->cidrs);
    rdns_strlist_clear(&w->names);
    free(w);
}

bool rdns_whitelist_match_addr(const rdns_whitelist *w, const rdns_addr *a)
{
    if (w == NULL || a == NULL)
        return false;
    for (size_t i = 0; i < w->ncidrs; i++)
        if (rdns_cidr_match(&w->cidrs[i], a))
            return true;
    return false;
}

bool rdns_whitelist_match_name(const rdns_whitelist *w, const char *name)
{
    if (w == NULL || name == NULL || name[0] == '\0')
        return false;
    for (size_t i = 0; i < w->names.n; i++)
        if (rdns_name_has_suffix(name, w->names.v[i]))
            return true;
    return false;
}

bool rdns_whitelist_has_names(const rdns_whitelist *w)
{
    return w != NULL && w->names.n > 0;
}
