#ifndef RDNS_THREADSTACK_H
#define RDNS_THREADSTACK_H
/*
 * threadstack - the stack size of the threads libmilter starts for us.
 *
 * libmilter starts a thread per SMTP session with default attributes, so
 * each gets an 8 MiB stack (RLIMIT_STACK). glibc keeps only 40 MiB of
 * freed stacks for reuse: past five sessions at a time every new thread
 * maps a fresh stack, faults its pages in again and unmaps it at the end,
 * and each unmap stops the other CPUs to flush their TLBs. With a smaller
 * default the cache holds a stack for every concurrent session and a new
 * session's thread starts on pages already in place.
 */
#include <stdbool.h>
#include <stddef.h>

/* Stack of every thread created with default attributes from now on:
 * 512 KiB (ASan builds: 4 MiB, though ASan's pthread_create passes
 * attributes of its own, so there it does not reach new threads), twice
 * what the DNS workers, which run the same stages, have always had. False (errno-style failure of
 * pthread_setattr_default_np) changes nothing; the daemon goes on. */
bool rdns_threadstack_set_default(void);

/* The size set above, in bytes (for the log and tests). */
size_t rdns_threadstack_size(void);

#endif
