package dev.jns.cli;

import dev.jns.plan.Op;
import dev.jns.spawn.SpawnException;
import dev.jns.sys.Errno;

/**
 * util-linux unshare's message and exit status for each setup step that can fail, so a
 * failed {@code jns unshare} reads like a failed {@code unshare}: 127 when the program is
 * not found, 126 when it cannot be executed, 1 for everything else.
 */
final class UnshareErrors {
    static final int EXEC_NOT_FOUND = 127, EXEC_FAILED = 126;

    private UnshareErrors() {}

    /**
     * Whether the failure was a helper program's (newuidmap, newgidmap) own non-zero exit: it
     * has printed why, and util-linux then just exits 1 without a message of its own.
     */
    static boolean explainedByTheProgram(SpawnException e) {
        return e.op() instanceof Op.RunIdMapProgram && e.errno() == 0;
    }

    static CliException of(SpawnException e, UnshareOptions options) {
        String why = e.strerror();
        return switch (e.op()) {
            case Op.Exec exec -> new CliException(e.errno() == Errno.ENOENT ? EXEC_NOT_FOUND : EXEC_FAILED,
                    "failed to execute " + options.command().getFirst() + ": " + why);
            case Op.Clone c -> new CliException("unshare failed: " + why);
            case Op.Unshare u -> new CliException("unshare failed: " + why);
            case Op.SetPropagation p -> new CliException("cannot change root filesystem propagation: " + why);
            case Op.Mount m -> new CliException("mount " + m.target() + " failed: " + why);
            case Op.RegisterBinaryFormat r -> new CliException(e.detail() + ": " + why);
            case Op.ChangeRoot r -> new CliException("cannot change root directory to '" + r.path() + "': " + why);
            case Op.ChangeDirectory d -> new CliException("cannot change directory to " + d.path() + ": " + why);
            case Op.SetTimeOffsets t -> new CliException("failed to write to /proc/self/timens_offsets: " + why);
            case Op.WriteSetgroups s -> new CliException("write failed /proc/self/setgroups: " + why);
            case Op.WriteIdMap m -> new CliException("write failed /proc/self/" + m.name() + ": " + why);
            case Op.SetGroups g -> new CliException("setgroups failed: " + why);
            case Op.SetGid g -> new CliException("setgid() failed: " + why);
            case Op.SetUid u -> new CliException("setuid() failed: " + why);
            case Op.PersistNamespace n -> new CliException("mount " + e.detail() + " failed: " + why);
            case Op.RunIdMapProgram p -> new CliException(e.errno() == Errno.ENOENT ? EXEC_NOT_FOUND : EXEC_FAILED,
                    "failed to execute " + p.name() + ": " + why);
            default -> new CliException(e.getMessage());
        };
    }
}
