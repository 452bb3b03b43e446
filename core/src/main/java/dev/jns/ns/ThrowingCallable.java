package dev.jns.ns;

/**
 * A task that returns a value and may throw one checked exception type, so that
 * {@link InNamespaces#run} can hand that exception back to the caller as itself, not
 * wrapped. Use {@code RuntimeException} for {@code E} when the task throws none.
 *
 * @param <T> the result type
 * @param <E> the checked exception the task may throw
 */
@FunctionalInterface
public interface ThrowingCallable<T, E extends Exception> {
    /**
     * Runs the task.
     *
     * @return the result
     * @throws E if the task fails
     */
    T call() throws E;
}
