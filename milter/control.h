#ifndef RDNS_MILTER_CONTROL_H
#define RDNS_MILTER_CONTROL_H
/*
 * control - the daemon's statistics thread and its Unix control socket,
 * and the client side of rdns-milter -S.
 *
 * Protocol: the client connects, writes one line "stats\n", and reads
 * until the daemon closes: one "name value\n" line per counter (see
 * stats.h); "stats prometheus\n" gets the same counters in Prometheus
 * text format. Any other request gets one line "error: ...\n". One request
 * per connection; requests are served one at a time, each bounded in
 * bytes and time, so a stuck client costs the daemon nothing but a
 * short wait of the statistics thread.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

#define RDNS_CONTROL_SUFFIX ".ctl"   /* next to a unix milter socket */

typedef struct rdns_control rdns_control;

/* The control socket of cfg for the milter socket spec actually used
 * (after -s): milter.control_socket when set, "none" for no socket; else
 * the unix milter socket's path + ".ctl", and no socket for inet ones.
 * False (buf "") when there is none. */
bool rdns_control_path(const rdns_config *cfg, const char *milter_spec, char *buf,
                       size_t len);

/* Seconds between two "stats:" log lines; 0: never. */
unsigned rdns_control_interval(const rdns_config *cfg);

/* Makes the control socket path (NULL or "": none), mode 0660, owned by
 * uid:gid when uid is not (uid_t)-1: call it as root, like the milter
 * socket, before privileges are dropped. A socket that cannot be made is
 * logged and left out (the counters still reach the log). interval:
 * seconds between two "stats:" log lines, 0 never. NULL when there is
 * nothing to do. */
rdns_control *rdns_control_open(const char *path, unsigned interval, uid_t uid, gid_t gid);

/* Starts the statistics thread of c (NULL: nothing). Call with the
 * signals the main thread takes blocked. */
void rdns_control_start(rdns_control *c);

/* The control socket's path, or NULL when there is none. */
const char *rdns_control_socket(const rdns_control *c);

/* The socket will not be removable at stop (the caller said so already):
 * no warning then. */
void rdns_control_quiet_removal(rdns_control *c);

/* Stops the thread if it runs, removes the socket if it is still the one
 * made (see sockfile.h), frees c (NULL: nothing). */
void rdns_control_stop(rdns_control *c);

/* rdns-milter -S: asks the daemon on path and prints its answer on
 * stdout, in Prometheus text format when prometheus (-F prometheus).
 * Returns the exit status: 0 answered, 1 no daemon answers or it refused
 * (a message on stderr). */
int rdns_control_query(const char *path, bool prometheus);

#endif
