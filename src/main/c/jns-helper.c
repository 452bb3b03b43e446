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
 * there. The JVM writes 'h' when it holds both; until then the helper waits, watching
 * the JVM through a pidfd, and runs no op (an op that changes its credentials would
 * make it undumpable and its /proc/PID/fd closed to an unprivileged JVM). Then the
 * helper closes its copies of the JVM's ends, so EOF on the control pipe means the JVM
 * is gone, and a write to the status pipe fails when it is.
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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct clone_args_v2 { /* struct clone_args as of Linux 5.7 */
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

/* A frame to the JVM; the Java side (HelperSession) reads the same layout. */
struct status {
    int32_t kind; /* 'A' awaiting the caller, 'R' running, 'F' failed, 'X' target ended */
    int32_t op;   /* index of the failed op, -1 for a protocol error */
    int32_t err;  /* errno, 0 if the failure has none */
    int32_t pid;  /* the child, as the caller sees it */
    char detail[248];
    char strerror[248];
};

/* A message between parent and child. */
struct baton {
    int32_t kind; /* 'B' your turn at op, 'F' op failed */
    int32_t op;
    int32_t err;
    char detail[248];
};

struct op {
    const char *code;
    char side;
    int argc;
    char **argv;
};

static struct op *ops;
static int nops;
/* The JVM's ends of the two pipes, at numbers it knows (see the top of this file). */
#define JVM_CONTROL_END 10
#define JVM_STATUS_END 11
static int control = -1;      /* the JVM writes, the helper reads: 'h', 'g'; EOF when the JVM is gone */
static int status_out = -1;   /* the helper writes status frames, the JVM reads */
static int sync_fd = -1;      /* parent <-> child */
static pid_t child_pid;
static int child_pidfd = -1;
static sigset_t original_mask, forwarded;
static char detail[248];      /* what the failing op was working on */
static const char *persisted[64]; /* bind mounts to undo if a later op fails */
static int npersisted;

static void set_detail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
}

