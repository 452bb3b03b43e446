package dev.jns.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * util-linux 2.42.2, the version jns follows, built from the pristine source beside the
 * checkout by {@code ../shared/oracles/build util-linux} (once per machine; later calls
 * return the cached build). The installed util-linux may be older, with other words; tests
 * that compare messages use these binaries.
 */
public final class UtilLinuxOracle {
    private static Path dir;

    private UtilLinuxOracle() {}

    /** The path of one 2.42.2 program ({@code unshare}, {@code nsenter}, {@code lsns}, ...). */
    public static String program(String name) {
        return dir().resolve(name).toString();
    }

    /** The build directory; skips the calling test, saying why, when there is no oracle script. */
    public static synchronized Path dir() {
        if (dir != null) return dir;
        Path checkout = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path script = checkout.resolveSibling("shared").resolve("oracles").resolve("build");
        assumeTrue(Files.isExecutable(script), () -> "skipped: no util-linux 2.42.2 oracle (" + script + " is missing)");
        // The first build on a machine compiles util-linux: minutes on 2 cores.
        ToolResult built = Tool.run(RunAs.caller(), List.of(script.toString(), "util-linux"), Map.of(), Duration.ofMinutes(30));
        assertThat(built.exit()).as("building util-linux 2.42.2 with %s: %s", script, built).isZero();
        Path built242 = Path.of(built.stdout().strip());
        assertThat(built242.resolve("nsenter")).as("the oracle's nsenter").isExecutable();
        dir = built242;
        return dir;
    }

    /**
     * util-linux's stderr as jns would print it: {@code jns CMD: } for the program name (which
     * getopt's own messages spell as the full path the oracle ran under) and in the
     * "Try '... --help'" line.
     */
    public static String asJns(String command, String utilLinuxStderr) {
        String prefix = java.util.regex.Pattern.quote(program(command));
        return utilLinuxStderr.replaceAll("(?m)^(" + prefix + "|" + command + "): ", "jns " + command + ": ")
                .replace("Try '" + command + " --help'", "Try 'jns " + command + " --help'");
    }
}
