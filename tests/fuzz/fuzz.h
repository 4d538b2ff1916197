/*
 * NAME
 *   fuzz.h - helpers shared by the libFuzzer targets in tests/fuzz
 * DESCRIPTION
 *   FUZZ_ASSERT() turns a broken invariant into an abort() with the
 *   condition and a sanitised excerpt of the input on stderr, so libFuzzer
 *   records it as a crash and keeps the input as an artifact.
 *
 *   fuzz_cstr() copies the input into a heap buffer of exactly len + 1
 *   bytes, so ASan sees any read past the terminating NUL.
 */
#ifndef RDNS_FUZZ_H
#define RDNS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                     \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,        \
                    __LINE__, #cond);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* A NUL-terminated heap copy of data (which may itself hold NULs). */
static inline char *fuzz_cstr(const uint8_t *data, size_t len)
{
    char *s = malloc(len + 1);

    if (s == NULL)
        abort();
    if (len > 0)
        memcpy(s, data, len);
    s[len] = '\0';
    return s;
}

/* True when s is terminated within len bytes and holds only 0x20..0x7e. */
static inline bool fuzz_printable(const char *s, size_t len)
{
    size_t n = strnlen(s, len);

    if (n == len)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
    return true;
}

/* Shows bytes on stderr with the unprintable ones as \xNN, for reports. */
static inline void fuzz_show(const char *what, const char *s, size_t len)
{
    fprintf(stderr, "%s: \"", what);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c <= 0x7e && c != '\\')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fprintf(stderr, "\"\n");
}

#endif
