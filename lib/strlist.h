#ifndef RDNS_STRLIST_H
#define RDNS_STRLIST_H
/*
 * strlist - a growable list of owned C strings (config lists, PTR names).
 */
#include <stddef.h>

typedef struct rdns_strlist {
    size_t n;      /* number of strings */
    size_t cap;    /* allocated slots */
    char **v;      /* v[0..n-1], each owned by the list */
} rdns_strlist;

/* Appends a copy of s. */
void rdns_strlist_add(rdns_strlist *l, const char *s);
/* Frees every string and the array; the list is empty and reusable after. */
void rdns_strlist_clear(rdns_strlist *l);
/* Deep copy of src into dst (dst must be empty). */
void rdns_strlist_copy(rdns_strlist *dst, const rdns_strlist *src);

#endif
