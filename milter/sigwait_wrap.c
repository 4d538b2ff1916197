/*
 * NAME
 *   sigwait_wrap - keep libmilter's signal thread away from our signals
 * DESCRIPTION
 *   smfi_main() starts a thread that sigwait()s for SIGHUP, SIGTERM and
 *   SIGINT and stops the filter on any of them. rdns-milter reloads on
 *   SIGHUP, so a SIGHUP that the kernel hands to that thread instead of
 *   our main thread (it may, whenever the main thread cannot take it at
 *   that instant) stopped the filter. libmilter is linked statically with
 *   -Wl,--wrap=sigwait, so its calls land here: the three signals are
 *   taken out of the set it waits for, and its thread waits for nothing.
 *   They stay blocked in libmilter's threads, so the kernel delivers them
 *   to a thread of ours, whose handler passes them to the main thread
 *   (rdns_milter.c), which reloads or calls smfi_stop() itself.
 */
#include <signal.h>

int __real_sigwait(const sigset_t *set, int *sig);
int __wrap_sigwait(const sigset_t *set, int *sig);

int __wrap_sigwait(const sigset_t *set, int *sig)
{
    sigset_t mine = *set;

    sigdelset(&mine, SIGHUP);
    sigdelset(&mine, SIGTERM);
    sigdelset(&mine, SIGINT);
    return __real_sigwait(&mine, sig);
}
