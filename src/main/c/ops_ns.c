/*
 * Ops on namespaces: the clone into new ones, unshare, time offsets, host and domain
 * name, the loopback link, and joining existing namespaces the way nsenter does.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct clone_args_v2 { /* struct clone_args as of Linux 5.7 */
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

int sync_fd = -1;      /* parent <-> child */
pid_t child_pid;
int child_pidfd = -1;

/* Returns 1 in the parent, 0 in the child, -1 on failure. */
int op_clone(struct op *o) {
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
        /* Dies with the helper; the baton read (await_baton, main.c) notices a helper already gone. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        forget_jvm_ends();
        close(sv[0]);
        sync_fd = sv[1];
        return 0;
    }
    child_pid = (pid_t)pid;
    close(sv[1]);
    sync_fd = sv[0];
    return 1;
}

int op_unshare(struct op *o) {
    set_detail("flags 0x%x", (unsigned)strtoul(o->argv[0], NULL, 0));
    return unshare((int)strtoul(o->argv[0], NULL, 0));
}

/* argv: MONO-SEC MONO-NSEC BOOT-SEC BOOT-NSEC */
int op_timens(struct op *o) {
    char text[128];
    snprintf(text, sizeof text, "monotonic %s %s\nboottime %s %s\n", o->argv[0], o->argv[1], o->argv[2],
             o->argv[3]);
    return write_file("/proc/self/timens_offsets", text);
}

int op_lo_up(struct op *o) {
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

int op_hostname(struct op *o) {
    set_detail("%s", o->argv[0]);
    return sethostname(o->argv[0], strlen(o->argv[0]));
}

int op_domainname(struct op *o) {
    set_detail("%s", o->argv[0]);
    return setdomainname(o->argv[0], strlen(o->argv[0]));
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
int op_pin_dirs(struct op *o) {
    if (open_dir_or_none(o->argv[0], &pinned_root) < 0) return -1;
    return open_dir_or_none(o->argv[1], &pinned_wd);
}

/* argv: keep-cwd|root-cwd */
int op_enter_dirs(struct op *o) {
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

int op_groups_before(struct op *o) {
    (void)o;
    groups_dropped_before = setgroups(0, NULL) == 0;
    return 0;
}

int op_groups_after(struct op *o) {
    (void)o;
    set_detail("0 groups");
    if (setgroups(0, NULL) == 0 || groups_dropped_before) return 0;
    return -1;
}

static int pinned_pidns = -1; /* PinPidNamespace; inherited by the child */

/* argv: NSFILE */
int op_pin_pidns(struct op *o) {
    set_detail("open %s", o->argv[0]);
    pinned_pidns = open(o->argv[0], O_RDONLY | O_CLOEXEC);
    return pinned_pidns < 0 ? -1 : 0;
}

int op_join_pidns(struct op *o) {
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
int op_enter(struct op *o) {
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
