package dev.jns.cli;

import dev.jns.ns.NamespaceType;
import dev.jns.os.Signals;
import dev.jns.spawn.NamespacedProcessBuilder;
import dev.jns.spec.Clock;
import dev.jns.spec.IdMapWriter;
import dev.jns.spec.PidNamespaceEntry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The spawner settings that carry out an {@link UnshareOptions}: one builder call per
 * option, nothing decided here. Its {@code plan()} is what tests inspect without root.
 */
final class UnshareLaunch {
    private UnshareLaunch() {}

    static NamespacedProcessBuilder builder(UnshareOptions o) {
        NamespacedProcessBuilder b = new NamespacedProcessBuilder(o.command()).inheritIO();
        o.argv0().ifPresent(b::argv0);
        o.environment().ifPresent(env -> {
            b.environment().clear();
            b.environment().putAll(env);
        });
        b.newNamespaces(o.namespaces().toArray(NamespaceType[]::new));
        b.loopbackUp(false); // util-linux leaves a new network namespace as the kernel made it
        // Without --fork util-linux's program stays in the old pid namespace (its children enter the new one).
        b.pidNamespaceEntry(o.fork() ? PidNamespaceEntry.PROGRAM_IS_PID_1 : PidNamespaceEntry.CHILDREN_ENTER);
        // util-linux bind-mounts onto an existing file only
        o.persistAt().forEach((type, file) -> b.persist(type, Path.of(file), false));
        o.owner().ifPresent(owner -> b.owner(owner.uid(), owner.gid()));

        b.uidMap(o.uidMap()).gidMap(o.gidMap());
        b.uidMapWriter(o.uidMapViaShadowUtils() ? IdMapWriter.SHADOW_UTILS : IdMapWriter.PROC_FILES);
        b.gidMapWriter(o.gidMapViaShadowUtils() ? IdMapWriter.SHADOW_UTILS : IdMapWriter.PROC_FILES);
        o.setgroups().ifPresent(b::setgroups);
        b.propagation(o.propagation());
        o.procMount().ifPresent(dir -> b.mountProc(Path.of(dir)));
        o.binfmtMount().ifPresent(dir -> b.mountBinfmtMisc(Path.of(dir)));
        o.loadInterp().ifPresent(b::registerBinaryFormat);
        o.root().ifPresent(root -> b.root(Path.of(root)));
        o.workDir().ifPresent(dir -> b.directory(Path.of(dir)));
        o.monotonicOffset().ifPresent(s -> b.timeOffset(Clock.MONOTONIC, Duration.ofSeconds(s)));
        o.boottimeOffset().ifPresent(s -> b.timeOffset(Clock.BOOTTIME, Duration.ofSeconds(s)));

        // util-linux -G also drops the supplementary groups.
        o.setgid().ifPresent(gid -> b.groups(List.of()).gid(gid));
        o.setuid().ifPresent(b::uid);
        b.keepCapabilities(o.keepCaps());
        o.killChildSignal().ifPresent(b::parentDeathSignal);
        // A terminal's Ctrl-C reaches the program itself, through the process group: the
        // helper passes it on only when asked to forward what jns gets (--forward-signals).
        if (!o.forwardSignals()) b.ignoreSignals(List.of(Signals.SIGINT));
        return b;
    }
}
