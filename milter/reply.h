#ifndef RDNS_MILTER_REPLY_H
#define RDNS_MILTER_REPLY_H
/*
 * reply - the text of an SMTP refusal, from the reject_reply or
 * tempfail_reply template of the config.
 *
 * Placeholders: %{ip} (client address or "unknown"), %{ptr} (verified or
 * first PTR name, or "none"), %{helo}, %{score} (one decimal),
 * %{threshold}, %{reasons} (a short phrase per check that hit, such as
 * "no PTR record for the client address, HELO is not a fully qualified
 * domain name"; what to fix in detail is rdns-check's job). Anything
 * else, including an unknown %{name}, is copied as it is.
 *
 * The result is ready for smfi_setreply(): one line of printable ASCII,
 * every '%' doubled (libmilter treats a single '%' as a format character
 * and drops the text), at most RDNS_REPLY_MAX bytes of SMTP text so the
 * whole reply line stays within RFC 5321's 512 bytes.
 */
#include <stddef.h>

#include "eval.h"

#define RDNS_REPLY_MAX 450           /* SMTP text after "550 5.7.1 " */
#define RDNS_REPLY_BUF (2 * RDNS_REPLY_MAX + 1)   /* room for "%%" */

/* Expands tmpl (NULL: "") for ev into out (at least RDNS_REPLY_BUF
 * bytes is always enough). threshold is the config's. Returns out. */
char *rdns_reply_expand(const char *tmpl, const rdns_eval *ev, double threshold,
                        char *out, size_t outlen);

/* The reasons text alone, unescaped ("" when nothing hit). */
char *rdns_reply_reasons(const rdns_eval *ev, char *out, size_t outlen);

/* The name that speaks for the client: verified PTR, else the first PTR
 * name, else "none". Never NULL. */
const char *rdns_reply_ptr(const rdns_eval *ev);

#endif
