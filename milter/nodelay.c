/*
 * NAME
 *   nodelay - TCP_NODELAY on libmilter's listening socket
 * DESCRIPTION
 *   See nodelay.h.
 */
#include "nodelay.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int rdns_nodelay_listeners(void)
{
    int done = 0;

    for (int fd = 0; fd < 1024; fd++) {
        int v = 0, domain = 0, one = 1;
        socklen_t len = sizeof(v);

        if (fcntl(fd, F_GETFD) < 0)
            continue;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) != 0 || v != 1)
            continue;
        len = sizeof(domain);
        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0
            || (domain != AF_INET && domain != AF_INET6))
            continue;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0)
            done++;
    }
    return done;
}
