package dev.jns.plan;

/**
 * The helper's op table: every low-level op the native helper can execute, in the order of
 * the table in {@code src/main/c/helper.h} ({@code JNS_OP_TABLE}). The wire form of an op is
 * its ordinal here, so Java and C must agree; {@code OpTableTest} fails when they do not.
 * Adding an op means a line in both places, a record in {@link Op}, and a C function.
 */
public enum OpCode {
    FORWARD_SIGNALS("sigprocmask"), BLOCK_SIGNALS("sigprocmask"), BECOME_SUBREAPER("PR_SET_CHILD_SUBREAPER"),
    BECOME_OWNER("setresuid"), CLONE("clone3"), UNSHARE("unshare"), UNSHARE_REFUSED("unshare-refused"),
    OPEN("openat2"), OPEN_PIDFD("pidfd_open"), RECEIVE("read"), RECEIVE_FDS("recvmsg"), SETNS("setns"), WRITE("write"),
    WRITE_FILE("write"), RUN_FOR_CHILD("posix_spawn"),
    MOUNT("mount"), BIND("bind-mount"), MOUNT_AT("fsmount"), BIND_AT("bind-mount"), MOUNT_SETATTR("mount_setattr"), UNMOUNT("umount2"), MKDIR("mkdir"),
    CREATE_FILE("open"), MKNOD("mknod"), SYMLINK("symlink"), CHMOD("chmod"), COPY_FILE("copy"), ACCESS("faccessat2"),
    PIVOT_ROOT("pivot_root"), CHROOT("chroot"), CHDIR("chdir"), FCHDIR("fchdir"),
    SETHOSTNAME("sethostname"), SETDOMAINNAME("setdomainname"), LINK_UP("SIOCSIFFLAGS"),
    SETGROUPS("setgroups"), SETGID("setresgid"), SETUID("setresuid"), KEEP_CAPS("PR_SET_KEEPCAPS"),
    SET_CAPS("capset"), AMBIENT_FROM_PERMITTED("PR_CAP_AMBIENT_RAISE"), NO_NEW_PRIVS("PR_SET_NO_NEW_PRIVS"),
    SETSID("setsid"), UMASK("umask"), READ_BYTE("read"), RLIMIT("setrlimit"), SECCOMP("seccomp"), DUP("dup3"), SETENV("setenv"),
    LOCK_FILE("fcntl"), FORK_REAPER("fork"), AWAIT_CALLER("await-caller"), DETACH("detach"), DEATH_SIGNAL("PR_SET_PDEATHSIG"), EXEC("execve"),
    IDMAP_TREE("mount_setattr"), ATTACH_TREE("move_mount"), CLOSE("close"), USERNS_WITH_MAPS("user namespace");

    private final String call;

    OpCode(String call) { this.call = call; }

    /** The system call (or step) an error names, e.g. {@code sethostname}. */
    public String call() { return call; }
}
