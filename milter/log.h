#ifndef RDNS_MILTER_LOG_H
#define RDNS_MILTER_LOG_H
/*
 * log - the daemon's log: syslog(3) to the configured facility, or stderr
 * when running in the foreground (-f). One call, one line.
 */
#include <stdbool.h>

/* Chooses the destination once, at start-up, before any thread exists.
 * facility: a syslog facility name ("mail", "daemon", "local0".."local7",
 * "user"); false when it is unknown (nothing changes then). */
bool rdns_log_open(const char *ident, bool to_stderr, const char *facility);
void rdns_log_close(void);

/* While on (at start-up, before the daemon detaches), warnings and errors
 * logged to syslog are also written to stderr. Set before threads start. */
void rdns_log_echo(bool on);

/* True for a facility name rdns_log_open accepts. */
bool rdns_log_facility_ok(const char *facility);

void rdns_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rdns_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rdns_log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
