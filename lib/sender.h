#ifndef RDNS_SENDER_H
#define RDNS_SENDER_H
/*
 * sender - the MAIL FROM (envelope sender) domain.
 *
 * The null sender <> is never penalised: bounces must flow (RFC 5321
 * section 4.5.5). Checks written to the scorecard:
 *   from_not_fqdn        the domain is not a valid FQDN (or is an address
 *                        literal, which no legitimate bulk of mail uses);
 *   from_domain_invalid  NXDOMAIN, neither MX nor A/AAAA, or a null MX
 *                        (RFC 7505 "MX 0 ."): no bounce could reach it;
 *   sender_mx_match      a reward, with a client address only: the client
 *                        is an address of one of the 4 most preferred MX
 *                        hosts (or, without MX, of the domain itself).
 *                        Never earned on a DNS failure (UNKNOWN then).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dns.h"
#include "score.h"

typedef enum rdns_sender_kind {
    RDNS_SENDER_NULL,      /* <> */
    RDNS_SENDER_DOMAIN,    /* an address with a domain, copied to domain */
    RDNS_SENDER_BAD        /* no domain, unparsable, too long */
} rdns_sender_kind;

/* Extracts the domain of a MAIL FROM argument as MTAs pass it: with or
 * without angle brackets, with source routes (@a,@b:user@dom), quoted local
 * parts ("a@b"@dom), one trailing dot. The domain is lowercased, without
 * the trailing dot; it is not yet checked for FQDN syntax. */
rdns_sender_kind rdns_sender_parse(const char *from, size_t len,
                                   char *domain, size_t domainlen);

/* Runs the MAIL FROM checks into s; sender_mx_match stays SKIPPED. */
void rdns_sender_check(rdns_score *s, rdns_dns *dns, const char *from,
                       size_t len, int64_t deadline);
/* The same, and sender_mx_match for client (NULL: unknown, SKIPPED). */
void rdns_sender_check_client(rdns_score *s, rdns_dns *dns, const char *from,
                              size_t len, const rdns_addr *client, int64_t deadline);

#endif
