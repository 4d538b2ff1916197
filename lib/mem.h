#ifndef RDNS_MEM_H
#define RDNS_MEM_H
/*
 * mem - allocation that never returns NULL.
 *
 * Like Postfix's mymalloc(): an allocation failure is fatal (the process
 * aborts with a message), so call sites never test for NULL. Everything
 * allocated here is released with free(3).
 *
 * rdns_fatal is the one way lib/ dies: it hands its message to the hook a
 * program set (the daemon's goes to its log, syslog or the journal, where
 * a postmaster looks), or to stderr without one, then aborts. lib/ knows
 * nothing of the daemon's log; the program wires it up.
 */
#include <stddef.h>

/* Called with the whole message (one line, no newline) just before the
 * abort; it must not allocate much and must return. NULL: stderr. Set it
 * once, before any thread starts. */
typedef void rdns_fatal_fn(const char *msg);
void rdns_set_fatal_hook(rdns_fatal_fn *fn);

/* Formats the message into a fixed buffer (no allocation), reports it and
 * aborts. */
_Noreturn void rdns_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *rdns_malloc(size_t size);
void *rdns_calloc(size_t n, size_t size);
void *rdns_realloc(void *ptr, size_t size);
char *rdns_strdup(const char *s);
/* Copies at most n bytes of s and always terminates the copy. */
char *rdns_strndup(const char *s, size_t n);

#endif
