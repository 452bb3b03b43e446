package dev.jns.testing;

import java.nio.file.Path;

/**
 * util-linux 2.42.2, the version jns follows, built from the pristine source beside the
 * checkout by {@code ../shared/oracles/build util-linux} (once per machine; later calls
 * return the cached build). The installed util-linux may be older, with other words; tests
 * that compare messages use these binaries.
 */
public final class UtilLinuxOracle {
    private UtilLinuxOracle() {}

    /** The path of one 2.42.2 program ({@code unshare}, {@code nsenter}, {@code lsns}, ...). */
    public static String program(String name) {
        return dir().resolve(name).toString();
    }

    /** The build directory ({@link Oracles#utilLinux()}); skips the calling test, saying why, when there is no oracle script. */
    public static Path dir() {
        return Oracles.utilLinux();
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
