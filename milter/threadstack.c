/*
 * NAME
 *   threadstack - a smaller default stack for libmilter's session threads
 * DESCRIPTION
 *   See threadstack.h. pthread_setattr_default_np(3) is a GNU extension;
 *   this module is the only one that needs _GNU_SOURCE.
 */
#define _GNU_SOURCE
#include "threadstack.h"

#include <pthread.h>

#if defined(__SANITIZE_ADDRESS__)
#define THREADSTACK_SIZE (4u * 1024 * 1024)   /* ASan's redzones and fake frames */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define THREADSTACK_SIZE (4u * 1024 * 1024)
#endif
#endif
#ifndef THREADSTACK_SIZE
#define THREADSTACK_SIZE (512u * 1024)
#endif

bool rdns_threadstack_set_default(void)
{
    pthread_attr_t attr;
    bool ok;

    if (pthread_attr_init(&attr) != 0)
        return false;
    ok = pthread_attr_setstacksize(&attr, THREADSTACK_SIZE) == 0
         && pthread_setattr_default_np(&attr) == 0;
    pthread_attr_destroy(&attr);
    return ok;
}

size_t rdns_threadstack_size(void)
{
    return THREADSTACK_SIZE;
}
