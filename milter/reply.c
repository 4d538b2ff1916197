/*
 * NAME
 *   reply - SMTP refusal text with %{...} placeholders
 * DESCRIPTION
 *   Every value put into a reply came from the network or from DNS, so
 *   each passes through rdns_sanitize() here, and the template itself
 *   (from the admin's config) loses any control character. The reply is
 *   counted in SMTP bytes (a doubled '%' is one byte on the wire) and cut
 *   with "..." when it would not fit.
 */
#include "reply.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "name.h"
#include "score.h"

typedef struct reply_buf {
    char *out;           /* escaped text, for smfi_setreply */
    size_t outlen;       /* size of out */
    size_t used;         /* bytes in out */
    size_t smtp;         /* SMTP bytes so far (a "%%" counts once) */
    bool full;           /* cut: ignore further text */
} reply_buf;

/* Room for the "..." that ends a cut reply. */
#define REPLY_ELLIPSIS 3

static void reply_cut(reply_buf *b)
{
    for (int i = 0; i < REPLY_ELLIPSIS && b->used + 1 < b->outlen; i++)
        b->out[b->used++] = '.';
    b->out[b->used] = '\0';
    b->full = true;
}

static void reply_putc(reply_buf *b, char c)
{
    size_t need = c == '%' ? 2 : 1;

    if (b->full)
        return;
    if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
        c = ' ';
    if (b->smtp + 1 + REPLY_ELLIPSIS > RDNS_REPLY_MAX
        || b->used + need + REPLY_ELLIPSIS + 1 > b->outlen) {
        reply_cut(b);
        return;
    }
    b->out[b->used++] = c;
    if (c == '%')
        b->out[b->used++] = '%';
    b->out[b->used] = '\0';
    b->smtp++;
}

static void reply_puts(reply_buf *b, const char *s)
{
    while (*s && !b->full)
        reply_putc(b, *s++);
}

/* A value from the network: sanitised before it goes in. */
static void reply_put_value(reply_buf *b, const char *v)
{
    char clean[RDNS_REPLY_MAX + 1];

    rdns_sanitize(clean, sizeof(clean), v ? v : "", v ? strlen(v) : 0);
    reply_puts(b, clean);
}

const char *rdns_reply_ptr(const rdns_eval *ev)
{
    const char *name = rdns_eval_verified_name(ev);

    if (name == NULL)
        name = rdns_eval_ptr_name(ev, 0);
    return name ? name : "none";
}

char *rdns_reply_reasons(const rdns_eval *ev, char *out, size_t outlen)
{
    const rdns_score *card = rdns_eval_card(ev);
    size_t used = 0;

    if (outlen == 0)
        return out;
    out[0] = '\0';
    for (int c = 0; c < RDNS_CHECK_COUNT; c++) {
        int n;

        if (rdns_score_state(card, (rdns_check)c) != RDNS_CHECK_HIT
            || rdns_check_is_reward((rdns_check)c))
            continue;               /* good evidence is no reason to refuse */
        n = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "",
                     rdns_check_reason((rdns_check)c));
        if (n < 0 || (size_t)n >= outlen - used)
            break;                  /* full: the cut shows as "..." later */
        used += (size_t)n;
    }
    return out;
}

/* Expands one placeholder name (len bytes); false when unknown. */
static bool reply_placeholder(reply_buf *b, const char *name, size_t len,
                              const rdns_eval *ev, double threshold)
{
    char tmp[2048];

    if (len == 2 && memcmp(name, "ip", 2) == 0) {
        const rdns_addr *a = rdns_eval_client(ev);

        if (a != NULL)
            rdns_addr_format(a, tmp, sizeof(tmp));
        else
            snprintf(tmp, sizeof(tmp), "unknown");
        reply_put_value(b, tmp);
    } else if (len == 3 && memcmp(name, "ptr", 3) == 0) {
        reply_put_value(b, rdns_reply_ptr(ev));
    } else if (len == 4 && memcmp(name, "helo", 4) == 0) {
        reply_put_value(b, rdns_eval_helo_text(ev));
    } else if (len == 5 && memcmp(name, "score", 5) == 0) {
        snprintf(tmp, sizeof(tmp), "%.1f", rdns_eval_score(ev));
        reply_puts(b, tmp);
    } else if (len == 9 && memcmp(name, "threshold", 9) == 0) {
        snprintf(tmp, sizeof(tmp), "%.1f", threshold);
        reply_puts(b, tmp);
    } else if (len == 7 && memcmp(name, "reasons", 7) == 0) {
        reply_put_value(b, rdns_reply_reasons(ev, tmp, sizeof(tmp)));
    } else {
        return false;
    }
    return true;
}

char *rdns_reply_expand(const char *tmpl, const rdns_eval *ev, double threshold,
                        char *out, size_t outlen)
{
    reply_buf b = {out, outlen, 0, 0, false};
    const char *p = tmpl ? tmpl : "";

    if (outlen == 0)
        return out;
    out[0] = '\0';
    while (*p && !b.full) {
        const char *end;

        if (p[0] == '%' && p[1] == '{' && (end = strchr(p + 2, '}')) != NULL
            && reply_placeholder(&b, p + 2, (size_t)(end - p - 2), ev, threshold)) {
            p = end + 1;
            continue;
        }
        reply_putc(&b, *p++);
    }
    return out;
}
