package dev.jns.cli;

import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import dev.jns.testing.UnshareComparison.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jns unshare} as root, case by case next to util-linux's {@code unshare}: what the
 * program sees inside (ids, setgroups, host name, PID 1 and /proc, links, IPC objects,
 * cgroup root, boot time, mount propagation), persistence that util-linux's nsenter can
 * enter, and exit statuses.
 */
class UnshareAsRootTest extends UnshareToolTestBase {
    static final RunAs ROOT = RunAs.caller();

    @BeforeEach
    void needsRoot() {
        Privilege.requireRoot("create namespaces of every type as the caller");
    }

    @Test
    void idsInsideUserNamespace() {
        compare.run(ROOT, "-Ur", "sh", "-c", "id -u; id -g").assertSame();
        assertThat(compare.run(ROOT, "-U", "sh", "-c", "id -u; id -g").assertSame().jns().stdout())
                .isEqualTo("65534\n65534\n");
        assertThat(compare.run(ROOT, "--map-user=1234", "--map-group=5678", "sh", "-c", "id -u; id -g")
                .assertSame().jns().stdout()).isEqualTo("1234\n5678\n");
        compare.run(ROOT, "-c", "cat", "/proc/self/uid_map", "/proc/self/gid_map").assertSame();
    }

    @Test
    void setgroupsFile() {
        assertThat(compare.run(ROOT, "-Ur", "cat", "/proc/self/setgroups").assertSame().jns().stdout()).isEqualTo("deny\n");
        assertThat(compare.run(ROOT, "-U", "cat", "/proc/self/setgroups").assertSame().jns().stdout()).isEqualTo("allow\n");
        compare.run(ROOT, "-U", "--setgroups=deny", "cat", "/proc/self/setgroups").assertSame();
    }

    @Test
    void hostnameIsolatedFromHost() throws IOException {
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname"));
        Outcome o = compare.run(ROOT, "-u", "sh", "-c", "hostname jns-isolated; hostname").assertSame();
        assertThat(o.jns().stdout()).isEqualTo("jns-isolated\n");
        assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname"))).isEqualTo(host);
    }

    @Test
    void pidOneAndFreshProc() {
        // sh is PID 1, readlink PID 2; the glob is expanded by sh, so only /proc/1 exists then
        Outcome o = compare.run(ROOT, "-pf", "--mount-proc", "sh", "-c", "echo $$; readlink /proc/self; ls -d /proc/[0-9]*")
                .assertSame();
        assertThat(o.jns().stdout()).isEqualTo("1\n2\n/proc/1\n");
        compare.run(ROOT, "--fork", "--pid", "--mount-proc", "readlink", "/proc/self").assertSame();
    }

    @Test
    void pidNamespaceWithoutForkIsForChildren() {
        // the program stays outside; its first child is PID 1 and a second fork fails
        compare.run(ROOT, "-p", "sh", "-c", "sh -c 'echo $$'").assertSame();
    }

    @Test
    void onlyLoopbackInNewNetworkNamespace() {
        Outcome o = compare.run(ROOT, "-n", "ip", "-o", "link").assertSame();
        assertThat(o.jns().stdout()).startsWith("1: lo: <LOOPBACK>").hasLineCount(1);
    }

    @Test
    void ipcObjectsIsolated() {
        String hostQueues = queues();
        Outcome o = compare.run(ROOT, "-i", "sh", "-c", "ipcs -q | grep -c '^0x'; ipcmk -Q >/dev/null; ipcs -q | grep -c '^0x'")
                .assertSame();
        assertThat(o.jns().stdout()).isEqualTo("0\n1\n");
        assertThat(queues()).isEqualTo(hostQueues);
    }

    private static String queues() {
        return Tool.run(ROOT, List.of("ipcs", "-q")).stdout();
    }

    @Test
    void cgroupNamespaceRoot() {
        Outcome o = compare.run(ROOT, "-C", "cat", "/proc/self/cgroup").assertSame();
        assertThat(o.jns().stdout()).contains("0::/\n");
        assertThat(o.jns().stdout().lines()).allMatch(l -> l.endsWith(":/"));
    }

