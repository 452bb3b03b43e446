package dev.jns.spawn;

/**
 * How a program started by {@link NamespacedProcessBuilder} ended. Unlike
 * {@link Process#exitValue()}, which folds a death by signal N into 128+N, this tells an
 * exit with status 143 from a death by SIGTERM.
 */
public sealed interface Termination {
    /**
     * The program called {@code exit(code)}.
     *
     * @param code the exit status
     */
    record Exited(int code) implements Termination {}

    /**
     * The program was killed by {@code signal}.
     *
     * @param signal the signal number
     * @param coreDumped whether it dumped core
     */
    record Killed(int signal, boolean coreDumped) implements Termination {}
}
