/*
 * The helper's entry point (the protocol is described at the top of helper.h): it runs
 * itself again from a sealed copy, meets the JVM, reads the plan, runs the helper's ops up
 * to the clone, and then walks the rest of the plan in parent and child, which hand a
 * baton to each other whenever the side changes.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* A message between parent and child. */
struct baton {
    int32_t kind; /* 'B' your turn at op, 'F' op failed, 'L' op's seccomp listener (SCM_RIGHTS) */
    int32_t op;
    int32_t err;
    char detail[248];
};

static struct op *ops;
static int nops;
static unsigned char *outcome; /* per op: 0 not run, 1 succeeded, 2 failed (tolerated) */
int current_op;
sigset_t original_mask;

/* ---- plan ---------------------------------------------------------------------------- */

/* FLAGS: "-", or [t[ERRNO]][s|f INDEX] (see the top of helper.h). */
static void parse_flags(struct op *o, const char *f) {
    o->only_if = -1;
    if (*f == '-') return;
    if (*f == 't') {
        char *end;
        long e = strtol(f + 1, &end, 10);
        o->tolerated = end == f + 1 ? -1 : (int)e;
        f = end;
    }
    if (*f == 's' || *f == 'f') {
        o->only_if_kind = *f;
        o->only_if = atoi(f + 1);
    }
}

static void parse_plan(int argc, char **argv) {
    ops = calloc((size_t)argc, sizeof *ops);
    outcome = calloc((size_t)argc + 1, 1);
    if (!ops || !outcome) exit(125);
    for (int i = 0; i < argc;) {
        if (i + 4 > argc) protocol_error("op without side, flags or argument count");
        struct op *o = &ops[nops++];
        o->code = atoi(argv[i]);
        o->side = argv[i + 1][0];
        parse_flags(o, argv[i + 2]);
        o->argc = atoi(argv[i + 3]);
        o->argv = &argv[i + 4];
        i += 4 + o->argc;
        if (o->code < 0 || o->code >= OP_COUNT) protocol_error("unknown op code");
        if (o->argc < 0 || i > argc || o->only_if >= nops) protocol_error("op with missing arguments or a bad condition");
    }
}

/*
 * Runs op i if its condition holds, and records how it went. Returns -1 only for a failure
 * the plan does not tolerate.
 */
static int run_planned(int i) {
    struct op *o = &ops[i];
    if (o->only_if >= 0 && outcome[o->only_if] != (o->only_if_kind == 's' ? 1 : 2)) return 0;
    current_op = i;
    if (run_op(o) == 0) {
        outcome[i] = 1;
        return 0;
    }
    if (o->tolerated == -1 || (o->tolerated > 0 && errno == o->tolerated)) {
        outcome[i] = 2;
        return 0;
    }
    return -1;
}

/* ---- the walk through the plan ----------------------------------------------------------- */

__attribute__((noreturn)) static void child_fail(int op) {
    struct baton b = {.kind = 'F', .op = op, .err = errno};
    snprintf(b.detail, sizeof b.detail, "%s", detail);
    (void)send(sync_fd, &b, sizeof b, MSG_NOSIGNAL);
    _exit(1);
}

/* The child's seccomp op: its listener, to the parent waiting in await_baton. */
int send_listener(int fd) {
    struct baton b = {.kind = 'L', .op = current_op};
    return send_fd(sync_fd, &b, sizeof b, fd);
}

/* recv, and any descriptor that came along (-1 if none). */
static ssize_t recv_baton(struct baton *b, int *fd) {
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control_buf;
    struct iovec iov = {.iov_base = b, .iov_len = sizeof *b};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control_buf.buf,
                         .msg_controllen = sizeof control_buf.buf};
    ssize_t n = recvmsg(sync_fd, &msg, MSG_CMSG_CLOEXEC);
    struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
    *fd = -1;
    if (c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) memcpy(fd, CMSG_DATA(c), sizeof *fd);
    return n;
}

/* Waits until the other side hands over; returns the op index to continue at. */
static int await_baton(char me) {
    struct baton b;
    int fd;
    ssize_t n = recv_baton(&b, &fd);
    while (me == 'P' && n == (ssize_t)sizeof b && b.kind == 'L') {
        /* the child goes on towards exec meanwhile: a call it makes may wait for the listener */
        if (fd < 0 || forward_listener(fd, b.op) < 0) {
            if (fd < 0) errno = EPROTO;
            int saved = errno;
            if (fd >= 0) close(fd);
            undo_and_exit(b.op, saved);
        }
        close(fd);
        n = recv_baton(&b, &fd);
    }
    if (fd >= 0) close(fd);
    if (me == 'C') {
        if (n != (ssize_t)sizeof b) _exit(1); /* the helper died */
        return b.op;
    }
    if (n == 0) { /* the child's socket closed on exec: the target runs */
        if (send_status('R', 0, 0, "") < 0) { /* the JVM is gone */
            pidfd_send_signal(child_pidfd, SIGKILL, NULL, 0);
            undo_and_exit(-1, errno);
        }
        supervise();
    }
    if (n != (ssize_t)sizeof b) {
        set_detail("child vanished during setup");
        undo_and_exit(-1, n < 0 ? errno : ECHILD);
    }
    if (b.kind == 'F') {
        memcpy(detail, b.detail, sizeof detail);
        detail[sizeof detail - 1] = '\0';
        undo_and_exit(b.op, b.err);
    }
    return b.op;
}

