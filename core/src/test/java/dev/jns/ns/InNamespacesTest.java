package dev.jns.ns;

import dev.jns.sys.LibC;
import dev.jns.testing.ExternalCommand;
import dev.jns.testing.HeldNamespaces;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InNamespacesTest {

    @Test
    void userNamespaceIsRefusedWithTheReasonAndTheWayOut() {
        try (Namespace user = Namespace.current(NamespaceType.USER)) {
            assertThatThrownBy(() -> user.run(() -> "never"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("user namespace")
                    .hasMessageContaining("single-threaded process")
                    .hasMessageContaining("spawn API");
        }
    }

    @Test
    void timeNamespaceIsRefusedWithTheReasonAndTheWayOut() {
        try (Namespace time = Namespace.current(NamespaceType.TIME);
             Namespace net = Namespace.current(NamespaceType.NET)) {
            assertThatThrownBy(() -> InNamespaces.run(List.of(net, time), () -> "never"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("time namespace")
                    .hasMessageContaining("single-threaded process")
                    .hasMessageContaining("spawn API");
        }
    }

    @Test
    void twoNamespacesOfOneTypeAreRefused() {
        try (Namespace a = Namespace.current(NamespaceType.NET);
             Namespace b = Namespace.current(NamespaceType.NET)) {
            assertThatThrownBy(() -> InNamespaces.run(List.of(a, b), () -> "never"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("two net namespaces");
        }
    }

    @Test
    void resultsAndExceptionsComeBackUnchanged() throws Exception {
        Object value = new Object();
        assertThat(InNamespaces.run(List.of(), () -> value)).isSameAs(value);

        IOException checked = new IOException("from inside");
        ThrowingCallable<String, IOException> throwsChecked = () -> { throw checked; };
        assertThatThrownBy(() -> InNamespaces.run(List.of(), throwsChecked)).isSameAs(checked);

        IllegalStateException unchecked = new IllegalStateException("unchecked from inside");
        assertThatThrownBy(() -> InNamespaces.run(List.of(), () -> { throw unchecked; })).isSameAs(unchecked);

        AssertionError error = new AssertionError("an Error from inside");
        assertThatThrownBy(() -> InNamespaces.run(List.of(), () -> { throw error; })).isSameAs(error);
    }

    @Test
    void theCodeRunsOnAnotherPlatformThreadEvenForAVirtualCaller() throws Exception {
        List<Thread> ran = new ArrayList<>();
        Thread caller = Thread.ofVirtual().start(() -> ran.add(InNamespaces.run(List.of(), Thread::currentThread)));
        caller.join();
        assertThat(ran).singleElement().satisfies(t -> {
            assertThat(t.isVirtual()).isFalse();
            assertThat(t).isNotSameAs(caller);
        });
    }

    @Test
    void serverSocketBoundInsideIsReachableOnlyFromInsideTheNetNamespace() throws Exception {
        Privilege.requireRoot("join a network namespace");
        MachineState before = MachineState.capture();
        try (HeldNamespaces held = HeldNamespaces.start(List.of("--net"), "ip link set lo up");
             Namespace net = Namespace.of(held.pid(), NamespaceType.NET);
             ServerSocket server = net.run(() -> new ServerSocket(0, 5, InetAddress.getLoopbackAddress()))) {
            int port = server.getLocalPort();
            assertThat(isListeningOnHost(port)).as("port %d listening in the host namespace", port).isFalse();
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                    .isInstanceOf(ConnectException.class);

            // A process started in the namespace by util-linux nsenter reaches it.
            Process client = new ProcessBuilder("nsenter", "--net=" + held.nsPath("net"), "bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/" + port + " && echo hello-from-inside >&3")
                    .redirectErrorStream(true).start();
            try (Socket accepted = server.accept()) {
                String got = new String(accepted.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(got).isEqualTo("hello-from-inside\n");
            }
            assertThat(client.waitFor()).as(new String(client.getInputStream().readAllBytes())).isZero();
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void fileThatExistsOnlyInAnotherMountNamespaceIsReadThroughTheApi() throws Exception {
        Privilege.requireRoot("join a mount namespace");
        Path file = Path.of("/mnt/jns-only-in-target");
        MachineState before = MachineState.capture();
        try (HeldNamespaces held = HeldNamespaces.start(List.of("--mount", "--propagation", "private"),
                "mount -t tmpfs jns-test /mnt && echo only-in-target > " + file);
             Namespace mnt = Namespace.of(held.pid(), NamespaceType.MNT)) {
            assertThat(file).doesNotExist();
            assertThat(mnt.run(() -> Files.readString(file))).isEqualTo("only-in-target\n");
            ThrowingCallable<String, IOException> missing = () -> Files.readString(Path.of("/mnt/not-there"));
            assertThatThrownBy(() -> mnt.run(missing)).isInstanceOf(NoSuchFileException.class);
            // The caller's own view did not change.
            assertThat(file).doesNotExist();
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void thousandCallsOnSixteenThreadsLeakNoFdAndLeaveNoThreadInside() throws Exception {
        Privilege.requireRoot("join namespaces");
        MachineState before = MachineState.capture();
        try (HeldNamespaces held = HeldNamespaces.start(List.of("--net", "--uts", "--ipc", "--mount", "--cgroup"),
                "hostname jns-inside");
             Namespace net = Namespace.of(held.pid(), NamespaceType.NET);
             Namespace uts = Namespace.of(held.pid(), NamespaceType.UTS);
             Namespace ipc = Namespace.of(held.pid(), NamespaceType.IPC);
             Namespace mnt = Namespace.of(held.pid(), NamespaceType.MNT);
             Namespace cgroup = Namespace.of(held.pid(), NamespaceType.CGROUP)) {
            List<Namespace> all = List.of(net, uts, ipc, mnt, cgroup);
            String inside = held.nsPath("net");
            String expectedNet = Files.readSymbolicLink(Path.of(inside)).toString();
            InNamespaces.run(all, () -> "warm-up");
            int fdsBefore = openFds();

            AtomicInteger counter = new AtomicInteger();
            ThreadFactory half = r -> counter.getAndIncrement() % 2 == 0
                    ? Thread.ofPlatform().unstarted(r) : Thread.ofVirtual().unstarted(r);
            try (ExecutorService callers = Executors.newFixedThreadPool(16, half)) {
                List<Future<String>> calls = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    calls.add(callers.submit(() -> InNamespaces.run(all, () ->
                            Files.readString(Path.of("/proc/sys/kernel/hostname")).strip() + " "
                                    + Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")))));
                }
                for (Future<String> f : calls) assertThat(f.get()).isEqualTo("jns-inside " + expectedNet);
            }
            assertThat(openFds()).isEqualTo(fdsBefore);
            assertThat(threadsOutsideTheProcessNamespaces()).isEmpty();
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void typesNotGivenAreTheJvmsOwnEvenInANestedCall() throws Exception {
        Privilege.requireRoot("join namespaces");
        String hostNet = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        try (HeldNamespaces held = HeldNamespaces.start(List.of("--net", "--uts"), "hostname jns-nested");
             Namespace net = Namespace.of(held.pid(), NamespaceType.NET);
             Namespace uts = Namespace.of(held.pid(), NamespaceType.UTS)) {
            String innerNet = net.run(() -> uts.run(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString()));
            String innerHost = net.run(() -> uts.run(() -> Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()));
            assertThat(innerNet).isEqualTo(hostNet);
            assertThat(innerHost).isEqualTo("jns-nested");
        }
    }

    @Test
    void aThreadTheCodeMovedItselfIsDiscardedNotReused() throws Exception {
        Privilege.requireRoot("unshare a network namespace on a thread");
        int cloneNewnet = NamespaceType.NET.cloneFlag();
        Thread moved = InNamespaces.run(List.of(), () -> {
            LibC.unshare(cloneNewnet, "test moves its own thread");
            return Thread.currentThread();
        });
        moved.join(); // the thread could not prove it was home, so it ended
        assertThat(InNamespaces.run(List.of(), Thread::currentThread)).isNotSameAs(moved);
        assertThat(threadsOutsideTheProcessNamespaces()).isEmpty();
    }

    @Test
    void pidNamespaceAppliesToTheProcessesTheCodeStarts() throws Exception {
        Privilege.requireRoot("join a pid namespace");
        MachineState before = MachineState.capture();
        try (HeldNamespaces held = HeldNamespaces.start(List.of("--pid", "--fork"), "");
             Namespace pid = Namespace.of(held.pid(), NamespaceType.PID)) {
            String target = Files.readSymbolicLink(Path.of(held.nsPath("pid"))).toString();
            long jvmPid = ProcessHandle.current().pid();
            record Seen(long pid, String forChildren) {}
            // Starting a process here would need a JDK reaper thread, which the kernel
            // refuses to create from this thread; pid_for_children is what children get.
            Seen seen = pid.run(() -> new Seen(ProcessHandle.current().pid(),
                    Files.readSymbolicLink(Path.of("/proc/thread-self/ns/pid_for_children")).toString()));
            assertThat(seen.pid()).isEqualTo(jvmPid);
            assertThat(seen.forChildren()).isEqualTo(target);
        }
        // The handle's carrier stayed in the pid namespace until the handle was closed.
        assertThat(threadsOutsideTheProcessNamespaces()).isEmpty();
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void anUnprivilegedJvmGetsEpermAndKeepsAllItsThreadsHome() throws Exception {
        Privilege.requireRoot("run a JVM as uid 65534");
        RunAs nobody = RunAs.nobody();
        List<String> unshare = new ArrayList<>(nobody.prefix());
        unshare.add("unshare");
        try (HeldNamespaces held = HeldNamespaces.start(unshare, List.of("--user", "--map-root-user", "--net"), "")) {
            List<String> cmd = new ArrayList<>(nobody.prefix());
            cmd.addAll(ExternalCommand.javaMain(RunInNamespaceMain.class, Integer.toString(held.pid())));
            ToolResult r = Tool.run(RunAs.caller(), cmd);
            // setns also needs CAP_SYS_ADMIN in the caller's own user namespace, which an
            // unprivileged JVM never has (and it cannot join a user namespace: see USER above).
            assertThat(r.stdout()).as("%s", r).isEqualTo("failed SyscallException: setns "
                    + Files.readSymbolicLink(Path.of(held.nsPath("net"))) + ": EPERM (Operation not permitted)\n"
                    + "foreign threads 0\n");
        }
    }

    private static boolean isListeningOnHost(int port) throws IOException {
        String hex = String.format(":%04X ", port);
        return Files.readAllLines(Path.of("/proc/self/net/tcp")).stream()
                .anyMatch(l -> l.contains(hex) && l.trim().split("\\s+")[3].equals("0A"));
    }

    private static int openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    /** Every JVM thread whose namespace links differ from the process's: "tid type link". */
    static List<String> threadsOutsideTheProcessNamespaces() throws IOException {
        List<String> foreign = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try (DirectoryStream<Path> links = Files.newDirectoryStream(task.resolve("ns"))) {
                    for (Path link : links) {
                        String mine = Files.readSymbolicLink(Path.of("/proc/self/ns").resolve(link.getFileName())).toString();
                        String its = Files.readSymbolicLink(link).toString();
                        if (!its.equals(mine)) foreign.add(task.getFileName() + " " + link.getFileName() + " " + its);
                    }
                } catch (NoSuchFileException | UncheckedIOException gone) {
                    // the thread ended while we looked
                }
            }
        }
        return foreign;
    }
}
