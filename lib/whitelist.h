#ifndef RDNS_WHITELIST_H
#define RDNS_WHITELIST_H
/*
 * whitelist - the "no server check" list: clients exempt from scoring.
 *
 * Entries are IPv4/IPv6 addresses, CIDR blocks, or domain suffixes
 * ("example.net" matches example.net and any name below it). A suffix is
 * matched only against the client's forward-confirmed PTR name, never
 * against HELO or MAIL FROM, which any client can forge. The same type
 * holds trusted_networks (addresses and CIDRs only).
 */
#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "strlist.h"

typedef struct rdns_whitelist rdns_whitelist;

/* Checks one entry the way rdns_whitelist_create reads it; with
 * addresses_only, a domain suffix is an error too. */
bool rdns_whitelist_entry_ok(const char *entry, bool addresses_only,
                             char *err, size_t errlen);
/* NULL on a bad entry, with a message naming it in err. entries may be NULL. */
rdns_whitelist *rdns_whitelist_create(const rdns_strlist *entries,
                                      bool addresses_only,
                                      char *err, size_t errlen);
void rdns_whitelist_free(rdns_whitelist *w);

bool rdns_whitelist_match_addr(const rdns_whitelist *w, const rdns_addr *a);
/* name: a forward-confirmed PTR name. */
bool rdns_whitelist_match_name(const rdns_whitelist *w, const char *name);
/* True when some entry is a domain suffix (so matching needs FCrDNS). */
bool rdns_whitelist_has_names(const rdns_whitelist *w);

#endif
