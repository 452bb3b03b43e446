package dev.jns.spawn;

import dev.jns.plan.Op;
import dev.jns.spec.Step;

import java.io.IOException;

/**
 * Setting up the new process failed: one op of the launch plan returned an error. Carries
 * the op (and its index in the plan), the step of the spec it came from (what the user asked
 * for), the errno with its symbolic name and the C library's text, and what the op was
 * working on. Nothing the failed start created is left behind.
 */
public final class SpawnException extends IOException {
    /** The failed op's position in the launch plan. */
    private final int opIndex;
    private final transient Op op;
    private final transient Step step;
    /** The errno, or 0. */
    private final int errno;
    /** The symbolic errno. */
    private final String errnoName;
    /** The C library's text for the errno. */
    private final String strerror;
    /** What the op was working on. */
    private final String detail;

    SpawnException(int opIndex, Op op, Step step, int errno, String errnoName, String strerror, String detail,
                          String explanation) {
        super(format(op, errno, errnoName, strerror, detail, explanation));
        this.opIndex = opIndex;
        this.op = op;
        this.step = step;
        this.errno = errno;
        this.errnoName = errnoName;
        this.strerror = strerror;
        this.detail = detail;
    }

    private static String format(Op op, int errno, String errnoName, String strerror, String detail,
                                 String explanation) {
        String call = op.code().call();
        String what = detail.isEmpty() ? call : call + " " + detail;
        String why = errno == 0 ? "failed" : errnoName + " (" + strerror + ")";
        return what + ": " + why + (explanation.isEmpty() ? "" : ": " + explanation);
    }

    /**
     * The failed op's position in the launch plan.
     *
     * @return the index
     */
    public int opIndex() { return opIndex; }

    /** The low-level op that failed (the op set is internal: {@link #call()} and {@link #step()} are its public face). */
    Op op() { return op; }

    /**
     * The system call that failed, as its man page names it, e.g. {@code mount} or {@code execve}.
     *
     * @return the call's name
     */
    public String call() { return op.code().call(); }

    /**
     * The step of the spec the op came from: a mount, the uid map, the program...
     *
     * @return the step
     */
    public Step step() { return step; }

    /**
     * The errno, or 0 when the op failed without one (an id-map program's exit status, say).
     *
     * @return the errno, or 0
     */
    public int errno() { return errno; }

    /**
     * The symbolic errno, e.g. {@code EPERM}.
     *
     * @return the name
     */
    public String errnoName() { return errnoName; }

    /**
     * The C library's text for the errno, e.g. "No such file or directory".
     *
     * @return the text
     */
    public String strerror() { return strerror; }

    /**
     * What the op was working on: a path, a host name, a pid... (may be empty).
     *
     * @return the text
     */
    public String detail() { return detail; }
}
