package dev.jns.spawn;

import dev.jns.caps.Capability;
import dev.jns.mount.Propagation;
import dev.jns.plan.Op;
import dev.jns.spec.Capabilities;
import dev.jns.spec.Credentials;
import dev.jns.spec.Filesystem;
import dev.jns.spec.FsStep;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.SeccompProgram;
import dev.jns.spec.Supervision;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static dev.jns.mount.MountFlags.MOUNT_ATTR_NODEV;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_NOSUID;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_RDONLY;
import static dev.jns.ns.NamespaceType.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Specs beyond what the builder says, run for real: a bubblewrap-like root built from nothing,
 * capabilities dropped, a seccomp filter, a file at a chosen number, a detached program.
 */
class SpecSpawnTest {

    /** The builder's spec with other parts put in. */
    private static LaunchSpec with(LaunchSpec s, Filesystem fs, Capabilities caps, Supervision supervision,
                                   List<SeccompProgram> seccomp) {
        return new LaunchSpec(s.program(), s.create(), s.join(), s.user(), fs, s.setup(),
                new Credentials(s.credentials().uid(), s.credentials().gid(), s.credentials().groups(), true, true),
                caps, supervision, s.descriptors(), seccomp, s.waitForCaller());
    }

    private static String run(LaunchSpec spec) throws Exception {
        Process p = Spawner.start(spec, new ProcessBuilder().redirectErrorStream(true), List.of(), false);
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    static Filesystem emptyRootWithUsr() {
        long ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
        return new Filesystem(Propagation.PRIVATE, List.of(
                new FsStep.TmpfsRoot(),
                new FsStep.Bind(Path.of("/usr"), Path.of("/usr"), ro, false),
                new FsStep.Symlink("usr/bin", Path.of("/bin")), new FsStep.Symlink("usr/lib", Path.of("/lib")),
                new FsStep.Symlink("usr/lib64", Path.of("/lib64")),
                new FsStep.Proc(Path.of("/proc")),
                new FsStep.Dev(Path.of("/dev")),
                new FsStep.Tmpfs(Path.of("/tmp"), 01777, OptionalLong.of(1 << 20)),
                new FsStep.Dir(Path.of("/home/user"), 0700)));
    }

    @Test
    void aSandboxSeesOnlyWhatItWasGivenAndHasNoCapabilityLeft() throws Exception {
        Privilege.requireRoot("create every namespace type from a root JVM");
        MachineState before = MachineState.capture();
        LaunchSpec spec = with(new NamespacedProcessBuilder("sh", "-c",
                "grep ^Cap /proc/self/status; ls /dev; ls /; grep -E ' / | /usr ' /proc/self/mountinfo; echo pid $$; "
                        + "touch /usr/x 2>&1; ls /home; echo x > /dev/null && echo null ok")
                .mapRootToCurrentUser().newNamespaces(PID, MNT, UTS, IPC, NET, CGROUP).hostname("sb").spec(),
                emptyRootWithUsr(), new Capabilities.Exactly(Set.of()), new Supervision.Leashed(9, List.of(), List.of()), List.of());
        String out = run(spec);

        assertThat(out).contains("CapInh:\t0000000000000000", "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000",
                "CapBnd:\t0000000000000000", "CapAmb:\t0000000000000000");
        assertThat(out).contains("core\nfd\nfull\nnull\nptmx\npts\nrandom\nshm\nstderr\nstdin\nstdout\ntty\nurandom\nzero\n");
        assertThat(out).contains("bin\ndev\nhome\nlib\nlib64\nproc\ntmp\nusr\n");
        assertThat(out).containsPattern(" / / rw,nosuid,nodev[^\n]* - tmpfs ");
        assertThat(out).containsPattern(" /usr ro,nosuid,nodev");
        assertThat(out).contains("pid 1\n", "Read-only file system", "user\n", "null ok\n");
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void anUnprivilegedUserBuildsTheSameSandbox() throws Exception {
        Privilege.requireRoot("switch to uid 65534 for the child JVM");
        MachineState before = MachineState.capture();
        Process jvm = ChildJvm.sandboxMain(ChildJvm.asNobody(), "tmpfs-root").redirectErrorStream(true).start();
        String out = ChildJvm.output(jvm);
        assertThat(out).contains("tmpfs-root: CapEff:\t0000000000000000", "tmpfs-root: CapBnd:\t0000000000000000",
                "tmpfs-root: bin", "tmpfs-root: usr", "tmpfs-root: core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero",
                "tmpfs-root: 0\n", "tmpfs-root: pid 1\n", "tmpfs-root: exit 0");
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void keptCapabilitiesAreTheOnlyOnesAndSurviveExecAsAmbient() throws Exception {
        Privilege.requireRoot("create namespaces from a root JVM");
        LaunchSpec spec = with(new NamespacedProcessBuilder("grep", "^Cap", "/proc/self/status").mapRootToCurrentUser().spec(),
                new Filesystem(Propagation.PRIVATE, List.of()), new Capabilities.Exactly(Set.of(Capability.NET_ADMIN)),
                new Supervision.Leashed(9, List.of(), List.of()), List.of());
        String mask = String.format("%016x", Capability.NET_ADMIN.bit());
        assertThat(run(spec)).contains("CapPrm:\t" + mask, "CapEff:\t" + mask, "CapBnd:\t" + mask, "CapAmb:\t" + mask);
    }

    /** Classic BPF: mkdir and mkdirat fail with EOPNOTSUPP, everything else is allowed (x86_64 only). */
    static ByteBuffer mkdirRefused() {
        int ldAbs = 0x20, jeq = 0x15, ret = 0x06;
        int[][] prog = {
                {ldAbs, 0, 0, 4}, {jeq, 0, 5, 0xc000003e},        // arch is x86_64, else allow (below)
                {ldAbs, 0, 0, 0}, {jeq, 2, 0, 83}, {jeq, 1, 0, 258}, // mkdir, mkdirat
                {ret, 0, 0, 0x7fff0000},                          // allow
                {ret, 0, 0, 0x00050000 | 95},                      // errno EOPNOTSUPP
                {ret, 0, 0, 0x7fff0000}};
        ByteBuffer b = ByteBuffer.allocate(prog.length * 8).order(ByteOrder.nativeOrder());
        for (int[] i : prog) b.putShort((short) i[0]).put((byte) i[1]).put((byte) i[2]).putInt(i[3]);
        return b.flip();
    }

    @Test
    void aSeccompFilterIsInstalledLastAndAFileWaitsAtItsNumber(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("create namespaces from a root JVM");
        Files.writeString(dir.resolve("given"), "handed over\n");
        LaunchSpec spec = with(new NamespacedProcessBuilder("sh", "-c", "cat <&7; mkdir " + dir.resolve("made") + " 2>&1; true")
                .mapRootToCurrentUser().openFile(dir.resolve("given"), Op.Open.O_RDONLY, 7).spec(),
                new Filesystem(Propagation.PRIVATE, List.of()), new Capabilities.Unchanged(),
                new Supervision.Leashed(9, List.of(), List.of()), List.of(new SeccompProgram(mkdirRefused())));
        String out = run(spec);
        assertThat(out).startsWith("handed over\n").contains("Operation not supported");
        assertThat(dir.resolve("made")).doesNotExist();
    }

    @Test
    void aDetachedProgramWaitsAtItsFifoOutlivesItsHelperAndRunsWhenStarted(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("create namespaces from a root JVM");
        Path fifo = dir.resolve("exec.fifo"), out = dir.resolve("out"), pidFile = dir.resolve("pid");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        LaunchSpec spec = with(new NamespacedProcessBuilder("sh", "-c", "hostname > " + out).newNamespaces(UTS, MNT)
                .hostname("detached").spec(), new Filesystem(Propagation.PRIVATE, List.of()), new Capabilities.Unchanged(),
                new Supervision.Detached(Optional.of(fifo), Optional.of(pidFile)), List.of());
        long pid = Spawner.startDetached(spec, new ProcessBuilder());
        assertThat(Files.readString(pidFile)).isEqualTo(Long.toString(pid));
        ProcessHandle program = ProcessHandle.of(pid).orElseThrow();
        Thread.sleep(200);
        assertThat(program.isAlive()).isTrue();
        assertThat(program.parent().map(ProcessHandle::pid)).isNotEqualTo(Optional.of(ProcessHandle.current().pid()));
        assertThat(out).doesNotExist();

        try (InputStream start = Files.newInputStream(fifo)) {
            assertThat(start.read()).isEqualTo('0');
        }
        for (int i = 0; i < 500 && (!Files.exists(out) || Files.size(out) == 0); i++) Thread.sleep(10);
        assertThat(Files.readString(out)).isEqualTo("detached\n");
    }
}
