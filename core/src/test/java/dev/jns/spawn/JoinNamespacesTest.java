package dev.jns.spawn;

import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.plan.CallerIds;
import dev.jns.plan.Kernel;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.plan.PlanCompiler;
import dev.jns.plan.PlannedOp;
import dev.jns.plan.Side;
import dev.jns.spec.LaunchSpec;
import dev.jns.sys.LibC;
import dev.jns.testing.HeldNamespaces;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.jns.ns.NamespaceType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JoinNamespacesTest {
    private static final String SHOW = "readlink /proc/self/ns/user /proc/self/ns/uts /proc/self/ns/net "
            + "/proc/self/ns/mnt /proc/self/ns/ipc /proc/self/ns/cgroup /proc/self/ns/pid /proc/self/ns/time; "
            + "hostname; id -u; cat /mnt/jns-mark";

    // ---- plans, no root needed -------------------------------------------------------------

    @Test
    void aProcessIsJoinedThroughOnePidfdOnNewKernelsAndThroughProcFilesOnOld() {
        LaunchSpec spec = new NamespacedProcessBuilder("id").joinNamespacesOf(42, 7, EnumSet.of(NET, USER, MNT)).spec();
        LaunchPlan viaPidfd = PlanCompiler.compile(spec, new CallerIds(0, 0), new Kernel(6, 18));
        assertThat(viaPidfd.opsOf(Op.OpenPidfd.class)).containsExactly(new Op.OpenPidfd(0, 42, 7));
        int all = NET.cloneFlag() | USER.cloneFlag() | MNT.cloneFlag();
        // nsenter's two passes: all but user, failure tolerated; then user if that worked, all of them if not
        assertThat(viaPidfd.opsOf(Op.Setns.class)).containsExactly(new Op.Setns(0, NET.cloneFlag() | MNT.cloneFlag()),
                new Op.Setns(0, USER.cloneFlag()), new Op.Setns(0, all));
        List<PlannedOp> setns = viaPidfd.planned().stream().filter(s -> s.op() instanceof Op.Setns).toList();
        int firstPass = viaPidfd.planned().indexOf(setns.getFirst());
        assertThat(setns).extracting(PlannedOp::tolerated).containsExactly(PlannedOp.ANY_ERROR, 0, 0);
        assertThat(setns).extracting(PlannedOp::onlyIf).containsExactly(null,
                new PlannedOp.Condition(firstPass, true), new PlannedOp.Condition(firstPass, false));

        LaunchPlan viaFiles = PlanCompiler.compile(spec, new CallerIds(0, 0), new Kernel(5, 7));
        assertThat(viaFiles.opsOf(Op.OpenPidfd.class)).isEmpty();
        assertThat(viaFiles.opsOf(Op.Open.class)).extracting(Op.Open::path)
                .containsExactly("/proc/42/ns/user", "/proc/42/ns/net", "/proc/42/ns/mnt");
        assertThat(viaFiles.opsOf(Op.Setns.class)).containsExactly(new Op.Setns(1, NET.cloneFlag()), new Op.Setns(2, MNT.cloneFlag()),
                new Op.Setns(0, USER.cloneFlag()), new Op.Setns(1, NET.cloneFlag()), new Op.Setns(2, MNT.cloneFlag()));
        assertThat(Kernel.parse("5.7.19").atLeast(5, 8)).isFalse();
        assertThat(Kernel.parse("5.8.0").atLeast(5, 8)).isTrue();
        assertThat(Kernel.parse("6.18.44-cloud").atLeast(5, 8)).isTrue();
    }

    @Test
    void aJoinedUserNamespaceMakesTheProgramRootUnlessCredentialsArePreserved() {
        var b = new NamespacedProcessBuilder("id").joinNamespacesOf(42, 0, Set.of(USER, NET));
        LaunchPlan plan = b.plan();
        // the groups go before the joins, and again inside only if that failed (as nsenter complains only if both fail)
        int before = plan.ops().indexOf(new Op.SetGroups(List.of()));
        assertThat(plan.planned().get(before).side()).isEqualTo(Side.HELPER);
        assertThat(plan.planned().get(before).tolerated()).isEqualTo(PlannedOp.ANY_ERROR);
        assertThat(plan.planned()).anySatisfy(s -> {
            assertThat(s.op()).isEqualTo(new Op.SetGroups(List.of()));
            assertThat(s.onlyIf()).isEqualTo(new PlannedOp.Condition(before, false));
        });
        assertThat(plan.ops()).containsSubsequence(new Op.SetGid(0), new Op.SetUid(0));
        assertThat(b.preserveCredentials(true).plan().opsOf(Op.SetUid.class)).isEmpty();
        assertThat(new NamespacedProcessBuilder("id").joinNamespacesOf(42, 0, Set.of(NET)).plan().opsOf(Op.SetUid.class)).isEmpty();
        assertThat(new NamespacedProcessBuilder("id").joinNamespacesOf(42, 0, Set.of(USER)).uid(5).plan().opsOf(Op.SetUid.class))
                .containsExactly(new Op.SetUid(5));
    }

    // ---- the real thing ------------------------------------------------------------------------

    @Test
    void everyTypeOfAProcessIsJoinedThroughItsPidfd() throws Exception {
        Privilege.requireRoot("create namespaces to join");
        MachineState before = MachineState.capture();
        try (HeldNamespaces held = HeldNamespaces.start(List.of("--user", "--map-root-user", "--uts", "--net", "--ipc",
                "--mount", "--cgroup", "--pid", "--fork", "--time"), "hostname jns-target && mount -t tmpfs t /mnt && echo mark > /mnt/jns-mark")) {
            String expected = expectedFor(held, "jns-target", "0", "mark");
            String got = run(new NamespacedProcessBuilder("sh", "-c", SHOW)
                    .joinNamespacesOf(held.pid(), 0, EnumSet.allOf(NamespaceType.class)));
            assertThat(got).isEqualTo(expected);
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void handlesAndBindMountedFilesAreJoinedTogetherWithMntAmongThem() throws Exception {
        Privilege.requireRoot("create namespaces to join");
        MachineState before = MachineState.capture();
        Path utsFile = Files.createTempFile(Path.of("/run"), "jns-join-uts", "");
        try (HeldNamespaces held = HeldNamespaces.start(List.of("--uts=" + utsFile, "--mount", "--pid", "--fork"),
                "hostname jns-bound && mount -t tmpfs t /mnt && echo bound > /mnt/jns-mark");
             Namespace mnt = Namespace.of(held.pid(), MNT);
             Namespace pid = Namespace.of(held.pid(), PID)) {
            // mnt first, then a handle through /proc/<jvm>/fd and a bind-mounted file: all
            // are opened before any is joined, or the later paths would not resolve.
            String got = run(new NamespacedProcessBuilder("sh", "-c", "hostname; cat /mnt/jns-mark; readlink /proc/self/ns/pid")
                    .joinNamespace(mnt).joinNamespace(pid).joinNamespace(utsFile, UTS));
            assertThat(got).isEqualTo("jns-bound\nbound\n" + Files.readSymbolicLink(Path.of(held.nsPath("pid"))) + "\n");
        } finally {
            new ProcessBuilder("umount", utsFile.toString()).start().waitFor();
            Files.delete(utsFile);
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void aPidfdInodeOfAnotherProcessIsRefused() throws Exception {
        Privilege.requireRoot("create namespaces to join");
        try (HeldNamespaces held = HeldNamespaces.start(List.of("--uts"), "")) {
            int self = LibC.pidfdOpen((int) ProcessHandle.current().pid(), 0);
            long wrongInode;
            try {
                wrongInode = LibC.fstat(self).ino();
            } finally {
                LibC.close(self);
            }
            var b = new NamespacedProcessBuilder("true").joinNamespacesOf(held.pid(), wrongInode, Set.of(UTS));
            assertThatThrownBy(b::start).isInstanceOfSatisfying(SpawnException.class,
                    e -> assertThat(e.errnoName()).isEqualTo("ESRCH"));
        }
    }

    @Test
    void credentialsInAJoinedUserNamespaceAreRootUnlessPreserved() throws Exception {
        Privilege.requireRoot("create a user namespace mapping root to 1000");
        try (HeldNamespaces held = HeldNamespaces.start(List.of("--user"), "")) {
            Files.writeString(Path.of("/proc", Integer.toString(held.pid()), "uid_map"), "0 1000 1\n");
            Files.writeString(Path.of("/proc", Integer.toString(held.pid()), "gid_map"), "0 1000 1\n");
            String root = run(new NamespacedProcessBuilder("sh", "-c", "id -u; id -g").joinNamespacesOf(held.pid(), 0, Set.of(USER)));
            assertThat(root).isEqualTo("0\n0\n");
            // uid 0 of the caller is not mapped in there: kept, it shows as the overflow id.
            String kept = run(new NamespacedProcessBuilder("id", "-u").joinNamespacesOf(held.pid(), 0, Set.of(USER))
                    .preserveCredentials(true));
            assertThat(kept.strip()).isEqualTo(Files.readAllLines(Path.of("/proc/sys/kernel/overflowuid")).getFirst().strip());
        }
    }

    private static String expectedFor(HeldNamespaces held, String hostname, String uid, String mark) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String t : List.of("user", "uts", "net", "mnt", "ipc", "cgroup", "pid", "time")) {
            // pid and time: what the held process's children get, as the joined program is one.
            String file = t.equals("pid") || t.equals("time") ? t + "_for_children" : t;
            sb.append(Files.readSymbolicLink(Path.of(held.nsPath(file)))).append('\n');
        }
        return sb.append(hostname).append('\n').append(uid).append('\n').append(mark).append('\n').toString();
    }

    private static String run(NamespacedProcessBuilder b) throws Exception {
        Process p = b.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
