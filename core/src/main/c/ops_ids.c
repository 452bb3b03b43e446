/*
 * Ops on identity: the owner of the new namespaces, the credentials the target runs with,
 * its capabilities, no_new_privs, its session and its resource limits.
 */
#include "helper.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

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

int op_ambient_from_permitted(struct op *o) {
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

/* argv: BOUNDING EFFECTIVE PERMITTED INHERITABLE AMBIENT, 64-bit masks */
int op_set_caps(struct op *o) {
    uint64_t set[5];
    for (int i = 0; i < 5; i++) set[i] = strtoull(o->argv[i], NULL, 0);
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct data[2];
    /* Dropping from the bounding set takes CAP_SETPCAP in the effective set, which a change
     * of uid emptied: make every permitted capability effective first. */
    set_detail("raise the permitted capabilities");
    if (syscall(SYS_capget, &hdr, data) < 0) return -1;
    data[0].effective = data[0].permitted;
    data[1].effective = data[1].permitted;
    if (syscall(SYS_capset, &hdr, data) < 0) return -1;
    for (int cap = 0; cap < 64; cap++) {
        if (set[0] & (1ULL << cap)) continue;
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) <= 0) continue; /* unknown to this kernel, or gone already */
        set_detail("drop capability %d from the bounding set", cap);
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) return -1;
    }
    for (int i = 0; i < 2; i++) {
        data[i].effective = (uint32_t)(set[1] >> (32 * i));
        data[i].permitted = (uint32_t)(set[2] >> (32 * i));
        data[i].inheritable = (uint32_t)(set[3] >> (32 * i));
    }
    set_detail("effective 0x%llx permitted 0x%llx inheritable 0x%llx", (unsigned long long)set[1],
               (unsigned long long)set[2], (unsigned long long)set[3]);
    if (syscall(SYS_capset, &hdr, data) < 0) return -1;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) return -1;
    for (int cap = 0; cap < 64; cap++) {
        if (!(set[4] & (1ULL << cap))) continue;
        set_detail("raise ambient capability %d", cap);
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) return -1;
    }
    return 0;
}

int op_nnp(struct op *o) {
    (void)o;
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int op_setsid(struct op *o) {
    (void)o;
    return setsid() < 0 ? -1 : 0;
}

/* argv: MASK (octal); umask cannot fail */
int op_umask(struct op *o) {
    set_detail("%s", o->argv[0]);
    umask((mode_t)strtoul(o->argv[0], NULL, 8));
    return 0;
}

/* argv: RESOURCE SOFT HARD (-1: unlimited) */
int op_rlimit(struct op *o) {
    long long soft = strtoll(o->argv[1], NULL, 10), hard = strtoll(o->argv[2], NULL, 10);
    struct rlimit r = {soft < 0 ? RLIM_INFINITY : (rlim_t)soft, hard < 0 ? RLIM_INFINITY : (rlim_t)hard};
    set_detail("resource %s", o->argv[0]);
    return setrlimit(atoi(o->argv[0]), &r);
}
