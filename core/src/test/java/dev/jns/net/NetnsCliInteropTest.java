package dev.jns.net;

import dev.jns.cli.Main;
import dev.jns.testing.JnsInstall;
import dev.jns.testing.Json;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.jns.net.Shell.jns;
import static dev.jns.net.Shell.ok;
import static dev.jns.net.Shell.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code jns netns} against {@code ip netns} on the same /run/netns, both directions. */
class NetnsCliInteropTest extends TwoNamesFixture {
    private static boolean isNsfsMount(Path p) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(l -> l.split(" ")[4].equals(p.toString()) && l.contains(" - nsfs "));
    }

    @Test
    void ipSeesWhatJnsAddsAndJnsSeesWhatIpAdds() throws Exception {
        assertThat(jns("netns", "add", a).exit()).isZero();
        ok("ip", "netns", "add", b);

        assertThat(Shell.lines(ok("ip", "netns", "list"))).contains(a, b);
        assertThat(Shell.lines(jns("netns", "list").out())).contains(a, b);
        assertThat(isNsfsMount(NetnsDirectory.DIR.resolve(a))).isTrue();
        // ip's own operations work on the jns namespace and the other way round.
        ok("ip", "-n", a, "link", "set", "lo", "up");
        assertThat(jns("netns", "delete", b).exit()).isZero();
        ok("ip", "netns", "delete", a);
        assertThat(Shell.lines(ok("ip", "netns", "list"))).doesNotContain(a, b);
    }

    @Test
    void listPrintsTheSameLinesAsIpIncludingIdsSetByEitherTool() {
        ok("ip", "netns", "add", a);
        assertThat(jns("netns", "add", b).exit()).isZero();
        assertThat(jns("netns", "set", a, "4711").exit()).isZero();
        ok("ip", "netns", "set", b, "4712");

        String ipList = ok("ip", "netns", "list");
        assertThat(Shell.lines(ipList)).contains(a + " (id: 4711)", b + " (id: 4712)");
        assertThat(jns("netns", "list").out()).isEqualTo(ipList);
        assertThat(jns("netns").out()).as("no subcommand lists").isEqualTo(ipList);
    }

    @Test
    void listIdPrintsWhatIpPrintsHereAndForATargetNamespace() {
        ok("ip", "netns", "add", a);
        assertThat(jns("netns", "add", b).exit()).isZero();
        ok("ip", "netns", "set", a, "4721");
        assertThat(jns("netns", "set", b, "4722").exit()).isZero();
        // Inside a: b gets an id, and a one for itself; the host's namespace has none there.
        ok("ip", "-n", a, "netns", "set", b, "3");
        ok("ip", "-n", a, "netns", "set", a, "8");

        String here = ok("ip", "netns", "list-id");
        assertThat(Shell.lines(here)).contains("nsid 4721 (iproute2 netns name: " + a + ")",
                "nsid 4722 (iproute2 netns name: " + b + ")");
        assertThat(jns("netns", "list-id").out()).isEqualTo(here);
        String inA = ok("ip", "netns", "list-id", "target-nsid", "4721");
        assertThat(Shell.lines(inA)).containsExactlyInAnyOrder(
                "nsid 3 current-nsid 4722 (iproute2 netns name: " + b + ")",
                "nsid 8 current-nsid 4721 (iproute2 netns name: " + a + ")");
        assertThat(jns("netns", "list-id", "target-nsid", "4721").out()).isEqualTo(inA);
        for (List<String> args : List.of(List.of("nsid", "4722"), List.of("nsid", "3", "target-nsid", "4721"),
                List.of("target-nsid", "4722", "nsid", "4721"))) {
            List<String> ip = new ArrayList<>(List.of("ip", "netns", "list-id"));
            ip.addAll(args);
            List<String> mine = new ArrayList<>(List.of("netns", "list-id"));
            mine.addAll(args);
            assertThat(jns(mine.toArray(String[]::new)).out()).as("list-id %s", args).isEqualTo(run(ip.toArray(String[]::new)).out());
        }
    }

    @Test
    void monitorPrintsWhatIpMonitorPrintsForNamesAddedAndDeletedByEitherTool() throws Exception {
        BlockingQueue<String> mine = new LinkedBlockingQueue<>(), ips = new LinkedBlockingQueue<>();
        Thread monitor = Thread.ofPlatform().daemon().start(() -> Main.run(new String[] {"netns", "monitor"},
                new PrintStream(new LineSink(mine), true, StandardCharsets.UTF_8), new PrintStream(OutputStream.nullOutputStream())));
        Process ipMonitor = new ProcessBuilder("stdbuf", "-oL", "ip", "netns", "monitor").start();
        Thread.ofVirtual().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(ipMonitor.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) ips.add(l);
            } catch (IOException ignored) {
                // the monitor was stopped
            }
        });
        String probe = Shell.uniqueName("probe");
        try {
            // Neither says when it watches: probe until both have seen a name come and go.
            for (int i = 0; i < 100 && !(mine.contains("delete " + probe) && ips.contains("delete " + probe)); i++) {
                ok("ip", "netns", "add", probe);
                ok("ip", "netns", "delete", probe);
                Thread.sleep(50);
            }
            Thread.sleep(200);
            mine.clear();
            ips.clear();

            ok("ip", "netns", "add", a);
            assertThat(jns("netns", "add", b).exit()).isZero();
            assertThat(jns("netns", "delete", a).exit()).isZero();
            ok("ip", "netns", "delete", b);
            List<String> expected = List.of("add " + a, "add " + b, "delete " + a, "delete " + b);
            assertThat(take(ips, 4)).isEqualTo(expected);
            assertThat(take(mine, 4)).isEqualTo(expected);
        } finally {
            monitor.interrupt();
            monitor.join(5_000);
            ipMonitor.destroy();
            ipMonitor.waitFor();
            Shell.deleteQuietly(probe);
        }
        assertThat(monitor.isAlive()).as("jns netns monitor stops when interrupted").isFalse();
    }

    private static List<String> take(BlockingQueue<String> q, int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            String l = q.poll(10, TimeUnit.SECONDS);
            if (l == null) break;
            out.add(l);
        }
        return out;
    }

    /** Hands each complete line written to it to a queue. */
    private static final class LineSink extends OutputStream {
        private final BlockingQueue<String> lines;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        LineSink(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    /**
     * {@code -all} acts on every name in /run/netns, so it runs in a mount namespace of its
     * own with a fresh /run/netns: only this test's names are there, and they go with it.
     */
    @Test
    void allExecAndAllDeleteDoWhatIpsDoOnEveryName() throws Exception {
        try (JnsInstall jnsCli = JnsInstall.build()) {
            String jnsCmd = String.join(" ", jnsCli.command("netns"));
            String script = String.join("\n",
                    "mount -t tmpfs tmpfs /run/netns",
                    "ip netns add " + a + "; ip netns add " + b,
                    "ip -all netns exec sh -c 'echo in $(ip netns identify); exit 3' > ip.out 2>&1",
                    jnsCmd + " -all exec sh -c 'echo in $(ip netns identify); exit 3' > jns.out 2>&1; echo status $?",
                    "ip -all netns exec no-such-program > ip.bad 2>&1",
                    jnsCmd + " -all exec no-such-program > jns.bad 2>&1; echo status $?",
                    "cmp ip.out jns.out && echo same output",
                    "sed 's/^jns netns: //' jns.bad | cmp - ip.bad && echo same failures",
                    jnsCmd + " -all delete; echo status $?",
                    "ls /run/netns | wc -l");
            Path dir = Files.createTempDirectory("jns-all");
            try {
                Shell.Result r = run("unshare", "-m", "--propagation", "private", "sh", "-c", "cd " + dir + " && " + script);
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.out()).isEqualTo("status 0\nstatus 0\nsame output\nsame failures\nstatus 0\n0\n");
                assertThat(Files.readString(dir.resolve("jns.out"))).contains("\nnetns: " + a + "\nin " + a + "\n",
                        "\nnetns: " + b + "\nin " + b + "\n");
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) Files.delete(f);
                }
                Files.delete(dir);
            }
        }
    }

    @Test
    void listIdRefusesWhatIpRefusesWithItsWords() {
        Shell.Result unknown = jns("netns", "list-id", "nsid", "2147480000");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("jns netns: Peer netns reference is invalid\n");
        Shell.Result badTarget = jns("netns", "list-id", "target-nsid", "2147480000");
        assertThat(badTarget.exit()).isEqualTo(1);
        assertThat(badTarget.err()).isEqualTo("jns netns: Invalid target network namespace id\n");
        // Values ip itself refuses: compared case by case in NetnsCliBadInputTest.
        assertThat(jns("netns", "list-id", "nsid", "x").err())
                .isEqualTo("jns netns: " + run("ip", "netns", "list-id", "nsid", "x").err());
    }

    @Test
    void setAutoLetsTheKernelChooseAndASecondSetFailsWithTheKernelsReason() {
        assertThat(jns("netns", "add", a).exit()).isZero();
        assertThat(jns("netns", "set", a, "auto").exit()).isZero();
        assertThat(ok("ip", "netns", "list")).containsPattern(a + " \\(id: \\d+\\)");

        Shell.Result again = jns("netns", "set", a, "99");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("jns netns: Peer netns already has a nsid assigned\n");
    }

    @Test
    void identifyAndPidsAgreeWithIp() throws Exception {
        assertThat(jns("netns", "add", a).exit()).isZero();
        Process sleeper = new ProcessBuilder("ip", "netns", "exec", a, "sleep", "30").start();
        try {
            String pid = Long.toString(sleeper.pid()); // ip execs sleep: same pid
            waitUntil(() -> ok("ip", "netns", "pids", a).contains(pid));
            assertThat(jns("netns", "pids", a).out()).isEqualTo(ok("ip", "netns", "pids", a)).isEqualTo(pid + "\n");
            assertThat(jns("netns", "identify", pid).out()).isEqualTo(ok("ip", "netns", "identify", pid)).isEqualTo(a + "\n");
            // A second name for the same namespace, made by attach (jns), seen by ip.
            assertThat(jns("netns", "attach", b, pid).exit()).isZero();
            assertThat(ok("ip", "netns", "pids", b)).isEqualTo(pid + "\n");
            assertThat(jns("netns", "identify", pid).out()).isEqualTo(ok("ip", "netns", "identify", pid));
        } finally {
            sleeper.destroy();
            sleeper.waitFor();
        }
        // The JVM itself is in no named namespace: one empty line, like ip.
        assertThat(jns("netns", "identify").out()).isEqualTo("\n");
    }

    @Test
    void deleteRemovesTheEntryAndItsMountAndTheVethGoesWithTheNamespace() throws Exception {
        assertThat(jns("netns", "add", a).exit()).isZero();
        assertThat(jns("netns", "add", b).exit()).isZero();
        assertThat(jns("netns", "connect", a, b, "--addr", "10.77.1.1/24", "10.77.1.2/24").exit()).isZero();
        assertThat(ok("ip", "-n", b, "-o", "link", "show", "type", "veth")).contains("to-" + a);

        assertThat(jns("netns", "delete", a).exit()).isZero();
        Path entry = NetnsDirectory.DIR.resolve(a);
        assertThat(entry).doesNotExist();
        assertThat(isNsfsMount(entry)).isFalse();
        // The namespace dies asynchronously in the kernel; its veth's other end goes with it.
        waitUntil(() -> ok("ip", "-n", b, "-o", "link", "show", "type", "veth").isEmpty());
    }

    @Test
    void connectWiresTwoNamespacesTheWayIpReportsIt() {
        assertThat(jns("netns", "add", a).exit()).isZero();
        ok("ip", "netns", "add", b);
        Shell.Result r = jns("netns", "connect", a, b, "--addr", "10.77.2.1/24", "fd77:2::2/64");
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();

        Map<String, Object> endA = linkJson(a, Veth.defaultName(b));
        assertThat(endA.get("link_type")).isEqualTo("ether");
        assertThat(flags(endA.get("flags"))).contains("UP");
        assertThat(addressesJson(a, Veth.defaultName(b))).contains("10.77.2.1/24");
        assertThat(addressesJson(b, Veth.defaultName(a))).contains("fd77:2::2/64");
        assertThat(flags(linkJson(a, "lo").get("flags"))).contains("UP");
        assertThat(flags(linkJson(b, "lo").get("flags"))).contains("UP");
    }

    static Map<String, Object> linkJson(String ns, String ifname) {
        return Json.parseArray(ok("ip", "-n", ns, "-j", "link", "show", "dev", ifname)).getFirst();
    }

    @SuppressWarnings("unchecked")
    static List<String> flags(Object jsonFlags) {
        return (List<String>) jsonFlags;
    }

    @SuppressWarnings("unchecked")
    static List<String> addressesJson(String ns, String ifname) {
        Map<String, Object> link = Json.parseArray(ok("ip", "-n", ns, "-j", "addr", "show", "dev", ifname)).getFirst();
        return ((List<Map<String, Object>>) link.get("addr_info")).stream()
                .map(ai -> ai.get("local") + "/" + ai.get("prefixlen")).toList();
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) Thread.sleep(20);
        assertThat(condition.getAsBoolean()).as("condition within 2 s").isTrue();
    }
}