static int write_all(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len) {
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n <= 0) {
            if (n == 0) errno = ECONNRESET;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * Makes the two pipes and waits until the JVM has opened its ends through /proc (its
 * hello), or has died. Returns -1 if the JVM is gone: then nobody is left to tell.
 */
static int meet_jvm(pid_t jvm) {
    int pidfd = pidfd_open(jvm, 0);
    /* Opened, then checked: a JVM that died first has left us to another parent. */
    if (pidfd < 0 || getppid() != jvm) return -1;
    int c[2], s[2];
    if (pipe2(c, O_CLOEXEC) < 0 || pipe2(s, O_CLOEXEC) < 0) return -1;
    if (dup3(c[1], JVM_CONTROL_END, O_CLOEXEC) < 0 || dup3(s[0], JVM_STATUS_END, O_CLOEXEC) < 0) return -1;
    close(c[1]);
    close(s[0]);
    control = c[0];
    status_out = s[1];
    struct pollfd p[2] = {{.fd = control, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
    char hello = 0;
    while (poll(p, 2, -1) < 0) {
        if (errno != EINTR) return -1;
    }
    if (!(p[0].revents & POLLIN) || read(control, &hello, 1) != 1 || hello != 'h') return -1;
    close(JVM_CONTROL_END);
    close(JVM_STATUS_END);
    close(pidfd);
    return 0;
}

/* A JVM that cannot be reached is gone: nobody is left to tell, and the caller of this
 * function undoes what it made (or, after 'R', the supervision loop sees the EOF). */
static int send_status(int kind, int op, int err, const char *what) {
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

/* ---- plan ---------------------------------------------------------------------------- */

__attribute__((noreturn)) static void protocol_error(const char *what) {
    (void)send_status('F', -1, EPROTO, what);
    exit(125);
}

static void parse_plan(int argc, char **argv) {
    ops = calloc((size_t)argc, sizeof *ops);
    if (!ops) exit(125);
    for (int i = 0; i < argc;) {
        if (i + 3 > argc) protocol_error("op without side or argument count");
        struct op *o = &ops[nops++];
        o->code = argv[i];
        o->side = argv[i + 1][0];
        o->argc = atoi(argv[i + 2]);
        o->argv = &argv[i + 3];
        i += 3 + o->argc;
        if (o->argc < 0 || i > argc) protocol_error("op with missing arguments");
    }
}

/* ---- ops: each returns 0, or -1 with errno and detail set --------------------------- */

static int write_file(const char *path, const char *text) {
    set_detail("%s", path);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = write_all(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

static int op_signals(struct op *o) {
    sigemptyset(&forwarded);
    for (int i = 0; i < o->argc; i++) sigaddset(&forwarded, atoi(o->argv[i]));
    return sigprocmask(SIG_BLOCK, &forwarded, NULL);
}

/* Blocked and never read: they stay pending here, and the child starts without them. */
static int op_ignore_signals(struct op *o) {
    sigset_t ignored;
    sigemptyset(&ignored);
    for (int i = 0; i < o->argc; i++) sigaddset(&ignored, atoi(o->argv[i]));
    return sigprocmask(SIG_BLOCK, &ignored, NULL);
}

/* Returns 1 in the parent, 0 in the child, -1 on failure. */
static int op_clone(struct op *o) {
    int sv[2];
    set_detail("flags 0x%x", (unsigned)strtoul(o->argv[0], NULL, 0));
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return -1;
    struct clone_args_v2 args;
    memset(&args, 0, sizeof args);
    args.flags = strtoull(o->argv[0], NULL, 0) | CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)&child_pidfd;
    args.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) {
        int saved = errno;
        close(sv[0]);
        close(sv[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        /* Dies with the helper; the baton read below notices a helper already gone. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(sv[0]);
        sync_fd = sv[1];
        return 0;
    }
    child_pid = (pid_t)pid;
    close(sv[1]);
    sync_fd = sv[0];
    return 1;
}

/* The child's /proc directory: /proc/PID from the parent, /proc/self in the child itself. */
static void child_proc_file(char *path, size_t size, const char *name) {
    if (child_pid) snprintf(path, size, "/proc/%d/%s", child_pid, name);
    else snprintf(path, size, "/proc/self/%s", name);
}

static int op_setgroups_file(struct op *o) {
    char path[64];
    child_proc_file(path, sizeof path, "setgroups");
    return write_file(path, o->argv[0]);
}

/* argv: TRIPLES... as "inside outside count" lines */
static int idmap_text(struct op *o, int first, char *buf, size_t size) {
    size_t n = 0;
    for (int i = first; i + 2 < o->argc; i += 3) {
        int w = snprintf(buf + n, size - n, "%s %s %s\n", o->argv[i], o->argv[i + 1], o->argv[i + 2]);
        if (w < 0 || (size_t)w >= size - n) {
            errno = E2BIG;
            return -1;
        }
        n += (size_t)w;
    }
    return 0;
}

/* argv: uid|gid TRIPLES... */
static int op_idmap_file(struct op *o) {
    char path[64], name[16], text[4096];
    snprintf(name, sizeof name, "%s_map", o->argv[0]);
    child_proc_file(path, sizeof path, name);
    set_detail("%s", path);
    if (idmap_text(o, 1, text, sizeof text) < 0) return -1;
    return write_file(path, text);
}

/* argv: PROGRAM TRIPLES...; runs PROGRAM CHILD-PID TRIPLES... */
static int op_idmap_program(struct op *o) {
    char pid[16];
    snprintf(pid, sizeof pid, "%d", child_pid);
    char **argv = calloc((size_t)o->argc + 2, sizeof *argv);
    if (!argv) return -1;
    argv[0] = o->argv[0];
    argv[1] = pid;
    for (int i = 1; i < o->argc; i++) argv[i + 1] = o->argv[i];
    set_detail("%s", o->argv[0]);
    pid_t p;
    int rc = posix_spawn(&p, o->argv[0], NULL, NULL, argv, environ);
    free(argv);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    int st;
    if (waitpid(p, &st, 0) < 0) return -1;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
    set_detail("%s %s: %s %d", o->argv[0], pid, WIFEXITED(st) ? "exit status" : "killed by signal",
               WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    errno = 0;
    return -1;
}

/* argv: NSFILE TARGET create|existing */
static int op_persist(struct op *o) {
    char source[64];
    snprintf(source, sizeof source, "/proc/%d/ns/%s", child_pid, o->argv[0]);
    set_detail("%s on %s", source, o->argv[1]);
    if (strcmp(o->argv[2], "create") == 0) {
        int fd = open(o->argv[1], O_RDONLY | O_CREAT | O_CLOEXEC, 0444);
        if (fd < 0) return -1;
        close(fd);
    }
    if (npersisted == (int)(sizeof persisted / sizeof *persisted)) {
        errno = E2BIG;
        return -1;
    }
    if (mount(source, o->argv[1], NULL, MS_BIND, NULL) < 0) return -1;
    persisted[npersisted++] = o->argv[1];
    return 0;
}

static int op_await(struct op *o) {
    (void)o;
    char go;
    set_detail("waiting for the caller");
    if (send_status('A', 0, 0, "") < 0) return -1;
    if (read_all(control, &go, 1) < 0) return -1;
    if (go == 'g') return 0;
    errno = ECANCELED; /* the caller's own step failed; it knows why */
    return -1;
}

static int op_unshare(struct op *o) {
    set_detail("flags 0x%x", (unsigned)strtoul(o->argv[0], NULL, 0));
    return unshare((int)strtoul(o->argv[0], NULL, 0));
}

/* argv: MONO-SEC MONO-NSEC BOOT-SEC BOOT-NSEC */
static int op_timens(struct op *o) {
    char text[128];
    snprintf(text, sizeof text, "monotonic %s %s\nboottime %s %s\n", o->argv[0], o->argv[1], o->argv[2],
             o->argv[3]);
    return write_file("/proc/self/timens_offsets", text);
}

static const char *or_null(const char *s) { return *s ? s : NULL; }

/* argv: PATH FLAGS */
static int op_propagation(struct op *o) {
    set_detail("%s", o->argv[0]);
    return mount("none", o->argv[0], NULL, strtoul(o->argv[1], NULL, 0), NULL);
}

/* argv: PATH; a directory that is no mount point (EINVAL) needs no change */
static int op_privatize(struct op *o) {
    set_detail("%s", o->argv[0]);
    if (mount("none", o->argv[0], NULL, MS_REC | MS_PRIVATE, NULL) == 0 || errno == EINVAL) return 0;
    return -1;
}

/* argv: SOURCE TARGET FSTYPE FLAGS DATA */
static int op_mount(struct op *o) {
    set_detail("%s on %s", o->argv[0], o->argv[1]);
    return mount(or_null(o->argv[0]), o->argv[1], or_null(o->argv[2]), strtoul(o->argv[3], NULL, 0),
                 or_null(o->argv[4]));
}

/* argv: TARGET FLAGS */
static int op_umount(struct op *o) {
    set_detail("%s", o->argv[0]);
    return umount2(o->argv[0], (int)strtol(o->argv[1], NULL, 0));
}

/* argv: SOURCE TARGET ro|rw */
static int op_bind(struct op *o) {
    set_detail("%s on %s", o->argv[0], o->argv[1]);
    int fd = open_tree(AT_FDCWD, o->argv[0], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (fd < 0) return -1;
    int rc = 0;
    if (strcmp(o->argv[2], "ro") == 0) {
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
        rc = mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr);
    }
    if (rc == 0) rc = move_mount(fd, "", AT_FDCWD, o->argv[1], MOVE_MOUNT_F_EMPTY_PATH);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

static int op_chroot(struct op *o) {
    set_detail("%s", o->argv[0]);
    if (chroot(o->argv[0]) < 0) return -1;
    return chdir("/");
}

static int op_pivot(struct op *o) {
    set_detail("%s", o->argv[0]);
    /* pivot_root needs a mount point; a bind of the directory onto itself makes one. */
    if (mount(o->argv[0], o->argv[0], NULL, MS_BIND | MS_REC, NULL) < 0) return -1;
    if (chdir(o->argv[0]) < 0) return -1;
    if (syscall(SYS_pivot_root, ".", ".") < 0) return -1;
    if (umount2(".", MNT_DETACH) < 0) return -1;
    return chdir("/");
}

static int op_chdir(struct op *o) {
    set_detail("%s", o->argv[0]);
    return chdir(o->argv[0]);
}

static int op_lo_up(struct op *o) {
    (void)o;
    set_detail("lo");
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    int saved = errno;
    close(s);
    errno = saved;
    return rc;
}

static int op_hostname(struct op *o) {
    set_detail("%s", o->argv[0]);
    return sethostname(o->argv[0], strlen(o->argv[0]));
}

static int op_domainname(struct op *o) {
    set_detail("%s", o->argv[0]);
    return setdomainname(o->argv[0], strlen(o->argv[0]));
}

static int op_groups(struct op *o) {
    gid_t gids[256];
    if (o->argc > 256) {
        errno = E2BIG;
        return -1;
    }
    for (int i = 0; i < o->argc; i++) gids[i] = (gid_t)strtoul(o->argv[i], NULL, 10);
    set_detail("%d groups", o->argc);
    return setgroups((size_t)o->argc, gids);
}

static int op_gid(struct op *o) {
    gid_t g = (gid_t)strtoul(o->argv[0], NULL, 10);
    set_detail("%s", o->argv[0]);
    return setresgid(g, g, g);
}

static int op_uid(struct op *o) {
    uid_t u = (uid_t)strtoul(o->argv[0], NULL, 10);
    set_detail("%s", o->argv[0]);
    return setresuid(u, u, u);
}

/* argv: UID GID; the helper itself becomes UID, so the namespaces it creates are owned by UID */
/* The ids the helper had before op_owner, kept as its saved ids (see resume_starting_ids). */
static int became_owner;
static uid_t starting_uid;
static gid_t starting_gid;

static int op_owner(struct op *o) {
    uid_t u = (uid_t)strtoul(o->argv[0], NULL, 10);
    gid_t g = (gid_t)strtoul(o->argv[1], NULL, 10);
    starting_uid = geteuid();
    starting_gid = getegid();
    set_detail("%s:%s", o->argv[0], o->argv[1]);
    /* The saved ids stay: the parent side takes them back after the clone. The child keeps
     * them only until its execve, which sets the saved ids to the effective ones. */
    if (setgroups(0, NULL) < 0 || setresgid(g, g, (gid_t)-1) < 0 || setresuid(u, u, (uid_t)-1) < 0) return -1;
    became_owner = 1;
    /* The id change made the helper undumpable, which gives its /proc files (and its child's,
     * where the maps are written) to root; as UID it must own them. */
    return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/*
 * After the clone the new namespaces belong to the owner; what the parent side still does
 * (writing the maps, bind-mounting for persistence) it does with the ids the helper started
 * with, as util-linux forks those writers before it changes ids.
 */
static int resume_starting_ids(void) {
    if (!became_owner) return 0;
    set_detail("back to %u:%u for the parent side", (unsigned)starting_uid, (unsigned)starting_gid);
    return setresuid((uid_t)-1, starting_uid, (uid_t)-1) < 0 || setresgid((gid_t)-1, starting_gid, (gid_t)-1) < 0 ? -1 : 0;
}

static int op_keepcaps(struct op *o) {
    (void)o;
    return prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
}

static int op_ambient(struct op *o) {
    (void)o;
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data) < 0) return -1;
    data[0].inheritable = data[0].permitted;
    data[1].inheritable = data[1].permitted;
    if (syscall(SYS_capset, &hdr, data) < 0) return -1;
    for (int cap = 0; cap < 64; cap++) {
        if (!(data[cap / 32].permitted & (1u << (cap % 32)))) continue;
        set_detail("capability %d", cap);
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) return -1;
    }
    return 0;
}

static int op_nnp(struct op *o) {
    (void)o;
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

static int op_pdeathsig(struct op *o) {
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
static int op_exec(struct op *o) {
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

/* ---- joining existing namespaces (nsenter's way) ------------------------------------------ */

static int pinned_root = -1, pinned_wd = -1; /* PinDirectories; inherited by the child */

static int open_dir_or_none(const char *path, int *fd) {
    if (!*path) return 0;
    set_detail("%s", path);
    *fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return *fd < 0 ? -1 : 0;
}

/* argv: ROOT WORKDIR ("" for none) */
static int op_pin_dirs(struct op *o) {
    if (open_dir_or_none(o->argv[0], &pinned_root) < 0) return -1;
    return open_dir_or_none(o->argv[1], &pinned_wd);
}

/* argv: keep-cwd|root-cwd */
static int op_enter_dirs(struct op *o) {
    int wd = pinned_wd;
    set_detail("current working directory");
    if (wd < 0 && pinned_root >= 0 && strcmp(o->argv[0], "keep-cwd") == 0) {
        wd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (wd < 0) return -1;
    }
    if (pinned_root >= 0) {
        set_detail("root directory");
        if (fchdir(pinned_root) < 0 || chroot(".") < 0 || chdir("/") < 0) return -1;
    }
    set_detail("working directory");
    return wd >= 0 ? fchdir(wd) : 0;
}

static int groups_dropped_before; /* DropGroupsBeforeJoining worked */

static int op_groups_before(struct op *o) {
    (void)o;
    groups_dropped_before = setgroups(0, NULL) == 0;
    return 0;
}

static int op_groups_after(struct op *o) {
    (void)o;
    set_detail("0 groups");
    if (setgroups(0, NULL) == 0 || groups_dropped_before) return 0;
    return -1;
}

static int pinned_pidns = -1; /* PinPidNamespace; inherited by the child */

/* argv: NSFILE */
static int op_pin_pidns(struct op *o) {
    set_detail("open %s", o->argv[0]);
    pinned_pidns = open(o->argv[0], O_RDONLY | O_CLOEXEC);
    return pinned_pidns < 0 ? -1 : 0;
}

static int op_join_pidns(struct op *o) {
    (void)o;
    set_detail("pid namespace for children");
    return setns(pinned_pidns, CLONE_NEWPID);
}

struct ns_target {
    const char *path;
    int fd, type;
};

static int enter_pass(pid_t pid, int pidfd, int *pid_types, struct ns_target *t, int n, int pass) {
    int first_pass = pass == 0;
    int wanted = first_pass ? *pid_types & ~CLONE_NEWUSER : *pid_types;
    if (pidfd >= 0 && wanted) {
        set_detail("pid %d", (int)pid);
        if (setns(pidfd, wanted) == 0) *pid_types &= ~wanted;
        else if (!first_pass) return -1;
    }
    for (int i = 0; i < n; i++) {
        if (t[i].fd < 0 || (first_pass && t[i].type == CLONE_NEWUSER)) continue;
        set_detail("%s", t[i].path);
        if (setns(t[i].fd, t[i].type) == 0) {
            close(t[i].fd);
            t[i].fd = -1;
        } else if (!first_pass) {
            return -1;
        }
    }
    return 0;
}

/* argv: PID PIDFD-INODE PID-TYPES (PATH TYPE)... */
static int op_enter(struct op *o) {
    pid_t pid = (pid_t)atoi(o->argv[0]);
    unsigned long long inode = strtoull(o->argv[1], NULL, 10);
    int pid_types = (int)strtoul(o->argv[2], NULL, 0);
    int n = (o->argc - 3) / 2, pidfd = -1, rc = -1;
    struct ns_target *t = calloc((size_t)n + 1, sizeof *t);
    if (!t) return -1;
    for (int i = 0; i < n; i++) t[i].fd = -1;
    /* Open everything before joining anything: a joined mount namespace changes what paths mean. */
    if (pid_types) {
        set_detail("pidfd_open %d", (int)pid);
        pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0) goto out;
        struct stat st;
        if (inode && (fstat(pidfd, &st) < 0 || (unsigned long long)st.st_ino != inode)) {
            errno = ESRCH;
            goto out;
        }
    }
    for (int i = 0; i < n; i++) {
        t[i].path = o->argv[3 + 2 * i];
        t[i].type = (int)strtoul(o->argv[4 + 2 * i], NULL, 0);
        set_detail("open %s", t[i].path);
        t[i].fd = open(t[i].path, O_RDONLY | O_CLOEXEC);
        if (t[i].fd < 0) goto out;
    }
    if (enter_pass(pid, pidfd, &pid_types, t, n, 0) == 0) rc = enter_pass(pid, pidfd, &pid_types, t, n, 1);
out:;
    int saved = errno;
    for (int i = 0; i < n; i++) if (t[i].fd >= 0) close(t[i].fd);
    if (pidfd >= 0) close(pidfd);
    free(t);
    errno = saved;
    return rc;
}

static const struct {
    const char *code;
    int (*run)(struct op *);
} table[] = {
    {"signals", op_signals},      {"umount", op_umount},
    {"ignore-signals", op_ignore_signals},
    {"setgroups-file", op_setgroups_file}, {"idmap-file", op_idmap_file},
    {"idmap-program", op_idmap_program},   {"persist", op_persist},
    {"await", op_await},          {"unshare", op_unshare},
    {"timens", op_timens},        {"propagation", op_propagation},
    {"mount", op_mount},          {"bind", op_bind},
    {"chroot", op_chroot},        {"pivot", op_pivot},
    {"chdir", op_chdir},          {"hostname", op_hostname},
    {"lo-up", op_lo_up},
    {"domainname", op_domainname}, {"groups", op_groups},
    {"gid", op_gid},              {"uid", op_uid},
    {"keepcaps", op_keepcaps},    {"ambient", op_ambient},
    {"nnp", op_nnp},              {"pdeathsig", op_pdeathsig},
    {"exec", op_exec},            {"privatize", op_privatize},
    {"owner", op_owner},
    {"enter", op_enter},          {"pin-dirs", op_pin_dirs},
    {"enter-dirs", op_enter_dirs}, {"groups-before", op_groups_before},
    {"groups-after", op_groups_after},
    {"pin-pidns", op_pin_pidns},    {"join-pidns", op_join_pidns},
};

static int run_op(int i) {
    detail[0] = '\0';
    for (size_t t = 0; t < sizeof table / sizeof *table; t++) {
        if (strcmp(table[t].code, ops[i].code) == 0) return table[t].run(&ops[i]);
    }
    set_detail("unknown op %s", ops[i].code);
    errno = EPROTO;
    return -1;
}

/* ---- after a failure: nothing may be left behind ---------------------------------------- */

__attribute__((noreturn)) static void undo_and_exit(int op, int err) {
    if (child_pidfd >= 0) {
        pidfd_send_signal(child_pidfd, SIGKILL, NULL, 0);
        siginfo_t info;
        waitid(P_PIDFD, (id_t)child_pidfd, &info, WEXITED);
    }
    for (int i = npersisted - 1; i >= 0; i--) umount2(persisted[i], MNT_DETACH);
    (void)send_status('F', op, err, detail);
    exit(1);
}

__attribute__((noreturn)) static void child_fail(int op) {
    struct baton b = {.kind = 'F', .op = op, .err = errno};
    snprintf(b.detail, sizeof b.detail, "%s", detail);
    (void)send(sync_fd, &b, sizeof b, MSG_NOSIGNAL);
    _exit(1);
}

/* ---- supervising the running target ------------------------------------------------------ */

__attribute__((noreturn)) static void exit_like_child(const siginfo_t *info) {
    /* Tells the caller how the target ended, which an exit status of 128+N cannot. */
    (void)send_status('X', info->si_code, info->si_status, "");
    if (info->si_code == CLD_EXITED) exit(info->si_status);
    int sig = info->si_status;
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t just;
    sigemptyset(&just);
    sigaddset(&just, sig);
    sigprocmask(SIG_UNBLOCK, &just, NULL);
    kill(getpid(), sig);
    exit(128 + sig);
}

__attribute__((noreturn)) static void supervise(void) {
    close(sync_fd);
    int sfd = signalfd(-1, &forwarded, SFD_CLOEXEC);
    struct pollfd p[3] = {
        {.fd = child_pidfd, .events = POLLIN},
        {.fd = control, .events = POLLIN},
        {.fd = sfd, .events = POLLIN},
    };
    for (;;) {
        if (poll(p, 3, -1) < 0) continue;
        if (p[0].revents) {
            siginfo_t info;
            memset(&info, 0, sizeof info);
            if (waitid(P_PIDFD, (id_t)child_pidfd, &info, WEXITED) == 0) exit_like_child(&info);
        }
        if (p[1].revents) {
            char c;
            if (read(control, &c, 1) <= 0) { /* the JVM is gone: so is the target */
                pidfd_send_signal(child_pidfd, SIGKILL, NULL, 0);
                p[1].fd = -1;
            }
        }
        if (p[2].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == sizeof si) pidfd_send_signal(child_pidfd, (int)si.ssi_signo, NULL, 0);
        }
    }
}

/* ---- the walk through the plan ----------------------------------------------------------- */

/* Waits until the other side hands over; returns the op index to continue at. */
static int await_baton(char me) {
    struct baton b;
    ssize_t n = recv(sync_fd, &b, sizeof b, 0);
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
        if (run_op(i) < 0) {
            if (me == 'C') child_fail(i);
            undo_and_exit(i, errno);
        }
        i++;
    }
    undo_and_exit(-1, EPROTO); /* a plan always ends in the child's exec */
}

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
    signal(SIGPIPE, SIG_IGN); /* a vanished JVM shows as EPIPE or EOF; the child resets this */
    sigprocmask(SIG_SETMASK, NULL, &original_mask);
    sigemptyset(&forwarded);
    if (meet_jvm((pid_t)atoi(argv[1])) < 0) return 125;
    parse_plan(argc - 2, argv + 2);
    for (int i = 0; i < nops; i++) {
        if (ops[i].side != 'H') protocol_error("plan has no clone");
        if (strcmp(ops[i].code, "clone") == 0) {
            int who = op_clone(&ops[i]);
            if (who < 0) undo_and_exit(i, errno);
            if (who == 1 && resume_starting_ids() < 0) undo_and_exit(i, errno);
            walk(i + 1, who == 1 ? 'P' : 'C');
        }
        if (run_op(i) < 0) undo_and_exit(i, errno);
    }
    protocol_error("plan has no clone");
}
