/*
 * NAME
 *   logkv - key=value log lines, quoted so that values cannot add fields
 * DESCRIPTION
 *   The decision line once put client text (HELO, MAIL FROM, PTR names)
 *   into "key=value" fields as it came, so a HELO such as
 *   "x action=accept stage=eom" added fields that a first-wins parser
 *   believed. Here every value is written bare only when it cannot be
 *   mistaken for anything else, and quoted otherwise (see logkv.h for the
 *   exact rule, which is also documented in rdns-milter(8), LOGGING).
 *
 *   The line has a fixed size; room for the " cut=yes" marker is kept
 *   back, so a line that is cut always says so and never ends inside a
 *   quoted value.
 */
#include "logkv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LOGKV_CUT " cut=yes"
#define LOGKV_FMT 256               /* a formatted value, before quoting */

void rdns_logkv_init(rdns_logkv *l)
{
    l->text[0] = '\0';
    l->len = 0;
    l->cut = false;
}

static bool logkv_bare(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '=' && c != '"' && c != '\\';
}

/* Bytes the value takes in the line; *quote: written in quotes. */
static size_t logkv_value_len(const unsigned char *v, size_t n, bool *quote)
{
    size_t out = 2;                 /* the quotes */

    *quote = n == 0;
    for (size_t i = 0; i < n; i++) {
        if (!logkv_bare(v[i]))
            *quote = true;
        if (v[i] == '"' || v[i] == '\\')
            out += 2;
        else if (v[i] < 0x20 || v[i] >= 0x7f)
            out += 4;
        else
            out += 1;
    }
    return *quote ? out : n;
}

static void logkv_put_value(char *o, const unsigned char *v, size_t n, bool quote)
{
    static const char hex[] = "0123456789abcdef";

    if (!quote) {
        memcpy(o, v, n);
        return;
    }
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = v[i];

        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    *o = '"';
}

void rdns_logkv_addn(rdns_logkv *l, const char *key, const char *value, size_t len)
{
    const unsigned char *v = (const unsigned char *)(value ? value : "");
    size_t n = value ? len : 0;
    bool quote;
    size_t klen = strlen(key), vlen = logkv_value_len(v, n, &quote);
    size_t sep = l->len > 0 ? 1 : 0;
    size_t room = sizeof(l->text) - 1 - strlen(LOGKV_CUT);
    char *o;

    if (l->cut)
        return;
    if (l->len + sep + klen + 1 + vlen > room) {
        const char *mark = &LOGKV_CUT[sep ? 0 : 1];    /* no leading space */

        l->cut = true;
        memcpy(l->text + l->len, mark, strlen(mark) + 1);
        l->len += strlen(mark);
        return;
    }
    o = l->text + l->len;
    if (sep)
        *o++ = ' ';
    memcpy(o, key, klen);
    o += klen;
    *o++ = '=';
    logkv_put_value(o, v, n, quote);
    l->len += sep + klen + 1 + vlen;
    l->text[l->len] = '\0';
}

void rdns_logkv_add(rdns_logkv *l, const char *key, const char *value)
{
    rdns_logkv_addn(l, key, value, value ? strlen(value) : 0);
}

void rdns_logkv_addf(rdns_logkv *l, const char *key, const char *fmt, ...)
{
    char v[LOGKV_FMT];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(v, sizeof(v), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    rdns_logkv_addn(l, key, v, (size_t)n < sizeof(v) ? (size_t)n : sizeof(v) - 1);
}

const char *rdns_logkv_text(const rdns_logkv *l)
{
    return l->text;
}
