/*
 * NAME
 *   dns_sock - UDP sockets and query IDs for DNS tries
 * DESCRIPTION
 *   See dns_sock.h for when a socket is kept. The kept socket and the
 *   batch of random bytes live in a small per-thread record, freed (and
 *   the socket closed) when the thread ends. Random bytes come from
 *   getrandom(2), 64 IDs at a time: the same source as one call per
 *   query, one system call instead of 64.
 */
#include "dns_sock.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define SOCK_IDS 64

typedef struct sock_thread {
    int fd;                          /* kept UDP socket, or -1 */
    uint64_t owner;
    unsigned server;
    uint16_t ids[SOCK_IDS];
    unsigned nids;                   /* unused IDs left in ids */
} sock_thread;

static pthread_key_t sock_key;
static pthread_once_t sock_once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t sock_next_owner = 1;

static void sock_thread_free(void *p)
{
    sock_thread *t = p;

    if (t->fd >= 0)
        close(t->fd);
    free(t);
}

static void sock_key_make(void)
{
    (void)pthread_key_create(&sock_key, sock_thread_free);
}

/* The calling thread's record, made on first use; NULL when out of
 * memory (then nothing is kept and IDs are drawn one by one). */
static sock_thread *sock_self(void)
{
    sock_thread *t;

    pthread_once(&sock_once, sock_key_make);
    t = pthread_getspecific(sock_key);
    if (t == NULL) {
        t = calloc(1, sizeof(*t));
        if (t == NULL)
            return NULL;
        t->fd = -1;
        if (pthread_setspecific(sock_key, t) != 0) {
            free(t);
            return NULL;
        }
    }
    return t;
}

bool rdns_dns_sock_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;

        return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)sa;

        return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
    }
    return false;
}

uint64_t rdns_dns_sock_owner(void)
{
    return atomic_fetch_add(&sock_next_owner, 1);
}

int rdns_dns_sock_open(const struct sockaddr *sa, socklen_t salen, int type, bool keep,
                       uint64_t owner, unsigned server)
{
    int fd;

    if (keep && type == SOCK_DGRAM) {
        sock_thread *t = sock_self();

        if (t != NULL && t->fd >= 0) {
            fd = t->fd;
            t->fd = -1;
            if (t->owner == owner && t->server == server)
                return fd;
            close(fd);
        }
    }
    fd = socket(sa->sa_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, sa, salen) < 0 && errno != EINPROGRESS) {
        int err = errno;

        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

void rdns_dns_sock_done(int fd, bool keep, bool clean, uint64_t owner, unsigned server)
{
    sock_thread *t;

    if (fd < 0)
        return;
    if (keep && clean && (t = sock_self()) != NULL) {
        if (t->fd >= 0)
            close(t->fd);
        t->fd = fd;
        t->owner = owner;
        t->server = server;
        return;
    }
    close(fd);
}

bool rdns_dns_sock_id(uint16_t *id)
{
    sock_thread *t = sock_self();

    if (t == NULL)
        return getrandom(id, sizeof(*id), 0) == (ssize_t)sizeof(*id);
    if (t->nids == 0) {
        if (getrandom(t->ids, sizeof(t->ids), 0) != (ssize_t)sizeof(t->ids))
            return false;
        t->nids = SOCK_IDS;
    }
    *id = t->ids[--t->nids];
    t->ids[t->nids] = 0;           /* a used ID does not stay in memory */
    return true;
}
