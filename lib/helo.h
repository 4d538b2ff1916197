#ifndef RDNS_HELO_H
#define RDNS_HELO_H
/*
 * helo - the HELO/EHLO argument (RFC 5321 section 4.1.1.1: a client's FQDN,
 * or an address literal when it has none).
 *
 * Checks written to the scorecard:
 *   helo_not_fqdn          not a valid FQDN nor a valid address literal:
 *                          "localhost", one label, a bare IP without
 *                          brackets, bad characters, empty;
 *   helo_literal_mismatch  an address literal that is not the client's;
 *   helo_unresolvable      an FQDN with no A/AAAA (NXDOMAIN or NODATA);
 *   helo_ptr_mismatch      an FQDN other than the verified PTR name
 *                          (only when there is one);
 *   helo_confirms          a reward: an FQDN whose A (AAAA for an IPv6
 *                          client) holds the client address; read from the
 *                          helo_unresolvable lookup, never a lookup of its
 *                          own; UNKNOWN (never earned) on a DNS failure.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dns.h"
#include "score.h"

typedef enum rdns_helo_kind {
    RDNS_HELO_FQDN,         /* syntactically valid FQDN */
    RDNS_HELO_LITERAL,      /* valid [1.2.3.4] or [IPv6:...], address in *lit */
    RDNS_HELO_BAD           /* anything else */
} rdns_helo_kind;

/* Classifies helo (len bytes, may contain anything). why gets a short
 * reason for RDNS_HELO_BAD ("single label", "bare IP address without
 * brackets", "localhost", "bad character 0x0d"). */
rdns_helo_kind rdns_helo_parse(const char *helo, size_t len, rdns_addr *lit,
                               char *why, size_t whylen);

/* Runs the HELO checks for client (NULL: unknown) into s; verified_name is
 * the FCrDNS-verified PTR name or NULL. Looks up A/AAAA of an FQDN. */
void rdns_helo_check(rdns_score *s, rdns_dns *dns, const char *helo,
                     size_t len, const rdns_addr *client,
                     const char *verified_name, int64_t deadline);

/* Only helo_ptr_mismatch: for when the verified PTR name becomes known
 * after the other HELO checks ran (the milter runs them in parallel). */
void rdns_helo_check_ptr(rdns_score *s, const char *helo, size_t len,
                         const char *verified_name);

#endif
