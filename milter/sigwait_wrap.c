/*
 * NAME
 *   sigwait_wrap - keep libmilter's signal thread away from our signals
 * DESCRIPTION
 *   smfi_main() starts a thread that sigwait()s for SIGHUP, SIGTERM and
 *   SIGINT and stops the filter on any of them. rdns-milter reloads on
 *   SIGHUP, so a SIGHUP that the kernel hands to that thread instead of
 *   our main thread (it may, whenever the main thread cannot take it at
 *   that instant) stopped the filter.
 *
 *   This file defines sigwait() itself. libmilter is linked as the shared
 *   libmilter.so.1.0.1, which imports sigwait from glibc through its PLT,
 *   and the dynamic linker binds such a reference to the first definition
 *   in lookup order: the executable's (ELF symbol interposition; ld puts
 *   the symbol into the executable's .dynsym because a linked shared
 *   library references it, and an unversioned definition satisfies
 *   libmilter's sigwait@GLIBC_2.2.5). So libmilter's call lands here: the
 *   three signals are taken out of the set it waits for, and its thread
 *   waits for nothing that matters. They stay blocked in libmilter's
 *   threads, so the kernel delivers them to a thread of ours, whose
 *   handler passes them to the main thread (rdns_milter.c), which reloads
 *   or calls smfi_stop() itself. The install/deb and install/tree tests
 *   check the symbol is exported and libmilter is the shared one.
 *
 *   The real wait is sigwaitinfo(), which is what glibc's own sigwait()
 *   calls; like glibc's, it retries on EINTR and returns an error number
 *   rather than setting errno. Nothing else in rdns-milter calls sigwait.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>

int sigwait(const sigset_t *restrict set, int *restrict sig)
{
    sigset_t mine = *set;
    int got;

    sigdelset(&mine, SIGHUP);
    sigdelset(&mine, SIGTERM);
    sigdelset(&mine, SIGINT);
    do
        got = sigwaitinfo(&mine, NULL);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return errno;
    *sig = got;
    return 0;
}
