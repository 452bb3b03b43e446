package dev.jns.spec;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The ids the program runs with (inside its user namespace); empty: unchanged.
 *
 * @param groups           supplementary groups; an empty list clears them
 * @param noNewPrivileges  {@code PR_SET_NO_NEW_PRIVS}: exec never grants privilege (setuid bits, file capabilities)
 * @param newSession       {@code setsid()}: no controlling terminal, so it cannot push input into the caller's
 * @param umask            the program's file mode creation mask; empty: the caller's
 * @param uid the uid, or empty
 * @param gid the gid, or empty
 */
public record Credentials(Optional<Long> uid, Optional<Long> gid, Optional<List<Long>> groups,
                          boolean noNewPrivileges, boolean newSession, OptionalInt umask) implements Step {
    public static final Credentials UNCHANGED = new Credentials(Optional.empty(), Optional.empty(), Optional.empty(),
            false, false);

    /** Checks the umask; {@link IllegalArgumentException} unless it is permission bits. */
    public Credentials {
        if (umask.isPresent() && (umask.getAsInt() & ~0777) != 0) {
            throw new IllegalArgumentException("a umask is permission bits (0 to 0777), not 0" + Integer.toOctalString(umask.getAsInt()));
        }
    }

    /**
     * With the caller's umask.
     *
     * @param uid the uid, or empty
     * @param gid the gid, or empty
     * @param groups supplementary groups; an empty list clears them
     * @param noNewPrivileges whether to set {@code PR_SET_NO_NEW_PRIVS}
     * @param newSession whether to start a new session
     */
    public Credentials(Optional<Long> uid, Optional<Long> gid, Optional<List<Long>> groups, boolean noNewPrivileges,
                       boolean newSession) {
        this(uid, gid, groups, noNewPrivileges, newSession, OptionalInt.empty());
    }
}
