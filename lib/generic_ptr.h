#ifndef RDNS_GENERIC_PTR_H
#define RDNS_GENERIC_PTR_H
/*
 * generic_ptr - does a PTR name look like an ISP's generic name for a
 * dynamic or residential address, rather than a mail server's own name?
 *
 * Evidence, in order: admin "not generic" suffixes and the built-in list
 * of known outbound-mail domains (never generic); for a forward-confirmed
 * name, an outbound-mail label under the registered domain (never
 * generic either); admin regexes (PCRE2,
 * compiled once, with a match limit); the client address embedded in the
 * name in any common encoding (dotted, dashed, reversed, zero-padded, run
 * together, hex, partial, IPv6 nibbles or groups); ISP tokens (dsl, dyn,
 * pool, dhcp, ppp, cable..., and their forms in other languages)
 * weighed by where they stand in the name; placeholders ("unknown",
 * "no-reverse-dns"); the shape of an address or of a line or customer id
 * (MAC-derived hex, letter/digit runs, long numbers behind a short tag). Registered domains come from the Public Suffix List.
 * Every decision carries a reason for people.
 *
 * A classifier is immutable once created and safe to share across threads.
 */
#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "strlist.h"

typedef struct rdns_generic rdns_generic;

/* patterns: PCRE2 regexes (case-insensitive) whose match makes a name
 * generic. not_generic: domain suffixes (label boundary) or, when they
 * start with '~', PCRE2 regexes, that are never generic; they win over
 * everything else. Either may be NULL. NULL on a bad regex with a message
 * in err naming the pattern. */
rdns_generic *rdns_generic_create(const rdns_strlist *patterns,
                                  const rdns_strlist *not_generic,
                                  char *err, size_t errlen);
void rdns_generic_free(rdns_generic *g);

/* Classifies name (any case, trailing dot allowed). ip, when not NULL, is
 * the client address the name was found for; without it only tokens,
 * shapes and regexes count. reason gets one line such as
 * "client IP 85.105.64.87 embedded as 851056487 in the first label". */
bool rdns_generic_classify(const rdns_generic *g, const char *name,
                           const rdns_addr *ip, char *reason, size_t reasonlen);

/* What the caller knows about the name besides its text. */
#define RDNS_GENERIC_CONFIRMED 0x1u      /* name forward-confirms to ip (FCrDNS) */
#define RDNS_GENERIC_NO_SENDER_LIST 0x2u /* skip the built-in list of large
                                          * senders: for measuring structure */

/* As rdns_generic_classify, with flags. With RDNS_GENERIC_CONFIRMED a
 * name that would be generic but stands under an outbound-mail label
 * (mail, out, smtp, mta, outbound, sender, mx, relay, bounce ...) within
 * two labels of its registered domain, with no access-network token in
 * its host part, is a mail server's name: "a8-30.smtp-out.amazonses.com",
 * "10-20-30-40.out.example-esp.com". Without confirmation the name proves
 * nothing about who runs the address, so structure is not used. */
bool rdns_generic_classify_ex(const rdns_generic *g, const char *name,
                              const rdns_addr *ip, unsigned flags,
                              char *reason, size_t reasonlen);

/* Is name a server by what the admin or the built-in lists say, before
 * any evidence from the name itself: a not_generic suffix or pattern, the
 * built-in list of large senders (unless RDNS_GENERIC_NO_SENDER_LIST) or,
 * with RDNS_GENERIC_CONFIRMED, an outbound-mail label under the registered
 * domain? For callers weighing other evidence (neighbours.h), which must
 * never overrule these. */
bool rdns_generic_known_server(const rdns_generic *g, const char *name, unsigned flags);

/* Checks one PCRE2 pattern the way rdns_generic_create will compile it.
 * For the config parser, so it can report file:line. */
bool rdns_generic_pattern_ok(const char *pattern, char *err, size_t errlen);

#endif
