/*
 * Ops on the mount table and the tree: mounts, binds through the new mount API, mount
 * attributes, unmounts, directories, files, nodes, links, modes, and the root and working
 * directory. Mounts made outside the child's namespaces (by the helper or the parent: a
 * namespace persisted by bind mount) are undone if the launch fails.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const char *or_null(const char *s) { return *s ? s : NULL; }

/* A mount made in the caller's mount namespace is remembered for undo; the child's die with it. */
static void remember_if_outside(const char *target) {
    if (child_pid || sync_fd < 0) remember_mount(target);
}

/* argv: SOURCE TARGET FSTYPE FLAGS DATA */
int op_mount(struct op *o) {
    char src[4096];
    const char *source = child_path(o->argv[0], src, sizeof src);
    set_detail("%s on %s", *source ? source : "none", o->argv[1]);
    if (mount(or_null(source), o->argv[1], or_null(o->argv[2]), strtoul(o->argv[3], NULL, 0), or_null(o->argv[4])) < 0) {
        return -1;
    }
    remember_if_outside(o->argv[1]);
    return 0;
}

/* Makes a missing target like the source, parents included: a directory, or an empty file. */
static int make_target_like(int tree, const char *target) {
    struct stat src, dst;
    if (stat(target, &dst) == 0) return 0;
    if (errno != ENOENT || fstat(tree, &src) < 0) return -1;
    if (S_ISDIR(src.st_mode)) {
        struct op mk = {.argc = 2, .argv = (char *[]){(char *)target, "755", NULL}};
        return op_mkdir(&mk);
    }
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", target);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        struct op mk = {.argc = 2, .argv = (char *[]){parent, "755", NULL}};
        if (op_mkdir(&mk) < 0) return -1;
    }
    int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

/* argv: SOURCE TARGET RECURSIVE ATTR-SET CREATE-TARGET */
int op_bind(struct op *o) {
    char src[4096];
    const char *source = child_path(o->argv[0], src, sizeof src);
    set_detail("%s on %s", source, o->argv[1]);
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (atoi(o->argv[2]) ? AT_RECURSIVE : 0);
    int fd = open_tree(AT_FDCWD, source, flags);
    if (fd < 0) return -1;
    int rc = 0;
    uint64_t attr_set = strtoull(o->argv[3], NULL, 0);
    if (attr_set) {
        struct mount_attr attr = {.attr_set = attr_set};
        rc = mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr);
    }
    if (rc == 0 && atoi(o->argv[4])) {
        rc = make_target_like(fd, o->argv[1]);
        if (rc == 0) set_detail("%s on %s", source, o->argv[1]);
    }
    if (rc == 0) rc = move_mount(fd, "", AT_FDCWD, o->argv[1], MOVE_MOUNT_F_EMPTY_PATH);
    int saved = errno;
    close(fd);
    errno = saved;
    if (rc == 0) remember_if_outside(o->argv[1]);
    return rc;
}

/* argv: PATH ATTR-SET */
int op_mount_setattr(struct op *o) {
    set_detail("%s", o->argv[0]);
    struct mount_attr attr = {.attr_set = strtoull(o->argv[1], NULL, 0)};
    return mount_setattr(AT_FDCWD, o->argv[0], AT_RECURSIVE, &attr, sizeof attr);
}

/* argv: TARGET FLAGS */
int op_umount(struct op *o) {
    set_detail("%s", o->argv[0]);
    return umount2(o->argv[0], (int)strtol(o->argv[1], NULL, 0));
}

/* argv: PATH MODE (octal); missing parents are made 0755, an existing directory is fine */
int op_mkdir(struct op *o) {
    char path[4096];
    set_detail("%s", o->argv[0]);
    if (snprintf(path, sizeof path, "%s", o->argv[0]) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    mode_t mode = (mode_t)strtoul(o->argv[1], NULL, 8);
    if (mkdir(path, mode) == 0) return chmod(path, mode); /* past the umask */
    struct stat st;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
    if (errno == EEXIST) errno = ENOTDIR;
    return -1;
}

/* argv: PATH MODE (octal) */
int op_create_file(struct op *o) {
    set_detail("%s", o->argv[0]);
    int fd = open(o->argv[0], O_RDONLY | O_CREAT | O_CLOEXEC, (mode_t)strtoul(o->argv[1], NULL, 8));
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

/* argv: PATH MODE (octal, with the file type) MAJOR MINOR */
int op_mknod(struct op *o) {
    set_detail("%s", o->argv[0]);
    dev_t dev = makedev(strtoul(o->argv[2], NULL, 10), strtoul(o->argv[3], NULL, 10));
    return mknod(o->argv[0], (mode_t)strtoul(o->argv[1], NULL, 8), dev);
}

/* argv: TARGET LINKPATH; the same link already there is fine */
int op_symlink(struct op *o) {
    set_detail("%s", o->argv[1]);
    if (symlink(o->argv[0], o->argv[1]) == 0) return 0;
    char have[4096];
    ssize_t n = errno == EEXIST ? readlink(o->argv[1], have, sizeof have - 1) : -1;
    if (n >= 0) {
        have[n] = '\0';
        if (strcmp(have, o->argv[0]) == 0) return 0;
    }
    errno = EEXIST;
    return -1;
}

/* argv: PATH MODE (octal) */
int op_chmod(struct op *o) {
    set_detail("%s", o->argv[0]);
    return chmod(o->argv[0], (mode_t)strtoul(o->argv[1], NULL, 8));
}

/* argv: NEW-ROOT PUT-OLD */
int op_pivot_root(struct op *o) {
    set_detail("%s", o->argv[0]);
    return (int)syscall(SYS_pivot_root, o->argv[0], o->argv[1]);
}

int op_chroot(struct op *o) {
    set_detail("%s", o->argv[0]);
    return chroot(o->argv[0]);
}

int op_chdir(struct op *o) {
    set_detail("%s", o->argv[0]);
    return chdir(o->argv[0]);
}

/* argv: SLOT */
int op_fchdir(struct op *o) {
    int fd = slot_fd(o->argv[0]);
    return fd < 0 ? -1 : fchdir(fd);
}
