package dev.jns.spawn;

import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jns used as a library, its classes somewhere without the built {@code jns-helper} beside
 * them: the helper comes out of the class path into a sealed memfd, so nothing lands on
 * disk, even when the JVM is killed outright.
 */
class LibraryUseTest {
    private Path library;

    @BeforeEach
    void copyClassesWithoutTheHelperBeside() throws IOException {
        Path classes = Path.of(ChildJvm.codeOf(NamespacedProcessBuilder.class));
        library = Files.createTempDirectory("jns-library", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.toList()) {
                Path to = library.resolve("classes").resolve(classes.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        assertThat(library.resolve("jns-helper")).doesNotExist();
    }

    @AfterEach
    void removeCopy() throws IOException {
        try (Stream<Path> all = Files.walk(library)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private String classes() {
        return library.resolve("classes").toString();
    }

    @Test
    void anUnprivilegedJvmRunsTheHelperFromMemory() throws Exception {
        Privilege.requireRoot("switch to uid 65534");
        Set<String> tmpBefore = jnsEntriesInTmp();
        Process jvm = ChildJvm.sandboxMainWith(ChildJvm.asNobody(), classes(), "rootless-uts")
                .redirectErrorStream(true).start();
        assertThat(ChildJvm.output(jvm)).isEqualTo("Uu: from-memfd\nUu: exit 0\n");
        assertThat(jnsEntriesInTmp()).isEqualTo(tmpBefore);
    }

    @Test
    void aJvmKilledOutrightLeavesNothingBehind() throws Exception {
        Privilege.requireRoot("create pid and net namespaces from a child JVM");
        MachineState before = MachineState.capture();
        Set<String> tmpBefore = jnsEntriesInTmp();
        Process jvm = ChildJvm.sandboxMainWith(List.of(), classes(), "sleep")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long target = Long.parseLong(new BufferedReader(new InputStreamReader(jvm.getInputStream())).readLine());
        ProcessHandle helper = jvm.toHandle().children().findFirst().orElseThrow();
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + helper.pid() + "/exe")).toString())
                .startsWith("/memfd:jns-helper");

        jvm.destroyForcibly();
        jvm.waitFor();
        SpawnTest.waitUntilGone(target);
        SpawnTest.waitUntilGone(helper.pid());
        assertThat(jnsEntriesInTmp()).isEqualTo(tmpBefore);
        MachineState.assertNothingLeakedSince(before);
    }

    /** What jns could have left in the temporary directory: entries named jns-*, but not this test's copy. */
    private Set<String> jnsEntriesInTmp() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("jns-") && !n.equals(library.getFileName().toString()))
                    .collect(Collectors.toSet());
        }
    }
}
