package dev.jns.spawn;

import dev.jns.helper.HelperConnection;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.seccomp.SeccompNotifications;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A program started by {@link NamespacedProcessBuilder}. Behind it runs jns's native helper,
 * which supervises the program: it passes the program's streams straight through, forwards
 * signals to it ({@link #destroy()} reaches the program as SIGTERM), and ends with the
 * program's own status, re-raising a fatal signal so {@link #exitValue()} is 128+N as for
 * any killed process. If the helper dies ({@link #destroyForcibly()}, or this JVM dies), the
 * program gets its parent-death signal (SIGKILL by default).
 *
 * <p>What the builder's {@link BeforeExec} steps left running (slirp4netns, say) is released
 * once the program has ended, before {@link #waitFor()} returns.
 *
 * <p>{@link #pid()} is the program's pid as this JVM sees it. {@link #toHandle()} is not
 * supported: the program is not this JVM's child, and the helper is an implementation detail.
 */
public final class NamespacedProcess extends Process {
    private final Process helper;
    private final long pid;
    private final Map<NamespaceType, Namespace> namespaces;
    private final HelperConnection connection;
    private final Runnable afterExit;
    private final Optional<SeccompNotifications> notifications;

    /**
     * @param afterExit releases what the builder's before-exec steps left (idempotent); run once
     *                  the helper has exited, before {@link #waitFor()} returns
     * @param notifications the listener of its seccomp filter, if one notifies
     */
    NamespacedProcess(Process helper, long pid, Map<NamespaceType, Namespace> namespaces, HelperConnection connection,
                      Runnable afterExit, Optional<SeccompNotifications> notifications) {
        this.notifications = notifications;
        this.helper = helper;
        this.pid = pid;
        this.namespaces = Map.copyOf(namespaces);
        this.connection = connection;
        this.afterExit = afterExit;
        // Also for a caller that never waits: the pipes close, the steps' leftovers go.
        helper.onExit().thenRun(() -> {
            connection.lastWords();
            afterExit.run();
        });
    }

    /**
     * Waits for the program to end and says how: an exit status, or the signal that killed
     * it. When the supervising helper itself was killed ({@link #destroyForcibly()}), the
     * program got its parent-death signal and this reports the helper's death.
     *
     * @return how it ended
     * @throws java.lang.InterruptedException if the calling thread is interrupted while waiting
     */
    public Termination termination() throws InterruptedException {
        int value = waitFor();
        return connection.lastWords()
                .map(e -> e.siCode() == HelperConnection.Ended.CLD_EXITED ? (Termination) new Termination.Exited(e.status())
                        : new Termination.Killed(e.status(), e.siCode() == HelperConnection.Ended.CLD_DUMPED))
                .orElseGet(() -> value > 128 ? new Termination.Killed(value - 128, false) : new Termination.Exited(value));
    }

    /** The program's pid in this JVM's pid namespace. */
    @Override
    public long pid() { return pid; }

    /**
     * Handles on the program's new namespaces, opened before it ran; empty unless
     * {@link NamespacedProcessBuilder#openNamespaceHandles(boolean)} asked for them. The
     * caller owns them and must close them.
     *
     * @return the handles, by type
     */
    public Map<NamespaceType, Namespace> namespaces() { return namespaces; }

    /**
     * The listener of the program's seccomp filter, present when a filter uses
     * {@link dev.jns.seccomp.SeccompAction#NOTIFY} (it was installed with
     * {@code SECCOMP_FILTER_FLAG_NEW_LISTENER}; the program itself does not hold it). Its
     * notified calls wait until they are answered through it. The caller owns it and must
     * close it. A call the helper makes between installing the filter and the program's
     * exec (the exec itself, say) waits too, and makes {@code start()} wait with it: for such
     * a filter take the listener before exec ({@code Sandbox.seccompListener}).
     *
     * @return the listener, or empty
     */
    public Optional<SeccompNotifications> seccompNotifications() { return notifications; }

    @Override public OutputStream getOutputStream() { return helper.getOutputStream(); }
    @Override public InputStream getInputStream() { return helper.getInputStream(); }
    @Override public InputStream getErrorStream() { return helper.getErrorStream(); }
    @Override public int waitFor() throws InterruptedException {
        int value = helper.waitFor();
        afterExit.run();
        return value;
    }

    @Override public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        if (!helper.waitFor(timeout, unit)) return false;
        afterExit.run();
        return true;
    }
    @Override public int exitValue() { return helper.exitValue(); }
    @Override public boolean isAlive() { return helper.isAlive(); }

    /**
     * Sends SIGTERM, which the helper forwards to the program. A program that is PID 1 of a
     * new pid namespace is immune to signals it has no handler for (a kernel rule), so a
     * plain {@code sleep} there ignores this; {@link #destroyForcibly()} always works.
     */
    @Override public void destroy() { helper.destroy(); }

    /** Kills the helper; the program then gets its parent-death signal. */
    @Override public Process destroyForcibly() {
        helper.destroyForcibly();
        return this;
    }

    @Override public boolean supportsNormalTermination() { return true; }

    @Override public CompletableFuture<Process> onExit() {
        return helper.onExit().thenApply(h -> {
            afterExit.run();
            return this;
        });
    }

    @Override public String toString() {
        return "NamespacedProcess[pid=" + pid + ", helper=" + helper.pid() + "]";
    }
}
