package dev.jns.cli.filter;

/**
 * A row on which the expression cannot be evaluated, e.g. a string that must be read as a
 * number and is not one. The message is the C library's text for the errno that lsns
 * reports after {@code failed to apply filter: }.
 */
public final class FilterEvaluationException extends RuntimeException {
    static final String EINVAL = "Invalid argument";
    static final String ERANGE = "Numerical result out of range";
    /**
     * libsmartcols fails some evaluations without setting errno, so lsns prints whatever an
     * earlier call left there: on a run with standard output not a terminal, ENOTTY.
     */
    static final String STALE_ERRNO = "Inappropriate ioctl for device";

    public FilterEvaluationException(String message) {
        super(message, null, false, false);
    }
}
