package dev.jns.junit;

import dev.jns.os.Signals;
import dev.jns.os.SyscallException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Processes still in a test's network namespaces when it ends: a sandbox the test started,
 * a server it forgot. Each would keep its namespace (and the links in it) alive after the
 * handles close, so teardown kills them and waits until they are gone.
 *
 * <p>Reading a process's namespace link costs several microseconds, a whole {@code /proc}
 * about a millisecond: more than the rest of a test's network. Only a process made after the
 * namespaces can be in them (the JVM's own threads aside), and the kernel hands out pids in
 * increasing order until they wrap, so only pids above the last one at the start are read.
 *
 * @param lastPidBefore the last pid the kernel gave out before the namespaces were made
 */
record LeftoverProcesses(long lastPidBefore) {
    private static final long GRACE_MILLIS = 5_000;

    /** Marks now: processes made after this are the candidates. */
    static LeftoverProcesses since() {
        return new LeftoverProcesses(lastPid());
    }

    /** Kills every process made since the mark whose network namespace is one of {@code namespaces} ("net:[N]"). */
    void kill(Collection<String> namespaces) {
        long deadline = System.currentTimeMillis() + GRACE_MILLIS;
        boolean interrupted = Thread.interrupted(); // a timed-out test's interrupt must not cut the teardown short
        List<Long> left = in(namespaces);
        while (!left.isEmpty()) {
            for (long pid : left) {
                try {
                    Signals.kill((int) pid, Signals.SIGKILL);
                } catch (SyscallException gone) {
                    // exited between the scan and the signal
                }
            }
            if (System.currentTimeMillis() > deadline) {
                if (interrupted) Thread.currentThread().interrupt();
                throw new IllegalStateException("processes " + left + " in the test's network outlived SIGKILL for "
                        + GRACE_MILLIS + " ms");
            }
            interrupted |= pause();
            left = in(namespaces);
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * Live processes in those namespaces, this JVM aside (its threads run tests inside, its
     * main thread never). A zombie holds no network namespace, so it is not listed.
     */
    private List<Long> in(Collection<String> namespaces) {
        List<Long> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        long floor = lastPid() >= lastPidBefore ? lastPidBefore : 0; // wrapped: read them all
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isPid(p.getFileName().toString()))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid <= floor || pid == self) continue;
                try {
                    if (namespaces.contains(Files.readSymbolicLink(proc.resolve("ns/net")).toString())) found.add(pid);
                } catch (IOException gone) {
                    // exited, or a zombie
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("listing /proc: " + e.getMessage(), e);
        }
        return found;
    }

    /** The fifth field of {@code /proc/loadavg}: the last pid given out in our pid namespace. */
    private static long lastPid() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return Long.parseLong(f[4]);
        } catch (IOException | RuntimeException e) {
            return 0; // unreadable: read every process
        }
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /** Waits a moment for the kills to land; true if interrupted meanwhile. */
    private static boolean pause() {
        try {
            Thread.sleep(5);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }
}
