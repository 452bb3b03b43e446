/*
 * jns-helper: starts one process in new or joined Linux namespaces for jns.
 *
 * A JVM is multi-threaded, and the kernel insists on a single-threaded caller for
 * creating or joining a user namespace and for some other steps, so jns hands this
 * small program a launch plan and lets it do them. The helper is a mechanism: it
 * executes the plan op by op, reports the first failure as (op index, errno, detail)
 * and decides nothing itself. The Java side (dev.jns.plan for the ops, dev.jns.helper
 * for the protocol) is the other half of what is described here.
 *
 *   jns-helper [--sealed] JVM-PID CODE SIDE FLAGS ARGC ARG... [CODE SIDE FLAGS ARGC ARG...]...
 *
 * The arguments after JVM-PID are the plan, one op after another: CODE is the op's
 * number in JNS_OP_TABLE below (the order of dev.jns.plan.OpCode, checked by a test),
 * SIDE says who runs it (H the helper before the clone, P the parent after it, acting
 * on the child from outside, C the child, inside the new namespaces, ending in exec),
 * FLAGS says when a failure is no failure and when the op runs at all ("-" plain; "t"
 * any failure tolerated, "tN" errno N tolerated; then "sI"/"fI": only if op I of this
 * process succeeded/failed), ARGC counts its arguments. The helper's environment is the
 * program's. Parent and child pass a baton over a socketpair whenever the side changes,
 * so ops run strictly in plan order.
 *
 * Ops hold descriptors between each other in slots (an open file, a pidfd, received
 * bytes): close-on-exec, so the program sees none unless a dup op places one. In the
 * parent a path starting /proc/child/ means the child's /proc/PID/, in the child /proc/self/.
 *
 * The JVM talks to the helper over two pipes the helper makes first thing. Java cannot
 * hand a child any descriptor beyond 0, 1 and 2 (those are the target's), so the JVM
 * opens its ends through /proc/PID/fd: the control pipe's write end at fd 10, and the
 * status pipe's read end at fd 11, made last, so that its appearance means all are
 * there. The JVM writes 'h' when it holds both, then the bytes of the plan's receive ops
 * in order. When the plan takes descriptors from the caller, the JVM also takes the end of
 * a socket pair at fd 12 (pidfd_getfd: a parent may, where /proc/PID/fd cannot reopen a
 * socket) and sends them over it with SCM_RIGHTS before its hello. The helper does not wait for the hello to start: signals, the clone, and the
 * child's whole setup overlap with the JVM's opening. It waits (watching the JVM through a
 * pidfd) only where it must: before it reads the control pipe, before it exits, and
 * before an op that may change its own credentials (that would make it undumpable and its
 * /proc/PID/fd closed to an unprivileged JVM). Then it closes its copies of the JVM's
 * ends, so EOF on the control pipe means the JVM is gone, and a write to the status pipe
 * fails when it is.
 *
 * Status frames are fixed-size (struct status): 'A' the child waits for the caller at
 * op OP (which answers 'g'), 'L' op OP installed a seccomp filter whose listener the helper
 * has just sent over the descriptor socket (the JVM holds that socket's end until 'R' or 'D',
 * and answers 'g' once it has taken the listener), 'R' the target runs (exec succeeded), 'D' the target is set up and
 * left to itself (detached; the helper exits 0), 'F' an op failed, 'X' how the target
 * ended (op: CLD_EXITED/KILLED/DUMPED, err: status or signal), sent just before the
 * helper exits. After 'R' the helper supervises: it forwards the signals the plan names,
 * reaps orphans it adopted as subreaper, kills the target and all its descendants if the
 * control pipe reaches EOF (the JVM died), and finally exits with the target's status,
 * re-raising a fatal signal on itself. The helper is linked statically, so the target's
 * environment (LD_PRELOAD, say) does not reach into it.
 *
 * The files, roughly in the order a run meets them:
 *   main.c       argv, the sealed re-exec, the plan, the walk and the parent/child baton
 *   protocol.c   meeting the JVM, status frames, the failure detail, waiting, detaching
 *   optable.c    op codes to functions, slots, the /proc/child paths, running one op
 *   ops_ns.c     clone3, unshare, open, close, pidfd, setns, a user namespace with given maps, host/domain name, link up
 *   ops_files.c  writing files and descriptors, received bytes, running newuidmap
 *   ops_ids.c    the owner, credentials, capabilities, no_new_privs, session, rlimits
 *   ops_mount.c  mounts, binds (id-mapped too), mount attributes, directories, links, nodes, roots; paths in a root
 *   ops_exec.c   signal masks, subreaper, the death signal, seccomp, dup, exec
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

/* The JVM's ends of the two pipes and the descriptor socket, at numbers it knows (see the top of this file). */
#define JVM_CONTROL_END 10
#define JVM_STATUS_END 11
#define JVM_FDS_END 12

