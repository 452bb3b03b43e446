package dev.jns.cli;

/**
 * A tool error with the one-line message to print after {@code jns CMD: } and the exit
 * code to leave with (1 for tool errors, as in util-linux).
 */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(String message) {
        this(1, message);
    }

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
