package dev.jns.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code jns} CLI as a user gets it, for tests that run it as a separate process: built
 * once by the checkout's own {@code ./jns} launcher, then copied (launcher, jar, AOT cache,
 * native helper) into a fresh world-readable directory, because a CI checkout may sit
 * where an unprivileged test uid cannot read. Close it to remove the copy.
 */
public final class JnsInstall implements AutoCloseable {
    /** What a run needs, relative to the checkout; optional entries are copied when they exist. */
    private static final List<String> REQUIRED = List.of("jns", "jns-oci", "tools", "core/target/jns.jar", "core/target/jns-helper");
    private static final List<String> OPTIONAL = List.of("core/target/jns.aot", "core/target/jns-lsns.aot",
            "core/target/jns-unshare.aot", "core/target/jns-nsenter.aot", "core/target/jns-oci.aot",
            "core/target/jns-oci-create.aot", "core/target/jns-oci-start.aot", "core/target/jns-oci-state.aot",
            "core/target/jns-oci-kill.aot", "core/target/jns-oci-delete.aot");

    private final Path dir;

    private JnsInstall(Path dir) {
        this.dir = dir;
    }

    private static JnsInstall shared;

    /**
     * One copy for every test class of this test run, built on first use and removed when
     * the test JVM exits (the classes only read it).
     */
    public static synchronized JnsInstall shared() {
        if (shared == null) {
            shared = build();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "remove jns install"));
        }
        return shared;
    }

    /** Builds the checkout if its jar is missing or stale, then copies it. */
    public static JnsInstall build() {
        Path checkout = Checkout.root();
        // A build (Maven, gcc, AOT training) on a busy 2-core machine can take minutes.
        ToolResult built = Tool.run(RunAs.caller(), List.of(checkout.resolve("jns").toString(), "--help"), Map.of(),
                Duration.ofMinutes(10));
        assertThat(built.exit()).as("building jns with ./jns: %s", built).isZero();
        // A build writes to a pipe here, as in a script or CI log: no terminal escape codes.
        assertThat(built.stderr()).as("what ./jns printed while building").doesNotContain("\u001b");
        try {
            Path dir = Files.createTempDirectory("jns-install");
            for (String rel : REQUIRED) copy(checkout.resolve(rel), dir.resolve(rel));
            for (String rel : OPTIONAL) {
                if (Files.exists(checkout.resolve(rel))) copy(checkout.resolve(rel), dir.resolve(rel));
            }
            openUp(dir);
            return new JnsInstall(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line that runs {@code jns args...} from this copy. */
    public List<String> command(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(dir.resolve("jns").toString());
        argv.addAll(List.of(args));
        return argv;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                Files.createDirectories(target.getParent());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Directories and executables 0755, other files 0644: readable (not writable) by every uid. */
    private static void openUp(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                boolean exec = Files.isDirectory(p) || Files.isExecutable(p);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
