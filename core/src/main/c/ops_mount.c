/*
 * Ops on the mount table and the tree: mounts, binds through the new mount API, mount
 * attributes, unmounts, directories, files, nodes, links, modes, and the root and working
 * directory. Mounts made outside the child's namespaces (by the helper or the parent: a
 * namespace persisted by bind mount) are undone if the launch fails.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const char *or_null(const char *s) { return *s ? s : NULL; }

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/*
 * Paths in a root: ops that build a new root name it by a slot (ROOT, an O_PATH descriptor of
 * its top directory) and resolve every path in it with openat2's RESOLVE_IN_ROOT, so neither a
 * symlink (absolute or relative) nor ".." leads out of it, whatever the tree holds. ROOT -1
 * means plain paths from the helper's root and working directory.
 */
static int open_in(const char *root, const char *path, int flags, mode_t mode) {
    if (atoi(root) < 0) return open(path, flags | O_CLOEXEC, mode);
    int dir = slot_fd(root);
    if (dir < 0) return -1;
    struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC), .mode = (flags & O_CREAT) ? mode : 0,
                           .resolve = RESOLVE_IN_ROOT};
    return (int)syscall(SYS_openat2, dir, path, &how, sizeof how);
}

/* The directory holding PATH, resolved in ROOT, and PATH's last component in LEAF ("." for the root itself). */
static int parent_in(const char *root, const char *path, char leaf[256]) {
    char parent[4096];
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    if (n >= sizeof parent) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(parent, path, n);
    parent[n] = '\0';
    char *slash = strrchr(parent, '/');
    const char *last = slash ? slash + 1 : parent;
    if (strlen(last) >= 256) {
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(leaf, 256, "%s", *last ? last : ".");
    if (!slash) snprintf(parent, sizeof parent, ".");
    else if (slash == parent) parent[1] = '\0';
    else *slash = '\0';
    return open_in(root, parent, O_PATH | O_DIRECTORY, 0);
}

/*
 * Makes PATH in ROOT unless it is there: a directory (TYPE_MODE S_IFDIR|mode) or an empty file
 * (S_IFREG|mode), as bubblewrap's ensure_dir/ensure_file do: a symlink to what is wanted will do
 * (followed in ROOT), a dangling one is created through. Missing parents are made PARENTS
 * (S_IFREG: none are made). A directory made here gets its mode past the umask.
 */
static int make_in(const char *root, const char *path, mode_t type_mode, mode_t parents) {
    mode_t mode = type_mode & 07777;
    bool dir = S_ISDIR(type_mode);
    if (parents) {
        char prefix[4096];
        for (const char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
            if ((size_t)(p - path) >= sizeof prefix) {
                errno = ENAMETOOLONG;
                return -1;
            }
            memcpy(prefix, path, (size_t)(p - path));
            prefix[p - path] = '\0';
            if (p[-1] != '/' && make_in(root, prefix, S_IFDIR | parents, 0) < 0) return -1;
        }
    }
    int fd = open_in(root, path, O_PATH, 0);
    if (fd >= 0) {
        struct stat st;
        int rc = fstat(fd, &st);
        close(fd);
        if (rc < 0) return -1;
        if (dir == !!S_ISDIR(st.st_mode)) return 0;
        errno = dir ? ENOTDIR : EISDIR;
        return -1;
    }
    if (errno != ENOENT) return -1;
    if (!dir) {
        /* through a dangling symlink too, the way creat(2) goes, but never out of ROOT */
        fd = open_in(root, path, O_WRONLY | O_CREAT | O_NOCTTY | O_NONBLOCK, mode);
        if (fd < 0) return -1;
        close(fd);
        return 0;
    }
    char leaf[256];
    int at = parent_in(root, path, leaf);
    if (at < 0) return -1;
    int rc = mkdirat(at, leaf, mode);
    if (rc == 0) {
        int made = openat(at, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        rc = made < 0 ? -1 : fchmod(made, mode);
        if (made >= 0) close(made);
    } else if (errno == EEXIST) {
        errno = ENOENT; /* a dangling symlink */
    }
    int saved = errno;
    close(at);
    errno = saved;
    return rc;
}

/* The atime setting is a field, not a bit: the kernel refuses (EINVAL) to set one of its
 * values (noatime, strictatime) unless the whole field is cleared in the same call. */
static uint64_t atime_field(uint64_t attr_set) {
    return (attr_set & MOUNT_ATTR__ATIME) ? MOUNT_ATTR__ATIME : 0;
}

/* MOUNT_ATTR_* bits on a detached tree, all of it */
static int set_tree_attributes(int tree, uint64_t attr_set) {
    if (!attr_set) return 0;
    struct mount_attr attr = {.attr_set = attr_set, .attr_clr = atime_field(attr_set)};
    return mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr);
}

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

/* argv: SOURCE TARGET RECURSIVE ATTR-SET */
int op_bind(struct op *o) {
    char src[4096];
    const char *source = child_path(o->argv[0], src, sizeof src);
    set_detail("%s on %s", source, o->argv[1]);
    int tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (atoi(o->argv[2]) ? AT_RECURSIVE : 0));
    if (tree < 0) return -1;
    int rc = set_tree_attributes(tree, strtoull(o->argv[3], NULL, 0));
    if (rc == 0) rc = move_mount(tree, "", AT_FDCWD, o->argv[1], MOVE_MOUNT_F_EMPTY_PATH);
    int saved = errno;
    close(tree);
    errno = saved;
    if (rc == 0) remember_if_outside(o->argv[1]);
    return rc;
}

