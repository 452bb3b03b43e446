package dev.jns.spec;

/**
 * A resource limit the program starts with ({@code setrlimit(2)}), set inside before its ids change.
 *
 * @param resource the {@code RLIMIT_*} number
 * @param soft     the soft limit; -1 (all bits set) is unlimited
 * @param hard     the hard limit; -1 is unlimited
 */
public record ResourceLimit(int resource, long soft, long hard) implements Step {}
