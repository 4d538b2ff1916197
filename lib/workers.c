/*
 * NAME
 *   workers - fixed thread pool for short jobs
 * DESCRIPTION
 *   A FIFO of jobs under one mutex; the jobs themselves (DNS lookups) are
 *   long next to the queue operations, so the lock is never the hot spot.
 *   Threads get a small stack: jobs are shallow, and a milter with many
 *   sessions should not pay megabytes per idle thread.
 */
#include "workers.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "mem.h"

#define WORKERS_STACK (256 * 1024)

struct workers_job {
    void (*fn)(void *);
    void *arg;
    struct workers_job *next;
};

struct rdns_workers {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct workers_job *head, *tail;
    bool stopping;
    unsigned n;
    pthread_t *threads;
};

static void *workers_main(void *arg)
{
    rdns_workers *w = arg;

    pthread_mutex_lock(&w->mu);
    for (;;) {
        struct workers_job *job;

        while (w->head == NULL && !w->stopping)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->head == NULL)
            break;              /* stopping and drained */
        job = w->head;
        w->head = job->next;
        if (w->head == NULL)
            w->tail = NULL;
        pthread_mutex_unlock(&w->mu);
        job->fn(job->arg);
        free(job);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

rdns_workers *rdns_workers_create(unsigned nthreads)
{
    rdns_workers *w = rdns_calloc(1, sizeof(*w));
    pthread_attr_t attr;

    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->threads = rdns_calloc(nthreads ? nthreads : 1, sizeof(pthread_t));
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, WORKERS_STACK);
    for (unsigned i = 0; i < (nthreads ? nthreads : 1); i++) {
        if (pthread_create(&w->threads[i], &attr, workers_main, w) != 0) {
            if (w->n == 0) {
                fprintf(stderr, "rdns: cannot start a worker thread\n");
                abort();
            }
            break;              /* run with the threads we have */
        }
        w->n++;
    }
    pthread_attr_destroy(&attr);
    return w;
}

void rdns_workers_submit(rdns_workers *w, void (*fn)(void *), void *arg)
{
    struct workers_job *job = rdns_malloc(sizeof(*job));

    job->fn = fn;
    job->arg = arg;
    job->next = NULL;
    pthread_mutex_lock(&w->mu);
    if (w->tail)
        w->tail->next = job;
    else
        w->head = job;
    w->tail = job;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void rdns_workers_free(rdns_workers *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    for (unsigned i = 0; i < w->n; i++)
        pthread_join(w->threads[i], NULL);
    free(w->threads);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}
