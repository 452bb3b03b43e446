package dev.jns.testing;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The identity a command under test runs as: the test's own (root in CI), or a real
 * unprivileged uid entered with util-linux's {@code setpriv}, so rootless paths are tested
 * as they are used and never by assuming root.
 */
public record RunAs(String description, List<String> prefix) {
    /** The dedicated test user that {@code .ci/run} creates with /etc/subuid and /etc/subgid ranges. */
    public static final String TEST_USER = "jns-test";

    public static RunAs caller() {
        return new RunAs("the caller", List.of());
    }

    /** uid/gid 65534 with no supplementary groups: unprivileged, with no subordinate ids. */
    public static RunAs nobody() {
        return new RunAs("uid 65534", List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
    }

    /**
     * Some unprivileged identity: uid 65534 when the test runs as root (who alone can switch
     * to it), else the caller itself, already unprivileged.
     */
    public static RunAs unprivileged() {
        return Privilege.isRoot() ? nobody() : caller();
    }

    /** {@link #TEST_USER}, if this machine has it. */
    public static Optional<RunAs> testUser() {
        if (!userExists(TEST_USER)) return Optional.empty();
        return Optional.of(new RunAs(TEST_USER, List.of("setpriv", "--reuid=" + TEST_USER, "--regid=" + TEST_USER,
                "--init-groups", "--")));
    }

    private static boolean userExists(String name) {
        try {
            return new ProcessBuilder("id", "-u", name).redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