/* Slots for descriptors held between ops (dev.jns.plan.PlanDraft.MAX_SLOTS). */
#define MAX_SLOTS 64

/* A frame to the JVM; the Java side (HelperLauncher) reads the same layout. */
struct status {
    int32_t kind; /* 'A' awaiting the caller, 'R' running, 'D' detached, 'F' failed, 'X' target ended */
    int32_t op;   /* index of the failed op, -1 for a protocol error */
    int32_t err;  /* errno, 0 if the failure has none */
    int32_t pid;  /* the child, as the caller sees it */
    char detail[248];
    char strerror[248];
};

struct op {
    int code;
    char side;
    int tolerated;      /* 0 none, -1 any errno, else that errno */
    int only_if;        /* -1, or the op whose outcome decides whether this one runs */
    char only_if_kind;  /* 's' it succeeded, 'f' it failed */
    int argc;
    char **argv;
};

/*
 * The op table, in the order of dev.jns.plan.OpCode: X(NAME, function). The code on the
 * wire is the position here. OpTableTest reads these lines and compares them with the Java enum.
 */
#define JNS_OP_TABLE(X) \
    X(FORWARD_SIGNALS, op_forward_signals) \
    X(BLOCK_SIGNALS, op_block_signals) \
    X(BECOME_SUBREAPER, op_subreaper) \
    X(BECOME_OWNER, op_owner) \
    X(CLONE, op_clone) \
    X(UNSHARE, op_unshare) \
    X(UNSHARE_REFUSED, op_unshare_refused) \
    X(OPEN, op_open) \
    X(OPEN_PIDFD, op_open_pidfd) \
    X(RECEIVE, op_receive) \
    X(RECEIVE_FDS, op_receive_fds) \
    X(SETNS, op_setns) \
    X(WRITE, op_write) \
    X(WRITE_FILE, op_write_file) \
    X(RUN_FOR_CHILD, op_run_for_child) \
    X(MOUNT, op_mount) \
    X(BIND, op_bind) \
    X(MOUNT_AT, op_mount_at) \
    X(BIND_AT, op_bind_at) \
    X(MOUNT_SETATTR, op_mount_setattr) \
    X(UNMOUNT, op_umount) \
    X(MKDIR, op_mkdir) \
    X(CREATE_FILE, op_create_file) \
    X(MKNOD, op_mknod) \
    X(SYMLINK, op_symlink) \
    X(CHMOD, op_chmod) \
    X(COPY_FILE, op_copy_file) \
    X(ACCESS, op_access) \
    X(PIVOT_ROOT, op_pivot_root) \
    X(CHROOT, op_chroot) \
    X(CHDIR, op_chdir) \
    X(FCHDIR, op_fchdir) \
    X(SETHOSTNAME, op_hostname) \
    X(SETDOMAINNAME, op_domainname) \
    X(LINK_UP, op_link_up) \
    X(SETGROUPS, op_groups) \
    X(SETGID, op_gid) \
    X(SETUID, op_uid) \
    X(KEEP_CAPS, op_keepcaps) \
    X(SET_CAPS, op_set_caps) \
    X(AMBIENT_FROM_PERMITTED, op_ambient_from_permitted) \
    X(NO_NEW_PRIVS, op_nnp) \
    X(SETSID, op_setsid) \
    X(UMASK, op_umask) \
    X(READ_BYTE, op_read_byte) \
    X(RLIMIT, op_rlimit) \
    X(SECCOMP, op_seccomp) \
    X(DUP, op_dup) \
    X(SETENV, op_setenv) \
    X(LOCK_FILE, op_lock_file) \
    X(FORK_REAPER, op_fork_reaper) \
    X(AWAIT_CALLER, op_await) \
    X(DETACH, op_detach) \
    X(DEATH_SIGNAL, op_pdeathsig) \
    X(EXEC, op_exec) \
    X(IDMAP_TREE, op_idmap_tree) \
    X(ATTACH_TREE, op_attach_tree) \
    X(CLOSE, op_close) \
    X(USERNS_WITH_MAPS, op_userns_with_maps)

