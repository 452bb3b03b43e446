package dev.jns.spec;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of single namespace types, made inside before the program runs.
 *
 * @param hostname     the UTS namespace's host name
 * @param domainname   its NIS domain name
 * @param loopbackUp   whether a new network namespace has {@code lo} up
 * @param clockOffsets a new time namespace's offsets
 */
public record PerTypeSetup(Optional<String> hostname, Optional<String> domainname, boolean loopbackUp,
                           Map<Clock, Duration> clockOffsets) implements Step {
    /** Copies the clock offsets. */
    public PerTypeSetup {
        clockOffsets = Map.copyOf(clockOffsets);
    }
}
