package dev.jns.cgroup;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling for a cgroup state the kernel reaches asynchronously (frozen, empty). */
final class Waiting {
    private Waiting() {}

    /** Returns once {@code condition} holds; throws what {@code failure} makes after {@code timeout}. */
    static void until(BooleanSupplier condition, Duration timeout, Supplier<? extends RuntimeException> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw failure.get();
            sleep(pauseMs);
            pauseMs = Math.min(pauseMs * 2, 50);
        }
    }

    /** A timeout as the messages say it: {@code 10 s}, {@code 0.2 s}. */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : (d.toMillis() / 1000.0) + " s";
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("interrupted while waiting for a cgroup", e);
        }
    }
}
