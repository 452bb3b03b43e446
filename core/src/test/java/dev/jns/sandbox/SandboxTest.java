package dev.jns.sandbox;

import dev.jns.mount.MountFlags;
import dev.jns.net.NetNamespace;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.plan.PlannedOp;
import dev.jns.seccomp.ContainerProfile;
import dev.jns.spawn.SpawnException;
import dev.jns.spec.FsStep;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sandbox as a Java object: what it compiles to, and what a program inside sees. */
class SandboxTest {

    private static Sandbox usrOnly(String... command) {
        return Sandbox.command(command).unshareAll()
                .roBind("/usr", "/usr").symlink("usr/bin", "/bin").symlink("usr/lib", "/lib").symlink("usr/lib64", "/lib64")
                .proc("/proc").dev("/dev").tmpfs("/home/job").directory("/home/job").hostname("job-42");
    }

    @Test
    void everyBindIsNosuidAndNodevUnlessItIsADevBindAndTryFormsMayMissTheirSource() {
        LaunchPlan plan = Sandbox.command("true").bind("/a", "/a").roBindTry("/b", "/b").devBind("/c", "/c").plan();
        long nosuid = MountFlags.MOUNT_ATTR_NOSUID, nodev = MountFlags.MOUNT_ATTR_NODEV, ro = MountFlags.MOUNT_ATTR_RDONLY;
        assertThat(plan.opsOf(Op.BindAt.class)).extracting(Op.BindAt::target, Op.BindAt::attrSet).containsExactly(
                tuple("/a", nosuid | nodev), tuple("/b", ro | nosuid | nodev), tuple("/c", nosuid));
        // a missing source of a -try form is no failure, and its bind is then skipped
        assertThat(plan.planned()).filteredOn(s -> s.op() instanceof Op.Open o && o.path().startsWith("/oldroot/"))
                .extracting(PlannedOp::tolerated).containsExactly(0, dev.jns.os.Errno.ENOENT, 0);
        assertThat(plan.planned()).filteredOn(s -> s.op() instanceof Op.BindAt).extracting(s -> s.onlyIf() != null)
                .containsExactly(false, true, false);
        // no privilege to gain by exec, and no capability left
        assertThat(plan.ops()).contains(new Op.NoNewPrivileges(), new Op.SetCapabilities(0, 0, 0, 0, 0));
    }

    @Test
    void everyTargetInABuiltRootIsResolvedInsideItNeverByAPathFromOutside() {
        LaunchPlan plan = Sandbox.command("true").symlink("../oldroot/etc", "/link").dir("/link/d").bind("/usr", "/link/b")
                .file(new byte[] {1}, "/link/f", 0644).bindData(new byte[] {2}, "/link/g", 0600).chmod(0700, "/link/d")
                .remountReadOnly("/link/b").tmpfs("/link/t").proc("/link/p").dev("/link/dev")
                .tmpOverlay(java.util.List.of("/usr"), "/link/o").plan();
        Op.Open openRoot = plan.opsOf(Op.Open.class).stream().filter(o -> o.path().equals("/newroot")).findFirst().orElseThrow();
        int root = openRoot.slot();
        assertThat(openRoot.resolve()).as("the root itself is opened refusing symlinks").isEqualTo(Op.Open.RESOLVE_NO_SYMLINKS);
        int from = plan.ops().indexOf(openRoot);
        for (Op op : plan.ops().subList(from + 1, plan.ops().size())) {
            switch (op) {
                case Op.MakeDirectory m when !m.path().startsWith("/tmp-overlay-") -> assertThat(m.root()).as("%s", m).isEqualTo(root);
                case Op.Symlink l -> assertThat(l.root()).as("%s", l).isEqualTo(root);
                case Op.Chmod c -> assertThat(c.root()).as("%s", c).isEqualTo(root);
                case Op.SetMountAttributes a -> assertThat(a.root()).as("%s", a).isEqualTo(root);
                case Op.BindAt b -> assertThat(b.root()).as("%s", b).isEqualTo(root);
                case Op.MountAt m -> assertThat(m.root()).as("%s", m).isEqualTo(root);
                case Op.CopyFile f when !f.path().startsWith("/bind-data-") -> assertThat(f.root()).as("%s", f).isEqualTo(root);
                case Op.Open o when o.dirSlot() == root -> assertThat(o.resolve()).as("%s", o).isEqualTo(Op.Open.RESOLVE_IN_ROOT);
                case Op.Open o -> assertThat(o.path()).as("only sources are opened by path: %s", o).startsWith("/oldroot/");
                case Op.Bind b -> throw new AssertionError("a bind by paths in a built root: " + b);
                case Op.Mount m -> throw new AssertionError("a mount by path in a built root: " + m);
                default -> { }
            }
            if (op instanceof Op.Unmount) break; // the old tree detached: the root is entered
        }
        // the targets are the user's paths in the root, the link in them included, for the helper to resolve
        assertThat(plan.opsOf(Op.MakeDirectory.class)).contains(new Op.MakeDirectory(root, "/link/d", 0755, 0755));
    }

