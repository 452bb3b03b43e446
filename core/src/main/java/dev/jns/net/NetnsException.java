package dev.jns.net;

/**
 * An operation on a named network namespace failed. The message is the one iproute2's
 * {@code ip netns} prints for the same failure, so scripts and people see familiar text.
 */
public final class NetnsException extends RuntimeException {
    /**
     * A failure with {@code ip netns}'s message.
     *
     * @param message the message
     */
    public NetnsException(String message) {
        super(message);
    }

    /**
     * A failure with {@code ip netns}'s message and its cause.
     *
     * @param message the message
     * @param cause   the underlying failure
     */
    public NetnsException(String message, Throwable cause) {
        super(message, cause);
    }
}
