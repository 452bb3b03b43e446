package dev.jns.spawn;

import dev.jns.helper.HelperLauncher;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.os.Errno;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.PlanCompiler;
import dev.jns.plan.PlannedOp;
import dev.jns.seccomp.SeccompNotifications;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.Supervision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts what a {@link LaunchSpec} describes: compiles the plan, has the native helper run it
 * with the caller's redirects, runs the before-exec steps while the program waits, and turns
 * a failed op into a {@link SpawnException}. {@link NamespacedProcessBuilder} is its friendly
 * front; the sandbox and the OCI runtime start their specs here too.
 */
public final class Spawner {
    private Spawner() {}

    /**
     * Starts a leashed program and returns once it runs (exec succeeded).
     *
     * @param stdio       the redirects the program gets (only they are read)
     * @param beforeExec  steps run from outside while it waits before exec (the spec must say waitForCaller)
     * @param keepHandles whether {@link NamespacedProcess#namespaces()} hands out handles on its new namespaces
     * @param spec the launch spec
     * @return the running program
     * @throws java.io.IOException if the helper could not be started
     */
    public static NamespacedProcess start(LaunchSpec spec, ProcessBuilder stdio, List<BeforeExec> beforeExec,
                                          boolean keepHandles) throws IOException {
        return start(spec, stdio, beforeExec, keepHandles, (pid, namespaces) -> {});
    }

    /**
     * Starts a leashed program and returns once it runs (exec succeeded); {@code afterClone}
     * runs as soon as the new process is made, if its user namespace is one the caller maps
     * ({@link dev.jns.spec.UserNamespace#mapsByCaller()}).
     *
     * @param spec        the launch spec
     * @param stdio       the redirects the program gets (only they are read)
     * @param beforeExec  steps run from outside while it waits before exec (the spec must say waitForCaller)
     * @param keepHandles whether {@link NamespacedProcess#namespaces()} hands out handles on its new namespaces
     * @param afterClone  the step run right after the clone while the caller is to write the maps
     * @return the running program
     * @throws java.io.IOException if the helper could not be started, or {@code afterClone} failed
     */
    public static NamespacedProcess start(LaunchSpec spec, ProcessBuilder stdio, List<BeforeExec> beforeExec,
                                          boolean keepHandles, AfterClone afterClone) throws IOException {
        return start(spec, stdio, beforeExec, keepHandles, afterClone, null);
    }

    /**
     * Starts a leashed program like {@link #start(LaunchSpec, ProcessBuilder, List, boolean, AfterClone)},
     * and hands the listener of its seccomp filter, if one notifies, to {@code handoff} the
     * moment the filter is installed, before exec: the caller can answer the calls the program
     * makes on its way to exec (the exec itself, say), which would otherwise wait for a listener
     * {@link NamespacedProcess#seccompNotifications()} gives out only once exec is done. The
     * listener is then not in {@link NamespacedProcess#seccompNotifications()}.
     *
     * @param spec        the launch spec
     * @param stdio       the redirects the program gets (only they are read)
     * @param beforeExec  steps run from outside while it waits before exec (the spec must say waitForCaller)
     * @param keepHandles whether {@link NamespacedProcess#namespaces()} hands out handles on its new namespaces
     * @param afterClone  the step run right after the clone while the caller is to write the maps
     * @param handoff     what takes the listener as soon as it is made, or null to find it in the started process
     * @return the running program
     * @throws java.io.IOException if the helper could not be started, or {@code afterClone} or {@code handoff} failed
     */
    public static NamespacedProcess start(LaunchSpec spec, ProcessBuilder stdio, List<BeforeExec> beforeExec,
                                          boolean keepHandles, AfterClone afterClone, ListenerHandoff handoff)
            throws IOException {
        if (!(spec.supervision() instanceof Supervision.Leashed)) {
            throw new IllegalArgumentException("a detached program is started by startDetached");
        }
        LaunchPlan plan = PlanCompiler.compile(spec);
        Map<NamespaceType, Namespace> handles = new EnumMap<>(NamespaceType.class);
        Releases releases = new Releases();
        HelperLauncher.Outcome outcome;
        try {
            outcome = HelperLauncher.launch(plan, stdio, (op, pid) -> {
                // the plan's wait right after the clone comes from the user namespace; the other, before exec
                if (plan.planned().get(op).from() instanceof dev.jns.spec.UserNamespace) cloned(spec, plan, pid, afterClone);
                else whileWaiting(spec, pid, handles, releases, List.copyOf(beforeExec), keepHandles);
            }, handoff == null ? null : (pid, fd) -> handOff(handoff, pid, fd));
        } catch (IOException | RuntimeException e) {
            handles.values().forEach(Namespace::close);
            releases.releaseInto(e);
            throw e;
        }
        // instanceof, not a pattern switch: a type switch bootstraps a hidden class a cold CLI pays for
        if (outcome instanceof HelperLauncher.Outcome.Started s) {
            return new NamespacedProcess(s.helper(), s.pid(), handles, s.connection(),
                    releases.isEmpty() ? () -> {} : releases::releaseQuietly, notifications(s.listeners()));
        }
        handles.values().forEach(Namespace::close);
        releases.releaseQuietly();
        throw failure(spec, plan, outcome);
    }

