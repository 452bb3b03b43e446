package dev.jns.oci;

/**
 * A refused or failed OCI runtime operation: one line, worded as runc words it where runc has
 * the same error ({@code container does not exist}), and the exit code to leave with (runc's:
 * 1 for every error of its own).
 */
public final class OciException extends RuntimeException {
    public OciException(String message) {
        super(message);
    }

    public OciException(String message, Throwable cause) {
        super(message, cause);
    }
}
