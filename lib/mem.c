/*
 * NAME
 *   mem - allocation that never returns NULL
 * DESCRIPTION
 *   Out of memory in a mail filter is not something a call site can
 *   recover from sensibly; dying loudly lets the MTA apply its
 *   milter_default_action instead of limping on with half a verdict.
 */
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *mem_check(void *p, size_t size)
{
    if (p == NULL && size != 0) {
        fprintf(stderr, "rdns: out of memory allocating %zu bytes\n", size);
        abort();
    }
    return p;
}

void *rdns_malloc(size_t size)
{
    return mem_check(malloc(size ? size : 1), size ? size : 1);
}

void *rdns_calloc(size_t n, size_t size)
{
    if (n == 0 || size == 0)
        n = size = 1;
    return mem_check(calloc(n, size), n * size);
}

void *rdns_realloc(void *ptr, size_t size)
{
    return mem_check(realloc(ptr, size ? size : 1), size ? size : 1);
}

char *rdns_strdup(const char *s)
{
    return rdns_strndup(s, strlen(s));
}

char *rdns_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = rdns_malloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
