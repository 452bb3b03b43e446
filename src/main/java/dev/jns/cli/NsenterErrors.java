package dev.jns.cli;

import dev.jns.ns.NamespaceType;
import dev.jns.plan.Op;
import dev.jns.spawn.SpawnException;
import dev.jns.sys.Errno;

/**
 * util-linux nsenter's message and exit status for each step that can fail once the helper
 * runs: 127 when the program is not found, 126 when it cannot be executed, 1 otherwise.
 */
final class NsenterErrors {
    static final int EXEC_NOT_FOUND = 127, EXEC_FAILED = 126;

    private NsenterErrors() {}

    static CliException of(SpawnException e, String program) {
        String why = e.strerror();
        String detail = e.detail();
        return switch (e.op()) {
            case Op.Exec x -> new CliException(e.errno() == Errno.ENOENT ? EXEC_NOT_FOUND : EXEC_FAILED,
                    "failed to execute " + program + ": " + why);
            case Op.EnterNamespaces enter -> enterFailure(enter, detail, why);
            case Op.PinDirectories p -> new CliException("cannot open " + detail + ": " + why);
            case Op.PinPidNamespace p -> new CliException("cannot open " + p.nsFile() + ": " + why);
            case Op.JoinPinnedPidNamespace j -> new CliException("reassociate to namespace 'ns/pid' failed: " + why);
            case Op.EnterPinnedDirectories d -> new CliException(detail.equals("root directory")
                    ? "chroot failed: " + why
                    : "change directory by working directory file descriptor failed: " + why);
            case Op.ChangeDirectory d -> new CliException("cannot open current working directory: " + why);
            case Op.SetGroups g -> new CliException("setgroups failed: " + why);
            case Op.DropGroupsAfterJoining g -> new CliException("setgroups failed: " + why);
            case Op.SetGid g -> new CliException("setgid() failed: " + why);
            case Op.SetUid u -> new CliException("setuid() failed: " + why);
            default -> new CliException(e.getMessage());
        };
    }

    /** The helper names what it was on: "open PATH", "pidfd_open PID", "pid PID" or a file's PATH. */
    private static CliException enterFailure(Op.EnterNamespaces enter, String detail, String why) {
        if (detail.startsWith("open ")) return new CliException("cannot open " + detail.substring(5) + ": " + why);
        if (detail.startsWith("pidfd_open ")) {
            return new CliException("failed to obtain a valid file descriptor for PID " + detail.substring(11) + ": " + why);
        }
        if (detail.startsWith("pid ")) return new CliException("reassociate to namespaces failed: " + why);
        for (Op.JoinNamespace f : enter.files()) {
            if (f.nsFile().equals(detail)) {
                String type = NamespaceType.fromCloneFlag(f.cloneFlag()).map(NamespaceType::procName).orElse("?");
                return new CliException("reassociate to namespace 'ns/" + type + "' failed: " + why);
            }
        }
        return new CliException("reassociate to namespaces failed: " + why);
    }
}
