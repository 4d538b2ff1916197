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

int main(void)
{
    size_t before = new_thread_stack(), after;

    CHECK(before > 0);
    CHECK(rdns_threadstack_set_default());
    after = new_thread_stack();
    CHECK(after == rdns_threadstack_size());
    CHECK(rdns_threadstack_size() >= 256 * 1024);
    /* the point: smaller than the 8 MiB a session thread got before, so
     * glibc's 40 MiB stack cache holds dozens of them */
    CHECK(rdns_threadstack_size() <= 4u * 1024 * 1024);
    CHECK(before != after || before <= 4u * 1024 * 1024);
    CHECK_DONE();
}
