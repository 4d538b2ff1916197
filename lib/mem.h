#ifndef RDNS_MEM_H
#define RDNS_MEM_H
/*
 * mem - allocation that never returns NULL.
 *
 * Like Postfix's mymalloc(): an allocation failure is fatal (the process
 * aborts with a message on stderr), so call sites never test for NULL.
 * Everything allocated here is released with free(3).
 */
#include <stddef.h>

void *rdns_malloc(size_t size);
void *rdns_calloc(size_t n, size_t size);
void *rdns_realloc(void *ptr, size_t size);
char *rdns_strdup(const char *s);
/* Copies at most n bytes of s and always terminates the copy. */
char *rdns_strndup(const char *s, size_t n);

#endif
