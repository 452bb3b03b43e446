package dev.jns.net;

import dev.jns.mount.Propagation;
import dev.jns.ns.NamespaceType;
import dev.jns.spawn.NamespacedProcessBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ip netns exec NAME cmd...} sets up, as a process builder: join the named
 * network namespace, a new mount namespace that is a slave of the JVM's (nothing mounted
 * inside propagates back), a {@code sysfs} for the namespace on {@code /sys}, and every
 * file or directory of {@code /etc/netns/NAME} bind-mounted over its twin in {@code /etc}
 * (resolv.conf, hosts, ...).
 *
 * <p>As ip does, the copy of the caller's {@code /sys} (with its submounts) is detached
 * before the fresh one is mounted, so mountinfo inside shows only the new one.
 */
public final class NetnsExec {
    /** Where {@code ip netns exec} finds per-namespace files: {@code /etc/netns/NAME/}. */
    public static final Path ETC_NETNS = Path.of("/etc/netns");
    private static final Path ETC = Path.of("/etc");

    /**
     * What {@link #prepare} made: a builder to start, and what it will mount.
     *
     * @param builder    the builder, joined to the namespace with the mounts set; add to it and start it
     * @param bindMounts the {@code /etc/netns/NAME/x -> /etc/x} pairs that will be mounted
     * @param skipped    entries whose {@code /etc} twin does not exist: ip warns about them and goes on
     */
    public record Setup(NamespacedProcessBuilder builder, List<Path[]> bindMounts, List<String> skipped) {}

    private NetnsExec() {}

    /**
     * The setup for {@code command} inside the named namespace, reading {@code /etc/netns/NAME}.
     *
     * @param name the name
     * @param command the program and its arguments
     * @return the builder and what it will mount
     */
    public static Setup prepare(String name, List<String> command) {
        return prepare(name, command, ETC_NETNS.resolve(name), ETC);
    }

    static Setup prepare(String name, List<String> command, Path etcNetnsDir, Path etc) {
        Path nsFile = NetnsDirectory.path(name);
        NamespacedProcessBuilder b = new NamespacedProcessBuilder(command)
                .joinNamespace(nsFile, NamespaceType.NET)
                .newNamespaces(NamespaceType.MNT)
                .propagation(Propagation.SLAVE)
                .unmount(Path.of("/sys"), true)
                .mount(name, Path.of("/sys"), "sysfs", 0, null);
        List<Path[]> binds = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path entry : entries(etcNetnsDir)) {
            Path twin = etc.resolve(entry.getFileName().toString());
            if (Files.exists(twin)) {
                b.bindMount(entry, twin, false);
                binds.add(new Path[] {entry, twin});
            } else {
                skipped.add("Bind " + entry + " -> " + twin + " failed: No such file or directory");
            }
        }
        return new Setup(b, List.copyOf(binds), List.copyOf(skipped));
    }

    private static List<Path> entries(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) out.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
