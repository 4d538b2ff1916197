#ifndef RDNS_NAME_H
#define RDNS_NAME_H
/*
 * name - host name syntax and sanitising of untrusted text.
 *
 * Every string that came from the network (HELO, MAIL FROM, PTR names)
 * passes through rdns_sanitize() before it is logged, printed or put in a
 * header: printable ASCII only, no CR/LF, bounded.
 */
#include <stdbool.h>
#include <stddef.h>

#define RDNS_NAME_MAX 253            /* longest host name in text form */

/* True for a syntactically valid fully qualified host name: at least two
 * labels, LDH labels of 1..63 bytes not starting or ending with '-', total
 * at most 253, top-level label not all digits. One trailing dot allowed. */
bool rdns_name_is_fqdn(const char *name);
/* Case-insensitive comparison ignoring one trailing dot on either side. */
bool rdns_name_equal(const char *a, const char *b);
/* True when name equals suffix or ends with "." suffix (label boundary,
 * case-insensitive, trailing dots ignored). A leading "." in suffix is
 * allowed and means the same. */
bool rdns_name_has_suffix(const char *name, const char *suffix);
/* Lowercases in place and removes one trailing dot. */
void rdns_name_normalize(char *name);

/* Copies src (srclen bytes, may hold NUL/CR/LF/8-bit) into dst as printable
 * ASCII: each byte outside 0x20..0x7e becomes "\xNN", so no CR, LF or NUL
 * survives. Output is cut to fit dstlen (a cut value ends in "...") and is
 * always terminated. Returns dst. */
char *rdns_sanitize(char *dst, size_t dstlen, const char *src, size_t srclen);

/* snprintf into a fixed buffer where cutting a long detail is intended
 * (so compilers need not warn about it); does nothing for a NULL or empty
 * buffer. */
void rdns_textf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
