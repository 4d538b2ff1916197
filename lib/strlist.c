/*
 * NAME
 *   strlist - growable list of owned strings
 */
#include "strlist.h"

#include <stdlib.h>

#include "mem.h"

void rdns_strlist_add(rdns_strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = rdns_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = rdns_strdup(s);
}

void rdns_strlist_clear(rdns_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

void rdns_strlist_copy(rdns_strlist *dst, const rdns_strlist *src)
{
    for (size_t i = 0; i < src->n; i++)
        rdns_strlist_add(dst, src->v[i]);
}
