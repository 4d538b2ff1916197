/*
 * NAME
 *   headers - X-RDNS-Score and Authentication-Results values
 * DESCRIPTION
 *   Formats the two header fields from an evaluation, and recognises a
 *   forged or stale Authentication-Results field that claims to come from
 *   our own authserv-id (those must be removed before ours is added,
 *   RFC 8601 section 5). Every value from DNS or from the client is
 *   sanitised and bounded here, where it enters a header.
 */
#include "headers.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "name.h"
#include "reply.h"
#include "score.h"

char *rdns_headers_score(const rdns_eval *ev, double threshold, bool monitor, char *out,
                         size_t outlen)
{
    char ptr[RDNS_NAME_MAX * 4 + 1];    /* a sanitised name may grow */
    char hits[400];
    const char *ptr_raw = rdns_reply_ptr(ev);

    rdns_sanitize(ptr, sizeof(ptr), ptr_raw, strlen(ptr_raw));
    rdns_score_hits(rdns_eval_card(ev), hits, sizeof(hits));
    snprintf(out, outlen, "%.1f/%.1f iprev=%s ptr=%s hits=%s action=%s%s%s",
             rdns_eval_score(ev), threshold, rdns_iprev_str(rdns_eval_iprev(ev)), ptr,
             hits[0] ? hits : "none", rdns_action_str(rdns_eval_action(ev)),
             monitor ? " mode=monitor" : "", rdns_eval_whitelisted(ev) ? " whitelisted" : "");
    return out;
}

/* A name inside an RFC 5322 comment: '(', ')' and '\' get a backslash. */
static void headers_comment(char *out, size_t outlen, const char *name)
{
    char clean[RDNS_NAME_MAX * 4 + 1];
    size_t used = 0;

    rdns_sanitize(clean, sizeof(clean), name, strlen(name));
    for (const char *p = clean; *p && used + 3 < outlen; p++) {
        if (*p == '(' || *p == ')' || *p == '\\')
            out[used++] = '\\';
        out[used++] = *p;
    }
    out[used] = '\0';
}

char *rdns_headers_ar(const char *authserv_id, const rdns_eval *ev, char *out, size_t outlen)
{
    char id[256], ip[RDNS_ADDR_STRLEN], comment[RDNS_NAME_MAX * 8 + 1];
    const rdns_addr *client = rdns_eval_client(ev);
    rdns_iprev r = rdns_eval_iprev(ev);
    const char *name = NULL;

    rdns_sanitize(id, sizeof(id), authserv_id, strlen(authserv_id));
    if (client == NULL) {
        snprintf(out, outlen, "%s; none", id);
        return out;
    }
    rdns_addr_format(client, ip, sizeof(ip));
    if (r == RDNS_IPREV_PASS)
        name = rdns_eval_verified_name(ev);
    else if (r == RDNS_IPREV_FAIL)
        name = rdns_eval_ptr_name(ev, 0);
    comment[0] = '\0';
    if (name != NULL)
        headers_comment(comment, sizeof(comment), name);
    snprintf(out, outlen, "%s; iprev=%s policy.iprev=%s%s%s%s%s", id, rdns_iprev_str(r),
             client->family == AF_INET6 ? "\"" : "", ip, client->family == AF_INET6 ? "\"" : "",
             comment[0] ? " (" : "", comment[0] ? comment : "");
    if (comment[0] && strlen(out) + 1 < outlen)
        strcat(out, ")");
    return out;
}

/* Skips folding white space and (nested) comments; bounded nesting. */
static const char *headers_skip_cfws(const char *p)
{
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (*p != '(')
            return p;
        for (int depth = 0; *p; p++) {
            if (*p == '\\' && p[1] != '\0') {
                p++;
                continue;
            }
            if (*p == '(' && ++depth > 16)
                return p;               /* absurd: stop, match nothing */
            if (*p == ')' && --depth == 0) {
                p++;
                break;
            }
        }
    }
}

bool rdns_headers_ar_is_ours(const char *value, const char *authserv_id)
{
    char got[256];
    size_t n = 0;
    const char *p;

    if (value == NULL || authserv_id == NULL || *authserv_id == '\0')
        return false;
    p = headers_skip_cfws(value);
    if (*p == '"') {                    /* quoted-string */
        for (p++; *p && *p != '"' && n + 1 < sizeof(got); p++) {
            if (*p == '\\' && p[1] != '\0')
                p++;
            got[n++] = *p;
        }
        if (*p != '"')
            return false;
    } else {
        while (*p && !strchr(" \t\r\n;(", *p) && n + 1 < sizeof(got))
            got[n++] = *p++;
    }
    got[n] = '\0';
    return n > 0 && strcasecmp(got, authserv_id) == 0;
}
