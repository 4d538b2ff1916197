/*
 * NAME
 *   noop_milter - the benchmark's ceiling: a libmilter filter that does
 *   no work
 *
 * SYNOPSIS
 *   noop_milter -s unix:/PATH|inet:PORT@HOST
 *
 * DESCRIPTION
 *   Accepts every client and adds one header field at end of message.
 *   It asks for the same protocol steps as rdns-milter (connect, HELO,
 *   MAIL, RCPT, DATA, header fields without replies, end of message; no
 *   body, EOH or unknown commands), so a session costs the same round
 *   trips and differs only in the work done: what rdns-milter reaches
 *   against it is the cost of its own checks. On inet: it sets
 *   TCP_NODELAY on its listening socket as rdns-milter does. Runs in the
 *   foreground until SIGTERM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "nodelay.h"

static sfsistat noop_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                               unsigned long f2, unsigned long f3, unsigned long *pf0,
                               unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
    (void)ctx;
    (void)f2;
    (void)f3;
    *pf0 = f0 & SMFIF_ADDHDRS;
    *pf1 = f1 & (SMFIP_NOBODY | SMFIP_NOEOH | SMFIP_NOUNKNOWN | SMFIP_NR_HDR);
    *pf2 = 0;
    *pf3 = 0;
    return SMFIS_CONTINUE;
}

static sfsistat noop_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
    (void)ctx;
    (void)host;
    (void)sa;
    return SMFIS_CONTINUE;
}

static sfsistat noop_helo(SMFICTX *ctx, char *helo)
{
    (void)ctx;
    (void)helo;
    return SMFIS_CONTINUE;
}

static sfsistat noop_envelope(SMFICTX *ctx, char **argv)
{
    (void)ctx;
    (void)argv;
    return SMFIS_CONTINUE;
}

static sfsistat noop_header(SMFICTX *ctx, char *name, char *value)
{
    (void)ctx;
    (void)name;
    (void)value;
    return SMFIS_NOREPLY;
}

static sfsistat noop_eom(SMFICTX *ctx)
{
    char name[] = "X-Bench-Noop", value[] = "seen";

    smfi_addheader(ctx, name, value);
    return SMFIS_CONTINUE;
}

int main(int argc, char **argv)
{
    static char fname[] = "noop";
    struct smfiDesc d;
    const char *sock = NULL;
    int opt;

    while ((opt = getopt(argc, argv, "s:")) != -1) {
        if (opt != 's') {
            fprintf(stderr, "usage: noop_milter -s SOCKET\n");
            return 2;
        }
        sock = optarg;
    }
    if (sock == NULL) {
        fprintf(stderr, "usage: noop_milter -s SOCKET\n");
        return 2;
    }
    memset(&d, 0, sizeof(d));
    d.xxfi_name = fname;
    d.xxfi_version = SMFI_VERSION;
    d.xxfi_flags = SMFIF_ADDHDRS;
    d.xxfi_connect = noop_connect;
    d.xxfi_helo = noop_helo;
    d.xxfi_envfrom = noop_envelope;
    d.xxfi_envrcpt = noop_envelope;
    d.xxfi_header = noop_header;
    d.xxfi_eom = noop_eom;
    d.xxfi_negotiate = noop_negotiate;
    if (smfi_setconn((char *)sock) == MI_FAILURE || smfi_register(d) == MI_FAILURE) {
        fprintf(stderr, "noop_milter: cannot set up %s\n", sock);
        return 1;
    }
    if (strncmp(sock, "unix:", 5) == 0)
        unlink(sock + 5);
    /* As rdns-milter does: TCP_NODELAY on the listening socket, so that on
     * inet: the figures show what TCP costs, not Nagle's 40 ms stalls. */
    if (smfi_opensocket(1) == MI_FAILURE) {
        fprintf(stderr, "noop_milter: cannot open %s\n", sock);
        return 1;
    }
    (void)rdns_nodelay_listeners();
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
