package dev.jns.net;

import dev.jns.mount.MountFlags;
import dev.jns.ns.NamespaceType;
import dev.jns.plan.Op;
import dev.jns.plan.PlanCompiler;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.jns.net.Shell.ok;
import static org.assertj.core.api.Assertions.assertThat;

class NetnsExecTest {

    @Test
    void planJoinsTheNetnsThenMountsSysfsAndTheEtcFilesThatHaveATwin(@TempDir Path tmp) throws Exception {
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Path mine = Files.createDirectories(tmp.resolve("netns/x"));
        Files.writeString(etc.resolve("resolv.conf"), "host\n");
        Files.writeString(mine.resolve("resolv.conf"), "ns\n");
        Files.writeString(mine.resolve("only-here"), "ns\n");

        NetnsExec.Setup s = NetnsExec.prepare("x", List.of("sh"), mine, etc);
        assertThat(s.bindMounts()).singleElement().satisfies(pair -> {
            assertThat(pair[0]).isEqualTo(mine.resolve("resolv.conf"));
            assertThat(pair[1]).isEqualTo(etc.resolve("resolv.conf"));
        });
        assertThat(s.skipped()).containsExactly(
                "Bind " + mine.resolve("only-here") + " -> " + etc.resolve("only-here") + " failed: No such file or directory");

        List<Op> ops = PlanCompiler.compile(s.builder().spec()).ops();
        // The named namespace is joined (before the clone, so the new mount namespace is made inside it).
        int join = indexOf(ops, op -> op instanceof Op.Setns setns && setns.types() == NamespaceType.NET.cloneFlag());
        assertThat(ops).contains(Op.Open.path(0, "/run/netns/x", Op.Open.O_RDONLY));
        int clone = indexOf(ops, op -> op instanceof Op.Clone);
        int unmountSys = indexOf(ops, op -> op.equals(new Op.Unmount("/sys", 2 /* MNT_DETACH */)));
        int sysfs = indexOf(ops, op -> op instanceof Op.Mount m && "sysfs".equals(m.fstype()) && m.target().equals("/sys"));
        int bind = indexOf(ops, op -> op instanceof Op.Bind b && b.target().equals(etc.resolve("resolv.conf").toString()));
        int exec = indexOf(ops, op -> op instanceof Op.Exec);
        assertThat(List.of(join, clone, unmountSys, sysfs, bind, exec)).doesNotContain(-1).isSorted();
        assertThat(ops).contains(new Op.Mount("none", "/", null, MountFlags.MS_REC | MountFlags.MS_SLAVE, null));
    }

    private static int indexOf(List<Op> ops, java.util.function.Predicate<Op> which) {
        for (int i = 0; i < ops.size(); i++) if (which.test(ops.get(i))) return i;
        return -1;
    }

    @Test
    void execSeesWhatIpNetnsExecSees() throws Exception {
        Privilege.requireRoot("create network namespaces and mount namespaces");
        MachineState before = MachineState.capture();
        String name = Shell.uniqueName("ex");
        Path etcDir = NetnsExec.ETC_NETNS.resolve(name);
        try {
            ok("ip", "netns", "add", name);
            ok("ip", "-n", name, "link", "add", "q0", "type", "veth", "peer", "name", "q1");
            Files.createDirectories(etcDir);
            Files.writeString(etcDir.resolve("hosts"), "10.77.10.1 only-in-" + name + "\n");
            // The mounts under /sys inside: only the fresh sysfs, the caller's copy detached.
            String script = "cat /etc/hosts; ls /sys/class/net; readlink /proc/self/ns/net;"
                    + " awk '$5 ~ \"^/sys\" {print $5, $9}' /proc/self/mountinfo; exit 7";

            Shell.Result ip = Shell.run("ip", "netns", "exec", name, "sh", "-c", script);
            Shell.Result jns = Shell.run(javaCommand("netns", "exec", name, "sh", "-c", script));
            assertThat(jns.err()).isEmpty();
            assertThat(jns.exit()).isEqualTo(ip.exit()).isEqualTo(7);
            assertThat(jns.out()).isEqualTo(ip.out()).contains("only-in-" + name, "q0\nq1\n");
            assertThat(Files.readString(Path.of("/etc/hosts"))).doesNotContain("only-in-" + name);

            Shell.Result missing = Shell.run(javaCommand("netns", "exec", name, "/nonexistent"));
            assertThat(missing.err()).isEqualTo("jns netns: exec of \"/nonexistent\" failed: No such file or directory\n");
            assertThat(missing.exit()).isEqualTo(1);
        } finally {
            Shell.deleteQuietly(name);
            if (Files.exists(etcDir)) {
                try (var files = Files.list(etcDir)) {
                    for (Path p : files.toList()) Files.delete(p);
                }
                Files.delete(etcDir);
            }
        }
        MachineState.assertNothingLeakedSince(before);
    }

    /** The CLI in a JVM of its own: exec hands the terminal to the command, so it cannot run in-process. */
    static String[] javaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.jns.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }
}
