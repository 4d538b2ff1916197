#ifndef RDNS_EVAL_H
#define RDNS_EVAL_H
/*
 * eval - one SMTP client's evaluation, stage by stage; the single entry
 * point that rdns-milter and rdns-check share, so both give the same
 * verdict.
 *
 * An engine bundles what a config compiles into (resolver, generic-PTR
 * classifier, whitelists). It is immutable and reference-counted: the
 * daemon replaces it on SIGHUP while sessions in flight keep the one they
 * started with.
 *
 * An evaluation grows with the SMTP dialogue: connect (whitelist by
 * address, iprev, generic PTR, whitelist by verified name), HELO, then
 * MAIL FROM for each message. All DNS of one evaluation shares one time
 * budget (dns.budget_ms); when it is spent, lookups end as temporary
 * errors, never as failures of the client.
 */
#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "config.h"
#include "fcrdns.h"
#include "generic_ptr.h"
#include "score.h"

typedef struct rdns_engine rdns_engine;
typedef struct rdns_eval rdns_eval;

/* Builds an engine and takes ownership of cfg (even on failure). NULL on
 * error with a message in err. The caller holds one reference. */
rdns_engine *rdns_engine_create(rdns_config *cfg, char *err, size_t errlen);
rdns_engine *rdns_engine_ref(rdns_engine *e);
void rdns_engine_unref(rdns_engine *e);
const rdns_config *rdns_engine_config(const rdns_engine *e);
const rdns_generic *rdns_engine_generic(const rdns_engine *e);
/* Is a an address of trusted_networks (never scored)? */
bool rdns_engine_trusted(const rdns_engine *e, const rdns_addr *a);
/* The counters of e's DNS cache (all zero without one), for the daemon's
 * statistics. Each engine has its own resolver, so they restart at a reload. */
void rdns_engine_dns_stats(const rdns_engine *e, rdns_dns_cache_stats *out);

/* Starts an evaluation of client (NULL when the MTA gave no address, as
 * for a Unix-socket connection: address checks are then skipped). Holds a
 * reference on e until freed. */
rdns_eval *rdns_eval_new(rdns_engine *e, const rdns_addr *client);
/* Waits for stages still running, then frees. */
void rdns_eval_free(rdns_eval *ev);

/* The MTA has already forward-confirmed name (len bytes, untrusted) for
 * this client: Postfix's {client_name}, Sendmail's with {client_resolve}
 * OK. The connect stage then takes it as the verified PTR name instead of
 * asking PTR and A again; every other check is unchanged. Call before
 * rdns_eval_start_connect. False, and nothing changes, when there is no
 * client address or name is not a valid host name. */
bool rdns_eval_mta_name(rdns_eval *ev, const char *name, size_t len);

/*
 * The stages. Each rdns_eval_start_* returns at once when the engine
 * prefetches (dns.prefetch, the default): its DNS work runs on the
 * engine's workers, in parallel with the other stages and with the SMTP
 * dialogue, and rdns_eval_wait() joins it where a decision needs it.
 * Without prefetch, and always for the plain forms, the stage runs in the
 * caller's thread. Results below are read after rdns_eval_wait() or a
 * plain form. Calls for one evaluation come from one thread at a time.
 */
void rdns_eval_start_connect(rdns_eval *ev);
void rdns_eval_start_helo(rdns_eval *ev, const char *helo, size_t len);
void rdns_eval_start_mail(rdns_eval *ev, const char *from, size_t len);
void rdns_eval_wait(rdns_eval *ev);

void rdns_eval_connect(rdns_eval *ev);
/* helo: len bytes, untrusted. A second HELO replaces the first. */
void rdns_eval_helo(rdns_eval *ev, const char *helo, size_t len);
/* A new message: replaces the previous MAIL FROM checks. */
void rdns_eval_mail(rdns_eval *ev, const char *from, size_t len);
/* RSET or end of message: forget the MAIL FROM checks. */
void rdns_eval_reset_mail(rdns_eval *ev);

const rdns_addr *rdns_eval_client(const rdns_eval *ev);   /* NULL if none */
bool rdns_eval_whitelisted(const rdns_eval *ev);
rdns_iprev rdns_eval_iprev(const rdns_eval *ev);
size_t rdns_eval_ptr_count(const rdns_eval *ev);
const char *rdns_eval_ptr_name(const rdns_eval *ev, size_t i);
const char *rdns_eval_verified_name(const rdns_eval *ev);  /* or NULL */
/* Sanitised HELO as given (for logs and headers), "" before HELO. */
const char *rdns_eval_helo_text(const rdns_eval *ev);
const rdns_score *rdns_eval_card(const rdns_eval *ev);
double rdns_eval_score(const rdns_eval *ev);
rdns_action rdns_eval_action(const rdns_eval *ev);

#endif
