/*
 * Ops on file contents: writing to a slot or to a file (the maps, setgroups and
 * timens_offsets of /proc/child/), bytes received from the JVM, and running a program such
 * as newuidmap on the child.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* argv: SLOT TEXT */
int op_write(struct op *o) {
    int fd = slot_fd(o->argv[0]);
    if (fd < 0) return -1;
    char path[200];
    set_detail("%s", fd_path(fd, path, sizeof path));
    return write_all(fd, o->argv[1], strlen(o->argv[1]));
}

/* argv: PATH TEXT */
int op_write_file(struct op *o) {
    char buf[4096];
    return write_file(child_path(o->argv[0], buf, sizeof buf), o->argv[1]);
}

/* argv: SLOT LENGTH; the bytes come over the control pipe, in the order of the receive ops */
int op_receive(struct op *o) {
    size_t length = strtoul(o->argv[1], NULL, 10);
    set_detail("%zu bytes from the caller", length);
    char *bytes = malloc(length ? length : 1);
    if (!bytes) return -1;
    int fd = -1;
    if (read_all(control, bytes, length) < 0) goto fail;
    fd = memfd_create("jns-received", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0 || write_all(fd, bytes, length) < 0 || lseek(fd, 0, SEEK_SET) < 0) goto fail;
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) goto fail;
    free(bytes);
    return set_slot(o->argv[0], fd);
fail:;
    int saved = errno;
    free(bytes);
    if (fd >= 0) close(fd);
    errno = saved;
    return -1;
}

/* argv: FIRST-SLOT COUNT; the JVM's descriptors, sent with SCM_RIGHTS, go into slots FIRST-SLOT on */
/* argv: SLOT; waits for one byte, or the end, on the slot's descriptor, then closes it. */
int op_read_byte(struct op *o) {
    int fd = slot_fd(o->argv[0]);
    set_detail("waiting on the caller's descriptor");
    if (fd < 0) return -1;
    char byte;
    ssize_t n;
    while ((n = read(fd, &byte, 1)) < 0 && errno == EINTR) {}
    close(fd);
    return n < 0 ? -1 : 0;
}

int op_receive_fds(struct op *o) {
    int first = atoi(o->argv[0]), count = atoi(o->argv[1]);
    set_detail("%d descriptors from the caller", count);
    if (count <= 0 || count > 250 || first < 0 || first + count > MAX_SLOTS) {
        errno = EINVAL;
        return -1;
    }
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(250 * sizeof(int))];
    } control_buf;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control_buf.buf,
                         .msg_controllen = CMSG_SPACE((size_t)count * sizeof(int))};
    ssize_t n;
    while ((n = recvmsg(fds_in, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {}
    if (n <= 0) {
        if (n == 0) errno = ECONNRESET; /* the JVM went away before it sent them */
        return -1;
    }
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN((size_t)count * sizeof(int))) {
        errno = EPROTO;
        return -1;
    }
    int fds[250];
    memcpy(fds, CMSG_DATA(c), (size_t)count * sizeof(int));
    for (int i = 0; i < count; i++) {
        char slot[16];
        snprintf(slot, sizeof slot, "%d", first + i);
        if (set_slot(slot, fds[i]) < 0) return -1;
    }
    return 0;
}

/* argv: PROGRAM ARG...; runs PROGRAM CHILD-PID ARG... and fails unless it exits 0 */
int op_run_for_child(struct op *o) {
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
