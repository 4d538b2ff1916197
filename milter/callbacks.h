#ifndef RDNS_MILTER_CALLBACKS_H
#define RDNS_MILTER_CALLBACKS_H
/*
 * callbacks - the libmilter callbacks of rdns-milter.
 *
 * Each gathers its input from the MTA, asks lib/eval, and acts on the
 * verdict; the engine comes from live.h, so rdns_live_init must have run
 * before smfi_main.
 */
#include <libmilter/mfapi.h>

/* The filter description to hand to smfi_register. */
struct smfiDesc rdns_callbacks_desc(void);

#endif
