package dev.jns.plan;

/**
 * What the compiler needs to know of the running kernel: its version decides between
 * equivalent ways to do a step (a pidfd for {@code setns} since 5.8).
 */
public record Kernel(int major, int minor) {
    public static Kernel running() {
        return parse(System.getProperty("os.version", "0"));
    }

    /** From a release string such as {@code 6.18.44-fc}; unparsable: 0.0. */
    public static Kernel parse(String release) {
        String[] parts = release.split("[.-]");
        try {
            return new Kernel(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
        } catch (NumberFormatException e) {
            return new Kernel(0, 0);
        }
    }

    public boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }

    /** Whether {@code setns} takes a pidfd and a set of types (Linux 5.8). */
    boolean setnsTakesPidfd() {
        return atLeast(5, 8);
    }
}
