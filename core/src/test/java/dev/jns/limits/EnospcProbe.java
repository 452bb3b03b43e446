package dev.jns.limits;

import dev.jns.ns.NamespaceType;
import dev.jns.os.Errno;
import dev.jns.os.SyscallException;
import dev.jns.sys.LibC;

import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates a namespace the way library code would, on a throwaway platform thread (the
 * new namespace dies with the thread), and explains an ENOSPC. Runs in the test JVM or,
 * as a program, inside a user namespace a test made: {@code EnospcProbe TYPE} prints the
 * explanation, or {@code created} when the kernel allowed it.
 */
final class EnospcProbe {
    private EnospcProbe() {}

    /** The failure of {@code unshare(type)} on a fresh platform thread, if it failed. */
    static Optional<SyscallException> unshareOnThrowawayThread(NamespaceType type) throws InterruptedException {
        AtomicReference<SyscallException> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                LibC.unshare(type.cloneFlag(), "CLONE_NEW" + type.name());
            } catch (SyscallException e) {
                failure.set(e);
            }
        });
        t.join();
        return Optional.ofNullable(failure.get());
    }

    /** The explanation of the ENOSPC that unsharing {@code type} gets, or a description of what happened instead. */
    static String probe(NamespaceType type) throws InterruptedException {
        Optional<SyscallException> failure = unshareOnThrowawayThread(type);
        if (failure.isEmpty()) return "created";
        if (failure.get().errno() != Errno.ENOSPC) return "failed otherwise: " + failure.get().getMessage();
        return NamespaceLimits.explainEnospc(EnumSet.of(type), failure.get()).getMessage();
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println(probe(NamespaceType.fromProcName(args[0]).orElseThrow()));
    }
}