    /**
     * Starts a detached program (the spec's supervision is {@link Supervision.Detached}) and
     * returns its pid once it is set up; it then waits at its start fifo, if any, and outlives
     * this JVM.
     *
     * @param spec the launch spec
     * @param stdio the redirects the program gets (only they are read)
     * @return the program's pid
     * @throws java.io.IOException if the helper could not be started
     */
    public static long startDetached(LaunchSpec spec, ProcessBuilder stdio) throws IOException {
        // nobody asked for a listener: closed, its notified calls fail with ENOSYS
        return startDetached(spec, stdio, (pid, listener) -> listener.close());
    }

    /** What the caller does with the listener of a program's seccomp filter the moment it is made. */
    @FunctionalInterface
    public interface ListenerHandoff {
        /**
         * Takes the listener as soon as the filter is installed, before the program execs (and,
         * if detached, is left to itself): a call it makes meanwhile that the filter notifies
         * waits for an answer, so serve the listener from another thread.
         *
         * @param pid      the program's pid
         * @param listener the listener, this method's to close
         * @throws IOException to abort the launch
         */
        void handOff(long pid, SeccompNotifications listener) throws IOException;
    }

    /**
     * Starts a detached program like {@link #startDetached(LaunchSpec, ProcessBuilder)}, and
     * hands the listener of its seccomp filter, if one notifies, to {@code handoff} (the
     * filter is then installed before the program waits at its start fifo).
     *
     * @param spec    the launch spec
     * @param stdio   the redirects the program gets (only they are read)
     * @param handoff what takes the listener
     * @return the program's pid
     * @throws java.io.IOException if the helper could not be started, or {@code handoff} failed
     */
    public static long startDetached(LaunchSpec spec, ProcessBuilder stdio, ListenerHandoff handoff) throws IOException {
        return startDetached(spec, stdio, handoff, List.of());
    }

    /**
     * Starts a detached program like {@link #startDetached(LaunchSpec, ProcessBuilder, ListenerHandoff)},
     * running {@code beforeExec} from outside while it waits, set up, before it is left to
     * itself (the spec must say waitForCaller): moving it into a cgroup, say. What a step
     * returns is released at once: nothing here outlives the start.
     *
     * @param spec       the launch spec
     * @param stdio      the redirects the program gets (only they are read)
     * @param handoff    what takes the listener of its seccomp filter, if one notifies
     * @param beforeExec the steps, in order; the start fails, leaving nothing behind, if one throws
     * @return the program's pid
     * @throws java.io.IOException if the helper could not be started, or a step or {@code handoff} failed
     */
    public static long startDetached(LaunchSpec spec, ProcessBuilder stdio, ListenerHandoff handoff,
                                     List<BeforeExec> beforeExec) throws IOException {
        if (!(spec.supervision() instanceof Supervision.Detached detached)) throw new IllegalArgumentException("not a detached spec");
        LaunchPlan plan = PlanCompiler.compile(spec);
        HelperLauncher.Outcome outcome = HelperLauncher.launch(plan, stdio, (op, pid) -> {
            Releases releases = new Releases();
            try {
                whileWaiting(spec, pid, new EnumMap<>(NamespaceType.class), releases, List.copyOf(beforeExec), false);
            } finally {
                releases.releaseQuietly();
            }
        }, (pid, fd) -> handOff(handoff, pid, fd));
        if (!(outcome instanceof HelperLauncher.Outcome.Detached d)) throw failure(spec, plan, outcome);
        if (detached.pidFile().isPresent()) {
            try {
                writeAtomically(detached.pidFile().get(), Integer.toString(d.pid()));
            } catch (IOException e) {
                ProcessHandle.of(d.pid()).ifPresent(ProcessHandle::destroyForcibly); // nobody could find it otherwise
                throw e;
            }
        }
        return d.pid();
    }

