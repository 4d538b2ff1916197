/*
 * NAME
 *   sockfile - a Unix socket's file, handled as root in a directory that
 *   may not be root's alone
 * DESCRIPTION
 *   The daemon makes its sockets as root, often in a directory its own
 *   unprivileged user owns (/run/rdns-milter). Whatever that user left
 *   there must not steer root: nothing here follows a symbolic link.
 *
 *   Before binding, an existing socket file is probed with connect(2):
 *   if a daemon answers, it is its socket and we refuse to start rather
 *   than take it over (libmilter would silently unlink and rebind it);
 *   if nobody answers it is stale and removed. Anything that is not a
 *   socket is left alone and refused: it is not ours to delete.
 *
 *   After binding, the file is opened with O_PATH|O_NOFOLLOW: the
 *   descriptor names the socket file itself or nothing. Its device and
 *   inode are recorded and it is chowned through that descriptor. The
 *   mode needs no chmod: the binder's umask gave it from its first instant.
 *
 *   At stop the path is removed only while it still names the recorded
 *   file, so a daemon that was started later on the same path keeps its
 *   socket.
 * BUGS
 *   Two daemons started at the very same instant can both find the path
 *   free; the second to bind wins. Start-up through one supervisor
 *   (systemd) never does that.
 */
#define _GNU_SOURCE                 /* O_PATH, AT_EMPTY_PATH */
#include "sockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

/* The directory part of path into dir ("." when there is none). */
static void sockfile_dir(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/* 1: a daemon answers on path; 0: nobody does (stale); -1: cannot tell,
 * errno set. */
static int sockfile_live(const char *path)
{
    struct sockaddr_un sa;
    int fd, r, e;

    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
        return -1;
    r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    e = errno;
    close(fd);
    if (r == 0 || e == EAGAIN || e == EINPROGRESS)
        return 1;                   /* EAGAIN: its backlog is full: alive */
    if (e == ECONNREFUSED || e == ENOENT)
        return 0;
    errno = e;
    return -1;
}

bool rdns_sockfile_prepare(const char *path, char *err, size_t errlen)
{
    struct stat st;
    int live;

    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return true;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a socket: refusing to replace it "
                 "(remove it, or choose another socket path)", path);
        return false;
    }
    if ((live = sockfile_live(path)) == 1) {
        snprintf(err, errlen, "another rdns-milter is listening on %s: stop it first, "
                 "or give this one another socket", path);
        return false;
    }
    if (live < 0) {
        snprintf(err, errlen, "%s: cannot tell whether a daemon listens there: %s", path,
                 strerror(errno));
        return false;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot remove the stale socket %s: %s", path, strerror(errno));
        return false;
    }
    rdns_log_info("removed the stale socket %s (nobody answered on it)", path);
    return true;
}

bool rdns_sockfile_dir_made(const char *path)
{
    return strncmp(path, "/run/", 5) == 0 || strncmp(path, "/var/run/", 9) == 0
           || strncmp(path, "/var/spool/postfix/", 19) == 0;
}

bool rdns_sockfile_check(const char *path, char *err, size_t errlen)
{
    char dir[sizeof(((rdns_sockfile *)0)->path)];
    struct stat st;

    if (strlen(path) >= sizeof(dir)) {
        snprintf(err, errlen, "%s: path too long for a unix socket (at most %zu bytes)",
                 path, sizeof(dir) - 1);
        return false;
    }
    sockfile_dir(path, dir, sizeof(dir));
    if (stat(dir, &st) != 0) {
        /* The daemon makes a missing directory there itself, parents
         * included. */
        if (rdns_sockfile_dir_made(path) && errno == ENOENT)
            return true;
        snprintf(err, errlen, "socket %s: directory %s: %s%s", path, dir, strerror(errno),
                 errno == ENOENT ? " (create it, or choose another socket path)" : "");
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "socket %s: %s is not a directory", path, dir);
        return false;
    }
    if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "socket %s: exists and is not a socket (remove it, or choose "
                 "another socket path)", path);
        return false;
    }
    return true;
}

bool rdns_sockfile_claim(rdns_sockfile *s, const char *path, uid_t uid, gid_t gid,
                         char *err, size_t errlen)
{
    struct stat st;
    int fd;

    s->path[0] = '\0';
    if ((fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "%s: not a socket after binding it (replaced meanwhile?)", path);
        close(fd);
        return false;
    }
    if (uid != (uid_t)-1 && fchownat(fd, "", uid, gid, AT_EMPTY_PATH) != 0)
        rdns_log_warn("chown %s: %s", path, strerror(errno));
    close(fd);
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    snprintf(s->path, sizeof(s->path), "%s", path);
    return true;
}

void rdns_sockfile_remove(const rdns_sockfile *s, bool quiet)
{
    struct stat st;

    if (s == NULL || s->path[0] == '\0')
        return;
    if (lstat(s->path, &st) != 0 || st.st_dev != s->dev || st.st_ino != s->ino)
        return;                     /* gone, or another daemon's now */
    if (unlink(s->path) != 0 && !quiet)
        rdns_log_warn("unlink %s: %s", s->path, strerror(errno));
}

bool rdns_sockfile_removable(const char *path)
{
    char dir[1024];
    struct stat dst, fst;

    sockfile_dir(path, dir, sizeof(dir));
    if (access(dir, W_OK | X_OK) != 0 || stat(dir, &dst) != 0)
        return false;
    if (!(dst.st_mode & S_ISVTX))
        return true;
    /* sticky (/tmp): only the file's owner or the directory's may remove */
    return dst.st_uid == geteuid() || (lstat(path, &fst) == 0 && fst.st_uid == geteuid());
}
