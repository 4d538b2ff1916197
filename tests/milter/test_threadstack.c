/* Tests of milter/threadstack.c: a thread started with default attributes
 * after rdns_threadstack_set_default gets the smaller stack, as
 * libmilter's session threads do in the daemon. */
#define _GNU_SOURCE
#include <pthread.h>

#include "check.h"
#include "threadstack.h"

static void *stack_of(void *arg)
{
    pthread_attr_t attr;
    size_t *size = arg;

    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstacksize(&attr, size);
        pthread_attr_destroy(&attr);
    }
    return NULL;
}

static size_t new_thread_stack(void)
{
    pthread_t t;
    size_t size = 0;

    if (pthread_create(&t, NULL, stack_of, &size) != 0)
        return 0;
    pthread_join(t, NULL);
    return size;
}

/* ASan's pthread_create passes attributes of its own, so under ASan the
 * process default is set but never reaches a new thread. */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

int main(void)
{
    size_t before = new_thread_stack(), after, dflt = 0;
    pthread_attr_t attr;

    CHECK(before > 0);
    CHECK(rdns_threadstack_set_default());
    CHECK(pthread_getattr_default_np(&attr) == 0);
    pthread_attr_getstacksize(&attr, &dflt);
    pthread_attr_destroy(&attr);
    CHECK(dflt == rdns_threadstack_size());
    after = new_thread_stack();
#ifndef TEST_ASAN
    CHECK(after == rdns_threadstack_size());
    CHECK(before != after || before <= 4u * 1024 * 1024);
#else
    CHECK(after > 0);
#endif
    CHECK(rdns_threadstack_size() >= 256 * 1024);
    /* the point: smaller than the 8 MiB a session thread got before, so
     * glibc's 40 MiB stack cache holds dozens of them */
    CHECK(rdns_threadstack_size() <= 4u * 1024 * 1024);
    CHECK_DONE();
}
