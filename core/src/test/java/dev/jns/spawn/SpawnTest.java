package dev.jns.spawn;

import dev.jns.ids.IdMap;
import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.os.Signals;
import dev.jns.plan.Op;
import dev.jns.spec.NewNamespaces;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.jns.ns.NamespaceType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spawning into real namespaces, as root. Rootless runs are in {@link RootlessSpawnTest}. */
class SpawnTest {

    record Result(int exit, String out) {}

    static Result run(NamespacedProcessBuilder b) throws IOException, InterruptedException {
        Process p = b.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    static Result runTool(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    /** What a sandbox can observe of itself; the same script runs under util-linux unshare. */
    static final String OBSERVE = """
            hostname sandbox
            echo uid=$(id -u) gid=$(id -g)
            echo hostname=$(hostname)
            echo pid=$$
            echo procs: /proc/[0-9]*
            echo links=$(ip -o link | cut -d: -f2 | tr -d ' ')
            echo setgroups=$(cat /proc/self/setgroups)
            echo ipc=$(ipcs -q | grep -c '^0x')
            echo fds:
            ls /proc/$$/fd
            """;

    private static NamespacedProcessBuilder sandbox(String... cmd) {
        return new NamespacedProcessBuilder(cmd).newNamespaces(USER, PID, MNT, UTS, IPC, NET)
                .uidMap(IdMap.single(0, 0)).gidMap(IdMap.single(0, 0))
                .setgroups(dev.jns.spec.Setgroups.DENY).mountProc(Path.of("/proc"));
    }

    @Test
    void sandboxSeesWhatUtilLinuxUnshareShowsAndLeavesNothing() throws Exception {
        Privilege.requireRoot("map uid 0 into a new user namespace and compare with util-linux");
        MachineState before = MachineState.capture();
        String hostHostname = Files.readString(Path.of("/proc/sys/kernel/hostname"));
        // A message queue on the host that an isolated IPC namespace must not see.
        String queue = runTool("ipcmk", "-Q").out();

        try {
            Result ours = run(sandbox("sh", "-c", OBSERVE));
            Result theirs = runTool("unshare", "-Urmuinpf", "--mount-proc", "sh", "-c", OBSERVE);

            assertThat(ours.exit()).isZero();
            assertThat(ours.out()).isEqualTo(theirs.out());
            assertThat(ours.out()).contains("uid=0 gid=0", "hostname=sandbox", "pid=1", "procs: /proc/1\n", "links=lo",
                    "setgroups=deny", "ipc=0", "fds:\n0\n1\n2\n");
            assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname"))).isEqualTo(hostHostname);
        } finally {
            runTool("ipcrm", "-q", queue.replaceAll("\\D", ""));
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void aNewNetworkNamespaceHasLoopbackUpUnlessAskedNot() throws Exception {
        Privilege.requireRoot("create namespaces");
        // bash's /dev/tcp: a listener inside on 127.0.0.1 is reachable only when lo is up.
        String probe = "ip -o link show lo | grep -q ',UP' && echo lo=up || echo lo=down;"
                + " (exec 3<>/dev/tcp/127.0.0.1/9) 2>/dev/null; echo connect=$?";
        Result up = run(sandbox("bash", "-c", probe));
        assertThat(up.out()).startsWith("lo=up\n");
        Result down = run(sandbox("bash", "-c", probe).loopbackUp(false));
        assertThat(down.out()).startsWith("lo=down\n");
        // the same as util-linux, which leaves lo as the kernel made it
        assertThat(down.out()).isEqualTo(runTool("unshare", "-Urn", "bash", "-c", probe).out());
    }

    @Test
    void boottimeOffsetShiftsUptimeInsideOnly() throws Exception {
        Privilege.requireRoot("create a time namespace");
        Result r = run(new NamespacedProcessBuilder("cat", "/proc/uptime").newNamespaces(TIME)
                .timeOffset(dev.jns.spec.Clock.BOOTTIME, Duration.ofDays(100)));
        double inside = Double.parseDouble(r.out().split(" ")[0]);
        double outside = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        assertThat(r.exit()).isZero();
        assertThat(inside - outside).isBetween(100 * 86400.0 - 60, 100 * 86400.0 + 60);
    }

    @Test
    void exitStatusAndSignalDeathPassThrough() throws Exception {
        Privilege.requireRoot("create namespaces");
        assertThat(run(sandbox("sh", "-c", "exit 7")).exit()).isEqualTo(7);
        // Outside a pid namespace the shell is no init, so SIGTERM kills it: 128 + 15.
        assertThat(run(new NamespacedProcessBuilder("sh", "-c", "kill -TERM $$").newNamespaces(USER, NET)
                .uidMap(IdMap.single(0, 0))).exit()).isEqualTo(143);

        Process sleeper = new NamespacedProcessBuilder("sleep", "60").newNamespaces(USER, NET)
                .uidMap(IdMap.single(0, 0)).start();
        assertThat(ProcessHandle.of(sleeper.pid()).flatMap(h -> h.info().command())).hasValue("/usr/bin/sleep");
        sleeper.destroy(); // SIGTERM to the helper, forwarded to sleep
        assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sleeper.exitValue()).isEqualTo(143);
        assertThat(sleeper.onExit().get(10, TimeUnit.SECONDS)).isSameAs(sleeper);
    }

    @Test
    void terminationTellsAnExitStatusFromASignalDeath() throws Exception {
        Privilege.requireRoot("create namespaces");
        NamespacedProcess exited = new NamespacedProcessBuilder("sh", "-c", "exit 143").newNamespaces(UTS).start();
        assertThat(exited.termination()).isEqualTo(new Termination.Exited(143));
        NamespacedProcess killed = new NamespacedProcessBuilder("sh", "-c", "kill -TERM $$").newNamespaces(UTS).start();
        assertThat(killed.termination()).isEqualTo(new Termination.Killed(Signals.SIGTERM, false));
        assertThat(killed.exitValue()).isEqualTo(143);
    }

    @Test
    void scriptWithoutInterpreterLineRunsUnderShLikeExecvp(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("create namespaces");
        Path script = dir.resolve("script");
        Files.writeString(script, "echo script ran with $1\n");
        script.toFile().setExecutable(true);
        assertThat(run(new NamespacedProcessBuilder(script.toString(), "arg").newNamespaces(UTS)).out())
                .isEqualTo("script ran with arg\n");
    }

    @Test
    void ownerCreatesTheUserNamespaceAsAnotherUser() throws Exception {
        Privilege.requireRoot("change the helper's ids");
        Result r = run(new NamespacedProcessBuilder("sh", "-c", "id -u; cat /proc/self/uid_map")
                .newNamespaces(USER).owner(65534, 65534).uidMap(IdMap.single(0, 65534)).gidMap(IdMap.single(0, 65534))
                .setgroups(dev.jns.spec.Setgroups.DENY).openNamespaceHandles(true));
        assertThat(r.out().lines().map(l -> l.trim().replaceAll("\\s+", " ")).toList()).containsExactly("0", "0 65534 1");
    }

    @Test
    void persistenceOntoAMissingFileFailsWhenCreationIsOff(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("bind-mount namespaces");
        MachineState before = MachineState.capture();
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> new NamespacedProcessBuilder("true").newNamespaces(UTS).persist(UTS, missing, false).start())
                .isInstanceOfSatisfying(SpawnException.class, e -> {
                    assertThat(e.op()).isInstanceOf(Op.Mount.class);
                    assertThat(e.step()).isEqualTo(new NewNamespaces.Persistence(UTS, missing, false));
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                    assertThat(e.detail()).matches("/proc/\\d+/ns/uts on " + missing);
                });
        assertThat(missing).doesNotExist();
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void procMountUnderSharedPropagationStaysInside(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("make a shared mount point");
        Path shared = dir.resolve("shared");
        Files.createDirectory(shared);
        try {
            assertThat(runTool("mount", "--bind", "--make-shared", shared.toString(), shared.toString()).exit()).isZero();
            Result r = run(new NamespacedProcessBuilder("sh", "-c", "echo " + shared + "/[0-9]*")
                    .newNamespaces(MNT, PID).propagation(dev.jns.mount.Propagation.SHARED).mountProc(shared));
            assertThat(r.out()).isEqualTo(shared + "/1\n"); // the new /proc, where sh is PID 1
            try (var listing = Files.list(shared)) {
                assertThat(listing).as("the caller's view of the directory").isEmpty();
            }
        } finally {
            runTool("umount", "-R", shared.toString());
        }
    }

    @Test
    void destroyForciblyKillsTheSandboxThroughTheDeathSignal() throws Exception {
        Privilege.requireRoot("create namespaces");
        MachineState before = MachineState.capture();
        Process p = sandbox("sleep", "60").start();
        long target = p.pid();
        p.destroyForcibly();
        assertThat(p.waitFor()).isEqualTo(137);
        waitUntilGone(target);
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void streamsAndRedirectsReachTheTarget(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("create namespaces");
        Process p = new NamespacedProcessBuilder("sh", "-c", "read x; echo got $x; echo err >&2")
                .newNamespaces(USER, UTS).uidMap(IdMap.single(0, 0)).start();
        p.getOutputStream().write("hello\n".getBytes());
        p.getOutputStream().close();
        assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo("got hello\n");
        assertThat(new String(p.getErrorStream().readAllBytes())).isEqualTo("err\n");
        assertThat(p.waitFor()).isZero();

        Path out = dir.resolve("out");
        NamespacedProcessBuilder b = new NamespacedProcessBuilder("sh", "-c", "echo $GREETING; pwd")
                .newNamespaces(USER).uidMap(IdMap.single(0, 0)).directory(dir)
                .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()));
        b.environment().put("GREETING", "hi");
        assertThat(b.start().waitFor()).isZero();
        assertThat(Files.readString(out)).isEqualTo("hi\n" + dir + "\n");
    }

    @Test
    void execFailureNamesTheOpAndErrnoAndLeavesNothing() throws Exception {
        Privilege.requireRoot("create namespaces");
        MachineState before = MachineState.capture();
        assertThatThrownBy(() -> sandbox("/nonexistent/program").start())
                .isInstanceOfSatisfying(SpawnException.class, e -> {
                    assertThat(e.op()).isInstanceOf(Op.Exec.class);
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                    assertThat(e.strerror()).isEqualTo("No such file or directory");
                    assertThat(e.getMessage()).isEqualTo("execve /nonexistent/program: ENOENT (No such file or directory)");
                });
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void setupFailureAfterPersistenceUndoesTheBindMount(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("bind-mount namespaces");
        MachineState before = MachineState.capture();
        Path keep = dir.resolve("uts");
        NamespacedProcessBuilder b = new NamespacedProcessBuilder("/nonexistent/program").newNamespaces(UTS, MNT)
                .persist(UTS, keep);
        assertThatThrownBy(b::start).isInstanceOfSatisfying(SpawnException.class,
                e -> assertThat(e.opIndex()).isEqualTo(b.plan().ops().size() - 1));
        assertThatThrownBy(() -> sandbox("true").bindMount(Path.of("/no/such/dir"), Path.of("/mnt"), true).start())
                .isInstanceOfSatisfying(SpawnException.class, e -> {
                    assertThat(e.op()).isInstanceOf(Op.Bind.class);
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                    assertThat(e.detail()).isEqualTo("/no/such/dir on /mnt");
                });
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void persistedNamespaceCanBeEnteredByUtilLinuxNsenter(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("bind-mount namespaces");
        MachineState before = MachineState.capture();
        Path keep = dir.resolve("uts");
        try {
            assertThat(run(new NamespacedProcessBuilder("true").newNamespaces(UTS).hostname("kept")
                    .persist(UTS, keep)).exit()).isZero();
            assertThat(runTool("nsenter", "--uts=" + keep, "hostname").out()).isEqualTo("kept\n");
        } finally {
            runTool("umount", keep.toString());
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void namespaceHandlesAreTheTargetsNamespaces() throws Exception {
        Privilege.requireRoot("create namespaces");
        NamespacedProcess p = sandbox("sh", "-c", "readlink /proc/self/ns/net /proc/self/ns/user")
                .openNamespaceHandles(true).start();
        Map<NamespaceType, Namespace> ns = p.namespaces();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).isZero();
            assertThat(ns.keySet()).containsExactlyInAnyOrder(USER, PID, MNT, UTS, IPC, NET);
            assertThat(out.lines().toList()).containsExactly(ns.get(NET).toString(), ns.get(USER).toString());
            try (Namespace hostNet = Namespace.of((int) ProcessHandle.current().pid(), NET)) {
                assertThat(ns.get(NET)).isNotEqualTo(hostNet);
            }
        } finally {
            ns.values().forEach(Namespace::close);
        }
    }

    @Test
    void credentialsAndNoNewPrivs() throws Exception {
        Privilege.requireRoot("map several ids");
        Result r = run(new NamespacedProcessBuilder("sh", "-c", "id -u; id -g; id -G; grep NoNewPrivs /proc/self/status")
                .newNamespaces(USER).uidMap(new IdMap(0, 100000, 65536)).gidMap(new IdMap(0, 100000, 65536))
                .groups(List.of(20L, 30L)).gid(10).uid(1000).noNewPrivileges(true));
        assertThat(r.out()).isEqualTo("1000\n10\n10 20 30\nNoNewPrivs:\t1\n");

        assertThatThrownBy(() -> new NamespacedProcessBuilder("true").newNamespaces(USER)
                .uidMap(IdMap.single(0, 0)).uid(5).start())
                .isInstanceOf(SpawnException.class).hasMessage("setresuid 5: EINVAL (Invalid argument): uid 5 is not mapped in the user namespace");
    }

    static void waitUntilGone(long pid) throws InterruptedException {
        for (int i = 0; i < 500 && Files.exists(Path.of("/proc/" + pid)); i++) Thread.sleep(10);
        assertThat(Path.of("/proc/" + pid)).as("process %d", pid).doesNotExist();
    }
}
