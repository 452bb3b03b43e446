// Story 5 of SCENARIOS.md: a library user enters a container's mount namespace to read a file.
//
// The "container" here is a process in a mount namespace of its own, with its own
// /etc/os-release bound over the host's. Namespace.of(pid, MNT).run(...) runs Java code on a
// thread inside that namespace, so the path resolves in the container's mount table; the
// rest of the JVM stays where it is. Running code inside a user (or time) namespace is
// refused at once, with the reason and the alternative. Needs root to enter another mount
// namespace.

import dev.jns.ns.Namespace;
import dev.jns.spawn.NamespacedProcessBuilder;

import static dev.jns.ns.NamespaceType.*;

void main() throws Exception {
    Path osRelease = Files.createTempFile("os-release", "");
    Files.writeString(osRelease, "PRETTY_NAME=\"jns example container\"\n");
    Process container = new NamespacedProcessBuilder("sleep", "600")
            .newNamespaces(MNT)
            .bindMount(osRelease, Path.of("/etc/os-release"), true)
            .start();
    try (Namespace mnt = Namespace.of((int) container.pid(), MNT)) {
        String inside = mnt.run(() -> Files.readString(Path.of("/etc/os-release")));
        IO.print("the container's /etc/os-release: " + inside);
        IO.println("the host's is another: " + !inside.equals(Files.readString(Path.of("/etc/os-release"))));
    } finally {
        container.destroy();
        container.waitFor();
        Files.delete(osRelease);
    }

    try (Namespace user = Namespace.of((int) ProcessHandle.current().pid(), USER)) {
        user.run(() -> "never runs");
    } catch (IllegalArgumentException refused) {
        IO.println("run in a user namespace: " + refused.getMessage());
    }
}
