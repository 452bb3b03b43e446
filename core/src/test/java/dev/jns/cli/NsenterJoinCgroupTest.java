package dev.jns.cli;

import dev.jns.testing.JnsInstall;
import dev.jns.testing.LeakCheck;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import dev.jns.testing.UtilLinuxOracle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code nsenter --join-cgroup}: the program moves into the target's cgroup v2 group, through
 * that group's {@code cgroup.procs}. This machine is a cgroup v1 hybrid with cgroup2 on
 * {@code /sys/fs/cgroup/unified}; each v2 case runs in a private mount namespace where that
 * mount is bound over {@code /sys/fs/cgroup}, with the target in a group made beneath the
 * test's own (and removed afterwards). util-linux 2.42.2 takes the group from the first line
 * of {@code /proc/PID/cgroup}, which on a hybrid is a v1 hierarchy's (here {@code name=systemd});
 * jns takes the {@code 0::} line, the v2 one (the same line on a pure v2 machine, where it is
 * the only one). So that both name the same group, the target is also put in a group of the
 * same path in that first hierarchy (never the memory hierarchy).
 */
class NsenterJoinCgroupTest {
    private static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");
    static JnsInstall jns;
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("make cgroups and bind cgroup2 over /sys/fs/cgroup in a private mount namespace");

    private final List<Path> made = new ArrayList<>();
    private Process target;
    private String groupPath;

    @BeforeAll
    static void build() {
        Privilege.requireRoot("make cgroups and bind cgroup2 over /sys/fs/cgroup in a private mount namespace");
        UtilLinuxOracle.dir();
        jns = JnsInstall.shared();
    }


    /** A sleeping target in a new group beneath this process's own, in v2 and in /proc/PID/cgroup's first hierarchy. */
    @BeforeEach
    void target() throws Exception {
        assumeThat(Files.exists(UNIFIED.resolve("cgroup.procs"))).as("cgroup2 mounted on " + UNIFIED).isTrue();
        List<String> own = Files.readAllLines(Path.of("/proc/self/cgroup"));
        String v2Own = own.stream().filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
        String[] first = own.getFirst().split(":", 3);
        groupPath = (v2Own.equals("/") ? "" : v2Own) + "/jns-joincg-" + ProcessHandle.current().pid();
        List<Path> groups = new ArrayList<>(List.of(UNIFIED.resolve(groupPath.substring(1))));
        if (!own.getFirst().startsWith("0::")) {
            assumeThat(first[1]).as("the first hierarchy is not memory").doesNotContain("memory");
            assumeThat(first[2]).as("own group in the first hierarchy is the v2 one").isEqualTo(v2Own);
            groups.add(v1Mount(first[1]).resolve(groupPath.substring(1)));
        }
        target = new ProcessBuilder("sleep", "600").start();
        for (Path g : groups) {
            Files.createDirectory(g);
            made.addFirst(g);
            Files.writeString(g.resolve("cgroup.procs"), Long.toString(target.pid()));
        }
    }

    @AfterEach
    void removeGroups() throws Exception {
        if (target != null) {
            target.destroyForcibly();
            target.waitFor(10, TimeUnit.SECONDS);
        }
        for (Path g : made) {
            for (int i = 0; i < 50 && Files.exists(g); i++) {
                try {
                    Files.delete(g);
                } catch (IOException busy) {
                    Thread.sleep(20);    // the last member's exit is seen a moment later
                }
            }
        }
    }

    /** Where the v1 hierarchy with these options ({@code name=systemd}, {@code cpu}...) is mounted. */
    private static Path v1Mount(String options) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            String[] after = line.substring(line.indexOf(" - ") + 3).split(" ");
            if (after[0].equals("cgroup") && List.of(after[2].split(",")).containsAll(List.of(options.split(",")))) {
                return Path.of(f[4]);
            }
        }
        throw new IllegalStateException("no mount of the cgroup v1 hierarchy " + options);
    }

    /** {@code command} in a private mount namespace with cgroup2 bound over /sys/fs/cgroup (or not). */
    private static ToolResult run(boolean v2, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation=private", "sh", "-c",
                (v2 ? "mount --bind " + UNIFIED + " /sys/fs/cgroup && " : "") + "exec \"$@\"", "sh"));
        argv.addAll(command);
        return Tool.run(RunAs.caller(), argv);
    }

    /** Runs nsenter {@code args} through both; they must agree on output, message and status. Returns util-linux's. */
    private static ToolResult agree(boolean v2, String... args) {
        List<String> reference = new ArrayList<>(List.of(UtilLinuxOracle.program("nsenter")));
        reference.addAll(List.of(args));
        List<String> ours = new ArrayList<>(List.of("nsenter"));
        ours.addAll(List.of(args));
        ToolResult u = run(v2, reference);
        ToolResult j = run(v2, jns.command(ours.toArray(String[]::new)));
        String both = "\nutil-linux 2.42.2: " + u + "\njns: " + j;
        assertThat(j.stdout()).as("stdout%s", both).isEqualTo(u.stdout());
        assertThat(j.stderr()).as("stderr%s", both).isEqualTo(UtilLinuxOracle.asJns("nsenter", u.stderr()));
        assertThat(j.shellStatus()).as("status%s", both).isEqualTo(u.shellStatus());
        return u;
    }

    @Test
    void theProgramRunsInTheTargetsGroup() {
        String t = Long.toString(target.pid());
        for (String option : List.of("--join-cgroup", "-c")) {
            ToolResult u = agree(true, "-t", t, option, "-u", "cat", "/proc/self/cgroup");
            assertThat(u.shellStatus()).as(u.toString()).isZero();
            assertThat(u.stdout().lines()).contains("0::" + groupPath);
        }
        // With the target's cgroup namespace too (-C), and through a pid namespace join that forks (-p).
        ToolResult u = agree(true, "-t", t, "-c", "-C", "-p", "cat", "/proc/self/cgroup");
        assertThat(u.stdout().lines()).as(u.toString()).contains("0::" + groupPath);
    }

    @Test
    void onACgroupV1HierarchyItIsRefused() {
        ToolResult u = agree(false, "-t", Long.toString(target.pid()), "--join-cgroup", "-u", "true");
        assertThat(u.stderr()).isEqualTo("nsenter: --join-cgroup is only supported in cgroup v2\n");
        assertThat(u.shellStatus()).isEqualTo(1);
    }

    @Test
    void withoutATargetOrWithAGoneOneItSaysSo() throws Exception {
        ToolResult u = agree(true, "-c", "-u", "true");
        assertThat(u.stderr()).isEqualTo("nsenter: no target PID specified\n");
        u = agree(true, "-c", "-u/proc/self/ns/uts", "true");
        assertThat(u.stderr()).isEqualTo("nsenter: neither filename nor target pid supplied for cgroup\n");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        u = agree(true, "-t", Long.toString(gone.pid()), "-c", "-u/proc/self/ns/uts", "true");
        assertThat(u.stderr()).startsWith("nsenter: cannot open /proc/" + gone.pid() + "/cgroup: ");
        assertThat(u.shellStatus()).isEqualTo(1);
    }
}
