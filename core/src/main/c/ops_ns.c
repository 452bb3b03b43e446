/*
 * Ops on namespaces: the clone into new ones, unshare, opening files and pidfds into
 * slots (and closing them) and joining through them, a user namespace with given maps (for
 * an id-mapped mount), host and domain name, a link up.
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
#include <sys/wait.h>
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

/* argv: SLOT: closes the slot's descriptor (the parent's copy of one only the child needs) */
int op_close(struct op *o) {
    set_detail("slot %s", o->argv[0]);
    return close_slot(o->argv[0]);
}

/*
 * An O_RDONLY descriptor of a new user namespace whose uid_map and gid_map are UID_MAP and
 * GID_MAP (lines "inside outside count"), or -1 with errno. A user namespace with maps needs a
 * process in it while they are written: a child unshares one and waits for the end of a pipe;
 * the helper (root in the caller's user namespace may write any map) writes the maps, opens
 * /proc/CHILD/ns/user, closes the pipe and reaps the child. The namespace lives on in the
 * descriptor. If the helper dies first, the child sees the pipe's end and leaves too.
 */
int userns_with_maps(const char *uid_map, const char *gid_map) {
    int ready[2], hold[2];
    if (pipe2(ready, O_CLOEXEC) < 0) return -1;
    if (pipe2(hold, O_CLOEXEC) < 0) {
        int saved = errno;
        close(ready[0]);
        close(ready[1]);
        errno = saved;
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(hold[1]);
        int err = unshare(CLONE_NEWUSER) < 0 ? errno : 0;
        char c;
        if (write(ready[1], &err, sizeof err) == (ssize_t)sizeof err) {
            while (read(hold[0], &c, 1) < 0 && errno == EINTR) {}
        }
        _exit(0);
    }
    int err = pid < 0 ? errno : 0, fd = -1;
    close(ready[1]);
    close(hold[0]);
    if (!err && read_all(ready[0], &err, sizeof err) < 0) err = errno ? errno : ECHILD;
    if (!err) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
        if (write_file(path, uid_map) == 0) {
            snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
            if (write_file(path, gid_map) == 0) {
                snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
                fd = open(path, O_RDONLY | O_CLOEXEC);
            }
        }
        if (fd < 0) err = errno;
    }
    close(ready[0]);
    close(hold[1]);
    if (pid > 0) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    errno = err;
    return fd;
}

/* argv: SLOT UID-MAP GID-MAP: a new user namespace with these maps, for id-mapped mounts */
int op_userns_with_maps(struct op *o) {
    set_detail("uid_map %s", o->argv[1]);
    int fd = userns_with_maps(o->argv[1], o->argv[2]);
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

