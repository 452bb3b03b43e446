package dev.jns.cli;

import dev.jns.testing.HeldNamespaces;
import dev.jns.testing.JnsInstall;
import dev.jns.testing.LeakCheck;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jns nsenter} next to util-linux {@code nsenter}, both entering the same targets,
 * made once by util-linux {@code unshare} and once by {@code jns unshare}: what the program
 * prints and how the tool exits must be the same.
 */
class NsenterCompatTest {
    static JnsInstall jns;
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asCaller();

    /** Who makes the target namespaces. */
    enum Maker { UTIL_LINUX, JNS }

    @BeforeAll
    static void build() {
        Privilege.requireRoot("create and enter namespaces");
        jns = JnsInstall.shared();
    }


    private static HeldNamespaces target(Maker maker, RunAs as, List<String> flags, String setup) throws Exception {
        List<String> unshare = new ArrayList<>(as.prefix());
        unshare.addAll(maker == Maker.UTIL_LINUX ? List.of("unshare") : jns.command("unshare"));
        return HeldNamespaces.start(unshare, flags, setup);
    }

    private static ToolResult agree(RunAs as, Object... parts) {
        // jns.command("nsenter", ...) and util-linux "nsenter" get the same arguments after the name.
        List<String> a = new ArrayList<>();
        for (Object p : parts) a.add(p.toString());
        return bothAgreeNamed(as, a);
    }

    private static ToolResult bothAgreeNamed(RunAs as, List<String> a) {
        List<String> ours = new ArrayList<>(List.of("nsenter"));
        ours.addAll(a);
        List<String> reference = new ArrayList<>(List.of("nsenter"));
        reference.addAll(a);
        ToolResult u = Tool.run(as, reference);
        ToolResult j = Tool.run(as, jns.command(ours.toArray(String[]::new)));
        String both = "\nutil-linux: " + u + "\njns: " + j;
        assertThat(j.stdout()).as("stdout of nsenter %s%s", a, both).isEqualTo(u.stdout());
        assertThat(j.shellStatus()).as("status of nsenter %s%s", a, both).isEqualTo(u.shellStatus());
        assertThat(j.signal()).as("signal that killed nsenter %s%s", a, both).isEqualTo(u.signal());
        assertThat(j.stderr()).as("stderr of nsenter %s%s", a, both).isEqualTo(asIn242(u.stderr()));
        return j;
    }

