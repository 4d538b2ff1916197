#ifndef RDNS_DNS_REPLY_H
#define RDNS_DNS_REPLY_H
/*
 * dns_reply - INTERNAL: the reply-reading step of lib/dns, without a
 * network, for the fuzzer (tests/fuzz) and tests. Not a contract for the
 * milter; only lib/dns.c and tests include it.
 *
 * rdns_dns_reply_parse() runs the very functions rdns_dns_lookup() runs on
 * every datagram it receives: the check that the bytes are a reply to our
 * question (ID, QR, opcode, question name/type/class), the sorting of the
 * rcode and TC bit, and the reading of the answer (CNAME chain inside the
 * reply, records of the type asked, RFC 2308 negative TTL, referrals). The
 * reply is read as if it came over UDP as the answer to the first query of
 * a lookup, with max_cname_depth 8.
 */
#include <stddef.h>
#include <stdint.h>

#include "dns.h"

#define RDNS_DNS_REPLY_DEPTH 8   /* CNAME links followed by the parse */

/* Bounds of one answer (lookups and the parse alike): PTR/MX names kept,
 * and A/AAAA addresses kept. No single 64 KiB message holds more than
 * RDNS_DNS_MAX_ADDRS address records, so an address set is never cut. */
#define RDNS_DNS_MAX_NAMES 64
#define RDNS_DNS_MAX_ADDRS 4096

/*
 * Reads wire[0..len) as the reply to a query for qname/type that carried
 * ID id. Never touches the network and never keeps a pointer to wire.
 *
 * Returns an answer (never NULL; free with rdns_dns_answer_free) holding
 * what the lookup would conclude from this one reply:
 *   OK, NXDOMAIN, NODATA   the lookup would end with this answer;
 *   TEMPFAIL               this try failed or the lookup would give up:
 *                          ignored bytes (not a reply to this question:
 *                          the lookup would keep waiting), malformed
 *                          packet, error rcode, truncated (the lookup
 *                          would ask again over TCP), CNAME loop or chain
 *                          too long, referral, invalid qname; detail says
 *                          which, for people.
 * cname_out (cname_len bytes, may be NULL/0) is set to "" except when the
 * reply ends in a CNAME chain with no data and no negative answer: then it
 * receives the last target (normalized, as in canonical), the answer's
 * status is TEMPFAIL with a detail saying so, and the lookup would ask that
 * name anew.
 */
rdns_dns_answer *rdns_dns_reply_parse(const uint8_t *wire, size_t len, const char *qname,
                                      rdns_dns_type type, uint16_t id, char *cname_out,
                                      size_t cname_len);

#endif
