package dev.jns.examples;

import dev.jns.testing.Checkout;
import dev.jns.testing.MachineState;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's code cannot rot: every {@code java} block is compiled against this build, a
 * whole program ({@code void main}) as the compact source file it is, a snippet as the body
 * of a method with the imports of the API packages. A program's block must be followed by a
 * {@code text} block with what it prints; the program is run and must print exactly that.
 * The README links every example in {@code examples/}.
 */
class ReadmeTest {
    /** What a snippet may use without importing it: the API packages and the JDK's usual ones. */
    private static final String SNIPPET_IMPORTS = "import dev.jns.cgroup.*; import dev.jns.inventory.*; import dev.jns.net.*; import dev.jns.ns.*; "
            + "import dev.jns.sandbox.*; import dev.jns.seccomp.*; import dev.jns.spawn.*; "
            + "import java.net.*; import java.nio.file.*; import java.util.*; import static dev.jns.ns.NamespaceType.*; ";

    /** One fenced block: its info string, first line of content (1-based) and content; for a program, what it must print. */
    record Block(String info, int line, String code, Optional<String> prints) {
        boolean isProgram() { return code.contains("void main("); }
        String className() { return "ReadmeLine" + line; }
    }

    private static List<Block> javaBlocks;
    private static Path sources;
    private static ExampleBuild build;

    @BeforeAll
    static void compile() throws IOException {
        javaBlocks = javaBlocks(Files.readAllLines(Checkout.root().resolve("README.md")));
        sources = Files.createTempDirectory("jns-readme");
        List<Path> files = new ArrayList<>();
        for (Block b : javaBlocks) {
            Path file = sources.resolve(b.className() + ".java");
            // The code starts at the line it has in the README, so the compiler's line numbers are the README's.
            String header = b.isProgram() ? "" : SNIPPET_IMPORTS + "final class " + b.className() + " { static void snippet() throws Exception {";
            String footer = b.isProgram() ? "" : "}}\n";
            Files.writeString(file, header + "\n".repeat(b.line() - 1) + b.code() + footer);
            files.add(file);
        }
        build = ExampleBuild.compile(files);
    }

    @AfterAll
    static void remove() throws IOException {
        if (build != null) build.close();
        if (sources != null) {
            try (Stream<Path> all = Files.list(sources)) {
                for (Path p : all.toList()) Files.delete(p);
            }
            Files.delete(sources);
        }
    }

    @Test
    void theReadmeHasJavaBlocksAndEveryProgramSaysWhatItPrints() {
        assertThat(javaBlocks).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(2);
        assertThat(javaBlocks).filteredOn(Block::isProgram).isNotEmpty()
                .allSatisfy(b -> assertThat(b.prints()).as("a text block after the program at README.md line %d", b.line()).isPresent());
    }

    @Test
    void everyProgramPrintsWhatTheReadmeSays() {
        for (Block b : javaBlocks) {
            if (!b.isProgram()) continue;
            MachineState before = MachineState.capture();
            ToolResult r = Tool.run(RunAs.caller(), build.javaCommand(b.className()), Map.of(), Duration.ofMinutes(2));
            assertThat(r.exit()).as("README.md line %d: %s", b.line(), r).isZero();
            assertThat(r.stderr()).as("README.md line %d: stderr", b.line()).isEmpty();
            assertThat(r.stdout()).as("README.md line %d: what it prints", b.line()).isEqualTo(b.prints().orElseThrow());
            MachineState.assertNothingLeakedSince(before);
        }
    }

    @Test
    void theReadmeLinksEveryExample() throws IOException {
        String readme = Files.readString(Checkout.root().resolve("README.md"));
        try (Stream<Path> files = Files.list(Checkout.root().resolve("examples"))) {
            assertThat(files.map(f -> "(examples/" + f.getFileName() + ")").toList()).isNotEmpty()
                    .allSatisfy(link -> assertThat(readme).contains(link));
        }
    }

    /**
     * The {@code java} blocks of a Markdown text, each program with the {@code text} block
     * that follows it (only blank lines between). Blocks that use the JUnit extension
     * ({@code dev.jns.junit}, a module built after this one) are left to that module.
     */
    static List<Block> javaBlocks(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("```") || lines.get(i).equals("```")) continue;
            String info = lines.get(i).substring(3).strip();
            int start = i + 1, end = start;
            while (end < lines.size() && !lines.get(end).equals("```")) end++;
            String code = String.join("\n", lines.subList(start, end)) + "\n";
            i = end;
            if (!info.equals("java") || code.contains("dev.jns.junit")) continue;
            Optional<String> prints = Optional.empty();
            int next = end + 1;
            while (next < lines.size() && lines.get(next).isBlank()) next++;
            if (next < lines.size() && lines.get(next).equals("```text")) {
                int close = next + 1;
                while (close < lines.size() && !lines.get(close).equals("```")) close++;
                prints = Optional.of(String.join("\n", lines.subList(next + 1, close)) + "\n");
            }
            blocks.add(new Block(info, start + 1, code, prints));
        }
        return blocks;
    }
}
