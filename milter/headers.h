#ifndef RDNS_MILTER_HEADERS_H
#define RDNS_MILTER_HEADERS_H
/*
 * headers - the header fields rdns-milter adds, and which existing ones
 * it removes.
 *
 *   X-RDNS-Score: 7.0/10.0 iprev=fail ptr=dsl.x.example hits=fcrdns_fail,ptr_generic action=reject
 *   X-RDNS-Score: 8.0/7.0 iprev=permerror ptr=none hits=ptr_none,helo_not_fqdn action=reject mode=monitor
 *
 * score/threshold with one decimal; iprev as RFC 8601 names it; ptr the
 * verified PTR name, else the first PTR name, else "none"; hits the checks
 * that hit, or "none"; action what the scores say (a message that reaches
 * end-of-data with action=reject was for a never_reject recipient, or
 * came under monitor mode); "mode=monitor" when the config's mode is
 * monitor, so action= was not enforced; a final "whitelisted" when the
 * client is on the whitelist. One line,
 * printable ASCII, the whole field well under RFC 5322's 998 bytes.
 *
 *   Authentication-Results: mx.example.org; iprev=pass policy.iprev=192.0.2.1 (mail.example.net)
 *
 * RFC 8601 syntax: an IPv6 address is a quoted-string (':' is not allowed
 * in a token), the name is a comment; a client without an address gives
 * "mx.example.org; none".
 */
#include <stdbool.h>
#include <stddef.h>

#include "eval.h"

#define RDNS_HEADER_SCORE "X-RDNS-Score"
#define RDNS_HEADER_AR "Authentication-Results"
#define RDNS_HEADER_VALUE_MAX 900    /* value bytes, name and ": " excluded */

/* Both return out; outlen of RDNS_HEADER_VALUE_MAX + 1 is enough. */
char *rdns_headers_score(const rdns_eval *ev, double threshold, bool monitor, char *out,
                         size_t outlen);
char *rdns_headers_ar(const char *authserv_id, const rdns_eval *ev, char *out, size_t outlen);

/* Does an existing Authentication-Results value carry authserv_id
 * (case-insensitive, RFC 8601 section 5)? value is untrusted. */
bool rdns_headers_ar_is_ours(const char *value, const char *authserv_id);

#endif
