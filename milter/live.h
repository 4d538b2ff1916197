#ifndef RDNS_MILTER_LIVE_H
#define RDNS_MILTER_LIVE_H
/*
 * live - the one engine new SMTP sessions start with.
 *
 * The daemon's only shared mutable state. A session takes a reference at
 * connect and keeps that engine until it ends, so a reload (SIGHUP) never
 * changes the rules in the middle of a dialogue; the old engine is freed
 * when its last session lets go.
 */
#include <stdbool.h>
#include <stddef.h>

#include "eval.h"

/* Installs the first engine (takes the caller's reference). */
void rdns_live_init(rdns_engine *e);
/* A new reference to the current engine; rdns_engine_unref when done. */
rdns_engine *rdns_live_acquire(void);
/* Replaces the current engine (takes the caller's reference). */
void rdns_live_swap(rdns_engine *e);
/* Drops the current engine at shutdown. */
void rdns_live_shutdown(void);

/* Reads path (NULL: the compiled-in defaults) into a new engine and
 * swaps it in. On error the current engine stays and err holds
 * "file:line: message" (or "file: message" for engine errors). */
bool rdns_live_reload(const char *path, char *err, size_t errlen);

/* Loads path (NULL: defaults) and builds an engine, without installing
 * it; for start-up and -t. NULL with err set on error. */
rdns_engine *rdns_live_load(const char *path, char *err, size_t errlen);

#endif
