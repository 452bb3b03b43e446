/*
 * Ops on the process itself: which signals the helper forwards or leaves pending, the
 * helper as subreaper, the child's death signal, seccomp, the program's descriptors, and
 * the exec that ends every plan.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

sigset_t forwarded; /* the signals supervise() passes on to the target */

int op_forward_signals(struct op *o) {
    sigemptyset(&forwarded);
    for (int i = 0; i < o->argc; i++) sigaddset(&forwarded, atoi(o->argv[i]));
    return sigprocmask(SIG_BLOCK, &forwarded, NULL);
}

/* Blocked and never read: they stay pending here, and the child starts without them. */
int op_block_signals(struct op *o) {
    sigset_t ignored;
    sigemptyset(&ignored);
    for (int i = 0; i < o->argc; i++) sigaddset(&ignored, atoi(o->argv[i]));
    return sigprocmask(SIG_BLOCK, &ignored, NULL);
}

int op_subreaper(struct op *o) {
    (void)o;
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/* argv: SIGNAL (0: none, for a detached program) */
int op_pdeathsig(struct op *o) {
    int sig = atoi(o->argv[0]);
    if (prctl(PR_SET_PDEATHSIG, sig) < 0) return -1;
    if (sig == 0) return 0;
    /* If the helper died before the signal was armed, nobody would kill us: leave now. */
    struct pollfd p = {.fd = sync_fd, .events = POLLRDHUP};
    if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP))) _exit(1);
    return 0;
}

/*
 * argv: SLOT holding an array of struct sock_filter [listener]. With "listener" (the program
 * returns SECCOMP_RET_USER_NOTIF somewhere) the filter is installed with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER, and the listener goes to the parent, which hands it on to
 * the JVM; this process closes its copy, so the program never holds it. Without a listener the
 * kernel fails every notified call with ENOSYS.
 */
int op_seccomp(struct op *o) {
    int listener = o->argc > 1 && strcmp(o->argv[1], "listener") == 0;
    int fd = slot_fd(o->argv[0]);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) return -1;
    set_detail("%lld bytes of BPF", (long long)st.st_size);
    if (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) || st.st_size > 65536 * (off_t)sizeof(struct sock_filter)) {
        errno = EINVAL;
        return -1;
    }
    struct sock_filter *code = malloc((size_t)st.st_size);
    if (!code) return -1;
    int rc = -1;
    if (pread(fd, code, (size_t)st.st_size, 0) == st.st_size) {
        struct sock_fprog prog = {.len = (unsigned short)(st.st_size / sizeof *code), .filter = code};
        if (listener) {
            /* only seccomp(2) knows the flag */
            int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
            rc = fd < 0 ? -1 : send_listener(fd);
            if (fd >= 0) {
                int saved = errno;
                close(fd);
                errno = saved;
            }
        } else {
            /* prctl, not seccomp(2): a filter installed before this one may allow only prctl, as
             * bubblewrap documents for stacked filters (its test-seccomp.py allows no seccomp) */
            rc = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
        }
    }
    int saved = errno;
    free(code);
    errno = saved;
    return rc;
}

static char **program_env; /* what the program gets as its environment */

static int placed[64]; /* descriptors dup put in place: they stay open across exec */
static int nplaced;

/* argv: SLOT FD */
int op_dup(struct op *o) {
    int to = atoi(o->argv[1]);
    set_detail("fd %d", to);
    if (nplaced == (int)(sizeof placed / sizeof *placed)) {
        errno = E2BIG;
        return -1;
    }
    if (move_slots_off(to) < 0) return -1;
    int from = slot_fd(o->argv[0]);
    if (from < 0 || dup3(from, to, 0) < 0) return -1;
    placed[nplaced++] = to;
    return 0;
}

/*
 * The program's environment, in the caller's order: the JVM hands it over in the helper's
 * own environment as JNS_ENVIRON_0, _1, ... (chunks of one text: entries on lines, with
 * backslash and newline escaped as \\ and \n), because a Java process environment is a
 * map and would lose the order. NULL if there is none: then the helper's environment is it.
 */
static char **program_environment(void) {
    size_t total = 0, lines = 1;
    char name[32];
    int chunks = 0;
    for (;; chunks++) {
        snprintf(name, sizeof name, "JNS_ENVIRON_%d", chunks);
        const char *chunk = getenv(name);
        if (!chunk) break;
        total += strlen(chunk) + 1;
    }
    if (chunks == 0) return NULL;
    char *text = malloc(total + 1), *end = text;
    if (!text) return NULL;
    for (int i = 0; i < chunks; i++) {
        snprintf(name, sizeof name, "JNS_ENVIRON_%d", i);
        if (i > 0) *end++ = '\n';
        end = stpcpy(end, getenv(name));
    }
    for (char *p = text; p < end; p++) lines += *p == '\n';
    char **env = calloc(lines + 1, sizeof *env);
    if (!env) return NULL;
    /* Unescaping only shortens: each line is rewritten in place. */
    size_t n = 0;
    char *out = text, *start = text;
    for (char *in = text; in <= end; in++) {
        if (in == end || *in == '\n') {
            *out++ = '\0';
            if (*start) env[n++] = start;
            start = out;
        } else if (*in == '\\' && in + 1 < end) {
            in++;
            *out++ = *in == 'n' ? '\n' : *in;
        } else {
            *out++ = *in;
        }
    }
    env[n] = NULL;
    return env;
}

/* execve, and like execvp a file the kernel does not know how to run (ENOEXEC: a text
 * file without "#!") runs as a script of /bin/sh. Returns only on failure. */
static void exec_file(const char *path, char **args) {
    execve(path, args, program_env);
    if (errno != ENOEXEC) return;
    int n = 0;
    while (args[n]) n++;
    char **sh = calloc((size_t)n + 2, sizeof *sh);
    if (!sh) return;
    sh[0] = "sh";
    sh[1] = (char *)path;
    for (int i = 1; i < n; i++) sh[i + 1] = args[i];
    execve("/bin/sh", sh, program_env);
    free(sh);
    errno = ENOEXEC;
}

/* Variables the plan set in the child (op_setenv), put into the program's environment at exec. */
static char *overrides[8];
static int noverrides;

/* argv: NAME=VALUE; decided in the child (PWD: the directory it could enter). */
int op_setenv(struct op *o) {
    set_detail("%s", o->argv[0]);
    if (!strchr(o->argv[0], '=') || noverrides == (int)(sizeof overrides / sizeof *overrides)) {
        errno = EINVAL;
        return -1;
    }
    overrides[noverrides++] = o->argv[0];
    return 0;
}

/* The environment with the overrides: each replaces the entry of its name, or is added at the end. */
static char **with_overrides(char **env) {
    if (noverrides == 0) return env;
    size_t n = 0;
    while (env[n]) n++;
    char **out = calloc(n + (size_t)noverrides + 1, sizeof *out);
    if (!out) return env;
    memcpy(out, env, n * sizeof *out);
    for (int i = 0; i < noverrides; i++) {
        size_t name = (size_t)(strchr(overrides[i], '=') - overrides[i]) + 1;
        size_t k = 0;
        while (k < n && strncmp(out[k], overrides[i], name) != 0) k++;
        out[k] = overrides[i];
        if (k == n) n++;
    }
    return out;
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

    program_env = program_environment();
    if (!program_env) program_env = environ;
    program_env = with_overrides(program_env);
    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, &original_mask, NULL);
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    for (int i = 0; i < nplaced; i++) fcntl(placed[i], F_SETFD, 0);
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
