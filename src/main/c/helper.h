/*
 * jns-helper: starts one process in new or joined Linux namespaces for jns.
 *
 * A JVM is multi-threaded, and the kernel insists on a single-threaded caller for
 * creating or joining a user namespace and for some other steps, so jns hands this
 * small program a launch plan and lets it do them. The helper is a mechanism: it
 * executes the plan op by op, reports the first failure as (op index, errno, detail)
 * and decides nothing itself. The Java side (dev.jns.helper) is the other half of
 * the protocol described here.
 *
 *   jns-helper JVM-PID CODE SIDE ARGC ARG... [CODE SIDE ARGC ARG...]...
 *
 * The arguments after JVM-PID are the plan, one op after another: CODE names the op,
 * SIDE says who runs it (H the helper before the clone, P the parent after it, acting
 * on the child from outside, C the child, inside the new namespaces, ending in exec),
 * ARGC counts its arguments. The helper's environment is the target's. Parent and
 * child pass a baton over a socketpair whenever the side changes, so ops run strictly
 * in plan order.
 *
 * The JVM talks to the helper over two pipes the helper makes first thing. Java cannot
 * hand a child any descriptor beyond 0, 1 and 2 (those are the target's), so the JVM
 * opens its ends through /proc/PID/fd: the control pipe's write end at fd 10, and the
 * status pipe's read end at fd 11, made last, so that its appearance means both are
 * there. The JVM writes 'h' when it holds both. The helper does not wait for that to
 * start: signals and the clone, and the child's whole setup, overlap with the JVM's
 * opening. It waits (watching the JVM through a pidfd) only where it must: before it
 * reads the control pipe, before it exits, and before an op that may change its own
 * credentials (that would make it undumpable and its /proc/PID/fd closed to an
 * unprivileged JVM). Then it closes its copies of the JVM's ends, so EOF on the control
 * pipe means the JVM is gone, and a write to the status pipe fails when it is.
 *
 * Status frames are fixed-size (struct status): 'A' the child waits for the caller
 * (which answers 'g'), 'R' the target runs (exec succeeded), 'F' an op failed, 'X' how
 * the target ended (op: CLD_EXITED/KILLED/DUMPED, err: status or signal), sent just
 * before the helper exits. After 'R' the helper supervises: it forwards the signals the
 * plan names, kills the target if the control pipe reaches EOF (the JVM died), and
 * finally exits with the target's status, re-raising a fatal signal on itself. The
 * child gets PR_SET_PDEATHSIG, which fires when this single-threaded helper dies. The
 * helper is linked statically, so the target's environment (LD_PRELOAD, say) does not
 * reach into it.
 *
 * The files, roughly in the order a run meets them:
 *   main.c       argv, the sealed re-exec, the plan, the walk and the parent/child baton
 *   protocol.c   meeting the JVM, status frames, the failure detail, waiting for the caller
 *   optable.c    op codes to functions, and running one op
 *   ops_ns.c     clone3, unshare, time offsets, host/domain name, lo up, joining namespaces
 *   ops_ids.c    setgroups, uid/gid maps, the owner, credentials, capabilities, no_new_privs
 *   ops_mount.c  propagation, mounts, binds, chroot, pivot_root, persistence by bind mount
 *   ops_exec.c   signal masks, the death signal, and the exec that ends the plan
 *   supervise.c  the running target, undo after a failure, exiting like the target
 *   util.c       whole reads and writes
 *
 * Every .c file includes this header first, so that _GNU_SOURCE comes before any system
 * header.
 */
#ifndef JNS_HELPER_H
#define JNS_HELPER_H

#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

extern char **environ;

/* The JVM's ends of the two pipes, at numbers it knows (see the top of this file). */
#define JVM_CONTROL_END 10
#define JVM_STATUS_END 11

/* A frame to the JVM; the Java side (HelperLauncher) reads the same layout. */
struct status {
    int32_t kind; /* 'A' awaiting the caller, 'R' running, 'F' failed, 'X' target ended */
    int32_t op;   /* index of the failed op, -1 for a protocol error */
    int32_t err;  /* errno, 0 if the failure has none */
    int32_t pid;  /* the child, as the caller sees it */
    char detail[248];
    char strerror[248];
};

struct op {
    const char *code;
    char side;
    int argc;
    char **argv;
};

/* ---- state shared between files (each defined once, in the file named) --------------- */

extern int control;             /* protocol.c: the control pipe's read end */
extern char detail[248];        /* protocol.c: what the failing op was working on */
extern int sync_fd;             /* ops_ns.c: parent <-> child, made by the clone */
extern pid_t child_pid;         /* ops_ns.c: 0 in the child itself */
extern int child_pidfd;         /* ops_ns.c */
extern sigset_t original_mask;  /* main.c: the mask the helper started with, for the target */
extern sigset_t forwarded;      /* ops_exec.c: the signals supervise() passes on */

/* ---- util.c ---------------------------------------------------------------------------- */

int write_all(int fd, const void *buf, size_t len);
int read_all(int fd, void *buf, size_t len);
int write_file(const char *path, const char *text);

/* ---- protocol.c ------------------------------------------------------------------------ */

void set_detail(const char *fmt, ...);
int make_pipes(pid_t jvm);
int await_jvm(void);
void forget_jvm_ends(void);
int send_status(int kind, int op, int err, const char *what);
__attribute__((noreturn)) void protocol_error(const char *what);

/* ---- optable.c ------------------------------------------------------------------------- */

int run_op(struct op *o);

/* ---- supervise.c ----------------------------------------------------------------------- */

__attribute__((noreturn)) void undo_and_exit(int op, int err);
__attribute__((noreturn)) void supervise(void);

/* ---- ops: each returns 0, or -1 with errno and detail set ------------------------------ */

/* protocol.c */
int op_await(struct op *o);

/* ops_ns.c */
int op_clone(struct op *o); /* run by main, not through the op table */
int op_unshare(struct op *o);
int op_timens(struct op *o);
int op_lo_up(struct op *o);
int op_hostname(struct op *o);
int op_domainname(struct op *o);
int op_pin_dirs(struct op *o);
int op_enter_dirs(struct op *o);
int op_groups_before(struct op *o);
int op_groups_after(struct op *o);
int op_pin_pidns(struct op *o);
int op_join_pidns(struct op *o);
int op_enter(struct op *o);

/* ops_ids.c */
int op_setgroups_file(struct op *o);
int op_idmap_file(struct op *o);
int op_idmap_program(struct op *o);
int op_groups(struct op *o);
int op_gid(struct op *o);
int op_uid(struct op *o);
int op_owner(struct op *o);
int resume_starting_ids(void);
int op_keepcaps(struct op *o);
int op_ambient(struct op *o);
int op_nnp(struct op *o);

/* ops_mount.c */
int op_persist(struct op *o);
void undo_persist(void);
int op_propagation(struct op *o);
int op_privatize(struct op *o);
int op_mount(struct op *o);
int op_umount(struct op *o);
int op_binfmt_register(struct op *o);
int op_bind(struct op *o);
int op_chroot(struct op *o);
int op_pivot(struct op *o);
int op_chdir(struct op *o);

/* ops_exec.c */
int op_signals(struct op *o);
int op_ignore_signals(struct op *o);
int op_pdeathsig(struct op *o);
int op_exec(struct op *o);

#endif
