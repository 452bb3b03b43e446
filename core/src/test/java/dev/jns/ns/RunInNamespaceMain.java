package dev.jns.ns;

import java.nio.file.Path;
import java.util.List;

/**
 * Calls {@code Namespace.run} in a fresh JVM, for tests that need the caller to be another
 * uid: joins the net namespace of process {@code args[0]} and prints what happened, then
 * whether any thread of this JVM was left outside its namespaces.
 */
public final class RunInNamespaceMain {
    public static void main(String[] args) throws Exception {
        try (Namespace net = Namespace.open(Path.of("/proc", args[0], "ns", "net"))) {
            System.out.println("result " + net.run(() -> "ran"));
        } catch (RuntimeException e) {
            System.out.println("failed " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        List<String> foreign = InNamespacesTest.threadsOutsideTheProcessNamespaces();
        System.out.println("foreign threads " + foreign.size());
    }
}
