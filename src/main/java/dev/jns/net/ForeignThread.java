package dev.jns.net;

import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.sys.LibC;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs code on a fresh platform thread that first changes its network namespace and then
 * ends. Network namespaces are per OS thread; a dedicated thread that dies afterwards is
 * the only kind that can never hand a foreign namespace back to a pool. What the code
 * creates there (a socket, a bind mount of the new namespace) keeps working after the
 * thread is gone.
 */
final class ForeignThread {
    private ForeignThread() {}

    /** Runs {@code body} inside the given network namespace. */
    static <T> T callIn(Namespace netns, Callable<T> body) {
        int fd = netns.fd();
        return callOnFreshThread(() -> {
            LibC.setns(fd, NamespaceType.NET.cloneFlag(), "network namespace " + netns);
            return body.call();
        });
    }

    /** Runs {@code body} inside a new, empty network namespace, which lives on only if the body pins it. */
    static <T> T callInNewNamespace(Callable<T> body) {
        return callOnFreshThread(() -> {
            LibC.unshare(NamespaceType.NET.cloneFlag(), "CLONE_NEWNET");
            return body.call();
        });
    }

    private static <T> T callOnFreshThread(Callable<T> body) {
        FutureTask<T> task = new FutureTask<>(body);
        Thread t = Thread.ofPlatform().name("jns-netns").start(task);
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
            throw new IllegalStateException("unreachable: the task is done", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c.getMessage(), c);
        }
    }
}
