#ifndef RDNS_MILTER_LOGKV_H
#define RDNS_MILTER_LOGKV_H
/*
 * logkv - one "key=value key=value ..." log line that a client cannot add
 * fields to, whatever it sends.
 *
 * A value is written bare when it is non-empty and made only of printable
 * ASCII other than space, '=', '"' and '\'. Otherwise it is written in
 * double quotes, with '"' as \", '\' as \\ and every byte outside printable
 * ASCII (control, DEL, 8-bit) as \xNN (two lowercase hex digits); a space
 * stays a space. An empty value is "". So splitting on spaces outside
 * quotes gives exactly the fields written, and unquoting gives back the
 * exact bytes of each value.
 *
 * Keys are the caller's constants ([a-z_]+). The line is bounded: a field
 * that does not fit whole is left out, with every field after it, and the
 * line then ends in " cut=yes".
 *
 * On the stack, one per line; the fields of the struct are private.
 */
#include <stdbool.h>
#include <stddef.h>

#define RDNS_LOGKV_LINE 3072        /* bytes of text, NUL included */

typedef struct rdns_logkv {
    char text[RDNS_LOGKV_LINE];
    size_t len;
    bool cut;
} rdns_logkv;

void rdns_logkv_init(rdns_logkv *l);

/* Appends key=value; value is NUL-terminated (NULL counts as ""). */
void rdns_logkv_add(rdns_logkv *l, const char *key, const char *value);
/* The same for len bytes, which may hold any byte, NUL included. */
void rdns_logkv_addn(rdns_logkv *l, const char *key, const char *value, size_t len);
/* The same for a printf-formatted value (cut at 256 bytes). */
void rdns_logkv_addf(rdns_logkv *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The line so far, without a leading space; "" before the first field. */
const char *rdns_logkv_text(const rdns_logkv *l);

#endif
