package dev.jns.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An unprivileged JVM (uid 65534, entered with setpriv) cannot run Java code in a network
 * namespace: the extension's tests are skipped, each class with the reason, and none runs.
 * The class path is copied where that uid can read it.
 */
class UnprivilegedSkipTest {
    @Test
    void withoutCapSysAdminTheTestsAreSkippedSayingWhy(@TempDir Path dir) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a JVM as uid 65534");
        List<String> classPath = new ArrayList<>();
        int i = 0;
        for (Class<?> c : List.of(RootlessProbe.class, NetworkNamespaceExtension.class, dev.jns.ns.Namespace.class,
                org.junit.platform.launcher.Launcher.class, org.junit.platform.launcher.core.LauncherFactory.class,
                org.junit.jupiter.api.Test.class, org.junit.jupiter.engine.JupiterTestEngine.class,
                org.junit.platform.engine.TestEngine.class, org.junit.platform.commons.util.Preconditions.class,
                org.opentest4j.TestAbortedException.class, org.apiguardian.api.API.class,
                org.assertj.core.api.Assertions.class)) {
            Path from = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path to = dir.resolve("cp" + i++ + (Files.isDirectory(from) ? "" : ".jar"));
            copy(from, to);
            classPath.add(to.toString());
        }
        openToAll(dir);
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, classPath), RootlessProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.lines()).as(out)
                .anyMatch(l -> l.startsWith("skipped TeardownTest$FailingCase: jns: cannot make a network namespace for this test")
                        && l.contains("EPERM") && l.contains("CAP_SYS_ADMIN") && l.contains("run the tests as root"))
                .anyMatch(l -> l.startsWith("skipped NetworkHostsTest: jns: cannot make a network namespace"))
                .noneMatch(l -> l.startsWith("ran "));
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to);
            return;
        }
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    private static void openToAll(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
