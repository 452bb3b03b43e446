/*
 * Ops on the mount table and the root: persistence of a namespace by bind mount (and its
 * undoing), propagation, mounts and binds, binfmt_misc definitions, chroot, pivot_root,
 * the working directory.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *persisted[64]; /* bind mounts to undo if a later op fails */
static int npersisted;

/* argv: NSFILE TARGET create|existing */
int op_persist(struct op *o) {
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

void undo_persist(void) {
    for (int i = npersisted - 1; i >= 0; i--) umount2(persisted[i], MNT_DETACH);
}

static const char *or_null(const char *s) { return *s ? s : NULL; }

/* argv: PATH FLAGS */
int op_propagation(struct op *o) {
    set_detail("%s", o->argv[0]);
    return mount("none", o->argv[0], NULL, strtoul(o->argv[1], NULL, 0), NULL);
}

/* argv: PATH; a directory that is no mount point (EINVAL) needs no change */
int op_privatize(struct op *o) {
    set_detail("%s", o->argv[0]);
    if (mount("none", o->argv[0], NULL, MS_REC | MS_PRIVATE, NULL) == 0 || errno == EINVAL) return 0;
    return -1;
}

/* argv: SOURCE TARGET FSTYPE FLAGS DATA */
int op_mount(struct op *o) {
    set_detail("%s on %s", o->argv[0], o->argv[1]);
    return mount(or_null(o->argv[0]), o->argv[1], or_null(o->argv[2]), strtoul(o->argv[3], NULL, 0),
                 or_null(o->argv[4]));
}

/* argv: TARGET FLAGS */
/* argv: DIR DEFINITION. The detail is util-linux's wording for each step. */
int op_binfmt_register(struct op *o) {
    set_detail("cannot open %s", o->argv[0]);
    int dir = open(o->argv[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return -1;
    set_detail("cannot open %s/register", o->argv[0]);
    int fd = openat(dir, "register", O_WRONLY | O_CLOEXEC);
    int saved = errno;
    close(dir);
    if (fd < 0) {
        errno = saved;
        return -1;
    }
    set_detail("write failed %s/register", o->argv[0]);
    int rc = write_all(fd, o->argv[1], strlen(o->argv[1]));
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int op_umount(struct op *o) {
    set_detail("%s", o->argv[0]);
    return umount2(o->argv[0], (int)strtol(o->argv[1], NULL, 0));
}

/* argv: SOURCE TARGET ro|rw */
int op_bind(struct op *o) {
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

int op_chroot(struct op *o) {
    set_detail("%s", o->argv[0]);
    if (chroot(o->argv[0]) < 0) return -1;
    return chdir("/");
}

int op_pivot(struct op *o) {
    set_detail("%s", o->argv[0]);
    /* pivot_root needs a mount point; a bind of the directory onto itself makes one. */
    if (mount(o->argv[0], o->argv[0], NULL, MS_BIND | MS_REC, NULL) < 0) return -1;
    if (chdir(o->argv[0]) < 0) return -1;
    if (syscall(SYS_pivot_root, ".", ".") < 0) return -1;
    if (umount2(".", MNT_DETACH) < 0) return -1;
    return chdir("/");
}

int op_chdir(struct op *o) {
    set_detail("%s", o->argv[0]);
    return chdir(o->argv[0]);
}
