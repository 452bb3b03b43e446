package dev.jns.cgroup;

import dev.jns.os.Errno;
import dev.jns.os.Signals;
import dev.jns.os.SyscallException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What v1 and v2 share in making, signalling and removing cgroup directories. */
final class Removal {
    private Removal() {}

    /** Removes the directories a failed create made, deepest first; what cannot go stays. */
    static void undo(List<Path> made) {
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                ControlFiles.rmdir(made.get(i));
            } catch (SyscallException ignored) {
                // the failure being reported matters more than this one
            }
        }
    }

    /**
     * A failed mkdir, said the way a person can act on: no permission means no root (v1 has
     * no delegation) or, on v2, no delegated subtree.
     */
    static RuntimeException explainDenied(SyscallException e, Path dir, int version) {
        if (e.errno() != Errno.EACCES && e.errno() != Errno.EPERM && e.errno() != Errno.EROFS) return e;
        String who = "uid " + uid();
        String why = version == 1
                ? "cgroup v1 has no delegation: only root may create cgroups (running as " + who + ")"
                : "the parent cgroup is not delegated to " + who + " (cgroup v2 lets an unprivileged user create "
                        + "cgroups only below one it owns, as systemd's Delegate=yes sets up)";
        return new CgroupException("cannot create cgroup " + dir + ": " + e.strerror() + ": " + why, e);
    }

    private static String uid() {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }

    /**
     * Sends {@code signal} to each pid; one that is already gone is no error. SIGKILL and SIGTERM
     * go through {@link ProcessHandle}, which needs no native linking (a cold start's cost).
     */
    static void signalEach(List<Long> pids, int signal) {
        long self = ProcessHandle.current().pid();
        for (long pid : pids) {
            if ((signal == Signals.SIGKILL || signal == Signals.SIGTERM) && pid != self) {
                ProcessHandle.of(pid).ifPresent(p -> {
                    if (signal == Signals.SIGKILL) p.destroyForcibly(); else p.destroy();
                });
                continue;
            }
            try {
                Signals.kill((int) pid, signal);
            } catch (SyscallException e) {
                if (e.errno() != Errno.ESRCH) throw e;
            }
        }
    }

    /** Freezes the cgroup (unless it is frozen already), signals every process in it, and thaws it again. */
    static void signalFrozen(Cgroup cgroup, int signal) {
        boolean wasFrozen = cgroup.frozen();
        if (!wasFrozen) cgroup.freeze();
        try {
            signalEach(cgroup.pids(), signal);
        } finally {
            if (!wasFrozen) cgroup.thaw();
        }
    }

    /**
     * Waits for the cgroup at {@code dir} to be empty, then removes the cgroups below it,
     * deepest first, and it. A directory already gone is fine.
     */
    static void removeTree(Path dir, Duration timeout, BooleanSupplier populated) {
        if (!Files.exists(dir)) return;
        long deadline = System.nanoTime() + timeout.toNanos();
        Waiting.until(() -> !populated.getAsBoolean(), timeout,
                () -> new SyscallException("rmdir", dir + " (processes still in it after " + Waiting.seconds(timeout) + ")", Errno.EBUSY));
        for (Path d : ControlFiles.descendants(dir)) rmdirWhenFree(d, deadline);
        rmdirWhenFree(dir, deadline);
    }

    /** rmdir, retried while the kernel still reports the last exited tasks (EBUSY) until the deadline. */
    private static void rmdirWhenFree(Path dir, long deadline) {
        while (true) {
            try {
                ControlFiles.rmdir(dir);
                return;
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOENT) return;
                if (e.errno() != Errno.EBUSY || System.nanoTime() - deadline > 0) throw e;
                Waiting.sleep(5);
            }
        }
    }

    /** Removes the parents a create made, deepest first, stopping at the first that holds other cgroups. */
    static void removeMadeParents(List<Path> parents) {
        for (int i = parents.size() - 1; i >= 0; i--) {
            try {
                ControlFiles.rmdir(parents.get(i));
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOENT) continue;
                if (e.errno() == Errno.EBUSY || e.errno() == Errno.ENOTEMPTY) return;
                throw e;
            }
        }
    }
}
