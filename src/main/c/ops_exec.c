/*
 * Ops on the process itself: which signals the helper forwards or leaves pending, the
 * child's death signal, and the exec that ends every plan.
 */
#include "helper.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

sigset_t forwarded; /* the signals supervise() passes on to the target */

int op_signals(struct op *o) {
    sigemptyset(&forwarded);
    for (int i = 0; i < o->argc; i++) sigaddset(&forwarded, atoi(o->argv[i]));
    return sigprocmask(SIG_BLOCK, &forwarded, NULL);
}

/* Blocked and never read: they stay pending here, and the child starts without them. */
int op_ignore_signals(struct op *o) {
    sigset_t ignored;
    sigemptyset(&ignored);
    for (int i = 0; i < o->argc; i++) sigaddset(&ignored, atoi(o->argv[i]));
    return sigprocmask(SIG_BLOCK, &ignored, NULL);
}

int op_pdeathsig(struct op *o) {
    if (prctl(PR_SET_PDEATHSIG, atoi(o->argv[0])) < 0) return -1;
    /* If the helper died before the signal was armed, nobody would kill us: leave now. */
    struct pollfd p = {.fd = sync_fd, .events = POLLRDHUP};
    if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP))) _exit(1);
    return 0;
}

/* execve, and like execvp a file the kernel does not know how to run (ENOEXEC: a text
 * file without "#!") runs as a script of /bin/sh. Returns only on failure. */
static void exec_file(const char *path, char **args) {
    execve(path, args, environ);
    if (errno != ENOEXEC) return;
    int n = 0;
    while (args[n]) n++;
    char **sh = calloc((size_t)n + 2, sizeof *sh);
    if (!sh) return;
    sh[0] = "sh";
    sh[1] = (char *)path;
    for (int i = 1; i < n; i++) sh[i + 1] = args[i];
    execve("/bin/sh", sh, environ);
    free(sh);
    errno = ENOEXEC;
}

/* argv: PROGRAM NDIRS DIR... ARG...; the last op, so its ARGs end the helper's own argv. */
int op_exec(struct op *o) {
    char *program = o->argv[0];
    int ndirs = atoi(o->argv[1]);
    char **dirs = &o->argv[2];
    char **args = &o->argv[2 + ndirs];
    if (o->argv[o->argc] != NULL) {
        errno = EPROTO;
        return -1;
    }
    set_detail("%s", program);

    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, &original_mask, NULL);
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    if (ndirs == 0) {
        exec_file(program, args);
        return -1;
    }
    int err = ENOENT;
    char path[4096];
    for (int i = 0; i < ndirs; i++) {
        if (snprintf(path, sizeof path, "%s/%s", dirs[i], program) >= (int)sizeof path) continue;
        exec_file(path, args);
        if (errno == EACCES) err = EACCES;
        else if (errno != ENOENT && errno != ENOTDIR) return -1;
    }
    errno = err;
    return -1;
}
