package dev.jns.examples;

import dev.jns.testing.Checkout;
import dev.jns.testing.JnsInstall;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import dev.jns.testing.UtilLinuxOracle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The programs in {@code examples/}, compiled against this build and each run in a JVM of
 * its own (JDK 25, native access enabled), as the test's user and, for the rootless ones,
 * as uid 65534: what they print is checked, and the machine must be as it was afterwards.
 */
class ExamplesTest {
    /** Every example and whether it runs without root; a file in examples/ not listed here fails the suite. */
    private static final Map<String, Boolean> ROOTLESS = Map.of(
            "TwoHosts.java", false,
            "UntrustedJob.java", true,
            "WhatKeepsItAlive.java", true,
            "ReadContainerFile.java", false,
            "SandboxedScript.java", true,
            "SandboxNetwork.java", true,
            "util-linux.sh", true,
            "oci-runtime.sh", false);

    private static ExampleBuild build;

    @BeforeAll
    static void compile() throws IOException {
        build = ExampleBuild.compile(examples());
    }

    @AfterAll
    static void remove() throws IOException {
        if (build != null) build.close();
    }

    private static Path examplesDir() {
        return Checkout.root().resolve("examples");
    }

    private static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(examplesDir())) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    void everyExampleIsRunByThisTest() throws IOException {
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(examplesDir())) {
            files.forEach(f -> present.add(f.getFileName().toString()));
        }
        assertThat(present).isEqualTo(new TreeSet<>(ROOTLESS.keySet()));
    }

    @Test
    void twoHostsAServerInOneAndASandboxedClientInTheOther() {
        String out = runAsRoot("TwoHosts", "create named network namespaces");
        assertThat(out).matches("""
                curl in host-b got: hello from host-a
                curl exited 0
                the host got host-a's page: false
                requests host-a served: 1
                after close, /run/netns/host-a-\\d+ exists: false
                """);
    }

    @Test
    void aServiceRunsAnUntrustedJobRootless() {
        for (RunAs as : users()) {
            assertThat(run(as, "UntrustedJob")).as(as.description()).matches("""
                    uid 0 on job-42 as pid 1 in /tmp/job-42\\d+
                    processes: [1-9]
                    links: lo\\s
                    job exited 0
                    stuck job destroyed, exit 137
                    its sleeps left running: 0
                    """);
        }
    }

    @Test
    void whatKeepsANamespaceAlive() {
        String held = """
                the process has ended; net:\\[(\\d+)] has 0 processes, held by fd \\d+ of this JVM
                handle closed; net:\\[\\1] is gone
                """;
        for (RunAs as : users()) {
            String out = run(as, "WhatKeepsItAlive");
            if (as.prefix().isEmpty() && Privilege.isRoot()) {
                assertThat(out).matches(held + """
                        named; net:\\[(\\d+)] has 0 processes, held by fd \\d+ of this JVM, a bind mount at /run/netns/kept-\\d+.*, \
                        a socket, fd \\d+ of this JVM
                        name deleted; net:\\[\\2] has 0 processes, held by a socket, fd \\d+ of this JVM
                        socket closed; net:\\[\\2] is gone
                        """);
            } else {
                assertThat(out).as(as.description()).matches(held);
            }
        }
    }

    @Test
    void readAFileInAContainersMountNamespace() {
        String out = runAsRoot("ReadContainerFile", "enter another process's mount namespace");
        assertThat(out).isEqualTo("""
                the container's /etc/os-release: PRETTY_NAME="jns example container"
                the host's is another: true
                run in a user namespace: cannot run Java code in a user namespace: the kernel lets only a single-threaded \
                process join one (setns fails with EINVAL in a JVM); start a process in it with the spawn API (dev.jns.spawn) instead
                """);
    }

    @Test
    void anUntrustedScriptInASandbox() {
        for (RunAs as : users()) {
            assertThat(run(as, "SandboxedScript")).as(as.description()).isEqualTo("""
                    root: bin dev home lib lib64 proc usr\s
                    /usr is read-only
                    home is writable: /home/job/notes
                    links: lo
                    no new user namespaces
                    exit 0
                    """);
        }
    }

    @Test
    void aSandboxWiredToTheHostBeforeItStarts() {
        for (RunAs as : users()) {
            String slirp = """
                    through slirp4netns: hello, 127.0.0.1
                    curl exited 0
                    """;
            boolean root = as.prefix().isEmpty() && Privilege.isRoot();
            assertThat(run(as, "SandboxNetwork")).as(as.description())
                    .isEqualTo(root ? slirp + "through a veth: hello, 10.77.44.2\ncurl exited 0\n" : slirp);
        }
    }

    @Test
    void utilLinuxCommandsTypedAsJnsCommands() throws IOException {
        Path script = build.copy(examplesDir().resolve("util-linux.sh"));
        Map<String, String> env = Map.of("JNS", JnsInstall.shared().command().getFirst(),
                "UTIL_LINUX", UtilLinuxOracle.dir().toString());
        for (RunAs as : users()) {
            MachineState before = MachineState.capture();
            ToolResult r = Tool.run(as, List.of("sh", script.toString()), env, Duration.ofMinutes(3));
            assertThat(r.exit()).as("%s: %s", as.description(), r).isZero();
            assertThat(r.stdout()).as(as.description()).doesNotContain("DIFFERS").contains("""
                    $ jns unshare -Urpf --mount-proc sh -c 'echo $$; id -u'
                    1
                    0
                    exit 0
                    """, """
                    $ jns unshare -r /no/such/program
                    jns unshare: failed to execute /no/such/program: No such file or directory
                    exit 127
                    """, "$ jns limits\nTYPE ");
            if (as.prefix().isEmpty() && Privilege.isRoot()) {
                assertThat(r.stdout()).contains("hostname\nbuild-7\nexit 0\n", "hostname\nbuild-8\nexit 0\n",
                        "-a hostname\nbuild-9\nexit 0\n", "$ ip netns list\nbuild-");
            }
            MachineState.assertNothingLeakedSince(before);
        }
    }

    @Test
    void anOciBundleRunsTheSameWithRuncAndJnsOci() throws IOException {
        Privilege.requireRoot("run containers with runc and jns oci as root");
        Path script = build.copy(examplesDir().resolve("oci-runtime.sh"));
        Map<String, String> env = Map.of("JNS", JnsInstall.shared().command().getFirst(), "BUSYBOX", "/bin/busybox");
        MachineState before = MachineState.capture();
        ToolResult r = Tool.run(RunAs.caller(), List.of("sh", script.toString()), env, Duration.ofMinutes(2));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).doesNotContain("DIFFERS").contains("""
                $ jns oci run
                hostname jns, uid 0, pid 1
                bin
                """, "root read-only: yes\nexit 3\nsame\n");
        MachineState.assertNothingLeakedSince(before);
    }

    /** The test's own user, and uid 65534 when the test can switch to it. */
    private static List<RunAs> users() {
        List<RunAs> users = new ArrayList<>(List.of(RunAs.caller()));
        if (Privilege.isRoot()) users.add(RunAs.nobody());
        return users;
    }

    private static String runAsRoot(String example, String why) {
        Privilege.requireRoot(why);
        return run(RunAs.caller(), example);
    }

    /** Runs one compiled example; it must exit 0, print nothing on stderr and leave nothing behind. */
    private static String run(RunAs as, String example) {
        MachineState before = MachineState.capture();
        ToolResult r = Tool.run(as, build.javaCommand(example), Map.of(), Duration.ofMinutes(2));
        assertThat(r.exit()).as("%s as %s: %s", example, as.description(), r).isZero();
        assertThat(r.stderr()).as("%s as %s: stderr (a native-access warning?)", example, as.description()).isEmpty();
        MachineState.assertNothingLeakedSince(before);
        return r.stdout();
    }
}
