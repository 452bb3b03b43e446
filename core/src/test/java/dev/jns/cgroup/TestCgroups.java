package dev.jns.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the cgroup tests may work: each test below a parent of its own, named after this JVM
 * and a counter ({@code jns-test-PID-N}), made by the code under test and gone afterwards.
 */
final class TestCgroups {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestCgroups() {}

    /** A fresh relative cgroup path {@code jns-test-PID-N/leaf}. */
    static String freshPath(String leaf) {
        return "jns-test-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "/" + leaf;
    }

    /** Asserts the cgroup's directories and their {@code jns-test-*} parents are gone. */
    static void assertGone(Map<String, Path> directories) {
        for (Path dir : directories.values()) {
            assertThat(dir).as("the cgroup directory").doesNotExist();
            assertThat(dir.getParent().getFileName().toString()).startsWith("jns-test-");
            assertThat(dir.getParent()).as("the test's parent cgroup").doesNotExist();
        }
    }

    /** Asserts the cgroup's directories exist. */
    static void assertPresent(Map<String, Path> directories) {
        for (Path dir : directories.values()) assertThat(Files.isDirectory(dir)).as("%s exists", dir).isTrue();
    }
}
