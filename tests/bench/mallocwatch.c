/*
 * NAME
 *   mallocwatch - LD_PRELOAD shim: glibc malloc figures of a running
 *   process, every few seconds, for the memory soak
 * SYNOPSIS
 *   MALLOCWATCH=FILE [MALLOCWATCH_SECS=N] LD_PRELOAD=.../libmallocwatch.so PROGRAM...
 * DESCRIPTION
 *   A thread started from a constructor appends one line every N seconds
 *   (default 10) to FILE: seconds since start, VmRSS kB, and mallinfo2()'s
 *   arena (bytes from sbrk), hblkhd (mmapped), uordblks (in use),
 *   fordblks (free in the heaps) and the number of arenas, counted from
 *   malloc_info's <heap> elements. What grows shows where memory goes:
 *   in-use bytes (live data), free bytes (fragmentation), or arenas
 *   (per-thread arenas). Not linked into anything that ships.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long watch_rss_kb(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = atol(line + 6);
    fclose(f);
    return kb;
}

static int watch_arenas(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int n = 0;

    if (m == NULL)
        return -1;
    malloc_info(0, m);
    fclose(m);
    for (char *p = buf; (p = strstr(p, "<heap nr=")) != NULL; p++)
        n++;
    free(buf);
    return n;
}

static void *watch_run(void *arg)
{
    const char *path = arg;
    const char *e = getenv("MALLOCWATCH_SECS");
    unsigned secs = e != NULL && atoi(e) > 0 ? (unsigned)atoi(e) : 10;
    struct timespec t0, t;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct mallinfo2 mi = mallinfo2();
        FILE *f = fopen(path, "a");

        clock_gettime(CLOCK_MONOTONIC, &t);
        if (f != NULL) {
            fprintf(f, "t=%ld rss_kb=%ld arena=%zu mmap=%zu inuse=%zu free=%zu arenas=%d\n",
                    (long)(t.tv_sec - t0.tv_sec), watch_rss_kb(), mi.arena, mi.hblkhd,
                    mi.uordblks, mi.fordblks, watch_arenas());
            fclose(f);
        }
        sleep(secs);
    }
    return NULL;
}

__attribute__((constructor)) static void watch_start(void)
{
    const char *path = getenv("MALLOCWATCH");
    pthread_t t;

    if (path == NULL || *path == '\0')
        return;
    if (pthread_create(&t, NULL, watch_run, (void *)path) == 0)
        pthread_detach(t);
}
