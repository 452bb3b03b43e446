package dev.jns.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a test could leave behind on the machine: nsfs bind mounts, {@code /run/netns}
 * entries, veth links, namespaces (by nsfs identity, from every process's links), and
 * zombies. Take one before, compare after with {@link #assertNothingLeakedSince}.
 */
public record MachineState(Set<String> nsfsMounts, Set<String> runNetns, Set<String> vethLinks,
                           Set<String> namespaces, int zombies) {

    public static MachineState capture() {
        return new MachineState(readNsfsMounts(), list(Path.of("/run/netns")), readVeths(), readNamespaces(), countZombies());
    }

    /**
     * Asserts that nothing is here now that was not here before. Namespaces of processes
     * that exited may linger for a moment in the kernel, so this retries briefly.
     */
    public static void assertNothingLeakedSince(MachineState before) {
        MachineState now = capture();
        for (int i = 0; i < 50 && !now.withinOf(before); i++) {
            sleep(20);
            now = capture();
        }
        assertThat(diff(now.nsfsMounts, before.nsfsMounts)).as("nsfs bind mounts left").isEmpty();
        assertThat(diff(now.runNetns, before.runNetns)).as("/run/netns entries left").isEmpty();
        assertThat(diff(now.vethLinks, before.vethLinks)).as("veth links left").isEmpty();
        assertThat(diff(now.namespaces, before.namespaces)).as("namespaces left").isEmpty();
        assertThat(now.zombies).as("zombie processes").isLessThanOrEqualTo(before.zombies);
    }

    private boolean withinOf(MachineState before) {
        return before.nsfsMounts.containsAll(nsfsMounts) && before.runNetns.containsAll(runNetns)
                && before.vethLinks.containsAll(vethLinks) && before.namespaces.containsAll(namespaces)
                && zombies <= before.zombies;
    }

    private static List<String> diff(Set<String> now, Set<String> before) {
        List<String> extra = new ArrayList<>(now);
        extra.removeAll(before);
        return extra;
    }

    private static Set<String> readNsfsMounts() {
        Set<String> out = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                int dash = line.indexOf(" - ");
                if (dash > 0 && line.startsWith("nsfs ", dash + 3)) out.add(line.split(" ")[4]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** veth links in the host's network namespace, as iproute2 reports them. */
    private static Set<String> readVeths() {
        Set<String> out = new TreeSet<>();
        try {
            Process p = new ProcessBuilder("ip", "-o", "link", "show", "type", "veth").redirectErrorStream(true).start();
            for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
                String[] f = line.split(": ", 3); // "7: veth0@if6: <...>"
                if (f.length >= 2) out.add(f[1].split("@")[0]);
            }
            p.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /**
     * Namespaces some live process is in. An orphan's zombie still shows its pid namespace
     * until init reaps it (see {@link #countZombies}); it holds nothing else, so it is skipped.
     */
    private static Set<String> readNamespaces() {
        Set<String> out = new TreeSet<>();
        for (String pid : list(Path.of("/proc"))) {
            if (!pid.chars().allMatch(Character::isDigit) || zombieParent(pid).equals("1")) continue;
            for (String ns : List.of("mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time")) {
                try {
                    out.add(Files.readSymbolicLink(Path.of("/proc", pid, "ns", ns)).toString());
                } catch (IOException | SecurityException ignored) {
                    // process gone or not ours to read
                }
            }
        }
        return out;
    }

    /**
     * Zombies that some process other than init has not waited for: those are leaks. An
     * orphan's zombie belongs to PID 1, which reaps when it will (late, on this kind of VM);
     * nothing a test did can collect it sooner.
     */
    private static int countZombies() {
        int n = 0;
        for (String pid : list(Path.of("/proc"))) {
            if (!pid.chars().allMatch(Character::isDigit)) continue;
            String parent = zombieParent(pid);
            if (!parent.isEmpty() && !parent.equals("1")) n++;
        }
        return n;
    }

    /** The parent's pid if this process is a zombie, else "" (also when it is gone). */
    private static String zombieParent(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            int close = stat.lastIndexOf(')');
            if (close <= 0 || stat.length() <= close + 4 || stat.charAt(close + 2) != 'Z') return "";
            return stat.substring(close + 4).split(" ", 2)[0]; // ") Z PPID ..."
        } catch (IOException e) {
            return ""; // process gone
        }
    }

    private static Set<String> list(Path dir) {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) out.add(p.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
