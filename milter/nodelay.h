#ifndef RDNS_NODELAY_H
#define RDNS_NODELAY_H
/*
 * nodelay - TCP_NODELAY on libmilter's listening socket.
 *
 * libmilter has no call that returns its listening socket, so after
 * smfi_opensocket() it is found among the process's descriptors (a
 * listening TCP socket) and the option set there; Linux copies it to
 * every accepted connection. Without it, two replies written back to
 * back wait for the MTA's delayed ACK: 40 ms stalls per message.
 */

/* Sets TCP_NODELAY on every listening TCP socket among descriptors 0 to
 * 1023; returns how many now have it (0: none found, or setsockopt
 * failed). Shared with the benchmark's no-op milter. */
int rdns_nodelay_listeners(void);

#endif