/* argv: SOURCE-SLOT ROOT TARGET RECURSIVE ATTR-SET PARENT-MODE: the source (an O_PATH descriptor) on TARGET in ROOT,
 * made like the source (a directory 0755, else an empty file 0444) if missing, its missing parents PARENT-MODE */
int op_bind_at(struct op *o) {
    int source = slot_fd(o->argv[0]);
    if (source < 0) return -1;
    char what[4096];
    set_detail("%s on %s", fd_path(source, what, sizeof what), o->argv[2]);
    struct stat st;
    if (fstat(source, &st) < 0) return -1;
    mode_t parents = (mode_t)strtoul(o->argv[5], NULL, 8);
    if (make_in(o->argv[1], o->argv[2], S_ISDIR(st.st_mode) ? S_IFDIR | 0755 : S_IFREG | 0444, parents) < 0) return -1;
    int target = open_in(o->argv[1], o->argv[2], O_PATH, 0);
    if (target < 0) return -1;
    int tree = open_tree(source, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (atoi(o->argv[3]) ? AT_RECURSIVE : 0));
    int rc = tree < 0 ? -1 : set_tree_attributes(tree, strtoull(o->argv[4], NULL, 0));
    if (rc == 0) rc = move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    int saved = errno;
    if (tree >= 0) close(tree);
    close(target);
    errno = saved;
    return rc;
}

/* argv: ROOT TARGET FSTYPE SOURCE ATTR-SET OPTION...: a new filesystem (fsopen, fsconfig, fsmount) on the directory
 * TARGET in ROOT; an OPTION is KEY=VALUE or a flag KEY */
int op_mount_at(struct op *o) {
    set_detail("%s on %s", o->argv[2], o->argv[1]);
    int target = open_in(o->argv[0], o->argv[1], O_PATH | O_DIRECTORY, 0);
    if (target < 0) return -1;
    int fs = fsopen(o->argv[2], FSOPEN_CLOEXEC), mnt = -1, rc = -1;
    if (fs < 0) goto out;
    if (*o->argv[3] && fsconfig(fs, FSCONFIG_SET_STRING, "source", o->argv[3], 0) < 0) goto out;
    for (int i = 5; i < o->argc; i++) {
        char *eq = strchr(o->argv[i], '=');
        if (eq) *eq = '\0';
        int set = eq ? fsconfig(fs, FSCONFIG_SET_STRING, o->argv[i], eq + 1, 0) : fsconfig(fs, FSCONFIG_SET_FLAG, o->argv[i], NULL, 0);
        if (eq) *eq = '=';
        if (set < 0) {
            set_detail("%s on %s: option %s", o->argv[2], o->argv[1], o->argv[i]);
            goto out;
        }
    }
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) goto out;
    mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)strtoul(o->argv[4], NULL, 0));
    if (mnt >= 0) rc = move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
