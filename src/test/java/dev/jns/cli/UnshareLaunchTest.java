package dev.jns.cli;

import dev.jns.ids.AccountFiles;
import dev.jns.ids.IdMap;
import dev.jns.ids.ProcessIds;
import dev.jns.ids.SubordinateIds;
import dev.jns.ns.NamespaceType;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.jns.ns.NamespaceType.*;
import static org.assertj.core.api.Assertions.assertThat;

/** What launch plan each {@code jns unshare} command line becomes; no root needed. */
class UnshareLaunchTest {
    static final long MS_REC = 0x4000, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19;
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
        return UnshareLaunch.builder(o).plan();
    }

    private static List<String> opNames(LaunchPlan plan) {
        return plan.ops().stream().map(op -> op.getClass().getSimpleName()).toList();
    }

    @Test
    void rootlessPidNamespaceWithProc() {
        LaunchPlan plan = plan(user, "-Urpf", "--mount-proc", "true");
        assertThat(plan.cloneOp().namespaceFlags()).isEqualTo(NamespaceType.cloneFlags(List.of(USER, PID, MNT)));
        // setgroups deny before the gid map, maps written as the single own id, then private / and a fresh proc
        assertThat(opNames(plan)).containsSubsequence("Clone", "WriteSetgroups", "WriteIdMap", "WriteIdMap",
                "SetPropagation", "Mount", "Exec");
        assertThat(plan.opsOf(Op.WriteSetgroups.class)).containsExactly(new Op.WriteSetgroups(false));
        assertThat(plan.opsOf(Op.WriteIdMap.class)).containsExactly(
                new Op.WriteIdMap(Op.IdKind.UID, List.of(new IdMap(0, 1000, 1))),
                new Op.WriteIdMap(Op.IdKind.GID, List.of(new IdMap(0, 1000, 1))));
        assertThat(plan.opsOf(Op.SetPropagation.class)).containsExactly(new Op.SetPropagation("/", MS_REC | MS_PRIVATE));
        assertThat(plan.opsOf(Op.Mount.class)).extracting(Op.Mount::target).containsExactly("/proc");
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
        assertThat(plan(user, "--map-auto", "true").opsOf(Op.RunIdMapProgram.class)).extracting(Op.RunIdMapProgram::maps)
                .containsExactly(List.of(new IdMap(0, 100000, 65536)), List.of(new IdMap(0, 100000, 65536)));
        assertThat(plan(root, "--map-users=0:100000:10", "true").opsOf(Op.WriteIdMap.class))
                .containsExactly(new Op.WriteIdMap(Op.IdKind.UID, List.of(new IdMap(0, 100000, 10))));
    }

    @Test
    void eachMapWrittenTheWayItNeeds() {
        // uid ranges need newuidmap, but a user may write its own single gid itself (after setgroups deny)
        LaunchPlan plan = plan(user, "--map-users=auto", "--map-group=0", "true");
        assertThat(plan.opsOf(Op.RunIdMapProgram.class)).extracting(Op.RunIdMapProgram::maps)
                .containsExactly(List.of(new IdMap(0, 100000, 65536)));
        assertThat(plan.opsOf(Op.WriteIdMap.class)).containsExactly(new Op.WriteIdMap(Op.IdKind.GID, List.of(new IdMap(0, 1000, 1))));
        assertThat(plan.opsOf(Op.WriteSetgroups.class)).containsExactly(new Op.WriteSetgroups(false));
    }

    @Test
    void ownerTakenBeforeTheNamespacesAreMade() {
        LaunchPlan plan = plan(root, "--owner", "1000:1000", "-r", "true");
        assertThat(opNames(plan).indexOf("BecomeOwner")).isLessThan(opNames(plan).indexOf("Clone")).isNotNegative();
    }

    @Test
    void plainUserNamespaceWritesNothing() {
        LaunchPlan plan = plan(user, "-U", "id");
        assertThat(plan.opsOf(Op.WriteIdMap.class)).isEmpty();
        assertThat(plan.opsOf(Op.WriteSetgroups.class)).isEmpty();
    }

    @Test
    void propagationOnlyWithMountNamespace() {
        assertThat(plan(root, "-m", "--propagation", "slave", "true").opsOf(Op.SetPropagation.class))
                .containsExactly(new Op.SetPropagation("/", MS_REC | MS_SLAVE));
        assertThat(plan(root, "-u", "--propagation", "slave", "true").opsOf(Op.SetPropagation.class)).isEmpty();
        assertThat(plan(root, "-m", "--propagation", "unchanged", "true").opsOf(Op.SetPropagation.class)).isEmpty();
    }

    @Test
    void procDirectoryMadePrivateBeforeProcIsMountedOnIt() {
        LaunchPlan plan = plan(root, "--mount-proc", "--propagation", "shared", "true");
        assertThat(opNames(plan)).containsSubsequence("PrivatizeMountPoint", "Mount");
        assertThat(plan.opsOf(Op.PrivatizeMountPoint.class)).containsExactly(new Op.PrivatizeMountPoint("/proc"));
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
        assertThat(plan.opsOf(Op.SetTimeOffsets.class))
                .containsExactly(new Op.SetTimeOffsets(Duration.ZERO, Duration.ofSeconds(86400)));
        // util-linux needs the file to exist
        assertThat(plan.opsOf(Op.PersistNamespace.class)).containsExactly(new Op.PersistNamespace("uts", "/run/u", false));
    }

    @Test
    void credentialsRootAndDirectory() {
        LaunchPlan plan = plan(root, "-R", "/srv/r", "-S", "5", "-G", "6", "--keep-caps", "-U", "true");
        assertThat(plan.opsOf(Op.ChangeRoot.class)).containsExactly(new Op.ChangeRoot("/srv/r"));
        assertThat(plan.opsOf(Op.ChangeDirectory.class)).containsExactly(new Op.ChangeDirectory("/"));
        assertThat(opNames(plan)).containsSubsequence("SetGroups", "SetGid", "SetUid", "RaiseAmbientCaps");
        assertThat(plan.opsOf(Op.SetGroups.class)).containsExactly(new Op.SetGroups(List.of()));
        // --keep-caps means nothing without a new user namespace, as in util-linux
        assertThat(plan(root, "--keep-caps", "-n", "true").opsOf(Op.RaiseAmbientCaps.class)).isEmpty();
    }

    @Test
    void killChildSetsTheDeathSignalAndEnvironmentIsPassedAsAsked() {
        LaunchPlan plan = plan(root, "--kill-child=SIGTERM", "--clear-env", "-n", "env");
        assertThat(plan.opsOf(Op.ParentDeathSignal.class)).containsExactly(new Op.ParentDeathSignal(15));
        assertThat(plan.opsOf(Op.Exec.class).getFirst().env()).isEmpty();
    }
}
