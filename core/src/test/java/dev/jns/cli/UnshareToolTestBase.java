package dev.jns.cli;

import dev.jns.testing.JnsInstall;
import dev.jns.testing.LeakCheck;
import dev.jns.testing.UnshareComparison;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared set-up of the tests that run {@code jns unshare} as a separate process next to
 * util-linux's {@code unshare}: the CLI is built and copied once per test class, and every
 * test must leave the machine as it found it.
 */
abstract class UnshareToolTestBase {
    static JnsInstall jns;
    static UnshareComparison compare;
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asCaller();

    @BeforeAll
    static void build() {
        jns = JnsInstall.shared();
        compare = new UnshareComparison(jns);
    }

}
