/*
 * The helper's last part: after a failure it undoes what it made and reports the op; once
 * the target runs it supervises it and finally exits the way the target did.
 */
#include "helper.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- after a failure: nothing may be left behind ---------------------------------------- */

static char *made_outside[64]; /* mounts the helper or parent made in the caller's namespace */
static int nmade;

void remember_mount(const char *target) {
    if (nmade < (int)(sizeof made_outside / sizeof *made_outside)) made_outside[nmade++] = (char *)target;
}

__attribute__((noreturn)) void undo_and_exit(int op, int err) {
    if (child_pidfd >= 0) {
        pidfd_send_signal(child_pidfd, SIGKILL, NULL, 0);
        siginfo_t info;
        waitid(P_PIDFD, (id_t)child_pidfd, &info, WEXITED);
    }
    for (int i = nmade - 1; i >= 0; i--) umount2(made_outside[i], MNT_DETACH);
    (void)send_status('F', op, err, detail);
    (void)await_jvm(); /* so it can still open the pipe and read why */
    exit(1);
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

/*
 * Kills every child the helper has, the program's orphans included (it is their subreaper),
 * until none is left: each one killed may leave orphans of its own, which come to the
 * helper in turn. Used when the caller is gone, so that nothing the program started outlives it.
 */
__attribute__((noreturn)) static void kill_tree_and_exit(void) {
    pidfd_send_signal(child_pidfd, SIGKILL, NULL, 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    for (;;) {
        char buf[4096];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        if (fd >= 0) close(fd);
        if (n > 0) {
            buf[n] = '\0';
            for (char *p = buf; *p;) {
                long pid = strtol(p, &p, 10);
                if (pid > 0) kill((pid_t)pid, SIGKILL);
                while (*p == ' ' || *p == '\n') p++;
            }
        }
        siginfo_t info;
        memset(&info, 0, sizeof info);
        if (waitid(P_ALL, 0, &info, WEXITED) < 0) break; /* ECHILD: nobody left */
        if (info.si_pid == child_pid) (void)send_status('X', info.si_code, info.si_status, "");
    }
    exit(1);
}

/* Reaps the children that have ended: the program (then the helper ends like it) or adopted orphans. */
static void reap(void) {
    for (;;) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG) < 0 || info.si_pid == 0) return;
        if (info.si_pid == child_pid) exit_like_child(&info);
    }
}

__attribute__((noreturn)) void supervise(void) {
    close(sync_fd);
    if (await_jvm() < 0) kill_tree_and_exit(); /* the JVM is gone: so is the program and what it started */
    sigset_t watched = forwarded;
    sigaddset(&watched, SIGCHLD);
    sigprocmask(SIG_BLOCK, &watched, NULL);
    int sfd = signalfd(-1, &watched, SFD_CLOEXEC);
    struct pollfd p[2] = {
        {.fd = control, .events = POLLIN},
        {.fd = sfd, .events = POLLIN},
    };
    reap(); /* it may have ended before SIGCHLD was watched */
    for (;;) {
        if (poll(p, 2, -1) < 0) continue;
        if (p[0].revents) {
            char c;
            if (read(control, &c, 1) <= 0) kill_tree_and_exit();
        }
        if (p[1].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) != sizeof si) continue;
            if (si.ssi_signo == SIGCHLD) reap();
            else pidfd_send_signal(child_pidfd, (int)si.ssi_signo, NULL, 0);
        }
    }
}

/* ---- a reaper as PID 1 of the program's pid namespace ---------------------------------------- */

/* argv: SLOT; a read lock (fcntl F_SETLK, as bubblewrap's --lock-file) on the slot's file, held
 * by this process while it keeps every descriptor of that file open (see op_fork_reaper). */
int op_lock_file(struct op *o) {
    int fd = slot_fd(o->argv[0]);
    char path[200];
    if (fd < 0) return -1;
    set_detail("%s", fd_path(fd, path, sizeof path));
    struct flock l = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    int rc;
    while ((rc = fcntl(fd, F_SETLK, &l)) < 0 && errno == EINTR) {}
    return rc;
}

/* Closes every descriptor but those in keep[0..n) (sorted here). */
static void close_all_but(int *keep, int n) {
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    unsigned from = 0;
    for (int i = 0; i < n; i++) {
        if ((unsigned)keep[i] > from) close_range(from, (unsigned)keep[i] - 1, 0);
        from = (unsigned)keep[i] + 1;
    }
    close_range(from, ~0U, 0);
}

/*
 * argv: NSIGNALS FORWARDED-SIGNAL... LOCK-SLOT...; the child forks: the new process (PID 2)
 * carries on with the plan and execs the program, this one (PID 1) reaps, passes the signals
 * on and exits with the program's status (128+N after a signal: PID 1 cannot die by a signal
 * of its own). The locks op_lock_file took are this process's (a fork does not pass them on),
 * so it keeps their descriptors open, and with them the locks, for the sandbox's life.
 */
int op_fork_reaper(struct op *o) {
    int nsignals = atoi(o->argv[0]);
    sigset_t watched;
    sigemptyset(&watched);
    sigaddset(&watched, SIGCHLD);
    for (int i = 1; i <= nsignals; i++) sigaddset(&watched, atoi(o->argv[i]));
    int locks[64], nlocks = 0;
    for (int i = 1 + nsignals; i < o->argc && nlocks < 64; i++) {
        if ((locks[nlocks] = slot_fd(o->argv[i])) < 0) return -1;
        nlocks++;
    }
    int death = 0;
    prctl(PR_GET_PDEATHSIG, &death);
    pid_t reaper = getpid();
    sigprocmask(SIG_BLOCK, &watched, NULL); /* before the fork: nothing is missed */
    pid_t program = fork();
    if (program < 0) return -1;
    if (program == 0) {
        /* A fork clears the death signal: without a pid namespace of its own (only lock files
         * asked for a reaper) nothing else would end the program with its reaper. */
        if (death && prctl(PR_SET_PDEATHSIG, death) < 0) _exit(1);
        /* gone already? (0: the reaper stayed in the pid namespace above, where it cannot be seen) */
        pid_t parent = getppid();
        if (death && parent != reaper && parent != 0) _exit(1);
        return 0;
    }
    prctl(PR_SET_NAME, "jns-reaper");
    /* the program's files are the program's: holding them would delay EOFs */
    close_all_but(locks, nlocks);
    /* Holding nothing now, PID 1 may be dumpable again (the helper run by root was not), so
     * the program can read /proc/1/ns as under bubblewrap; its capabilities still keep a
     * program without them from tracing it. */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    int sfd = signalfd(-1, &watched, 0);
    for (;;) {
        struct signalfd_siginfo si;
        if (sfd < 0 || read(sfd, &si, sizeof si) != sizeof si) {
            if (sfd >= 0 && errno == EINTR) continue;
            _exit(125);
        }
        if (si.ssi_signo != SIGCHLD) {
            kill(program, (int)si.ssi_signo);
            continue;
        }
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            if (pid != program) continue;
            _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
    }
}
