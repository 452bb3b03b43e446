package dev.jns.spec;

/** The clock whose offset a new time namespace shifts. */
public enum Clock {
    /** {@code CLOCK_MONOTONIC}. */
    MONOTONIC,
    /** {@code CLOCK_BOOTTIME}: monotonic, suspend included. */
    BOOTTIME
}
