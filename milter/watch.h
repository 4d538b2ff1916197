#ifndef RDNS_MILTER_WATCH_H
#define RDNS_MILTER_WATCH_H
/*
 * watch - the daemon's own health, told to the postmaster before it
 * hurts: file descriptors running short (each milter session holds one)
 * and DNS replies dropped as not ours (spoofing, or a broken resolver).
 * Warnings go to the log at most once a minute each and are counted in
 * the statistics (fd_warnings, accept_failures, dns_unwanted_replies).
 */
#include <stdint.h>

/* Once at start, as the first thing that logs: raises the soft
 * RLIMIT_NOFILE to the hard limit and logs the limit in force. */
void rdns_watch_init(void);

/* The descriptor limit in force (soft RLIMIT_NOFILE). */
unsigned long rdns_watch_fd_limit(void);
/* Descriptors open now, from /proc/self/fd; the limit itself when they
 * cannot even be counted for lack of one; 0 when unknown. */
unsigned long rdns_watch_fd_open(void);

/* Once a second, from the main thread: warns when 80 % of the descriptors
 * are in use, and when unwanted_threshold (dns.unwanted_reply_threshold;
 * 0: never) more DNS replies were dropped since the last warning. */
void rdns_watch_tick(int unwanted_threshold);

#endif
