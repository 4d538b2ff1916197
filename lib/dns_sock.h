#ifndef RDNS_DNS_SOCK_H
#define RDNS_DNS_SOCK_H
/*
 * dns_sock - the UDP socket a DNS try is sent on, and its query ID.
 *
 * Each try to a remote server gets a fresh socket, so a fresh source port
 * (RFC 5452: port and ID are what an off-path spoofer must guess). A
 * server on loopback (127.0.0.0/8, ::1) cannot be spoofed from off the
 * machine: Linux drops packets from the network that claim a loopback
 * source. For such a server, the local resolver mail admins are told to
 * run, a thread keeps its socket between tries, which saves socket(2),
 * connect(2) and close(2) on every query. A kept socket never has a query
 * outstanding: one whose try ended without its reply is closed, so a late
 * reply can never be read as the answer to a later question.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* Whether sa is a loopback address (a socket to it may be kept). */
bool rdns_dns_sock_loopback(const struct sockaddr *sa);

/* A socket of type (SOCK_DGRAM or SOCK_STREAM, non-blocking) connected to
 * sa, or -1 with errno set. With keep (UDP to loopback only), the
 * calling thread's kept socket for (owner, server) when it has one.
 * owner tells resolvers apart: no two live ones have the same. */
int rdns_dns_sock_open(const struct sockaddr *sa, socklen_t salen, int type, bool keep,
                       uint64_t owner, unsigned server);

/* Done with fd from rdns_dns_sock_open. With clean (the reply to the
 * socket's last query was read) and keep, the thread keeps it for the
 * next try to (owner, server); otherwise it is closed. */
void rdns_dns_sock_done(int fd, bool keep, bool clean, uint64_t owner, unsigned server);

/* A new owner number for a resolver being created. */
uint64_t rdns_dns_sock_owner(void);

/* A 16-bit query ID from the kernel's random source (getrandom(2)),
 * drawn in batches per thread. False if the source fails. */
bool rdns_dns_sock_id(uint16_t *id);

#endif