    @Test
    void aProgramSeesOnlyWhatItWasGiven() throws Exception {
        Privilege.requireRoot("create every namespace type from a root JVM");
        MachineState before = MachineState.capture();
        Process p = usrOnly("sh", "-c", "pwd; hostname; id -u; ls /; grep CapEff /proc/self/status; touch /usr/x 2>&1;"
                        + " echo $$; touch here && echo writable home")
                .seccomp(ContainerProfile.filter(true)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).startsWith("/home/job\njob-42\n0\n")
                .contains("bin\ndev\nhome\nlib\nlib64\nproc\nusr\n", "CapEff:\t0000000000000000", "Read-only file system",
                        "\n2\n", "writable home"); // PID 2: a reaper is PID 1, as in bubblewrap
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void anUnprivilegedUserGetsTheSameSandbox() throws Exception {
        Privilege.requireRoot("switch to uid 65534 for the child JVM");
        MachineState before = MachineState.capture();
        Process jvm = new ProcessBuilder(java.util.List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), SandboxMain.class.getName())).redirectErrorStream(true).start();
        String out = new String(jvm.getInputStream().readAllBytes());
        assertThat(jvm.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo("/home/job\njob-42\n65534\nbin\ndev\nhome\nlib\nlib64\nproc\nusr\nexit 0\n");
        MachineState.assertNothingLeakedSince(before);
    }

    /** The sandbox of these tests in a JVM of its own, for whoever runs it. */
    public static final class SandboxMain {
        public static void main(String[] args) throws Exception {
            Process p = usrOnly("sh", "-c", "pwd; hostname; id -u; ls /").redirectErrorStream(true).start();
            System.out.print(new String(p.getInputStream().readAllBytes()));
            System.out.println("exit " + p.waitFor());
        }
    }

