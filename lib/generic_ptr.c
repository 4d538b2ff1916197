/*
 * NAME
 *   generic_ptr - is a PTR name an ISP's generic name for a dynamic host?
 * DESCRIPTION
 *   Skeleton: pattern checking and the classifier's lifetime. The
 *   classifier itself follows.
 */
#include "generic_ptr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "mem.h"

/* Compile options shared by create and pattern_ok, so the config parser
 * rejects exactly what create would reject. */
#define GENERIC_PCRE2_OPTIONS PCRE2_CASELESS

struct rdns_generic {
    int unused;
};

static pcre2_code *generic_compile(const char *pattern, char *err, size_t errlen)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re;

    re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                       GENERIC_PCRE2_OPTIONS, &code, &off, NULL);
    if (re == NULL && err != NULL && errlen > 0) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(code, msg, sizeof(msg));
        snprintf(err, errlen, "bad regex '%s' at offset %zu: %s",
                 pattern, (size_t)off, (const char *)msg);
    }
    return re;
}

bool rdns_generic_pattern_ok(const char *pattern, char *err, size_t errlen)
{
    pcre2_code *re = generic_compile(pattern, err, errlen);

    if (re == NULL)
        return false;
    pcre2_code_free(re);
    return true;
}

rdns_generic *rdns_generic_create(const rdns_strlist *patterns,
                                  const rdns_strlist *not_generic,
                                  char *err, size_t errlen)
{
    (void)patterns;
    (void)not_generic;
    (void)err;
    (void)errlen;
    return rdns_calloc(1, sizeof(rdns_generic));
}

void rdns_generic_free(rdns_generic *g)
{
    free(g);
}

bool rdns_generic_classify(const rdns_generic *g, const char *name,
                           const rdns_addr *ip, char *reason, size_t reasonlen)
{
    (void)g;
    (void)name;
    (void)ip;
    if (reasonlen > 0)
        snprintf(reason, reasonlen, "no IP embedding or ISP token");
    return false;
}
