package dev.jns.net;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Outside connectivity for an unprivileged user's network namespace. Without root no veth
 * can reach the host's namespace; a user-mode network stack does the job instead: pasta
 * (Debian package {@code passt}) or slirp4netns, whichever is installed, pasta first.
 *
 * <p>This finds the tool or explains, in one line, what to install. Starting it for a
 * sandbox is not part of jns yet.
 */
public final class UserModeNetwork {
    /** The tools, in order of preference, with the Debian package that has each. */
    public enum Tool {
        PASTA("pasta", "passt"), SLIRP4NETNS("slirp4netns", "slirp4netns");

        private final String command;
        private final String debianPackage;

        Tool(String command, String debianPackage) {
            this.command = command;
            this.debianPackage = debianPackage;
        }

        public String command() { return command; }

        public String debianPackage() { return debianPackage; }
    }

    /** A tool found on the search path. */
    public record Found(Tool tool, Path executable) {}

    private UserModeNetwork() {}

    /** The preferred tool on {@code $PATH}, or the reason there is none. */
    public static Found require() {
        return require(searchPath());
    }

    static Found require(List<Path> searchPath) {
        return find(searchPath).orElseThrow(() -> new NetnsException("no outside network for an unprivileged"
                + " network namespace: it needs pasta (Debian package passt) or slirp4netns, and neither is"
                + " installed (searched " + String.join(":", searchPath.stream().map(Path::toString).toList()) + ")"));
    }

    static Optional<Found> find(List<Path> searchPath) {
        for (Tool t : Tool.values()) {
            for (Path dir : searchPath) {
                Path p = dir.resolve(t.command());
                if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(new Found(t, p));
            }
        }
        return Optional.empty();
    }

    private static List<Path> searchPath() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        return java.util.Arrays.stream(path.split(File.pathSeparator)).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }
}
