package dev.jns.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This process's environment in the order it was given ({@code /proc/self/environ}), which
 * {@link System#getenv()}, a map, does not keep: programs started in its place (as
 * util-linux's tools exec them) get it unchanged, order included.
 */
public final class ProcessEnvironment {
    private ProcessEnvironment() {}

    /**
     * The entries, in order; {@link System#getenv()}'s when {@code /proc/self/environ} cannot be read.
     *
     * @return a new mutable map of the variables
     */
    public static Map<String, String> initial() {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String entry : new String(Files.readAllBytes(Path.of("/proc/self/environ")), StandardCharsets.UTF_8).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        } catch (IOException e) {
            env.putAll(System.getenv());
        }
        return env;
    }
}
