package dev.jns.ns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A running process whose namespaces are to be joined, as nsenter's {@code --target} names
 * it: what of it a joiner needs to know, read from {@code /proc/PID} (no FFM).
 *
 * @param pid the process id
 */
public record TargetProcess(int pid) {

    private Path file(String name) {
        return Path.of("/proc", Integer.toString(pid), name);
    }

    /**
     * The namespaces "all" means for this process (nsenter's {@code -a}): every type this
     * kernel has, except a user namespace that is the caller's own (the kernel refuses to
     * re-enter it).
     *
     * @return the types
     * @throws IOException if the process's user namespace cannot be looked at
     */
    public Set<NamespaceType> allJoinable() throws IOException {
        Set<NamespaceType> types = EnumSet.noneOf(NamespaceType.class);
        Path self = Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "ns");
        for (NamespaceType t : NamespaceType.JOIN_ORDER) {
            Path mine = self.resolve(t.procName());
            if (!Files.exists(mine)) continue;
            if (t == NamespaceType.USER && Files.getAttribute(mine, "unix:ino")
                    .equals(Files.getAttribute(file("ns/user"), "unix:ino"))) {
                continue;
            }
            types.add(t);
        }
        return types;
    }

    /**
     * Its environment, in its order ({@code /proc/PID/environ}).
     *
     * @return the variables
     * @throws java.io.IOException if a file under {@code /proc} cannot be read
     */
    public Map<String, String> environment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : new String(Files.readAllBytes(file("environ")), StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }

    /**
     * The uid and gid it runs as: the owner of its {@code /proc/PID} directory.
     *
     * @return {@code {uid, gid}}
     * @throws java.io.IOException if a file under {@code /proc} cannot be read
     */
    public long[] owner() throws IOException {
        Path proc = file("");
        return new long[] {Integer.toUnsignedLong((Integer) Files.getAttribute(proc, "unix:uid")),
                Integer.toUnsignedLong((Integer) Files.getAttribute(proc, "unix:gid"))};
    }

    /**
     * Whether the process is there (its {@code /proc/PID} directory exists).
     *
     * @return true if it exists
     */
    public boolean exists() {
        return Files.exists(file(""));
    }
}
