package dev.jns.spawn;

import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spawner as a real unprivileged user: a JVM started as uid/gid 65534 through setpriv
 * runs {@link SandboxMain}'s rootless cases. Root is needed only to drop to that user and to
 * grant it a subordinate id range for the newuidmap case.
 */
class RootlessSpawnTest {
    private static final long SUBID_START = 1_900_000_000L;

    @Test
    void unprivilegedUserGetsRootMappedSandboxesAndSubordinateRanges() throws Exception {
        Privilege.requireRoot("switch to uid 65534 and grant it /etc/subuid entries");
        MachineState before = MachineState.capture();
        String entry = "65534:" + SUBID_START + ":65536";
        addLine(Path.of("/etc/subuid"), entry);
        addLine(Path.of("/etc/subgid"), entry);
        Map<String, List<String>> seen;
        try {
            Process jvm = ChildJvm.sandboxMain(ChildJvm.asNobody(), "rootless", Long.toString(SUBID_START))
                    .redirectErrorStream(true).start();
            seen = byCase(ChildJvm.output(jvm));
            assertThat(jvm.exitValue()).as("child JVM output %s", seen).isZero();
        } finally {
            removeLine(Path.of("/etc/subuid"), entry);
            removeLine(Path.of("/etc/subgid"), entry);
        }

        assertThat(seen.get("Ur")).containsExactly("0", "0", "deny", "exit 0");
        assertThat(seen.get("Urpf-mount-proc")).containsExactly("1 /proc/1", "exit 0");
        assertThat(seen.get("Urn")).hasSize(2).first().asString().startsWith("1: lo:");
        assertThat(seen.get("Uru")).containsExactly("rootless", "exit 0");
        double inside = Double.parseDouble(seen.get("UrT-boottime").getFirst().split(" ")[0]);
        double outside = Double.parseDouble(seen.get("uptime-outside").getFirst().split(" ")[0]);
        assertThat(inside - outside).isBetween(365 * 86400.0 - 60, 365 * 86400.0 + 60);
        assertThat(seen.get("sandbox")).containsExactly("exit 0");
        assertThat(seen.get("map-auto")).map(l -> l.trim().replaceAll("\\s+", " ")).containsExactly(
                "0 " + SUBID_START + " 65536", "0 " + SUBID_START + " 65536", "exit 0");
        assertThat(seen.get("no-userns")).containsExactly("SpawnException clone3 flags 0x40000000: EPERM"
                + " (Operation not permitted): creating namespaces needs CAP_SYS_ADMIN; an unprivileged user"
                + " can create them together with a new user namespace");
        MachineState.assertNothingLeakedSince(before);
    }

    private static Map<String, List<String>> byCase(String output) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon < 0) continue;
            out.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>()).add(line.substring(colon + 2));
        }
        return out;
    }

    private static synchronized void addLine(Path file, String line) throws Exception {
        Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static synchronized void removeLine(Path file, String line) throws Exception {
        List<String> kept = Files.readAllLines(file).stream().filter(l -> !l.equals(line)).toList();
        Files.write(file, kept);
    }
}
