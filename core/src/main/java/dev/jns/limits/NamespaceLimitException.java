package dev.jns.limits;

import java.util.List;

/**
 * A namespace could not be created because of a namespace limit (the kernel said ENOSPC).
 * The message names each limit file involved, its value and how many namespaces of that
 * type the caller's uid has; {@link #usage()} carries the same as data.
 */
public final class NamespaceLimitException extends RuntimeException {
    /** The limit and use of each requested type. */
    private final List<NamespaceUsage> usage;

    NamespaceLimitException(String message, List<NamespaceUsage> usage, Throwable cause) {
        super(message, cause);
        this.usage = List.copyOf(usage);
    }

    /**
     * The limit and use of each type the failed call asked for.
     *
     * @return the limits and use
     */
    public List<NamespaceUsage> usage() {
        return usage;
    }

    /**
     * The types among {@link #usage()} whose limit is reached.
     *
     * @return the types at their limit
     */
    public List<NamespaceUsage> reached() {
        return usage.stream().filter(NamespaceUsage::isReached).toList();
    }
}
