package dev.jns.spawn;

import dev.jns.plan.Op;

import java.io.IOException;

/**
 * Setting up the new process failed: one op of the launch plan returned an error. Carries
 * the op (and its index in the plan), the errno with its symbolic name and the C library's
 * text, and what the op was working on. Nothing the failed start created is left behind.
 */
public final class SpawnException extends IOException {
    private final int opIndex;
    private final transient Op op;
    private final int errno;
    private final String errnoName;
    private final String strerror;
    private final String detail;

    public SpawnException(int opIndex, Op op, int errno, String errnoName, String strerror, String detail,
                          String explanation) {
        super(format(op, errno, errnoName, strerror, detail, explanation));
        this.opIndex = opIndex;
        this.op = op;
        this.errno = errno;
        this.errnoName = errnoName;
        this.strerror = strerror;
        this.detail = detail;
    }

    private static String format(Op op, int errno, String errnoName, String strerror, String detail,
                                 String explanation) {
        String what = detail.isEmpty() ? op.name() : op.name() + " " + detail;
        String why = errno == 0 ? "failed" : errnoName + " (" + strerror + ")";
        return what + ": " + why + (explanation.isEmpty() ? "" : ": " + explanation);
    }

    /** The failed op's position in {@link NamespacedProcessBuilder#plan()}. */
    public int opIndex() { return opIndex; }

    /** The op that failed. */
    public Op op() { return op; }

    /** The errno, or 0 when the op failed without one (an id-map program's exit status, say). */
    public int errno() { return errno; }

    /** The symbolic errno, e.g. {@code EPERM}. */
    public String errnoName() { return errnoName; }

    /** The C library's text for the errno, e.g. "No such file or directory". */
    public String strerror() { return strerror; }

    /** What the op was working on: a path, a host name, a pid... (may be empty). */
    public String detail() { return detail; }
}