out:;
    int saved = errno;
    if (mnt >= 0) close(mnt);
    if (fs >= 0) close(fs);
    close(target);
    errno = saved;
    return rc;
}

/* argv: ROOT PATH ATTR-SET */
int op_mount_setattr(struct op *o) {
    set_detail("%s", o->argv[1]);
    int fd = open_in(o->argv[0], o->argv[1], O_PATH, 0);
    if (fd < 0) return -1;
    struct mount_attr attr = {.attr_set = strtoull(o->argv[2], NULL, 0)};
    attr.attr_clr = atime_field(attr.attr_set);
    int rc = mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof attr);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* argv: TARGET FLAGS */
int op_umount(struct op *o) {
    set_detail("%s", o->argv[0]);
    return umount2(o->argv[0], (int)strtol(o->argv[1], NULL, 0));
}

/* argv: ROOT PATH MODE PARENT-MODE (octal); missing parents are made PARENT-MODE, an existing directory is fine */
int op_mkdir(struct op *o) {
    set_detail("%s", o->argv[1]);
    return make_in(o->argv[0], o->argv[1], S_IFDIR | (mode_t)strtoul(o->argv[2], NULL, 8), (mode_t)strtoul(o->argv[3], NULL, 8));
}

/* argv: ROOT PATH MODE (octal): an empty file unless a non-directory is there (a bind target) */
int op_create_file(struct op *o) {
    set_detail("%s", o->argv[1]);
    return make_in(o->argv[0], o->argv[1], S_IFREG | (mode_t)strtoul(o->argv[2], NULL, 8), 0);
}

/* argv: ROOT PATH MODE (octal, with the file type) MAJOR MINOR UID GID: a device node or fifo
 * with exactly MODE (the umask does not apply) and that owner, made in its parent directory
 * as resolved in ROOT, so a symlink in the tree cannot put it elsewhere. */
int op_mknod(struct op *o) {
    set_detail("%s", o->argv[1]);
    char leaf[256];
    int dir = parent_in(o->argv[0], o->argv[1], leaf);
    if (dir < 0) return -1;
    mode_t mode = (mode_t)strtoul(o->argv[2], NULL, 8);
    dev_t dev = makedev(strtoul(o->argv[3], NULL, 10), strtoul(o->argv[4], NULL, 10));
    int rc = mknodat(dir, leaf, mode, dev);
    if (rc == 0) rc = fchownat(dir, leaf, (uid_t)strtoul(o->argv[5], NULL, 10), (gid_t)strtoul(o->argv[6], NULL, 10),
                               AT_SYMLINK_NOFOLLOW);
    if (rc == 0) rc = fchmodat(dir, leaf, mode & 07777, 0);
    int saved = errno;
    close(dir);
    errno = saved;
    return rc;
}

/* argv: ROOT TARGET LINKPATH; the same link already there is fine */
int op_symlink(struct op *o) {
    set_detail("%s", o->argv[2]);
    char leaf[256];
    int dir = parent_in(o->argv[0], o->argv[2], leaf);
    if (dir < 0) return -1;
    int rc = symlinkat(o->argv[1], dir, leaf);
    if (rc < 0 && errno == EEXIST) {
        char have[4096];
        ssize_t n = readlinkat(dir, leaf, have, sizeof have - 1);
        if (n >= 0) {
            have[n] = '\0';
            if (strcmp(have, o->argv[1]) == 0) rc = 0;
            else set_detail("%s: existing destination is %s", o->argv[2], have);
        } else if (errno == EINVAL) {
            set_detail("%s: destination exists and is not a symlink", o->argv[2]);
        }
        if (rc < 0) errno = EEXIST;
    }
    int saved = errno;
    close(dir);
    errno = saved;
    return rc;
}

