package dev.jns.cli;

import dev.jns.os.Errno;
import dev.jns.spawn.SpawnException;
import dev.jns.spec.Filesystem;
import dev.jns.spec.FsStep;
import dev.jns.spec.NewNamespaces;
import dev.jns.spec.UserNamespace;

/**
 * util-linux unshare's message and exit status for each setup step that can fail, so a
 * failed {@code jns unshare} reads like a failed {@code unshare}: 127 when the program is
 * not found, 126 when it cannot be executed, 1 for everything else. The step says what was
 * asked for, the failed call which part of it failed.
 */
final class UnshareErrors {
    static final int EXEC_NOT_FOUND = 127, EXEC_FAILED = 126;

    private UnshareErrors() {}

    /**
     * Whether the failure was a helper program's (newuidmap, newgidmap) own non-zero exit: it
     * has printed why, and util-linux then just exits 1 without a message of its own.
     */
    static boolean explainedByTheProgram(SpawnException e) {
        return e.call().equals("posix_spawn") && e.errno() == 0;
    }

    static CliException of(SpawnException e, UnshareOptions options) {
        String why = e.strerror(), detail = e.detail();
        return switch (e.call()) {
            case "execve" -> new CliException(e.errno() == Errno.ENOENT ? EXEC_NOT_FOUND : EXEC_FAILED,
                    "failed to execute " + options.command().getFirst() + ": " + why);
            case "posix_spawn" -> new CliException(e.errno() == Errno.ENOENT ? EXEC_NOT_FOUND : EXEC_FAILED,
                    "failed to execute " + detail.substring(detail.lastIndexOf('/') + 1) + ": " + why);
            case "clone3", "unshare" -> new CliException("unshare failed: " + why);
            case "mount" -> mountFailure(e);
            case "openat2" -> new CliException("cannot open " + detail + ": " + why);
            case "write" -> e.step() instanceof FsStep.BinfmtMisc ? new CliException("write failed " + detail + ": " + why)
                    : detail.endsWith("timens_offsets") ? new CliException("failed to write to /proc/self/timens_offsets: " + why)
                    : new CliException("write failed /proc/self/" + detail.substring(detail.lastIndexOf('/') + 1) + ": " + why);
            case "chroot" -> new CliException("cannot change root directory to '" + detail + "': " + why);
            case "chdir" -> new CliException("cannot change directory to " + detail + ": " + why);
            case "setgroups" -> new CliException("setgroups failed: " + why);
            case "setresgid" -> new CliException("setgid() failed: " + why);
            case "setresuid" -> e.step() instanceof UserNamespace ? new CliException(e.getMessage())
                    : new CliException("setuid() failed: " + why);
            default -> new CliException(e.getMessage());
        };
    }

    private static CliException mountFailure(SpawnException e) {
        String why = e.strerror();
        if (e.step() instanceof Filesystem) return new CliException("cannot change root filesystem propagation: " + why);
        if (e.step() instanceof NewNamespaces.Persistence) return new CliException("mount " + e.detail() + " failed: " + why);
        // The detail is "SOURCE on TARGET"; util-linux names the target.
        String target = e.detail().substring(e.detail().indexOf(" on ") + 4);
        return new CliException("mount " + target + " failed: " + why);
    }
}
