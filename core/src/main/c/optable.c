/*
 * The op table (JNS_OP_TABLE in helper.h) turned into a dispatch array, the slots ops keep
 * descriptors in, and the /proc/child/ paths.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JNS_OP_ENTRY(name, fn) fn,
static int (*const table[OP_COUNT])(struct op *) = {JNS_OP_TABLE(JNS_OP_ENTRY)};

int run_op(struct op *o) {
    detail[0] = '\0';
    return table[o->code](o);
}

/* ---- slots --------------------------------------------------------------------------- */

/*
 * Slot descriptors live at 100 and above, out of the way of the low numbers a dup op is
 * likely to place the program's files at; a dup onto one of them moves it first.
 */
#define SLOT_FLOOR 100

static int slots[MAX_SLOTS] = {[0 ... MAX_SLOTS - 1] = -1};

static int slot_index(const char *arg) {
    int i = atoi(arg);
    return i >= 0 && i < MAX_SLOTS ? i : -1;
}

int slot_fd(const char *arg) {
    int i = slot_index(arg);
    if (i < 0 || slots[i] < 0) {
        errno = EBADF;
        return -1;
    }
    return slots[i];
}

int set_slot(const char *arg, int fd) {
    int i = slot_index(arg);
    if (i < 0) {
        close(fd);
        errno = EBADF;
        return -1;
    }
    int high = fcntl(fd, F_DUPFD_CLOEXEC, SLOT_FLOOR);
    close(fd);
    if (high < 0) return -1;
    if (slots[i] >= 0) close(slots[i]);
    slots[i] = high;
    return 0;
}

int close_slot(const char *arg) {
    int i = slot_index(arg);
    if (i < 0 || slots[i] < 0) {
        errno = EBADF;
        return -1;
    }
    close(slots[i]);
    slots[i] = -1;
    return 0;
}

int move_slots_off(int fd) {
    for (int i = 0; i < MAX_SLOTS; i++) {
        if (slots[i] != fd) continue;
        int moved = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
        if (moved < 0) return -1;
        slots[i] = moved; /* the old number is about to be replaced by dup3 */
    }
    if (sync_fd == fd) {
        int moved = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
        if (moved < 0) return -1;
        sync_fd = moved;
    }
    return 0;
}

/* What a descriptor is open on, for a failure's detail ("?" if unknown). */
const char *fd_path(int fd, char *buf, size_t size) {
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, size - 1);
    if (n < 0) n = snprintf(buf, size, "?") > 0 ? 1 : 0;
    buf[n] = '\0';
    return buf;
}

/* ---- /proc/child/ ---------------------------------------------------------------------- */

const char *child_path(const char *path, char *buf, size_t size) {
    static const char prefix[] = "/proc/child/";
    if (strncmp(path, prefix, sizeof prefix - 1) != 0) return path;
    if (child_pid) snprintf(buf, size, "/proc/%d/%s", (int)child_pid, path + sizeof prefix - 1);
    else snprintf(buf, size, "/proc/self/%s", path + sizeof prefix - 1);
    return buf;
}