    /**
     * The installed util-linux is 2.38.1; jns follows 2.42, whose texts differ in a few
     * places (checked against util-linux's source).
     */
    private static String asIn242(String stderr238) {
        return stderr238.replaceAll("(?m)^nsenter: ", "jns nsenter: ").replace("'nsenter --help'", "'jns nsenter --help'")
                .replace("setgid failed:", "setgid() failed:").replace("setuid failed:", "setuid() failed:");
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void hostname(Maker maker) throws Exception {
        try (HeldNamespaces t = target(maker, RunAs.caller(), List.of("--uts"), "hostname jns-compat")) {
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-u", "hostname").stdout()).isEqualTo("jns-compat\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void fileOnlyInTheTargetsMountNamespace(Maker maker) throws Exception {
        try (HeldNamespaces t = target(maker, RunAs.caller(), List.of("--mount"),
                "mount -t tmpfs jns /mnt && echo only-there > /mnt/jns-mark")) {
            assertThat(Path.of("/mnt/jns-mark")).doesNotExist();
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-m", "cat", "/mnt/jns-mark").stdout()).isEqualTo("only-there\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void procOneCommWithAll(Maker maker) throws Exception {
        try (HeldNamespaces t = target(maker, RunAs.caller(), List.of("--pid", "--fork", "--mount-proc"), "")) {
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-a", "cat", "/proc/1/comm").stdout()).isEqualTo("sleep\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void uidInAUserNamespace(Maker maker) throws Exception {
        try (HeldNamespaces t = target(maker, RunAs.caller(), List.of("--user", "--map-root-user"), "")) {
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-U", "sh", "-c", "id -u; id -g; cat /proc/self/uid_map").stdout())
                    .startsWith("0\n0\n");
        }
        // Root inside maps to the caller, so uid 0 of nsenter's default is not mapped: both fail alike.
        try (HeldNamespaces t = target(maker, RunAs.caller(), List.of("--user", "--map-user=1000", "--map-group=1000"), "")) {
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-U", "id", "-u").shellStatus()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void linksInANetworkNamespace(Maker maker) throws Exception {
        try (HeldNamespaces t = target(maker, RunAs.caller(), List.of("--net"), "ip link add jnsv0 type veth peer name jnsv1")) {
            String links = agree(RunAs.caller(), "-t", t.pid(), "-n", "ip", "-o", "link", "show").stdout();
            assertThat(links).contains("lo:", "jnsv0@jnsv1", "jnsv1@jnsv0");
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void rootAndWorkingDirectoryOfTheTarget(Maker maker) throws Exception {
        try (HeldNamespaces t = target(maker, RunAs.caller(), List.of("--mount"),
                "mount -t tmpfs jns /mnt && mkdir /mnt/here && echo x > /mnt/here/jns-mark && cd /mnt/here")) {
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-m", "-r", "-w", "sh", "-c", "pwd; ls").stdout())
                    .isEqualTo("/mnt/here\njns-mark\n");
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-m", "--wdns=/mnt", "ls").stdout()).isEqualTo("here\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void environmentOfTheTarget(Maker maker) throws Exception {
        try (HeldNamespaces t = target(maker, RunAs.caller(), List.of("--uts"), "export JNS_MARK=from-target")) {
            // -e is util-linux 2.39+, so the installed 2.38.1 cannot be the reference here.
            assertThat(Tool.run(RunAs.caller(), List.of("nsenter", "-t", "" + t.pid(), "-u", "-e", "true")).stderr())
                    .contains("invalid option -- 'e'");
            ToolResult ours = Tool.run(RunAs.caller(), jns.command("nsenter", "-t", "" + t.pid(), "-u", "-e", "sh", "-c",
                    "echo $JNS_MARK"));
            assertThat(ours.stdout()).as("%s", ours).isEqualTo("from-target\n");
            // Without -e the program gets nsenter's own environment, not the target's.
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-u", "sh", "-c", "echo ${JNS_MARK:-unset}").stdout())
                    .isEqualTo("unset\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void setuidAndSetgid(Maker maker) throws Exception {
        try (HeldNamespaces t = target(maker, RunAs.caller(), List.of("--uts"), "")) {
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-u", "-S", "1", "-G", "2", "id").stdout())
                    .isEqualTo("uid=1(daemon) gid=2(bin) groups=2(bin)\n");
            // "follow" is util-linux 2.39+: the target runs as uid 0 (the held process is root's).
            ToolResult follow = Tool.run(RunAs.caller(), jns.command("nsenter", "-t", "" + t.pid(), "-u", "-S", "follow",
                    "-G", "follow", "id"));
            assertThat(follow.stdout()).as("%s", follow).isEqualTo("uid=0(root) gid=0(root) groups=0(root)\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void bindMountedNamespaceFile(Maker maker) throws Exception {
        Path file = Files.createTempFile(Path.of("/run"), "jns-compat-uts", "");
        try {
            // The holder ends at once; the bind mount keeps the namespace.
            target(maker, RunAs.caller(), List.of("--uts=" + file), "hostname bound").close();
            assertThat(agree(RunAs.caller(), "--uts=" + file, "hostname").stdout()).isEqualTo("bound\n");
            assertThat(agree(RunAs.caller(), "-u" + file, "hostname").stdout()).isEqualTo("bound\n");
        } finally {
            Tool.run(RunAs.caller(), List.of("umount", file.toString()));
            Files.delete(file);
        }
    }

    @Test
    void theProgramsStatusIsPassedOn() throws Exception {
        try (HeldNamespaces t = HeldNamespaces.start(List.of("--uts"), "")) {
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-u", "sh", "-c", "exit 7").shellStatus()).isEqualTo(7);
            // Both die by the signal that killed the program, and pass on a plain exit 143 as such.
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-u", "sh", "-c", "kill -TERM $$").signal()).isEqualTo(15);
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-u", "sh", "-c", "exit 143").signal()).isZero();
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-u", "/nonexistent-program").shellStatus()).isEqualTo(127);
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void pidNamespaceWithAndWithoutFork(Maker maker) throws Exception {
        try (HeldNamespaces t = target(maker, RunAs.caller(), List.of("--pid", "--fork"), "")) {
            String target = Files.readSymbolicLink(Path.of(t.nsPath("pid"))).toString();
            String mine = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            String show = "exec readlink /proc/self/ns/pid /proc/self/ns/pid_for_children"; // the program itself, no child
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-p", "sh", "-c", show).stdout()).isEqualTo(target + "\n" + target + "\n");
            // -F: no fork, so the program stays where it was and only its children enter.
            assertThat(agree(RunAs.caller(), "-t", t.pid(), "-p", "-F", "sh", "-c", show).stdout()).isEqualTo(mine + "\n" + target + "\n");
        }
    }

    @Test
    void badInputFailsAlike() throws Exception {
        int missing = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).getFirst().strip()) - 1;
        while (Files.exists(Path.of("/proc/" + missing))) missing--;
        agree(RunAs.caller(), "-t", missing, "-u", "true");
        agree(RunAs.caller(), "--net=/nonexistent-jns-file", "true");
        agree(RunAs.caller(), "-n/proc/self/status", "true");
        agree(RunAs.caller(), "-t", missing, "-a", "true");
        agree(RunAs.caller(), "--bogus");
        // 2.38.1 says "failed to parse pid: 'abc'"; jns follows 2.42.2 (compared in NsenterUtilLinux2422Test).
        ToolResult ours = Tool.run(RunAs.caller(), jns.command("nsenter", "-t", "abc", "-u", "true"));
        ToolResult reference = Tool.run(RunAs.caller(), List.of("nsenter", "-t", "abc", "-u", "true"));
        assertThat(ours.exit()).isEqualTo(reference.exit()).isEqualTo(1);
        assertThat(reference.stderr()).startsWith("nsenter: failed to parse pid").contains("'abc'");
        assertThat(ours.stderr()).isEqualTo("jns nsenter: invalid PID argument\n");
    }

    // ---- options newer than the installed util-linux 2.38.1: jns alone, against the kernel's view ----

    private static ToolResult jnsAlone(Object... parts) {
        List<String> a = new ArrayList<>(List.of("nsenter"));
        for (Object p : parts) a.add(p.toString());
        ToolResult r = Tool.run(RunAs.caller(), jns.command(a.toArray(String[]::new)));
        assertThat(r.exit()).as("%s", r).isZero();
        return r;
    }

    @Test
    void timeNamespaceAndPinnedPid() throws Exception {
        try (HeldNamespaces t = HeldNamespaces.start(List.of("--net", "--user", "--map-root-user", "--time", "--boottime", "100000", "--fork"), "")) {
            String net = Files.readSymbolicLink(Path.of(t.nsPath("net"))).toString();
            assertThat(jnsAlone("-t", t.pid(), "-n", "readlink", "/proc/self/ns/net").stdout()).isEqualTo(net + "\n");
            double inside = Double.parseDouble(jnsAlone("-t", t.pid(), "-U", "-T", "cat", "/proc/uptime").stdout().split(" ")[0]);
            double outside = Double.parseDouble(Files.readAllLines(Path.of("/proc/uptime")).getFirst().split(" ")[0]);
            assertThat(inside - outside).isBetween(99_000.0, 101_000.0);

            int pidfd = dev.jns.sys.LibC.pidfdOpen(t.pid(), 0);
            long inode;
            try {
                inode = dev.jns.sys.LibC.fstat(pidfd).ino();
            } finally {
                dev.jns.sys.LibC.close(pidfd);
            }
            assertThat(jnsAlone("-t", t.pid() + ":" + inode, "-n", "readlink", "/proc/self/ns/net").stdout()).isEqualTo(net + "\n");
            ToolResult wrong = Tool.run(RunAs.caller(), jns.command("nsenter", "-t", t.pid() + ":" + (inode + 1), "-n", "true"));
            assertThat(wrong.exit()).isEqualTo(1);
            assertThat(wrong.stderr()).isEqualTo("jns nsenter: failed to obtain a valid file descriptor for PID " + t.pid()
                    + ": No such process\n");
        }
    }

    @Test
    void userParentOfANestedUserNamespace() throws Exception {
        try (HeldNamespaces t = HeldNamespaces.start(List.of("unshare", "--user", "--map-root-user", "unshare"), List.of("--user"), "")) {
            String parent;
            try (dev.jns.ns.Namespace inner = dev.jns.ns.Namespace.of(t.pid(), dev.jns.ns.NamespaceType.USER);
                 dev.jns.ns.Namespace outer = inner.parent().orElseThrow()) {
                parent = outer.toString();
            }
            assertThat(parent).isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/user")).toString());
            assertThat(jnsAlone("-t", t.pid(), "--user-parent", "--preserve-credentials", "readlink", "/proc/self/ns/user").stdout())
                    .isEqualTo(parent + "\n");
        }
    }

    @Test
    void netSocketOfTheTarget() throws Exception {
        // python holds a TCP socket as fd 3 inside a new network namespace.
        try (HeldNamespaces t = HeldNamespaces.start(List.of("--net"), "")) {
            String net = Files.readSymbolicLink(Path.of(t.nsPath("net"))).toString();
            Process py = new ProcessBuilder("nsenter", "-t", "" + t.pid(), "-n", "python3", "-c",
                    "import socket,sys,time\ns=socket.socket()\nprint(s.fileno(),flush=True)\ntime.sleep(60)").start();
            try {
                String fd = new String(py.getInputStream().readNBytes(2)).strip();
                ToolResult r = jnsAlone("-t", py.pid(), "-N", fd, "readlink", "/proc/self/ns/net");
                assertThat(r.stdout()).isEqualTo(net + "\n");
            } finally {
                py.destroyForcibly().waitFor();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void rootlessIntoAUserNamespaceTheCallerOwns(Maker maker) throws Exception {
        RunAs nobody = RunAs.nobody();
        try (HeldNamespaces t = target(maker, nobody, List.of("--user", "--map-root-user", "--uts"), "hostname rootless")) {
            String out = agree(nobody, "-t", t.pid(), "-U", "-u", "--preserve-credentials", "sh", "-c",
                    "id -u; hostname; cat /proc/self/uid_map").stdout();
            assertThat(out).startsWith("0\nrootless\n").contains("65534");
            // Without --preserve-credentials both try to drop groups, which the namespace denies.
            assertThat(agree(nobody, "-t", t.pid(), "-U", "true").shellStatus()).isEqualTo(1);
        }
    }
}
