package dev.jns.cli;

import dev.jns.ids.AccountFiles;
import dev.jns.ids.ProcessIds;
import dev.jns.ids.SubordinateIds;
import dev.jns.ns.NamespaceType;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.plan.PlanCompiler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.jns.ns.NamespaceType.*;
import static org.assertj.core.api.Assertions.assertThat;

/** What launch plan each {@code jns unshare} command line becomes; no root needed. */
class UnshareLaunchTest {
    static final long MS_NOSUID = 0x2, MS_NODEV = 0x4, MS_NOEXEC = 0x8, MS_REC = 0x4000, MS_PRIVATE = 1 << 18,
            MS_SLAVE = 1 << 19;
    @TempDir Path dir;
    UnshareParser.Host user, root;

    @BeforeEach
    void hosts() throws IOException {
        Files.writeString(dir.resolve("passwd"), "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
        Files.writeString(dir.resolve("subuid"), "alice:100000:65536\n");
        Files.writeString(dir.resolve("subgid"), "alice:100000:65536\n");
        AccountFiles accounts = new AccountFiles(dir.resolve("passwd"), dir.resolve("group"));
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");
        user = new UnshareParser.Host(new ProcessIds(1000, 1000, 1000, 1000), env, accounts,
                new SubordinateIds(dir.resolve("subuid")), new SubordinateIds(dir.resolve("subgid")),
                dir.resolve("uid_map"), dir.resolve("gid_map"));
        root = new UnshareParser.Host(new ProcessIds(0, 0, 0, 0), env, accounts, user.subuid(), user.subgid(),
                user.uidMap(), user.gidMap());
    }

    private static LaunchPlan plan(UnshareParser.Host host, String... args) {
        UnshareOptions o = ((UnshareParser.Run) new UnshareParser(host).parse(args)).options();
        return PlanCompiler.compile(UnshareLaunch.builder(o).spec());
    }

    private static List<String> opNames(LaunchPlan plan) {
        return plan.ops().stream().map(op -> op.getClass().getSimpleName()).toList();
    }

    @Test
    void rootlessPidNamespaceWithProc() {
        LaunchPlan plan = plan(user, "-Urpf", "--mount-proc", "true");
        assertThat(plan.cloneOp().namespaceFlags()).isEqualTo(NamespaceType.cloneFlags(List.of(USER, PID, MNT)));
        // setgroups deny before the gid map, maps written as the single own id, then private / and a fresh proc
        assertThat(opNames(plan)).containsSubsequence("Clone", "WriteFile", "WriteFile", "WriteFile",
                "Mount", "Mount", "Exec");
        assertThat(plan.opsOf(Op.WriteFile.class)).containsExactly(
                new Op.WriteFile("/proc/child/setgroups", "deny"),
                new Op.WriteFile("/proc/child/uid_map", "0 1000 1\n"),
                new Op.WriteFile("/proc/child/gid_map", "0 1000 1\n"));
        assertThat(plan.opsOf(Op.Mount.class)).containsExactly(
                new Op.Mount("none", "/", null, MS_REC | MS_PRIVATE, null),
                new Op.Mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, null));
        assertThat(plan.opsOf(Op.Exec.class).getFirst().argv()).containsExactly("true");
    }

    @Test
    void withoutForkThePidNamespaceIsForTheChildrenOnly() {
        LaunchPlan plan = plan(root, "-p", "sh");
        assertThat(plan.cloneOp().namespaceFlags() & PID.cloneFlag()).isZero();
        assertThat(plan.opsOf(Op.Unshare.class)).containsExactly(new Op.Unshare(PID.cloneFlag()));
    }

    @Test
    void mapAutoGoesThroughShadowUtilsForAUserButNotForRoot() {
        assertThat(plan(user, "--map-auto", "true").opsOf(Op.RunForChild.class)).containsExactly(
                new Op.RunForChild("/usr/bin/newuidmap", List.of("0", "100000", "65536")),
                new Op.RunForChild("/usr/bin/newgidmap", List.of("0", "100000", "65536")));
        assertThat(plan(root, "--map-users=0:100000:10", "true").opsOf(Op.WriteFile.class))
                .containsExactly(new Op.WriteFile("/proc/child/uid_map", "0 100000 10\n"));
    }

