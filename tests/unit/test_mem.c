/* mem: an allocation that fails dies through rdns_fatal, which gives its
 * message to the program's hook (the daemon's log) before aborting, or
 * to stderr without one. Each death happens in a forked child. */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "mem.h"

/* Under AddressSanitizer a huge malloc must return NULL, as libc's does,
 * not stop the test with a report. Unused otherwise. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static int hook_fd = -1;

static void hook(const char *msg)
{
    if (write(hook_fd, msg, strlen(msg)) < 0)
        _exit(3);
}

/* Runs rdns_malloc(size) in a child whose hook (or, without one, whose
 * stderr) writes into a pipe; returns the child's wait status and what
 * it wrote. */
static int die_in_child(bool with_hook, size_t size, char *out, size_t outlen)
{
    int p[2], status = 0;
    size_t n = 0;
    ssize_t r;
    pid_t pid;

    if (pipe(p) != 0)
        return -1;
    if ((pid = fork()) == 0) {
        close(p[0]);
        signal(SIGABRT, SIG_DFL);
        if (with_hook) {
            hook_fd = p[1];
            rdns_set_fatal_hook(hook);
        } else {
            dup2(p[1], 2);
        }
        free(rdns_malloc(size));
        _exit(0);                   /* not reached when the allocation fails */
    }
    close(p[1]);
    while (n + 1 < outlen && (r = read(p[0], out + n, outlen - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    close(p[0]);
    waitpid(pid, &status, 0);
    return status;
}

int main(void)
{
    volatile size_t huge = SIZE_MAX / 4;  /* volatile: no compile-time warning */
    char got[512], want[512];
    int st;

    st = die_in_child(true, huge, got, sizeof(got));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    snprintf(want, sizeof(want), "out of memory allocating %zu bytes; aborting", (size_t)huge);
    CHECK_STR(got, want);

    st = die_in_child(false, huge, got, sizeof(got));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    snprintf(want, sizeof(want), "rdns: out of memory allocating %zu bytes; aborting\n",
             (size_t)huge);
    /* the last line: AddressSanitizer may say something about it first */
    CHECK(strlen(got) >= strlen(want) && strcmp(got + strlen(got) - strlen(want), want) == 0);

    /* An allocation that works returns memory and calls nobody. */
    st = die_in_child(true, 64, got, sizeof(got));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_STR(got, "");
    CHECK_DONE();
}
