package dev.jns.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs deliberately failing and timing-out tests through a nested JUnit launcher, then
 * checks the machine: their namespaces are no longer held by any task or fd, and nothing
 * was left in /run/netns, among the host's links or in the mount table.
 */
class TeardownTest {
    /** The net namespace links ("net:[N]") the nested tests ran in. */
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void failingAndTimedOutTestsLeaveNothingBehind() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root: the nested tests run in network namespaces, which an unprivileged JVM skips (UnprivilegedSkipTest checks that)");
        MachineView before = MachineView.capture();
        SEEN.clear();
        TestExecutionSummary summary = runNested(FailingCase.class, TimedOutCase.class, FailingHostsCase.class);

        assertThat(summary.getTestsStartedCount()).isEqualTo(3);
        assertThat(summary.getTestsFailedCount()).isEqualTo(3);
        assertThat(summary.getFailures()).extracting(f -> f.getException().getClass().getSimpleName())
                .containsExactlyInAnyOrder("AssertionFailedError", "TimeoutException", "AssertionFailedError");
        // Four namespaces, not necessarily four inode numbers: once a test's namespace is
        // freed, the kernel may give its nsfs inode number to the next test's.
        assertThat(SEEN).hasSize(4);
        for (String ns : SEEN) assertThat(MachineView.holdersAfterSettling(ns)).as("holders of %s", ns).isEmpty();
        assertThat(MachineView.capture()).isEqualTo(before);
    }

    static TestExecutionSummary runNested(Class<?>... classes) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(java.util.Arrays.stream(classes).map(c -> selectClass(c)).toList())
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }

    // ---- run only by the nested launcher (surefire leaves nested classes alone) ---------

    @IsolatedNetwork
    static class FailingCase {
        @Test
        void failsWhileItsServerIsBound() throws Exception {
            SEEN.add(MachineView.threadNet());
            try (ServerSocket s = new ServerSocket(8080, 5, InetAddress.getLoopbackAddress())) {
                fail("deliberately, with port " + s.getLocalPort() + " bound");
            }
        }
    }

    @IsolatedNetwork
    static class TimedOutCase {
        @Test
        @Timeout(value = 300, unit = TimeUnit.MILLISECONDS)
        void neverFinishesInTime() throws Exception {
            SEEN.add(MachineView.threadNet());
            Thread.sleep(60_000);
        }
    }

    @NetworkHosts({"left", "right"})
    static class FailingHostsCase {
        @Test
        void failsAfterUsingBothHosts(@Host("right") NetHost right) throws Exception {
            SEEN.add(MachineView.threadNet());
            SEEN.add(right.run(MachineView::threadNet));
            fail("deliberately, with a veth between two hosts");
        }
    }
}
