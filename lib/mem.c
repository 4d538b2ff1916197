/*
 * NAME
 *   mem - allocation that never returns NULL
 * DESCRIPTION
 *   Out of memory in a mail filter is not something a call site can
 *   recover from sensibly; dying loudly lets the MTA apply its
 *   milter_default_action instead of limping on with half a verdict.
 *   The last words go through the program's fatal hook (its log) first.
 */
#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Written once before threads start, read when dying: no lock. */
static rdns_fatal_fn *mem_fatal_hook;

void rdns_set_fatal_hook(rdns_fatal_fn *fn)
{
    mem_fatal_hook = fn;
}

void rdns_fatal(const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (mem_fatal_hook != NULL)
        mem_fatal_hook(msg);
    else
        fprintf(stderr, "rdns: %s\n", msg);
    abort();
}

static void *mem_check(void *p, size_t size)
{
    if (p == NULL && size != 0)
        rdns_fatal("out of memory allocating %zu bytes; aborting", size);
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
