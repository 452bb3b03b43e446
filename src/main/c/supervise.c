/*
 * The helper's last part: after a failure it undoes what it made and reports the op; once
 * the target runs it supervises it and finally exits the way the target did.
 */
#include "helper.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- after a failure: nothing may be left behind ---------------------------------------- */

__attribute__((noreturn)) void undo_and_exit(int op, int err) {
    if (child_pidfd >= 0) {
        pidfd_send_signal(child_pidfd, SIGKILL, NULL, 0);
        siginfo_t info;
        waitid(P_PIDFD, (id_t)child_pidfd, &info, WEXITED);
    }
    undo_persist();
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

__attribute__((noreturn)) void supervise(void) {
    close(sync_fd);
    if (await_jvm() < 0) pidfd_send_signal(child_pidfd, SIGKILL, NULL, 0); /* the JVM is gone: so is the target */
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