#define JNS_OP_ENUM(name, fn) OP_##name,
enum op_code { JNS_OP_TABLE(JNS_OP_ENUM) OP_COUNT };

#define JNS_OP_DECLARE(name, fn) int fn(struct op *o);
JNS_OP_TABLE(JNS_OP_DECLARE)

/* ---- state shared between files (each defined once, in the file named) --------------- */

extern int control;             /* protocol.c: the control pipe's read end */
extern int fds_in;              /* protocol.c: the socket the JVM's descriptors arrive on */
extern char detail[248];        /* protocol.c: what the failing op was working on */
extern int current_op;          /* main.c: the index of the op running now */
extern int sync_fd;             /* ops_ns.c: parent <-> child, made by the clone */
extern pid_t child_pid;         /* ops_ns.c: 0 in the child itself */
extern int child_pidfd;         /* ops_ns.c */
extern sigset_t original_mask;  /* main.c: the mask the helper started with, for the target */
extern sigset_t forwarded;      /* ops_exec.c: the signals supervise() passes on */

/* ---- util.c ---------------------------------------------------------------------------- */

int write_all(int fd, const void *buf, size_t len);
int read_all(int fd, void *buf, size_t len);
int write_file(const char *path, const char *text);
int send_fd(int socket, const void *data, size_t len, int fd);

/* ---- protocol.c ------------------------------------------------------------------------ */

void set_detail(const char *fmt, ...);
int make_pipes(pid_t jvm);
int await_jvm(void);
void forget_jvm_ends(void);
int send_status(int kind, int op, int err, const char *what);
__attribute__((noreturn)) void protocol_error(const char *what);
void pass_baton(int op); /* main.c */
int send_listener(int fd); /* main.c: the child hands a seccomp listener to the parent */
int forward_listener(int fd, int op);

/* ---- optable.c ------------------------------------------------------------------------- */

int run_op(struct op *o);
int slot_fd(const char *arg);               /* the descriptor in a slot, or -1 with EBADF */
int set_slot(const char *arg, int fd);      /* keeps fd (moved above the low numbers) in a slot */
int close_slot(const char *arg);            /* closes a slot's descriptor, leaving the slot empty */
int move_slots_off(int fd);                 /* moves a slot's or the baton's descriptor away from fd */
const char *child_path(const char *path, char *buf, size_t size);
const char *fd_path(int fd, char *buf, size_t size);

/* ---- supervise.c ----------------------------------------------------------------------- */

void remember_mount(const char *target);    /* undone if the launch fails (mounts made outside) */
__attribute__((noreturn)) void undo_and_exit(int op, int err);
__attribute__((noreturn)) void supervise(void);

/* ---- ops_ns.c -------------------------------------------------------------------------- */

int userns_with_maps(const char *uid_map, const char *gid_map); /* an fd of a new user namespace with these maps */

/* ---- ops_ids.c ------------------------------------------------------------------------- */

int resume_starting_ids(void);

#endif
