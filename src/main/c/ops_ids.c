/*
 * Ops on identity: setgroups and the uid/gid maps (written directly or by a newuidmap
 * program), the owner of the new namespaces, the credentials the target runs with, its
 * capabilities and no_new_privs.
 */
#include "helper.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's /proc directory: /proc/PID from the parent, /proc/self in the child itself. */
static void child_proc_file(char *path, size_t size, const char *name) {
    if (child_pid) snprintf(path, size, "/proc/%d/%s", child_pid, name);
    else snprintf(path, size, "/proc/self/%s", name);
}

int op_setgroups_file(struct op *o) {
    char path[64];
    child_proc_file(path, sizeof path, "setgroups");
    return write_file(path, o->argv[0]);
}

/* argv: TRIPLES... as "inside outside count" lines */
static int idmap_text(struct op *o, int first, char *buf, size_t size) {
    size_t n = 0;
    for (int i = first; i + 2 < o->argc; i += 3) {
        int w = snprintf(buf + n, size - n, "%s %s %s\n", o->argv[i], o->argv[i + 1], o->argv[i + 2]);
        if (w < 0 || (size_t)w >= size - n) {
            errno = E2BIG;
            return -1;
        }
        n += (size_t)w;
    }
    return 0;
}

/* argv: uid|gid TRIPLES... */
int op_idmap_file(struct op *o) {
    char path[64], name[16], text[4096];
    snprintf(name, sizeof name, "%s_map", o->argv[0]);
    child_proc_file(path, sizeof path, name);
    set_detail("%s", path);
    if (idmap_text(o, 1, text, sizeof text) < 0) return -1;
    return write_file(path, text);
}

/* argv: PROGRAM TRIPLES...; runs PROGRAM CHILD-PID TRIPLES... */
int op_idmap_program(struct op *o) {
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

int op_groups(struct op *o) {
    gid_t gids[256];
    if (o->argc > 256) {
        errno = E2BIG;
        return -1;
    }
    for (int i = 0; i < o->argc; i++) gids[i] = (gid_t)strtoul(o->argv[i], NULL, 10);
    set_detail("%d groups", o->argc);
    return setgroups((size_t)o->argc, gids);
}

int op_gid(struct op *o) {
    gid_t g = (gid_t)strtoul(o->argv[0], NULL, 10);
    set_detail("%s", o->argv[0]);
    return setresgid(g, g, g);
}

int op_uid(struct op *o) {
    uid_t u = (uid_t)strtoul(o->argv[0], NULL, 10);
    set_detail("%s", o->argv[0]);
    return setresuid(u, u, u);
}

/* The ids the helper had before op_owner, kept as its saved ids (see resume_starting_ids). */
static int became_owner;
static uid_t starting_uid;
static gid_t starting_gid;

/* argv: UID GID; the helper itself becomes UID, so the namespaces it creates are owned by UID */
int op_owner(struct op *o) {
    uid_t u = (uid_t)strtoul(o->argv[0], NULL, 10);
    gid_t g = (gid_t)strtoul(o->argv[1], NULL, 10);
    starting_uid = geteuid();
    starting_gid = getegid();
    set_detail("%s:%s", o->argv[0], o->argv[1]);
    /* The saved ids stay: the parent side takes them back after the clone. The child keeps
     * them only until its execve, which sets the saved ids to the effective ones. */
    if (setgroups(0, NULL) < 0 || setresgid(g, g, (gid_t)-1) < 0 || setresuid(u, u, (uid_t)-1) < 0) return -1;
    became_owner = 1;
    /* The id change made the helper undumpable, which gives its /proc files (and its child's,
     * where the maps are written) to root; as UID it must own them. */
    return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/*
 * After the clone the new namespaces belong to the owner; what the parent side still does
 * (writing the maps, bind-mounting for persistence) it does with the ids the helper started
 * with, as util-linux forks those writers before it changes ids.
 */
int resume_starting_ids(void) {
    if (!became_owner) return 0;
    set_detail("back to %u:%u for the parent side", (unsigned)starting_uid, (unsigned)starting_gid);
    return setresuid((uid_t)-1, starting_uid, (uid_t)-1) < 0 || setresgid((gid_t)-1, starting_gid, (gid_t)-1) < 0 ? -1 : 0;
}

int op_keepcaps(struct op *o) {
    (void)o;
    return prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
}

int op_ambient(struct op *o) {
    (void)o;
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data) < 0) return -1;
    data[0].inheritable = data[0].permitted;
    data[1].inheritable = data[1].permitted;
    if (syscall(SYS_capset, &hdr, data) < 0) return -1;
    for (int cap = 0; cap < 64; cap++) {
        if (!(data[cap / 32].permitted & (1u << (cap % 32)))) continue;
        set_detail("capability %d", cap);
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) return -1;
    }
    return 0;
}

int op_nnp(struct op *o) {
    (void)o;
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}
