package dev.jns.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every test of a class must leave the machine as it found it ({@link MachineState}): the
 * state is captured before the class's own {@code @BeforeEach} methods and compared after
 * its {@code @AfterEach} clean-up. Made with {@link #asRoot}, the tests also need root and
 * are skipped, saying why, without it.
 *
 * <pre>{@code
 * @RegisterExtension final LeakCheck leaks = LeakCheck.asRoot("create network namespaces and veths");
 * }</pre>
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {
    private final String rootNeededTo;
    private MachineState before;

    private LeakCheck(String rootNeededTo) {
        this.rootNeededTo = rootNeededTo;
    }

    /** Tests that need root to {@code why}. */
    public static LeakCheck asRoot(String why) {
        return new LeakCheck(why);
    }

    /** Tests that run as whoever runs the suite. */
    public static LeakCheck asCaller() {
        return new LeakCheck(null);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (rootNeededTo != null) Privilege.requireRoot(rootNeededTo);
        before = MachineState.capture();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        MachineState captured = before;
        before = null;
        if (captured != null) MachineState.assertNothingLeakedSince(captured);
    }
}
