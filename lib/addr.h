#ifndef RDNS_ADDR_H
#define RDNS_ADDR_H
/*
 * addr - IPv4/IPv6 addresses and CIDR blocks as values.
 *
 * An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is always stored as the
 * IPv4 address: MTAs hand those to milters and the checks must treat the
 * client as the IPv4 host it is.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define RDNS_ADDR_STRLEN 46          /* enough for any formatted address */
#define RDNS_REVNAME_LEN 74          /* "x.x....ip6.arpa" plus NUL */

typedef struct rdns_addr {
    int family;                 /* AF_INET or AF_INET6 */
    unsigned char b[16];        /* network byte order; 4 bytes used for AF_INET */
} rdns_addr;

typedef struct rdns_cidr {
    rdns_addr addr;             /* host bits are cleared */
    unsigned prefix;            /* 0..32 or 0..128 */
} rdns_cidr;

/* Parses "1.2.3.4" or an IPv6 address (no brackets, no zone). */
bool rdns_addr_parse(const char *text, rdns_addr *out);
/* Converts a socket address; false for AF_UNIX and anything else. */
bool rdns_addr_from_sockaddr(const struct sockaddr *sa, rdns_addr *out);
/* Canonical text form (inet_ntop). */
void rdns_addr_format(const rdns_addr *a, char *buf, size_t len);
bool rdns_addr_equal(const rdns_addr *a, const rdns_addr *b);
/* Reverse lookup name, no trailing dot: "87.64.105.85.in-addr.arpa". */
void rdns_addr_revname(const rdns_addr *a, char *buf, size_t len);

/* Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (full prefix).
 * Set host bits are an error (they usually mean a typo). */
bool rdns_cidr_parse(const char *text, rdns_cidr *out);
bool rdns_cidr_match(const rdns_cidr *c, const rdns_addr *a);
/* The block an ISP typically delegates: /24 for IPv4, /48 for IPv6,
 * as text ("85.105.64.0/24"), for advice to senders. */
void rdns_addr_block(const rdns_addr *a, char *buf, size_t len);

#endif
