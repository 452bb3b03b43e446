/*
 * fanout: load for the lsns benchmark. Starts GROUPS groups of PER_GROUP processes; each
 * group's first process unshares one new namespace (the type rotates through all eight)
 * and forks the others into it, so the machine gets GROUPS*PER_GROUP extra processes in
 * GROUPS extra namespaces. Prints "ready" once every process is in place, then waits.
 *
 * On SIGTERM or SIGINT it kills every group and reaps every process (it is their
 * subreaper), then exits 0. Every process also asks for SIGKILL when its parent dies, so
 * even a SIGKILL of the fanout process takes the whole tree down (pid 1 then reaps them).
 *
 * usage: fanout GROUPS PER_GROUP
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int types[] = {CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS,
                            CLONE_NEWCGROUP, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWTIME};

/* Dies with the parent; the check closes the race where the parent died before prctl. */
static void die_with_parent(pid_t parent) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(1);
}

static void ready_then_wait(int ready_fd) {
    char c = 1;
    if (write(ready_fd, &c, 1) != 1) _exit(1);
    close(ready_fd);
    for (;;) pause();
}

static void group(int flag, int per_group, int ready_fd) {
    if (unshare(flag) != 0) {
        fprintf(stderr, "fanout: unshare 0x%x: %s\n", flag, strerror(errno));
        _exit(1);
    }
    /* A parent outside the child's pid namespace shows as pid 0. */
    pid_t self = flag == CLONE_NEWPID ? 0 : getpid();
    for (int i = 1; i < per_group; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fanout: fork");
            _exit(1);
        }
        if (pid == 0) {
            die_with_parent(self);
            ready_then_wait(ready_fd);
        }
    }
    ready_then_wait(ready_fd);
}

static volatile sig_atomic_t stop;

static void on_stop(int sig) {
    (void) sig;
    stop = 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: fanout GROUPS PER_GROUP\n");
        return 2;
    }
    int groups = atoi(argv[1]), per_group = atoi(argv[2]);
    if (groups < 1 || per_group < 1) {
        fprintf(stderr, "fanout: GROUPS and PER_GROUP must be positive\n");
        return 2;
    }
    int ready[2];
    if (pipe(ready) != 0) {
        perror("fanout: pipe");
        return 1;
    }
    pid_t *leaders = calloc(groups, sizeof(pid_t));
    struct sigaction sa = {.sa_handler = on_stop};
    if (!leaders || prctl(PR_SET_CHILD_SUBREAPER, 1) != 0 || sigaction(SIGTERM, &sa, NULL) != 0
            || sigaction(SIGINT, &sa, NULL) != 0) {
        perror("fanout: setup");
        return 1;
    }
    pid_t self = getpid();
    for (int g = 0; g < groups && !stop; g++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fanout: fork");
            break; /* tear down what started */
        }
        if (pid == 0) {
            close(ready[0]);
            die_with_parent(self);
            group(types[g % 8], per_group, ready[1]);
        }
        leaders[g] = pid;
    }
    close(ready[1]);
    long expected = (long) groups * per_group, got = 0;
    char buf[4096];
    while (got < expected && !stop) {
        ssize_t n = read(ready[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            fprintf(stderr, "fanout: only %ld of %ld processes started\n", got, expected);
            break;
        }
        got += n;
    }
    if (got == expected) {
        printf("ready\n");
        fflush(stdout);
    }
    /* Signals blocked between the check and the wait, so a SIGTERM cannot slip between them. */
    sigset_t stops, unblocked;
    sigemptyset(&stops);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGINT);
    sigprocmask(SIG_BLOCK, &stops, &unblocked);
    while (!stop && got == expected) sigsuspend(&unblocked);

    /* Tear down: the groups' other processes die with their leader and come to us. */
    for (int g = 0; g < groups; g++) {
        if (leaders[g] > 0) kill(leaders[g], SIGKILL);
    }
    while (wait(NULL) > 0 || errno == EINTR) {}
    return got == expected ? 0 : 1;
}