    @Test
    void boottimeShiftsUptime() throws IOException {
        double hostBefore = uptime(Files.readString(Path.of("/proc/uptime")));
        Outcome o = compare.run(ROOT, "-T", "--boottime", "86400", "cat", "/proc/uptime");
        double hostAfter = uptime(Files.readString(Path.of("/proc/uptime")));
        assertThat(o.jns().exit()).isEqualTo(o.utilLinux().exit()).isZero();
        for (ToolResult r : List.of(o.utilLinux(), o.jns())) {
            assertThat(uptime(r.stdout())).isBetween(hostBefore + 86400, hostAfter + 86400);
        }
        // the monotonic clock too, seen through a child of the program
        ToolResult mono = compare.runJns(ROOT, Map.of(), "-Tf", "--monotonic", "-100", "cat", "/proc/uptime");
        assertThat(mono.exit()).isZero();
    }

    private static double uptime(String procUptime) {
        return Double.parseDouble(procUptime.trim().split("\\s+")[0]);
    }

    @Test
    void propagationPrivateByDefaultSlaveOrSharedOnRequest() throws IOException {
        // The host's / is private here, so look at a shared tmpfs of our own.
        Path dir = Files.createTempDirectory("jns-prop");
        try {
            run("mount", "-t", "tmpfs", "jns-prop", dir.toString());
            run("mount", "--make-shared", dir.toString());
            String fields = "awk -v d=" + dir + " '$5==d {print $7}' /proc/self/mountinfo";
            assertThat(compare.run(ROOT, "-m", "sh", "-c", fields).assertSame().jns().stdout()).isEqualTo("-\n");
            assertThat(compare.run(ROOT, "-m", "--propagation", "slave", "sh", "-c", fields).assertSame().jns().stdout())
                    .startsWith("master:");
            assertThat(compare.run(ROOT, "-m", "--propagation", "shared", "sh", "-c", fields).assertSame().jns().stdout())
                    .startsWith("shared:");
            compare.run(ROOT, "-m", "--propagation", "unchanged", "sh", "-c", fields).assertSame();
        } finally {
            Tool.run(ROOT, List.of("umount", dir.toString()));
            Files.delete(dir);
        }
    }

    @Test
    void mountProcUnderSharedPropagationStaysInside() throws IOException {
        // A shared mount stands in for a systemd host's /proc: the new proc must not appear outside.
        Path dir = Files.createTempDirectory("jns-procdir");
        try {
            run("mount", "-t", "tmpfs", "jns-procdir", dir.toString());
            run("mount", "--make-shared", dir.toString());
            // the file system type follows the "-" that ends the optional fields
            String fsType = "awk -v d=" + dir + " '$5==d {for (i = 7; $i != \"-\"; i++); print $(i+1)}' /proc/self/mountinfo";
            Outcome o = compare.run(ROOT, "-m", "--propagation", "shared", "--mount-proc=" + dir, "sh", "-c", fsType)
                    .assertSame();
            assertThat(o.jns().stdout()).isEqualTo("tmpfs\nproc\n");
            assertThat(Tool.run(ROOT, List.of("sh", "-c", fsType)).stdout()).isEqualTo("tmpfs\n");
        } finally {
            Tool.run(ROOT, List.of("umount", "-R", dir.toString()));
            Files.delete(dir);
        }
    }

    @Test
    void persistedUtsNamespaceCanBeEnteredByNsenter() throws IOException {
        for (String tool : List.of("util-linux", "jns")) {
            Path file = Files.createTempFile("jns-uts", "");
            try {
                List<String> args = List.of("--uts=" + file, "hostname", "persisted-" + tool.charAt(0));
                ToolResult made = tool.equals("jns") ? compare.runJns(ROOT, Map.of(), args.toArray(String[]::new))
                        : compare.runUtilLinux(ROOT, Map.of(), args.toArray(String[]::new));
                assertThat(made.exit()).as("%s: %s", tool, made).isZero();
                ToolResult entered = Tool.run(ROOT, List.of("nsenter", "--uts=" + file, "hostname"));
                assertThat(entered.stdout()).as(tool).isEqualTo("persisted-" + tool.charAt(0) + "\n");
            } finally {
                Tool.run(ROOT, List.of("umount", file.toString()));
                Files.delete(file);
            }
        }
    }

