package dev.jns.examples;

import dev.jns.testing.ExternalCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java sources compiled the way a user of the library compiles them: against its classes
 * only, with every lint on and warnings as errors. Everything a run needs (the library's
 * classes, the native helper beside them, the compiled sources) is copied into one
 * world-readable temporary directory, so that an unprivileged uid can run it wherever the
 * checkout is. Close it to remove the directory.
 */
final class ExampleBuild implements AutoCloseable {
    private final Path dir;

    private ExampleBuild(Path dir) {
        this.dir = dir;
    }

    /** Compiles {@code sources} with the JDK's {@code javac}; fails the test on any diagnostic. */
    static ExampleBuild compile(List<Path> sources) throws IOException {
        Path dir = Files.createTempDirectory("jns-examples");
        ExampleBuild build = new ExampleBuild(dir);
        try {
            Path library = libraryClasses();
            copyTree(library, dir.resolve("lib/classes"));
            // The helper is found beside the code (HelperBinary): lib/jns-helper next to lib/classes.
            Files.copy(library.resolveSibling("jns-helper"), dir.resolve("lib/jns-helper"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.createDirectories(dir.resolve("out"));
            // The JDK's javac as a program, as a user runs it (and no java.compiler module for the tests to read).
            List<String> javac = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                    "-Xlint:all", "-Werror", "-proc:none", "-d", dir.resolve("out").toString(),
                    "-cp", dir.resolve("lib/classes").toString()));
            for (Path source : sources) javac.add(source.toString());
            ExternalCommand compiled = ExternalCommand.run(javac);
            assertThat(compiled.exitCode()).as("javac %s:%n%s%s", sources, compiled.stdout(), compiled.stderr()).isZero();
            assertThat(compiled.stdout() + compiled.stderr()).as("javac's diagnostics").isEmpty();
            openUp(dir);
            return build;
        } catch (IOException | RuntimeException | Error e) {
            build.close();
            throw e;
        }
    }

    /** The command that runs compiled class {@code mainClass} in a new JVM of this JDK, native access enabled. */
    List<String> javaCommand(String mainClass) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData",
                "--enable-native-access=ALL-UNNAMED", "-cp", dir.resolve("out") + ":" + dir.resolve("lib/classes"), mainClass);
    }

    /** A world-readable copy of {@code file} in this build's directory. */
    Path copy(Path file) throws IOException {
        Path to = dir.resolve(file.getFileName().toString());
        Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
        openUp(to);
        return to;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** Where the library's compiled classes are (target/classes while the tests run). */
    private static Path libraryClasses() {
        try {
            return Path.of(dev.jns.ns.Namespace.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    /** Directories and executables 0755, other files 0644: readable, not writable, by every uid. */
    private static void openUp(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                boolean exec = Files.isDirectory(p) || Files.isExecutable(p);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
