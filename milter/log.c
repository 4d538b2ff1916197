/*
 * NAME
 *   log - syslog or stderr, one line per call
 * DESCRIPTION
 *   The destination is chosen once at start-up (rdns_log_open) and never
 *   changes afterwards, so the two module variables below are written
 *   before any thread starts and only read after: no lock is needed.
 *   Each line is formatted into one buffer and written with one call, so
 *   lines from concurrent sessions never interleave on stderr.
 *
 *   Under systemd (JOURNAL_STREAM set: stderr goes to the journal), lines
 *   carry a "<N>" syslog priority prefix instead of "name[pid]: ", which
 *   the journal adds itself; so warnings and errors keep their priority
 *   and the mail log shows each name once.
 *
 *   Until the daemon has detached (rdns_log_echo), warnings and errors
 *   also go to stderr when the log is syslog: whoever started it sees why
 *   it did not start, not only the mail log.
 *
 *   Callers pass text that is already sanitised (rdns_sanitize), and
 *   lines with fields in them built by logkv, which quotes what came from
 *   the network; this module only bounds the line length.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "logkv.h"

#define LOG_LINE 4096
_Static_assert(LOG_LINE >= RDNS_LOGKV_LINE, "a logkv line must fit whole: never cut in a quote");

static bool log_stderr = true;      /* until rdns_log_open says otherwise */
static bool log_journal;            /* stderr is systemd's journal stream */
static bool log_echo;               /* syslog, and warnings+ on stderr too */
static const char *log_ident = "rdns-milter";

static const struct {
    const char *name;
    int facility;
} log_facilities[] = {
    {"mail", LOG_MAIL},     {"daemon", LOG_DAEMON}, {"user", LOG_USER},
    {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
    {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
    {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

static int log_facility_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(log_facilities) / sizeof(log_facilities[0]); i++)
        if (name != NULL && strcasecmp(name, log_facilities[i].name) == 0)
            return log_facilities[i].facility;
    return -1;
}

bool rdns_log_facility_ok(const char *facility)
{
    return log_facility_lookup(facility) >= 0;
}

bool rdns_log_open(const char *ident, bool to_stderr, const char *facility)
{
    int fac = log_facility_lookup(facility);

    if (fac < 0)
        return false;
    log_ident = ident;
    log_stderr = to_stderr;
    log_journal = to_stderr && getenv("JOURNAL_STREAM") != NULL;
    if (!to_stderr)
        openlog(ident, LOG_PID | LOG_NDELAY, fac);
    return true;
}

void rdns_log_echo(bool on)
{
    log_echo = on;
}

void rdns_log_close(void)
{
    if (!log_stderr)
        closelog();
}

static void log_vline(int prio, const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void log_vline(int prio, const char *level, const char *fmt, va_list ap)
{
    char msg[LOG_LINE];
    char line[LOG_LINE + 64];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (!log_stderr) {
        syslog(prio, "%s", msg);
        if (log_echo && prio <= LOG_WARNING) {
            snprintf(line, sizeof(line), "%s: %s%s\n", log_ident, level, msg);
            fputs(line, stderr);
            fflush(stderr);
        }
        return;
    }
    if (log_journal)
        snprintf(line, sizeof(line), "<%d>%s%s\n", prio, level, msg);
    else
        snprintf(line, sizeof(line), "%s[%ld]: %s%s\n", log_ident, (long)getpid(), level, msg);
    fputs(line, stderr);
    fflush(stderr);
}

void rdns_log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vline(LOG_INFO, "", fmt, ap);
    va_end(ap);
}

void rdns_log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vline(LOG_WARNING, "warning: ", fmt, ap);
    va_end(ap);
}

void rdns_log_err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vline(LOG_ERR, "error: ", fmt, ap);
    va_end(ap);
}
