/*
 * The helper's side of the conversation with the JVM (see the top of helper.h): meeting
 * it over the two pipes, the status frames, the detail a failure frame carries, and the
 * two ops that talk to the caller: waiting for it, and leaving a detached program to itself.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <unistd.h>

int control = -1;             /* the JVM writes, the helper reads: 'h', 'g'; EOF when the JVM is gone */
static int status_out = -1;   /* the helper writes status frames, the JVM reads */
int fds_in = -1;              /* descriptors the JVM sends (SCM_RIGHTS) arrive here */
char detail[248];             /* what the failing op was working on */

void set_detail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
}

static int jvm_pidfd = -1; /* the JVM, watched until it has said hello */
static int met;             /* the hello came, and the helper's copies of the JVM's ends are closed */

/*
 * Makes the two pipes, without waiting for the JVM: it opens its ends while the helper
 * gets on with the plan, and says hello (see await_jvm). Returns -1 if the JVM is gone
 * already: then nobody is left to tell.
 */
int make_pipes(pid_t jvm) {
    jvm_pidfd = pidfd_open(jvm, 0);
    /* Opened, then checked: a JVM that died first has left us to another parent. */
    if (jvm_pidfd < 0 || getppid() != jvm) return -1;
    int c[2], s[2], f[2];
    if (pipe2(c, O_CLOEXEC) < 0 || pipe2(s, O_CLOEXEC) < 0) return -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, f) < 0) return -1;
    /* The status pipe's end goes in place last: its appearance tells the JVM all are there. */
    if (dup3(c[1], JVM_CONTROL_END, O_CLOEXEC) < 0 || dup3(f[1], JVM_FDS_END, O_CLOEXEC) < 0
        || dup3(s[0], JVM_STATUS_END, O_CLOEXEC) < 0) return -1;
    close(c[1]);
    close(f[1]);
    close(s[0]);
    control = c[0];
    fds_in = f[0];
    status_out = s[1];
    return 0;
}

/*
 * Waits until the JVM has opened its ends and said hello, or has died (-1), then closes
 * the helper's copies of those ends, so that EOF on the control pipe means the JVM is gone.
 * Needed before the helper reads the control pipe, before it exits (the JVM could no
 * longer open the pipes to read its last frames), and before an op changes the helper's
 * credentials (that makes it undumpable, and its /proc/PID/fd closed to an unprivileged JVM).
 */
int await_jvm(void) {
    if (met) return 0;
    struct pollfd p[2] = {{.fd = control, .events = POLLIN}, {.fd = jvm_pidfd, .events = POLLIN}};
    char hello = 0;
    while (poll(p, 2, -1) < 0) {
        if (errno != EINTR) return -1;
    }
    if (!(p[0].revents & POLLIN) || read(control, &hello, 1) != 1 || hello != 'h') return -1;
    forget_jvm_ends();
    met = 1;
    return 0;
}

/*
 * Closes this process's copies of the JVM's ends and its watch on the JVM. Also run by the
 * child right after the clone: holding them until its exec, it would hide the JVM's death.
 */
void forget_jvm_ends(void) {
    if (met) return;
    close(JVM_CONTROL_END);
    close(JVM_STATUS_END);
    close(JVM_FDS_END);
    close(jvm_pidfd);
    jvm_pidfd = -1;
}

/* A JVM that cannot be reached is gone: nobody is left to tell, and the caller of this
 * function undoes what it made (or, after 'R', the supervision loop sees the EOF). */
int send_status(int kind, int op, int err, const char *what) {
    struct status s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    s.op = op;
    s.err = err;
    s.pid = child_pid;
    snprintf(s.detail, sizeof s.detail, "%s", what);
    if (err && kind == 'F') snprintf(s.strerror, sizeof s.strerror, "%s", strerror(err));
    return write_all(status_out, &s, sizeof s);
}

__attribute__((noreturn)) void protocol_error(const char *what) {
    (void)send_status('F', -1, EPROTO, what);
    (void)await_jvm();
    exit(125);
}

/*
 * The parent's part for a seccomp listener the child sent: on to the JVM, the frame that
 * tells it so, and its answer ('g' once it has handed the listener on; EOF or anything else
 * aborts the launch). Waiting for the answer keeps the parent from detaching a program whose
 * listener went nowhere; the child goes on meanwhile.
 */
int forward_listener(int fd, int op) {
    char go;
    set_detail("handing the seccomp listener to the caller");
    if (send_fd(fds_in, "l", 1, fd) < 0 || send_status('L', op, 0, "") < 0 || await_jvm() < 0) return -1;
    if (read_all(control, &go, 1) < 0) return -1;
    if (go == 'g') return 0;
    errno = ECANCELED;
    return -1;
}

int op_await(struct op *o) {
    (void)o;
    char go;
    set_detail("waiting for the caller");
    /* the op index tells the caller which of the plan's waits this is */
    if (send_status('A', current_op, 0, "") < 0 || await_jvm() < 0) return -1;
    if (read_all(control, &go, 1) < 0) return -1;
    if (go == 'g') return 0;
    errno = ECANCELED; /* the caller's own step failed; it knows why */
    return -1;
}

/*
 * The parent's last act for a detached program: report it, let the child carry on (its
 * death signal is cleared by now), and leave without supervising it. The program is then
 * adopted by the nearest subreaper, or init.
 */
int op_detach(struct op *o) {
    (void)o;
    set_detail("reporting the detached program");
    if (send_status('D', 0, 0, "") < 0 || await_jvm() < 0) return -1;
    pass_baton(current_op + 1);
    exit(0);
}
