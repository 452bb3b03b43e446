package dev.jns.net;

import dev.jns.testing.LeakCheck;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * For tests of {@code jns netns} on /run/netns: two fresh namespace names per test, root
 * required, and afterwards both names deleted and the machine checked to be as it was.
 */
abstract class TwoNamesFixture {
    final String a = Shell.uniqueName("a"), b = Shell.uniqueName("b");

    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("create network namespaces in /run/netns");

    @AfterEach
    void cleanUp() {
        if (Privilege.isRoot()) Shell.deleteQuietly(a, b);
    }
}
