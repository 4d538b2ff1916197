#ifndef RDNS_FCRDNS_H
#define RDNS_FCRDNS_H
/*
 * fcrdns - forward-confirmed reverse DNS, the "iprev" method of RFC 8601
 * section 2.7.3.
 *
 *   pass       some PTR name has an address of the client's own family
 *              equal to the client address;
 *   fail       PTR names exist and none confirms (each forward lookup
 *              ended in NXDOMAIN, NODATA or other addresses);
 *   permerror  no PTR name: the PTR lookup gave NXDOMAIN or NODATA;
 *   temperror  the PTR lookup failed temporarily, or no name confirmed and
 *              at least one forward lookup failed temporarily.
 *
 * At most max_names PTR names are checked (a host with 30 PTR records must
 * not cost 30 lookups); the list reported holds those checked.
 */
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dns.h"

typedef enum rdns_iprev {
    RDNS_IPREV_PASS,
    RDNS_IPREV_FAIL,
    RDNS_IPREV_PERMERROR,
    RDNS_IPREV_TEMPERROR
} rdns_iprev;

typedef struct rdns_fcrdns rdns_fcrdns;

/* Runs the whole check. Never NULL; free with rdns_fcrdns_free. */
rdns_fcrdns *rdns_fcrdns_check(rdns_dns *dns, const rdns_addr *client,
                               size_t max_names, int64_t deadline);
/* The result of a check the MTA has already done: pass, with name as the
 * one PTR name and the verified one. name must be a valid host name
 * (lowercase, no trailing dot); asks no DNS. */
rdns_fcrdns *rdns_fcrdns_from_mta(const rdns_addr *client, const char *name);
void rdns_fcrdns_free(rdns_fcrdns *r);

rdns_iprev rdns_fcrdns_result(const rdns_fcrdns *r);
/* PTR names checked, lowercase, no trailing dot. */
size_t rdns_fcrdns_ptr_count(const rdns_fcrdns *r);
const char *rdns_fcrdns_ptr_name(const rdns_fcrdns *r, size_t i);
/* The first PTR name that confirmed, or NULL unless the result is pass. */
const char *rdns_fcrdns_verified_name(const rdns_fcrdns *r);
/* One line for people: what was found ("PTR dsl.x.tr has no A record"). */
const char *rdns_fcrdns_detail(const rdns_fcrdns *r);

const char *rdns_iprev_str(rdns_iprev r);   /* "pass", "fail", ... */

#endif
