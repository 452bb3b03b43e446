package dev.jns.net;

import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For tests of {@code jns netns} on /run/netns: two fresh namespace names per test, root
 * required, and afterwards both names deleted and the machine checked to be as it was.
 */
abstract class TwoNamesFixture {
    final String a = Shell.uniqueName("a"), b = Shell.uniqueName("b");
    private MachineState before;

    @BeforeEach
    void capture() {
        Privilege.requireRoot("create network namespaces in /run/netns");
        before = MachineState.capture();
    }

    @AfterEach
    void cleanUp() {
        if (before == null) return;
        Shell.deleteQuietly(a, b);
        MachineState.assertNothingLeakedSince(before);
    }
}
