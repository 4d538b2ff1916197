/*
 * NAME
 *   name - host name syntax and sanitising of untrusted text
 * DESCRIPTION
 *   Host names follow RFC 1123 section 2.1 (LDH labels, a label may start
 *   with a digit); the top-level label is not all digits, which is what
 *   tells "1.2.3.4" from a name.
 */
#include "name.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static size_t name_len_nodot(const char *s)
{
    size_t n = strlen(s);

    if (n > 0 && s[n - 1] == '.')
        n--;
    return n;
}

bool rdns_name_is_fqdn(const char *name)
{
    size_t n = name_len_nodot(name);
    size_t label = 0, labels = 0, start = 0;
    bool tld_digits = true;

    if (n == 0 || n > RDNS_NAME_MAX)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? name[i] : '.';

        if (c == '.') {
            if (label == 0 || label > 63 || name[start] == '-' || name[i - 1] == '-')
                return false;
            labels++;
            tld_digits = true;
            for (size_t j = start; j < i; j++)
                if (!isdigit((unsigned char)name[j]))
                    tld_digits = false;
            label = 0;
            start = i + 1;
            continue;
        }
        if (!(isalnum((unsigned char)c) || c == '-') || (unsigned char)c > 0x7f)
            return false;
        label++;
    }
    return labels >= 2 && !tld_digits;
}

bool rdns_name_equal(const char *a, const char *b)
{
    size_t la = name_len_nodot(a), lb = name_len_nodot(b);

    return la == lb && strncasecmp(a, b, la) == 0;
}

bool rdns_name_has_suffix(const char *name, const char *suffix)
{
    size_t ln, ls;

    if (*suffix == '.')
        suffix++;
    ln = name_len_nodot(name);
    ls = name_len_nodot(suffix);
    if (ls == 0 || ls > ln)
        return false;
    if (strncasecmp(name + ln - ls, suffix, ls) != 0)
        return false;
    return ln == ls || name[ln - ls - 1] == '.';
}

void rdns_name_normalize(char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < n; i++)
        name[i] = (char)tolower((unsigned char)name[i]);
    if (n > 0 && name[n - 1] == '.')
        name[n - 1] = '\0';
}

char *rdns_sanitize(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    size_t o = 0;

    if (dstlen == 0)
        return dst;
    for (size_t i = 0; i < srclen; i++) {
        unsigned char c = (unsigned char)src[i];
        char piece[5];
        size_t plen;

        if (c >= 0x20 && c < 0x7f) {
            piece[0] = (char)c;
            plen = 1;
        } else {
            snprintf(piece, sizeof(piece), "\\x%02x", c);
            plen = 4;
        }
        if (o + plen > dstlen - 1) {
            /* Cut: mark it, so nobody mistakes a cut value for a whole one. */
            size_t mark = dstlen - 1 >= 3 ? 3 : dstlen - 1;

            o = dstlen - 1 - mark;
            memset(dst + o, '.', mark);
            o += mark;
            break;
        }
        memcpy(dst + o, piece, plen);
        o += plen;
    }
    dst[o] = '\0';
    return dst;
}

void rdns_textf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;

    if (buf == NULL || len == 0)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}
