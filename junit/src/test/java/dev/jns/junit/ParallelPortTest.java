package dev.jns.junit;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fifty tests at once (JUnit parallel execution, see junit-platform.properties), each binding
 * port 8080: every one holds its listening socket until all fifty do, so they are bound at
 * the same time, and each talks only to its own server.
 */
@IsolatedNetwork
@Execution(ExecutionMode.CONCURRENT)
class ParallelPortTest {
    private static final int TESTS = 50;
    private static final CountDownLatch ALL_BOUND = new CountDownLatch(TESTS);
    private static final Set<String> NAMESPACES = ConcurrentHashMap.newKeySet();

    @RepeatedTest(TESTS)
    void bindsPort8080(RepetitionInfo repetition) throws Exception {
        assertThat(MachineView.threadNet()).isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
        NAMESPACES.add(MachineView.threadNet());
        try (ServerSocket server = new ServerSocket(8080, 50, InetAddress.getLoopbackAddress())) {
            ALL_BOUND.countDown();
            assertThat(ALL_BOUND.await(120, TimeUnit.SECONDS)).as("all %d tests bound 8080 at once", TESTS).isTrue();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), 8080);
                 Socket accepted = server.accept()) {
                new DataOutputStream(accepted.getOutputStream()).writeInt(repetition.getCurrentRepetition());
                assertThat(new DataInputStream(client.getInputStream()).readInt()).isEqualTo(repetition.getCurrentRepetition());
            }
        }
        assertThat(NAMESPACES.size()).isGreaterThanOrEqualTo(TESTS);
    }
}