    /** Hands a listener that just arrived over; closed if that fails. */
    private static void handOff(ListenerHandoff handoff, int pid, int fd) throws IOException {
        SeccompNotifications listener = SeccompNotifications.adopt(fd);
        try {
            handoff.handOff(pid, listener);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    /** The kernel lets a process have one filter with a listener (EBUSY for a second), so at most one. */
    private static Optional<SeccompNotifications> notifications(List<Integer> listeners) {
        return listeners.isEmpty() ? Optional.empty() : Optional.of(SeccompNotifications.adopt(listeners.getFirst()));
    }

    /** Writes a file whole or not at all: a reader never sees it half written. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temp, text);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static IOException failure(LaunchSpec spec, LaunchPlan plan, HelperLauncher.Outcome outcome) {
        if (!(outcome instanceof HelperLauncher.Outcome.Failed f)) {
            return new IOException("jns-helper protocol error: unexpected " + outcome);
        }
        if (f.opIndex() < 0) return new IOException("jns-helper protocol error: " + f.detail() + " (" + f.strerror() + ")");
        PlannedOp op = plan.planned().get(f.opIndex());
        return new SpawnException(f.opIndex(), op.op(), op.from(), f.errno(), Errno.name(f.errno()), f.strerror(), f.detail(),
                FailureExplainer.explain(spec, op.op(), f.errno()));
    }

    /**
     * Right after the clone, while the caller is to map the child's user namespace: its step,
     * with handles on the namespaces the clone made (those the child makes later are not there yet).
     */
    private static void cloned(LaunchSpec spec, LaunchPlan plan, int pid, AfterClone step) throws IOException {
        Map<NamespaceType, Namespace> handles = new EnumMap<>(NamespaceType.class);
        try {
            for (NamespaceType t : spec.create().types()) {
                if ((plan.cloneOp().namespaceFlags() & t.cloneFlag()) == 0) continue;
                handles.put(t, Namespace.open(Path.of("/proc", Integer.toString(pid), "ns", t.procName()), t));
            }
            step.run(pid, Collections.unmodifiableMap(handles));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IOException("after-clone step failed: " + e.getMessage(), e);
        } finally {
            handles.values().forEach(Namespace::close);
        }
    }

    /**
     * While the child waits before exec: opens its new namespaces (surely its own at this
     * point), runs the before-exec steps, and keeps the handles only if the caller asked.
     */
    private static void whileWaiting(LaunchSpec spec, int pid, Map<NamespaceType, Namespace> handles, Releases releases,
                                     List<BeforeExec> beforeExec, boolean keepHandles) throws IOException {
        for (NamespaceType t : spec.create().types()) {
            Path file = Path.of("/proc", Integer.toString(pid), "ns", PlanCompiler.namespaceFileBeforeExec(spec, t));
            handles.put(t, Namespace.open(file, t));
        }
        Map<NamespaceType, Namespace> view = Collections.unmodifiableMap(handles);
        for (BeforeExec step : beforeExec) {
            try {
                releases.add(step.run(pid, view));
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw new IOException("before-exec step failed: " + e.getMessage(), e);
            }
        }
        if (!keepHandles) {
            handles.values().forEach(Namespace::close);
            handles.clear();
        }
    }

    /** What before-exec steps left to release when the program ends, released last first. */
    private static final class Releases {
        private final List<AutoCloseable> pending = new ArrayList<>();

        synchronized void add(AutoCloseable c) {
            if (c != null) pending.add(c);
        }

        synchronized boolean isEmpty() { return pending.isEmpty(); }

        /** Releases everything, adding any failure to {@code failure} as suppressed; later calls find nothing left. */
        synchronized void releaseInto(Throwable failure) {
            for (AutoCloseable c : pending.reversed()) {
                try {
                    c.close();
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
            }
            pending.clear();
        }

        /** Releases everything, ignoring failures. */
        void releaseQuietly() {
            releaseInto(new Exception("ignored"));
        }
    }
}
