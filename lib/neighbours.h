#ifndef RDNS_NEIGHBOURS_H
#define RDNS_NEIGHBOURS_H
/*
 * neighbours - is an undecided PTR name one of a provider's pool?
 *
 * Some generic names carry neither the address nor an access word
 * (kx20451.nbr.example: a line or customer number). What the name alone
 * cannot tell, the names of the adjacent addresses can: a provider names a
 * pool from one template whose number changes from address to address
 * (kx20450, kx20451, kx20452 under one parent), while a server's name is
 * its own. Asked only for names the offline classifier left undecided, at
 * two extra PTR lookups (cached like every other), and only when the admin
 * turns it on (generic.neighbours): numbered servers of one operator can
 * sit side by side too, so the numbers must be long (three digits or more)
 * and both neighbours must fit. A neighbour that does not answer is no
 * evidence either way.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dns.h"

/* Worth asking the neighbours about: a first label with a run of at least
 * three digits (the only kind of name a pool template can explain). */
bool rdns_neighbours_candidate(const char *name);

/* Are a and b one template: the same parent domain (every label but the
 * first, case-insensitive), first labels equal once each run of digits is
 * read as one placeholder, the names different, and every differing run
 * at least three digits long? "kx20451.nbr.example" and
 * "kx20452.nbr.example" are; "mail1.x.example" and "mail2.x.example" are
 * not (one digit), nor are names under different parents. */
bool rdns_neighbours_same_template(const char *a, const char *b);

/* For an IPv4 client whose PTR name is name: looks up the PTR names of
 * the two adjacent addresses in the same /24 (the next two inwards at
 * .0 or .255) and returns true when both have a name of name's template.
 * detail gets one line for people either way. IPv6 clients are never
 * asked about (pools there are named from the address, which the
 * classifier reads). */
bool rdns_neighbours_pool(rdns_dns *dns, const rdns_addr *client, const char *name,
                          int64_t deadline, char *detail, size_t len);

#endif
