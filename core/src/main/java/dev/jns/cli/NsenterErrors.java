package dev.jns.cli;

import dev.jns.os.Errno;
import dev.jns.spawn.SpawnException;
import dev.jns.spec.Joins;

/**
 * util-linux nsenter's message and exit status for each step that can fail once the helper
 * runs: 127 when the program is not found, 126 when it cannot be executed, 1 otherwise.
 */
final class NsenterErrors {
    static final int EXEC_NOT_FOUND = 127, EXEC_FAILED = 126;

    private NsenterErrors() {}

    static CliException of(SpawnException e, String program) {
        String why = e.strerror();
        boolean root = e.step() instanceof Joins.PinnedRoot, workDir = e.step() instanceof Joins.PinnedWorkingDirectory;
        if (e.step() instanceof Joins.JoinedCgroup) {
            return new CliException((e.call().equals("openat2") ? "failed to open cgroup.procs: " : "write cgroup.procs failed: ") + why);
        }
        return switch (e.call()) {
            case "execve" -> new CliException(e.errno() == Errno.ENOENT ? EXEC_NOT_FOUND : EXEC_FAILED,
                    "failed to execute " + program + ": " + why);
            case "setns" -> new CliException(setnsFailure(e) + why);
            case "pidfd_open" -> new CliException("failed to obtain a valid file descriptor for PID " + e.detail() + ": " + why);
            case "openat2" -> new CliException(workDir && e.detail().equals(".") ? "cannot open current working directory: " + why
                    : "cannot open " + e.detail() + ": " + why);
            case "fchdir" -> new CliException(root ? "change directory by root file descriptor failed: " + why
                    : "change directory by working directory file descriptor failed: " + why);
            case "chroot" -> new CliException("chroot failed: " + why);
            case "chdir" -> new CliException(root ? "cannot change directory to /: " + why
                    : "cannot open current working directory: " + why);
            case "setgroups" -> new CliException("setgroups failed: " + why);
            case "setresgid" -> new CliException("setgid() failed: " + why);
            case "setresuid" -> new CliException("setuid() failed: " + why);
            default -> new CliException(e.getMessage());
        };
    }

    /** Through the target's pidfd nsenter names no namespace; through a file it names the file's type. */
    private static String setnsFailure(SpawnException e) {
        if (e.step() instanceof Joins.JoinedFile f) return "reassociate to namespace 'ns/" + f.type().procName() + "' failed: ";
        if (e.step() instanceof Joins) return "reassociate to namespace 'ns/pid' failed: ";
        return "reassociate to namespaces failed: ";
    }
}
