/*
 * NAME
 *   live - the engine new sessions start with, swapped on reload
 * DESCRIPTION
 *   A pointer under a mutex. The lock is held only to copy the pointer
 *   and take a reference, never while a config is read or DNS is asked,
 *   so a slow reload cannot stall the callbacks of other sessions.
 */
#include "live.h"

#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static rdns_engine *live_engine;

void rdns_live_init(rdns_engine *e)
{
    rdns_live_swap(e);
}

rdns_engine *rdns_live_acquire(void)
{
    rdns_engine *e;

    pthread_mutex_lock(&live_lock);
    e = live_engine ? rdns_engine_ref(live_engine) : NULL;
    pthread_mutex_unlock(&live_lock);
    return e;
}

void rdns_live_swap(rdns_engine *e)
{
    rdns_engine *old;

    pthread_mutex_lock(&live_lock);
    old = live_engine;
    live_engine = e;
    pthread_mutex_unlock(&live_lock);
    /* Outside the lock: the last unref frees resolver and regexes. */
    rdns_engine_unref(old);
}

void rdns_live_shutdown(void)
{
    rdns_live_swap(NULL);
}

rdns_engine *rdns_live_load(const char *path, char *err, size_t errlen)
{
    rdns_config *cfg;
    rdns_engine *e;
    char why[512];

    cfg = path ? rdns_config_load(path, err, errlen) : rdns_config_default();
    if (cfg == NULL)
        return NULL;
    why[0] = '\0';
    if ((e = rdns_engine_create(cfg, why, sizeof(why))) == NULL)
        snprintf(err, errlen, "%s: %s", path ? path : "(defaults)", why);
    return e;
}

bool rdns_live_reload(const char *path, char *err, size_t errlen)
{
    rdns_engine *e = rdns_live_load(path, err, errlen);

    if (e == NULL)
        return false;
    rdns_live_swap(e);
    return true;
}
