package dev.jns.ids;

/**
 * An id, id range or subordinate-id entry that cannot be used. The message is the text
 * util-linux prints after its program name, e.g. {@code failed to parse uid 'nobody2'}.
 */
public final class IdSpecException extends IllegalArgumentException {
    /**
     * A bad id or map given by a user.
     *
     * @param message what is wrong
     */
    public IdSpecException(String message) {
        super(message);
    }
}