    @Test
    void underItsReaperTheProgramStopsOnSigtermAsPid1ItWouldNot() throws Exception {
        Privilege.requireRoot("create namespaces from a root JVM");
        Process reaped = usrOnly("sleep", "600").start();
        Thread.sleep(300);
        reaped.destroy();
        assertThat(reaped.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("ended by SIGTERM").isTrue();
        assertThat(reaped.exitValue()).isEqualTo(128 + 15);

        Process pid1 = usrOnly("sh", "-c", "echo $$; sleep 600").asPid1().start();
        assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(pid1.getInputStream())).readLine()).isEqualTo("1");
        pid1.destroy();
        assertThat(pid1.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)).as("PID 1 ignores a SIGTERM it has no handler for").isFalse();
        pid1.destroyForcibly();
        pid1.waitFor();
    }

    /**
     * Root changing to another uid without a user namespace: the kernel clears the death
     * signal on that credential change, so it must be armed after it (as bubblewrap does), in
     * the reaper (PID 1) and as PID 1 alike, or SIGKILL to the helper leaves the program running.
     */
    @Test
    void destroyForciblyEndsAProgramThatChangedUidWithoutAUserNamespace() throws Exception {
        Privilege.requireRoot("change uid without a user namespace");
        MachineState before = MachineState.capture();
        for (boolean asPid1 : new boolean[] {false, true}) {
            Sandbox s = Sandbox.command("sh", "-c", "echo ready; exec sleep 600").unshare(NamespaceType.PID)
                    .roBind("/", "/").proc("/proc").uid(65534);
            if (asPid1) s.asPid1();
            Process p = s.start();
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine()).isEqualTo("ready");
            ProcessHandle child = ProcessHandle.of(p.pid()).orElseThrow(); // the reaper, or the program as PID 1
            List<ProcessHandle> inside = new java.util.ArrayList<>(child.descendants().toList());
            inside.add(child);
            p.destroyForcibly();
            p.waitFor();
            for (ProcessHandle h : inside) {
                for (int i = 0; i < 500 && running(h.pid()); i++) Thread.sleep(10);
                assertThat(running(h.pid())).as("as PID 1: %s; %s (%s) outlived the helper", asPid1, h.pid(),
                        h.info().commandLine().orElse("?")).isFalse();
            }
        }
        MachineState.assertNothingLeakedSince(before);
    }

    /** Not ended yet: a zombie (which ProcessHandle.isAlive() counts as alive) has ended. */
    private static boolean running(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    @Test
    void aMissingSourceFailsTheStartNamingTheBindUnlessItIsATryForm() throws Exception {
        Privilege.requireRoot("create namespaces from a root JVM");
        MachineState before = MachineState.capture();
        assertThatThrownBy(() -> usrOnly("true").roBind("/no/such/dir", "/data").start())
                .isInstanceOfSatisfying(SpawnException.class, e -> {
                    assertThat(e.step()).isEqualTo(new FsStep.Bind(Path.of("/no/such/dir"), Path.of("/data"),
                            MountFlags.MOUNT_ATTR_RDONLY | MountFlags.MOUNT_ATTR_NOSUID | MountFlags.MOUNT_ATTR_NODEV, false));
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                });
        Process p = usrOnly("sh", "-c", "ls /data 2>&1; true").roBindTry("/no/such/dir", "/data").redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readAllBytes())).contains("No such file or directory");
        assertThat(p.waitFor()).isZero();
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void aJoinedNamespaceIsEnteredBeforeTheCloneAndNotMadeAnew() {
        try (Namespace net = Namespace.current(NamespaceType.NET)) {
            LaunchPlan plan = Sandbox.command("true").unshareAll().joinNamespace(net).plan();
            // nsenter's two passes: each may join it
            assertThat(plan.opsOf(Op.Setns.class)).extracting(Op.Setns::types).isNotEmpty()
                    .containsOnly(NamespaceType.NET.cloneFlag());
            assertThat(plan.cloneOp().namespaceFlags() & NamespaceType.NET.cloneFlag()).as("no new net namespace").isZero();
            assertThat(plan.cloneOp().namespaceFlags() & NamespaceType.PID.cloneFlag()).as("the others still new").isNotZero();
            int setns = plan.ops().indexOf(plan.opsOf(Op.Setns.class).getFirst());
            assertThat(setns).as("joined before the clone").isLessThan(plan.ops().indexOf(plan.cloneOp()));
        }
    }

    @Test
    void onlyNetUtsIpcAndCgroupNamespacesAreJoinedThisWay() {
        for (NamespaceType type : List.of(NamespaceType.MNT, NamespaceType.USER, NamespaceType.PID)) {
            try (Namespace ns = Namespace.current(type)) {
                assertThatThrownBy(() -> Sandbox.command("true").joinNamespace(ns)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("a sandbox cannot join a " + type.procName() + " namespace this way: only a net, uts, ipc or cgroup namespace");
            }
        }
        try (Namespace uts = Namespace.current(NamespaceType.UTS)) {
            assertThat(Sandbox.command("true").joinNamespace(uts).spec().join().files())
                    .containsExactly(new dev.jns.spec.Joins.JoinedFile(uts.fdPath(), NamespaceType.UTS));
        }
    }

    @Test
    void aProgramInAJoinedNetworkNamespaceSeesItsLinks() throws Exception {
        Privilege.requireRoot("create a named network namespace");
        MachineState before = MachineState.capture();
        try (NetNamespace net = NetNamespace.create("jns-sandbox-join")) {
            Process p = usrOnly("sh", "-c", "readlink /proc/self/ns/net; readlink /proc/1/ns/pid")
                    .joinNamespace(net.namespace()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            String[] lines = out.split("\n");
            assertThat(lines[0]).isEqualTo("net:[" + net.namespace().inode() + "]");
            try (Namespace ownPid = Namespace.current(NamespaceType.PID)) {
                assertThat(lines[1]).as("still a pid namespace of its own").isNotEqualTo("pid:[" + ownPid.inode() + "]");
            }
        }
        MachineState.assertNothingLeakedSince(before);
    }
    @Test
    void aStepBeforeExecWiresTheSandboxsNetworkToAPeerNamespace() throws Exception {
        Privilege.requireRoot("create a named network namespace and a veth");
        MachineState before = MachineState.capture();
        try (NetNamespace peer = NetNamespace.create("jns-sandbox-peer")) {
            peer.network().setUp("lo", true);
            var uplink = dev.jns.net.VethUplink.to(peer, "to-sandbox", "10.77.15.1/30", "eth0", "10.77.15.2/30");
            // any address, but only the peer's: the socket lives in the peer's namespace
            try (var server = peer.run(() -> new java.net.ServerSocket(7715, 1, java.net.InetAddress.ofLiteral("0.0.0.0")))) {
                var accepted = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try (var c = server.accept()) {
                        c.getOutputStream().write("from-peer\n".getBytes());
                        return c.getInetAddress().getHostAddress();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                Process p = usrOnly("bash", "-c", "exec 3<>/dev/tcp/10.77.15.1/7715; cat <&3")
                        .beforeExec(uplink).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertThat(p.waitFor()).as(out).isZero();
                assertThat(out).isEqualTo("from-peer\n");
                assertThat(accepted.get()).isEqualTo("10.77.15.2");
            }
            // released with the program: the peer's end of the veth went with the sandbox's namespace
            assertThat(peer.network().link("to-sandbox")).isEmpty();
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void aFailingStepBeforeExecAbortsTheStartAndLeavesNothing() throws Exception {
        MachineState before = MachineState.capture();
        assertThatThrownBy(() -> usrOnly("true").beforeExec((pid, namespaces) -> {
            assertThat(namespaces).containsKey(NamespaceType.NET);
            throw new java.io.IOException("no uplink today");
        }).start()).hasMessageContaining("no uplink today");
        MachineState.assertNothingLeakedSince(before);
    }
}
