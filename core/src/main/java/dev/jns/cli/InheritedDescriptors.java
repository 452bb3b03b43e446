package dev.jns.cli;

import dev.jns.spawn.NamespacedProcessBuilder;

/**
 * The descriptors beyond 0, 1 and 2 that the {@code jns} command inherited from its caller
 * (the launcher lists them before the JVM opens files of its own, in the system property
 * {@code jns.inheritedFds}). util-linux's unshare and nsenter and ip's netns exec hand them
 * all to the program, at the same numbers; so do the commands here.
 */
final class InheritedDescriptors {
    private InheritedDescriptors() {}

    /** Hands every inherited descriptor to the program at its own number. */
    static NamespacedProcessBuilder handTo(NamespacedProcessBuilder b) {
        String list = System.getProperty("jns.inheritedFds", "");
        if (list.isEmpty()) return b;
        for (String fd : list.split(",")) {
            int n = Integer.parseInt(fd);
            b.inheritFd(n, n);
        }
        return b;
    }
}
