package dev.jns.net;

import dev.jns.ns.NamespaceType;
import dev.jns.sys.LibC;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs code inside a brand-new network namespace, on a platform thread of its own that
 * does {@code unshare(CLONE_NEWNET)} and then ends. Network namespaces are per OS thread
 * and this thread never comes back from the new one, so it is never reused; the namespace
 * lives on only if the code pins it (a bind mount, an open fd, a socket).
 * ({@link dev.jns.ns.Namespace#run} is the way into an existing namespace.)
 */
final class NewNetnsThread {
    private NewNetnsThread() {}

    static <T> T call(Callable<T> body) {
        FutureTask<T> task = new FutureTask<>(() -> {
            LibC.unshare(NamespaceType.NET.cloneFlag(), "CLONE_NEWNET");
            return body.call();
        });
        Thread t = Thread.ofPlatform().name("jns-new-netns").start(task);
        // Wait it out even when interrupted: the caller must know whether the work was done.
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        try {
            return task.get();
        } catch (InterruptedException e) {
            throw new IllegalStateException("a finished task cannot be interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c.getMessage(), c);
        }
    }
}
