#ifndef RDNS_WORKERS_H
#define RDNS_WORKERS_H
/*
 * workers - a fixed pool of threads that run short jobs in the order they
 * were queued. It is how the milter starts DNS work the moment its input
 * is known (PTR at connect, HELO's A at HELO, the sender's MX at MAIL)
 * without a thread per query and without the SMTP session waiting for it.
 */

typedef struct rdns_workers rdns_workers;

/* Starts nthreads threads (at least 1). Never NULL. */
rdns_workers *rdns_workers_create(unsigned nthreads);
/* Queues fn(arg); returns at once. */
void rdns_workers_submit(rdns_workers *w, void (*fn)(void *), void *arg);
/* Runs what is queued, then stops and joins the threads and frees w. */
void rdns_workers_free(rdns_workers *w);

#endif