/* argv: ROOT PATH MODE (octal) */
int op_chmod(struct op *o) {
    set_detail("%s", o->argv[1]);
    int fd = open_in(o->argv[0], o->argv[1], O_PATH, 0);
    if (fd < 0) return -1;
    int rc = (int)syscall(SYS_fchmodat2, fd, "", (mode_t)strtoul(o->argv[2], NULL, 8), AT_EMPTY_PATH);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/*
 * argv: SLOT DATA-SLOT ROOT PATH MODE: PATH in ROOT created (or emptied) with MODE; with ROOT -1
 * PATH must be new (O_EXCL: a file of the helper's own, in its private base); the bytes of
 * DATA-SLOT's descriptor copied in from its start; the file kept in SLOT (a bind's source, say)
 */
int op_copy_file(struct op *o) {
    int data = slot_fd(o->argv[1]);
    if (data < 0) return -1;
    mode_t mode = (mode_t)strtoul(o->argv[4], NULL, 8);
    set_detail("%s", o->argv[3]);
    int fd = open_in(o->argv[2], o->argv[3], O_RDWR | O_CREAT | O_NOCTTY | (atoi(o->argv[2]) < 0 ? O_EXCL : O_TRUNC), mode);
    if (fd < 0) return -1;
    char buf[65536];
    ssize_t n = 0;
    off_t at = 0;
    int rc = fchmod(fd, mode); /* past the umask */
    while (rc == 0 && (n = pread(data, buf, sizeof buf, at)) > 0) {
        rc = write_all(fd, buf, (size_t)n);
        at += n;
    }
    if (rc == 0 && n < 0) rc = -1;
    if (rc < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return set_slot(o->argv[0], fd);
}

/* argv: ROOT PATH MODE (R_OK 4, W_OK 2, X_OK 1): fails unless the real ids may so use PATH */
int op_access(struct op *o) {
    set_detail("%s", o->argv[1]);
    int fd = open_in(o->argv[0], o->argv[1], O_PATH, 0);
    if (fd < 0) return -1;
    int rc = (int)syscall(SYS_faccessat2, fd, "", atoi(o->argv[2]), AT_EMPTY_PATH);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
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

/*
 * argv: SLOT SOURCE RECURSIVE ATTR-SET USERNS-SLOT: an id-mapped copy of the tree at SOURCE kept
 * detached in SLOT, for ATTACH_TREE to put in place. The copy is recursive; MOUNT_ATTR_IDMAP with
 * the user namespace in USERNS-SLOT (its maps: an on-disk id "inside" shows as "outside") is set
 * on its top mount, or with RECURSIVE 1 on every mount in it, and ATTR-SET on all. Made before
 * the clone: the kernel lets only a caller privileged over the filesystem's own user namespace
 * id-map it, which a child in a new user namespace is not.
 */
int op_idmap_tree(struct op *o) {
    const char *source = o->argv[1];
    int userns = slot_fd(o->argv[4]);
    if (userns < 0) return -1;
    set_detail("%s", source);
    int tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (tree < 0) return -1;
    int rc = set_tree_attributes(tree, strtoull(o->argv[3], NULL, 0));
    if (rc == 0) {
        set_detail("%s: MOUNT_ATTR_IDMAP%s", source, atoi(o->argv[2]) ? ", recursive" : "");
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
        rc = mount_setattr(tree, "", AT_EMPTY_PATH | (atoi(o->argv[2]) ? AT_RECURSIVE : 0), &attr, sizeof attr);
    }
    if (rc < 0) {
        int saved = errno;
        close(tree);
        errno = saved;
        return -1;
    }
    return set_slot(o->argv[0], tree);
}

/*
 * argv: SLOT ROOT TARGET MAKE PARENT-MODE: move_mount of the detached tree in SLOT onto TARGET
 * in ROOT; with MAKE 1 a missing TARGET is made like the tree's top (a directory 0755, else an
 * empty file 0444), its missing parents PARENT-MODE (octal).
 */
int op_attach_tree(struct op *o) {
    int tree = slot_fd(o->argv[0]);
    if (tree < 0) return -1;
    char what[4096];
    set_detail("%s on %s", fd_path(tree, what, sizeof what), o->argv[2]);
    if (atoi(o->argv[3])) {
        struct stat st;
        if (fstat(tree, &st) < 0) return -1;
        mode_t parents = (mode_t)strtoul(o->argv[4], NULL, 8);
        if (make_in(o->argv[1], o->argv[2], S_ISDIR(st.st_mode) ? S_IFDIR | 0755 : S_IFREG | 0444, parents) < 0) return -1;
    }
    int target = open_in(o->argv[1], o->argv[2], O_PATH, 0);
    if (target < 0) return -1;
    int rc = move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    int saved = errno;
    close(target);
    errno = saved;
    return rc;
}
