package dev.jns.spec;

import java.util.List;
import java.util.Optional;

/**
 * The ids the program runs with (inside its user namespace); empty: unchanged.
 *
 * @param groups           supplementary groups; an empty list clears them
 * @param noNewPrivileges  {@code PR_SET_NO_NEW_PRIVS}: exec never grants privilege (setuid bits, file capabilities)
 * @param newSession       {@code setsid()}: no controlling terminal, so it cannot push input into the caller's
 */
public record Credentials(Optional<Long> uid, Optional<Long> gid, Optional<List<Long>> groups,
                          boolean noNewPrivileges, boolean newSession) implements Step {
    public static final Credentials UNCHANGED = new Credentials(Optional.empty(), Optional.empty(), Optional.empty(),
            false, false);
}