    @Test
    void eachMapWrittenTheWayItNeeds() {
        // uid ranges need newuidmap, but a user may write its own single gid itself (after setgroups deny)
        LaunchPlan plan = plan(user, "--map-users=auto", "--map-group=0", "true");
        assertThat(plan.opsOf(Op.RunForChild.class))
                .containsExactly(new Op.RunForChild("/usr/bin/newuidmap", List.of("0", "100000", "65536")));
        assertThat(plan.opsOf(Op.WriteFile.class)).containsExactly(new Op.WriteFile("/proc/child/setgroups", "deny"),
                new Op.WriteFile("/proc/child/gid_map", "0 1000 1\n"));
    }

    @Test
    void ownerTakenBeforeTheNamespacesAreMade() {
        LaunchPlan plan = plan(root, "--owner", "1000:1000", "-r", "true");
        assertThat(opNames(plan).indexOf("BecomeOwner")).isLessThan(opNames(plan).indexOf("Clone")).isNotNegative();
    }

    @Test
    void plainUserNamespaceWritesNothing() {
        LaunchPlan plan = plan(user, "-U", "id");
        assertThat(plan.opsOf(Op.WriteFile.class)).isEmpty();
    }

    @Test
    void propagationOnlyWithMountNamespace() {
        assertThat(plan(root, "-m", "--propagation", "slave", "true").opsOf(Op.Mount.class))
                .containsExactly(new Op.Mount("none", "/", null, MS_REC | MS_SLAVE, null));
        assertThat(plan(root, "-u", "--propagation", "slave", "true").opsOf(Op.Mount.class)).isEmpty();
        assertThat(plan(root, "-m", "--propagation", "unchanged", "true").opsOf(Op.Mount.class)).isEmpty();
    }

    @Test
    void procDirectoryMadePrivateBeforeProcIsMountedOnIt() {
        LaunchPlan plan = plan(root, "--mount-proc", "--propagation", "shared", "true");
        // a directory that is no mount point (EINVAL) needs nothing
        int privatize = plan.ops().indexOf(new Op.Mount("none", "/proc", null, MS_REC | MS_PRIVATE, null));
        assertThat(plan.planned().get(privatize).tolerated()).isEqualTo(22);
        assertThat(plan.ops().get(privatize + 1)).isEqualTo(new Op.Mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, null));
    }

    @Test
    void defaultShellRunsAsLoginShell() {
        Op.Exec exec = plan(root, "-n").opsOf(Op.Exec.class).getFirst();
        assertThat(exec.program()).isEqualTo("/bin/sh");
        assertThat(exec.argv()).containsExactly("-sh");
    }

    @Test
    void timeOffsetsAndPersistence() {
        LaunchPlan plan = plan(root, "-T", "--boottime", "86400", "--uts=/run/u", "true");
        assertThat(plan.opsOf(Op.WriteFile.class))
                .containsExactly(new Op.WriteFile("/proc/child/timens_offsets", "monotonic 0 0\nboottime 86400 0\n"));
        // util-linux needs the file to exist: nothing creates it
        assertThat(plan.opsOf(Op.CreateFile.class)).isEmpty();
        assertThat(plan.opsOf(Op.Mount.class)).contains(new Op.Mount("/proc/child/ns/uts", "/run/u", null, 0x1000, null));
    }

    @Test
    void credentialsRootAndDirectory() {
        LaunchPlan plan = plan(root, "-R", "/srv/r", "-S", "5", "-G", "6", "--keep-caps", "-U", "true");
        assertThat(plan.opsOf(Op.ChangeRoot.class)).containsExactly(new Op.ChangeRoot("/srv/r"));
        assertThat(plan.ops()).containsSubsequence(new Op.ChangeRoot("/srv/r"), new Op.ChangeDirectory("/"));
        assertThat(opNames(plan)).containsSubsequence("SetGroups", "SetGid", "SetUid", "AmbientFromPermitted");
        assertThat(plan.opsOf(Op.SetGroups.class)).containsExactly(new Op.SetGroups(List.of()));
        // --keep-caps means nothing without a new user namespace, as in util-linux
        assertThat(plan(root, "--keep-caps", "-n", "true").opsOf(Op.AmbientFromPermitted.class)).isEmpty();
    }

    @Test
    void killChildSetsTheDeathSignalAndEnvironmentIsPassedAsAsked() {
        LaunchPlan plan = plan(root, "--kill-child=SIGTERM", "--clear-env", "-n", "env");
        assertThat(plan.opsOf(Op.DeathSignal.class)).containsExactly(new Op.DeathSignal(15));
        assertThat(plan.environment()).isEmpty();
    }
}
