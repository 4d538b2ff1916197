#ifndef RDNS_MILTER_SOCKFILE_H
#define RDNS_MILTER_SOCKFILE_H
/*
 * sockfile - the file of a Unix listening socket, handled as root without
 * trusting the directory it is in: one daemon per path, never a link
 * followed, and at stop only our own socket removed.
 *
 * Used for the milter socket (rdns_milter.c) and the control socket
 * (control.c). The socket itself is bound by someone else (libmilter, or
 * control.c); this module looks after the name in the file system.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct rdns_sockfile {
    char path[108];                 /* sizeof sun_path; "" until claimed */
    dev_t dev;                      /* the socket file made: removed at */
    ino_t ino;                      /* stop only if it is still this one */
} rdns_sockfile;

/* Before binding path: true when it is free (nothing there, or a stale
 * socket nobody answers on, which is removed). False with the reason in
 * err when a live daemon answers there ("another rdns-milter is
 * listening on PATH"), or path is anything but a socket (never removed:
 * it is not ours), or it cannot be told. */
bool rdns_sockfile_prepare(const char *path, char *err, size_t errlen);

/* True when the daemon makes path's missing directory itself at start:
 * under /run (a tmpfs, empty after boot) or Postfix's chroot (the default
 * socket; the package and tmpfiles.d make it too). */
bool rdns_sockfile_dir_made(const char *path);

/* Checks without changing anything, for -t: the directory of path exists
 * (or would be made: rdns_sockfile_dir_made), and path is a socket if it
 * exists. False with the reason in err. */

bool rdns_sockfile_check(const char *path, char *err, size_t errlen);

/* Right after binding path: records which file it is, and when uid is
 * not (uid_t)-1 gives it to uid:gid. Works on the file itself through an
 * O_PATH|O_NOFOLLOW descriptor, so a link planted at path is never
 * followed. False (err says why) when path is not a socket. */
bool rdns_sockfile_claim(rdns_sockfile *s, const char *path, uid_t uid, gid_t gid,
                         char *err, size_t errlen);

/* At stop: removes the file if it is still the one claimed (same device
 * and inode); a socket another daemon made at the same path stays.
 * quiet: say nothing when it cannot be removed (already said at start). */
void rdns_sockfile_remove(const rdns_sockfile *s, bool quiet);

/* Can the process as it is now (after dropping privileges) remove path?
 * Its directory must be writable and searchable, and in a sticky
 * directory the file or the directory must be ours. For the warning at
 * start that a file will be left behind. */
bool rdns_sockfile_removable(const char *path);

#endif
