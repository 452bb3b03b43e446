/*
 * Ops on namespaces: the clone into new ones, unshare, opening files and pidfds into
 * slots and joining through them, host and domain name, a link up.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
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

/* argv: FLAGS; succeeds only if the kernel refuses unshare(FLAGS) (errno 0 if it allowed it). */
int op_unshare_refused(struct op *o) {
    set_detail("flags 0x%x allowed", (unsigned)strtoul(o->argv[0], NULL, 0));
    if (unshare((int)strtoul(o->argv[0], NULL, 0)) < 0) return 0;
    errno = 0;
    return -1;
}

/* argv: SLOT DIRSLOT PATH FLAGS MODE RESOLVE (DIRSLOT -1: the working directory) */
int op_open(struct op *o) {
    int dir = AT_FDCWD;
    if (atoi(o->argv[1]) >= 0 && (dir = slot_fd(o->argv[1])) < 0) return -1;
    char buf[4096], dirbuf[200];
    const char *path = child_path(o->argv[2], buf, sizeof buf);
    if (dir == AT_FDCWD) set_detail("%s", path);
    else set_detail("%s/%s", fd_path(dir, dirbuf, sizeof dirbuf), path);
    struct open_how how = {
        .flags = (uint64_t)strtoul(o->argv[3], NULL, 0) | O_CLOEXEC,
        .mode = (uint64_t)strtoul(o->argv[4], NULL, 8),
        .resolve = (uint64_t)strtoull(o->argv[5], NULL, 0),
    };
    if (!(how.flags & (O_CREAT | O_TMPFILE))) how.mode = 0;
    /* Without resolve flags openat does the same; and an open after a seccomp filter (the OCI
     * start fifo, say) must get past allowlists older than openat2, such as Docker's default. */
    int fd = how.resolve ? (int)syscall(SYS_openat2, dir, path, &how, sizeof how)
                         : openat(dir, path, (int)how.flags, (mode_t)how.mode);
    return fd < 0 ? -1 : set_slot(o->argv[0], fd);
}

/* argv: SLOT PID INODE (0: any) */
int op_open_pidfd(struct op *o) {
    pid_t pid = (pid_t)atoi(o->argv[1]);
    unsigned long long inode = strtoull(o->argv[2], NULL, 10);
    set_detail("%d", (int)pid);
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) return -1;
    struct stat st;
    if (inode && (fstat(fd, &st) < 0 || (unsigned long long)st.st_ino != inode)) {
        close(fd);
        errno = ESRCH;
        return -1;
    }
    return set_slot(o->argv[0], fd);
}

/* argv: SLOT TYPES */
int op_setns(struct op *o) {
    int fd = slot_fd(o->argv[0]);
    set_detail("types 0x%lx", strtoul(o->argv[1], NULL, 0));
    return fd < 0 ? -1 : setns(fd, (int)strtoul(o->argv[1], NULL, 0));
}

/* argv: NAME */
int op_link_up(struct op *o) {
    set_detail("%s", o->argv[0]);
    if (strlen(o->argv[0]) >= IFNAMSIZ) {
        errno = EINVAL;
        return -1;
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, o->argv[0]);
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

