package dev.jns.testing;

import dev.jns.sys.LibC;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Skips privileged tests, with the reason, when the suite does not run as root. */
public final class Privilege {
    private Privilege() {}

    public static boolean isRoot() {
        return LibC.geteuid() == 0;
    }

    /** Skips the calling test unless running as root; {@code why} says what needs root. */
    public static void requireRoot(String why) {
        assumeTrue(isRoot(), () -> "skipped: needs root to " + why);
    }
}