/* Hands the baton to the other side at op i (the detaching parent's last act). */
void pass_baton(int i) {
    struct baton b = {.kind = 'B', .op = i};
    (void)send(sync_fd, &b, sizeof b, MSG_NOSIGNAL);
}

__attribute__((noreturn)) static void walk(int i, char me) {
    int holding = i < nops && ops[i].side == me; /* the side of the first op moves first */
    while (i < nops) {
        if (ops[i].side != me) {
            if (holding) {
                struct baton b = {.kind = 'B', .op = i};
                if (send(sync_fd, &b, sizeof b, MSG_NOSIGNAL) < 0) undo_and_exit(i, errno);
            }
            i = await_baton(me);
            holding = 1;
            continue;
        }
        if (run_planned(i) < 0) {
            if (me == 'C') child_fail(i);
            undo_and_exit(i, errno);
        }
        i++;
    }
    undo_and_exit(-1, EPROTO); /* a plan always ends in the child's exec */
}

/* ---- the sealed copy --------------------------------------------------------------------- */

/* Whether /proc/self/exe is a copy nobody can write. */
static int running_sealed(void) {
    int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    int seals = self < 0 ? -1 : fcntl(self, F_GET_SEALS);
    if (self >= 0) close(self);
    return seals >= 0 && (seals & F_SEAL_WRITE);
}

/*
 * Runs this program again from a sealed in-memory copy, unless it already is one. A process
 * in namespaces the helper joins can reach its executable through /proc/PID/exe; a sealed
 * memfd cannot be written, so it cannot plant code there for the next run (runc's
 * CVE-2019-5736), and the file on disk is never exposed.
 */
static void reexec_sealed(char **argv) {
    if (running_sealed()) return;
    int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0) return;
    int copy = memfd_create("jns-helper", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    struct stat st;
    if (copy < 0 || fstat(self, &st) < 0) return;
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = sendfile(copy, self, NULL, (size_t)(st.st_size - done));
        if (n <= 0) return;
        done += n;
    }
    close(self);
    if (fcntl(copy, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) return;
    fexecve(copy, argv, environ);
}

/* The helper's own ops that surely keep its credentials and read no control pipe: they may run before the JVM has met it. */
static int needs_no_jvm(int code) {
    return code == OP_FORWARD_SIGNALS || code == OP_BLOCK_SIGNALS || code == OP_BECOME_SUBREAPER || code == OP_CLONE;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--sealed") == 0) {
        reexec_sealed(argv);
        if (!running_sealed()) {
            fprintf(stderr, "jns-helper: cannot run from a sealed copy of itself: %s\n", strerror(errno));
            return 125;
        }
        argc--;
        argv++;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: jns-helper [--sealed] JVM-PID PLAN... (jns starts this program; it is not meant to be run by hand)\n");
        return 125;
    }
    prctl(PR_SET_NAME, "jns-helper");
    /* Run by root, the helper does privileged setup for a program that may run as another
     * uid: undumpable, no process of that uid may trace it or open its /proc files
     * (bubblewrap's CVE-2016-8659, CVE-2020-5291), whatever fs.suid_dumpable says about its
     * later id changes. Its execve of the program makes the program dumpable again. */
    if (geteuid() == 0) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    signal(SIGPIPE, SIG_IGN); /* a vanished JVM shows as EPIPE or EOF; the child resets this */
    sigprocmask(SIG_SETMASK, NULL, &original_mask);
    sigemptyset(&forwarded);
    if (make_pipes((pid_t)atoi(argv[1])) < 0) return 125;
    parse_plan(argc - 2, argv + 2);
    for (int i = 0; i < nops; i++) {
        if (ops[i].side != 'H') protocol_error("plan has no clone");
        if (!needs_no_jvm(ops[i].code) && await_jvm() < 0) return 125;
        if (ops[i].code == OP_CLONE) {
            current_op = i;
            int who = op_clone(&ops[i]);
            if (who < 0) undo_and_exit(i, errno);
            if (who == 1 && resume_starting_ids() < 0) undo_and_exit(i, errno);
            walk(i + 1, who == 1 ? 'P' : 'C');
        }
        if (run_planned(i) < 0) undo_and_exit(i, errno);
    }
    protocol_error("plan has no clone");
}
