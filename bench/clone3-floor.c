/*
 * The kernel's floor for what `jns` and util-linux `unshare -Urmuinpf true` do per spawn:
 * clone3 into new user, pid, mount, uts, ipc and net namespaces, the parent writes
 * setgroups/uid_map/gid_map, the child makes / private and execs /bin/true, the parent
 * reaps it. No JVM, no helper, no fork of a tool: the least any spawner can cost.
 *
 *   clone3-floor [ITERATIONS]   prints the median and quartiles in microseconds,
 *                               with and without the namespaces
 * Needs root (maps uid 0 to 0).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct clone_args_v2 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

static void write_file(pid_t pid, const char *name, const char *text) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) < 0) {
        perror(path);
        exit(1);
    }
    close(fd);
}

static double once(uint64_t flags) {
    struct timespec a, b;
    int go[2];
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (pipe2(go, O_CLOEXEC) < 0) exit(1);
    struct clone_args_v2 args = {.flags = flags, .exit_signal = SIGCHLD};
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) {
        perror("clone3");
        exit(1);
    }
    if (pid == 0) {
        char c;
        close(go[1]);
        if (read(go[0], &c, 1) < 0) _exit(126);
        if (flags & CLONE_NEWNS) mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
        char *argv[] = {"true", NULL}, *envp[] = {NULL};
        execve("/bin/true", argv, envp);
        _exit(127);
    }
    close(go[0]);
    if (flags & CLONE_NEWUSER) {
        write_file((pid_t)pid, "setgroups", "deny");
        write_file((pid_t)pid, "uid_map", "0 0 1");
        write_file((pid_t)pid, "gid_map", "0 0 1");
    }
    close(go[1]);
    int st;
    waitpid((pid_t)pid, &st, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "child failed: %d\n", st);
        exit(1);
    }
    return (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
}

static int cmp(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void report(const char *what, uint64_t flags, int n) {
    double *t = malloc(sizeof *t * (size_t)n);
    for (int i = 0; i < n / 10; i++) once(flags); /* warm-up */
    for (int i = 0; i < n; i++) t[i] = once(flags);
    qsort(t, (size_t)n, sizeof *t, cmp);
    printf("%-46s median %8.1f us   p25 %8.1f   p75 %8.1f   (n=%d)\n", what, t[n / 2], t[n / 4], t[3 * n / 4], n);
    free(t);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    report("clone3+exec (no namespaces)", 0, n);
    report("clone3+maps+exec (user,pid,mnt,uts,ipc,net)",
           CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET, n);
    return 0;
}
