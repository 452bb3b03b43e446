package dev.jns;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of DESIGN.md, checked on the sources: the command line only parses, calls the
 * library and prints (it reaches neither the FFM bindings nor the plan internals), only the
 * bindings package touches {@code java.lang.foreign}, and the spawner's front stays small.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/jns");

    private static List<Path> sources(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }

    /** Files under {@code dir} whose text contains {@code needle}, as paths relative to the source root. */
    private static List<String> filesContaining(Path dir, String needle) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : sources(dir)) {
            if (Files.readString(f).contains(needle)) out.add(MAIN.relativize(f).toString());
        }
        return out;
    }

    @Test
    void theCommandLineUsesNeitherTheBindingsNorThePlan() throws IOException {
        assertThat(filesContaining(MAIN.resolve("cli"), "dev.jns.sys")).isEmpty();
        assertThat(filesContaining(MAIN.resolve("cli"), "dev.jns.plan")).isEmpty();
    }

    @Test
    void onlyTheBindingsTouchTheForeignFunctionApi() throws IOException {
        List<String> users = filesContaining(MAIN, "java.lang.foreign");
        assertThat(users).isNotEmpty().allMatch(f -> f.startsWith("sys/"));
    }

    @Test
    void theBuilderIsAFrontNotAnEngine() throws IOException {
        assertThat(Files.readAllLines(MAIN.resolve("spawn/NamespacedProcessBuilder.java"))).hasSizeLessThan(300);
    }
}