    @Test
    void persistedUserNamespaceLikeUtilLinux242() throws IOException {
        // 2.38.1 fails here ("mount /proc/N/ns/user on FILE failed: Operation not permitted"); 2.42 works.
        Path file = Files.createTempFile("jns-user", "");
        try {
            ToolResult made = compare.runJns(ROOT, Map.of(), "-r", "--user=" + file, "true");
            assertThat(made.exit()).as("%s", made).isZero();
            ToolResult entered = Tool.run(ROOT, List.of("nsenter", "--user=" + file, "cat", "/proc/self/uid_map"));
            assertThat(entered.stdout().trim().split("\\s+")).containsExactly("0", "0", "1");
        } finally {
            Tool.run(ROOT, List.of("umount", file.toString()));
            Files.delete(file);
        }
    }

    @Test
    void persistenceNeedsAnExistingFile() {
        Outcome o = compare.run(ROOT, "--uts=/nonexistent/jns-uts", "true");
        assertThat(o.jns().exit()).isEqualTo(o.utilLinux().exit()).isEqualTo(1);
        assertThat(o.jns().stderr()).matches("jns unshare: mount /proc/\\d+/ns/uts on /nonexistent/jns-uts failed: "
                + "No such file or directory\n");
    }

    @Test
    void exitStatuses() {
        assertThat(compare.run(ROOT, "-f", "sh", "-c", "exit 0").assertSame().jns().exit()).isZero();
        assertThat(compare.run(ROOT, "-f", "sh", "-c", "exit 7").assertSame().jns().exit()).isEqualTo(7);
        assertThat(compare.run(ROOT, "-n", "sh", "-c", "exit 7").assertSame().jns().exit()).isEqualTo(7);
        // an exit status of 143 is passed on as one, not turned into a signal
        assertThat(compare.run(ROOT, "-f", "sh", "-c", "exit 143").assertSame().jns().exit()).isEqualTo(143);
        Outcome missing = compare.run(ROOT, "-n", "jns-no-such-program").assertSame();
        assertThat(missing.jns().exit()).isEqualTo(127);
        assertThat(missing.jns().stderr()).isEqualTo("jns unshare: failed to execute jns-no-such-program: No such file or directory\n");
        assertThat(compare.run(ROOT, "-n", "/etc/passwd").assertSame().jns().exit()).isEqualTo(126);
    }

    @Test
    void executableWithoutInterpreterLineRunsUnderSh() throws IOException {
        // execvp's rule, which util-linux inherits: a file the kernel cannot execute (ENOEXEC) is a shell script
        Path script = Files.createTempFile("jns-script", "");
        try {
            Files.writeString(script, "echo from-script $1\nexit 3\n");
            script.toFile().setExecutable(true, false);
            Outcome o = compare.run(ROOT, "-n", script.toString(), "arg").assertSame();
            assertThat(o.jns().stdout()).isEqualTo("from-script arg\n");
            assertThat(o.jns().exit()).isEqualTo(3);
        } finally {
            Files.delete(script);
        }
    }

    @Test
    void withoutProgramRunsShellAsLoginShell() throws IOException {
        // Only a login shell (argv[0] "-sh") reads $HOME/.profile: it tells which way sh was started.
        Path home = Files.createTempDirectory("jns-home");
        try {
            Files.writeString(home.resolve(".profile"), "echo \"login shell $0\"\n");
            Outcome o = compare.run(ROOT, Map.of("SHELL", "/bin/sh", "HOME", home.toString()), "-u").assertSame();
            assertThat(o.jns().stdout()).isEqualTo("login shell -sh\n");
        } finally {
            Files.delete(home.resolve(".profile"));
            Files.delete(home);
        }
    }

    @Test
    void childKilledBySignalIsReRaised() {
        Outcome o = compare.run(ROOT, "-f", "sh", "-c", "kill -TERM $$").assertSame();
        assertThat(o.jns().signal()).isEqualTo(15);
        assertThat(o.jns().shellStatus()).isEqualTo(143);
        assertThat(compare.run(ROOT, "-n", "sh", "-c", "kill -KILL $$").assertSame().jns().signal()).isEqualTo(9);
    }

    private static void run(String... command) {
        ToolResult r = Tool.run(ROOT, List.of(command));
        assertThat(r.exit()).as("%s: %s", List.of(command), r).isZero();
    }
}
