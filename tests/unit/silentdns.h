#ifndef RDNS_TEST_SILENTDNS_H
#define RDNS_TEST_SILENTDNS_H
/*
 * silentdns - a DNS server that never answers, for unit tests that must
 * prove which questions a check asked (or that it asked none).
 *
 * silent_dns() binds a UDP socket on 127.0.0.1 and returns a resolver
 * pointed at it (100 ms timeout, no retries); silent_drain() reads the
 * questions that arrived since the last call.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns.h"

static int silent_fd = -1;

static rdns_dns *silent_dns(void)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t sl = sizeof(sin);
    rdns_strlist servers = {0};
    rdns_dns_options o = {.servers = &servers, .timeout_ms = 100, .retries = 0,
                          .max_cname_depth = 8};
    char spec[64], err[256] = "";
    rdns_dns *dns;

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    silent_fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (silent_fd < 0 || bind(silent_fd, (struct sockaddr *)&sin, sizeof(sin)) != 0
        || getsockname(silent_fd, (struct sockaddr *)&sin, &sl) != 0) {
        perror("silent DNS socket");
        exit(EXIT_FAILURE);
    }
    snprintf(spec, sizeof(spec), "127.0.0.1:%u", ntohs(sin.sin_port));
    rdns_strlist_add(&servers, spec);
    dns = rdns_dns_create(&o, err, sizeof(err));
    rdns_strlist_clear(&servers);
    if (dns == NULL) {
        fprintf(stderr, "rdns_dns_create: %s\n", err);
        exit(EXIT_FAILURE);
    }
    return dns;
}

/* Reads every question that reached the silent server; appends "TYPE name "
 * for each to log (cleared first) and returns how many arrived. */
static int silent_drain(char *log, size_t loglen)
{
    unsigned char pkt[1500];
    ssize_t n;
    int count = 0;

    log[0] = '\0';
    while ((n = recv(silent_fd, pkt, sizeof(pkt), MSG_DONTWAIT)) > 0) {
        char name[256] = "";
        size_t o = 12, nl = 0;
        unsigned qtype;

        count++;
        while (o < (size_t)n && pkt[o] != 0 && pkt[o] < 64 && o + 1 + pkt[o] < (size_t)n) {
            if (nl + pkt[o] + 2 >= sizeof(name))
                break;
            memcpy(name + nl, pkt + o + 1, pkt[o]);
            nl += pkt[o];
            name[nl++] = '.';
            name[nl] = '\0';
            o += 1 + pkt[o];
        }
        if (o + 3 > (size_t)n)
            continue;
        qtype = (unsigned)pkt[o + 1] << 8 | pkt[o + 2];
        snprintf(log + strlen(log), loglen - strlen(log), "%s %s ",
                 qtype == 1 ? "A" : qtype == 28 ? "AAAA" : qtype == 15 ? "MX" : "?",
                 name);
    }
    return count;
}

#endif
