package dev.jns.cli;

import dev.jns.testing.Checkout;
import dev.jns.testing.JnsInstall;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * jns as containerd's runtime: a private containerd (its own root, state, socket and config
 * under a temporary directory, snapshotter native, the CRI plugin off) runs containers of a
 * busybox image the test builds and imports, through containerd's runc shim
 * ({@code io.containerd.runc.v2}) with {@code options.BinaryName} set to {@code ./jns-oci}
 * (ctr's {@code --runc-binary}), and the same with runc: exit status, output, environment, a
 * detached task with an exec into it, killed and deleted. The containers' cgroups are made
 * below this JVM's own ({@code --cgroup jns-ctrd-PID/ID}, relative) and removed afterwards;
 * containerd is stopped and its directories removed.
 */
class ContainerdEndToEndTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final String NS = "jns-test", IMAGE = "jns.test/busybox:1";

    @TempDir
    static Path dir;
    private static Process containerd;
    private static Path socket;
    private static String cgroupParent;
    /** The shim's state root (runc's --root: its default, outside our directory) and its parents we made. */
    private static final Path SHIM_ROOT = Path.of("/run/containerd/runc", NS);
    private static final List<Path> shimDirsMade = new ArrayList<>();

    @BeforeAll
    static void startContainerd() throws Exception {
        Privilege.requireRoot("run containerd");
        assumeTrue(onPath("containerd") != null && onPath("ctr") != null && onPath("containerd-shim-runc-v2") != null,
                "containerd, ctr and containerd-shim-runc-v2 are not installed (Debian containerd)");
        assumeTrue(onPath("runc") != null, "runc (the reference runtime) is not installed");
        assumeTrue(Files.isExecutable(BUSYBOX), "needs a static busybox (Debian busybox-static)");
        JnsInstall.shared(); // builds the checkout if stale: the shim's first create must not wait for Maven
        cgroupParent = "jns-ctrd-" + ProcessHandle.current().pid();
        for (Path p = SHIM_ROOT; p != null && !Files.exists(p); p = p.getParent()) shimDirsMade.add(p);
        socket = dir.resolve("containerd.sock");
        Path config = dir.resolve("config.toml");
        Files.writeString(config, """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
                  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
                  "io.containerd.snapshotter.v1.aufs", "io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp"]
                [grpc]
                  address = "%2$s"
                [ttrpc]
                  address = "%2$s.ttrpc"
                [debug]
                  address = "%1$s/debug.sock"
                [metrics]
                  address = ""
                """.formatted(dir, socket));
        containerd = new ProcessBuilder("containerd", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        for (int i = 0; i < 200 && !Files.exists(socket); i++) Thread.sleep(50);
        assertThat(socket).as("containerd's socket (log: %s)", Files.readString(dir.resolve("containerd.log"))).exists();
        Path image = buildImage();
        Ctr imported = ctr("images", "import", "--snapshotter", "native", "--base-name", "jns.test/busybox", image.toString());
        assertThat(imported.exit()).as(imported.toString()).isZero();
    }

    @AfterAll
    static void stopContainerd() throws Exception {
        if (containerd == null) return;
        try {
            // Whatever a failed test left: tasks killed and deleted, containers deleted (their shims then exit).
            for (String id : ctr("containers", "list", "-q").out().split("\n")) {
                if (id.isBlank()) continue;
                ctr("tasks", "kill", "-s", "SIGKILL", id);
                ctr("tasks", "delete", "-f", id);
                ctr("containers", "delete", id);
            }
            ctr("images", "rm", IMAGE);
        } finally {
            containerd.destroy();
            if (!containerd.waitFor(20, TimeUnit.SECONDS)) containerd.destroyForcibly().waitFor();
            unmountBelow(dir);
            removeCgroups();
            for (Path p : shimDirsMade) Files.deleteIfExists(p); // innermost first; fails if a runtime left state

        }
        assertThat(mountsBelow(dir)).as("mounts left under containerd's directories").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "jns"})
    void runPrintsAndExitsWithTheProgramsStatusAndEnvironment(String runtime) throws Exception {
        Ctr r = run(runtime, "rm-" + runtime, "--rm", "--env", "GREETING=hello from " + runtime,
                "--", "sh", "-c", "echo \"$GREETING\"; echo \"pid $$\"; id -u; exit 3");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("hello from " + runtime + "\npid 1\n0\n");
        assertThat(ctr("containers", "list", "-q").out()).as("--rm removed the container").doesNotContain("rm-" + runtime);
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "jns"})
    void aDetachedTaskTakesAnExecThenIsKilledAndDeleted(String runtime) throws Exception {
        String id = "detached-" + runtime;
        Ctr started = run(runtime, id, "-d", "--", "sh", "-c", "echo ready > /tmp/ready; exec sleep 1000");
        assertThat(started.exit()).as(started.toString()).isZero();
        String status = "";
        for (int i = 0; i < 100 && !status.contains("RUNNING"); i++) {
            status = ctr("tasks", "list").out();
            Thread.sleep(50);
        }
        assertThat(status).contains(id).contains("RUNNING");
        // Which binary the shim ran: its state is where the shim's --root puts it (the shim's
        // default, /run/containerd/runc/NAMESPACE), in that runtime's own format (runc's
        // libcontainer state has init_process_pid; jns's has a lock file beside it).
        Path state = SHIM_ROOT.resolve(id);
        assertThat(state.resolve("state.json")).exists();
        if (runtime.equals("jns")) {
            assertThat(state.resolve("lock")).exists();
            assertThat(Files.readString(state.resolve("state.json"))).doesNotContain("init_process_pid");
        } else {
            assertThat(Files.readString(state.resolve("state.json"))).contains("init_process_pid");
        }

        Ctr exec = ctr("tasks", "exec", "--exec-id", "e1", id, "sh", "-c", "cat /tmp/ready; echo \"in $$, pid 1 is $(cat /proc/1/comm)\"; exit 5");
        assertThat(exec.exit()).as(exec.toString()).isEqualTo(5);
        assertThat(exec.out()).matches("ready\nin \\d+, pid 1 is sleep\n");

        // SIGKILL: pid 1 of a pid namespace gets no other signal it has no handler for, even from outside.
        Ctr killed = ctr("tasks", "kill", "-s", "SIGKILL", id);
        assertThat(killed.exit()).as(killed.toString()).isZero();
        for (int i = 0; i < 100 && !ctr("tasks", "list").out().contains("STOPPED"); i++) Thread.sleep(50);
        assertThat(ctr("tasks", "list").out()).contains("STOPPED");
        Ctr deleted = ctr("tasks", "delete", id);
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(ctr("containers", "delete", id).exit()).isZero();
        assertThat(ctr("tasks", "list").out()).doesNotContain(id);
    }

    private static Ctr run(String runtime, String id, String... options) throws Exception {
        Path binary = runtime.equals("jns") ? Checkout.root().resolve("jns-oci") : onPath("runc");
        List<String> args = new ArrayList<>(List.of("run", "--snapshotter", "native", "--runc-binary", binary.toString(),
                "--cgroup", cgroupParent + "/" + id));
        int dashes = List.of(options).indexOf("--");
        args.addAll(List.of(options).subList(0, dashes));
        args.add(IMAGE);
        args.add(id);
        args.addAll(List.of(options).subList(dashes + 1, options.length));
        return ctr(args.toArray(String[]::new));
    }

    /** What a ctr command did (both streams to files: a task may hold them open). */
    record Ctr(int exit, String out, String err) {}

    private static Ctr ctr(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", socket.toString(), "--namespace", NS));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "ctr", ".out"), err = Files.createTempFile(dir, "ctr", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(command + " still running after 60 s: " + Files.readString(err));
        }
        Ctr r = new Ctr(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /**
     * An OCI image layout (one layer: busybox and its applets' links, /tmp, /proc, /sys and
     * /dev to mount on) in a tar, as {@code ctr images import} takes it.
     */
    private static Path buildImage() throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("image-rootfs"));
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String tool : List.of("sh", "echo", "cat", "id", "sleep", "env")) Files.createSymbolicLink(bin.resolve(tool), Path.of("busybox"));
        for (String d : List.of("tmp", "proc", "sys", "dev", "etc")) Files.createDirectories(rootfs.resolve(d));
        Path layout = Files.createDirectories(dir.resolve("image/blobs/sha256"));
        Path layer = dir.resolve("layer.tar");
        exec("tar", "--numeric-owner", "--owner=0", "--group=0", "-C", rootfs.toString(), "-cf", layer.toString(), ".");
        String layerDigest = blob(layout, Files.readAllBytes(layer));
        long layerSize = Files.size(layer);
        String config = """
                {"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["sh"]},\
                "rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}""".formatted(layerDigest);
        String configDigest = blob(layout, config.getBytes(StandardCharsets.UTF_8));
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}"""
                .formatted(configDigest, config.getBytes(StandardCharsets.UTF_8).length, layerDigest, layerSize);
        String manifestDigest = blob(layout, manifest.getBytes(StandardCharsets.UTF_8));
        Path image = layout.getParent().getParent();
        Files.writeString(image.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(image.resolve("index.json"), """
                {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                "digest":"sha256:%s","size":%d,"platform":{"architecture":"amd64","os":"linux"},\
                "annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"1"}}]}"""
                .formatted(manifestDigest, manifest.getBytes(StandardCharsets.UTF_8).length, IMAGE));
        Path tar = dir.resolve("image.tar");
        exec("tar", "-C", image.toString(), "-cf", tar.toString(), "oci-layout", "index.json", "blobs");
        return tar;
    }

    private static String blob(Path blobs, byte[] content) throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        Files.write(blobs.resolve(digest), content);
        return digest;
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", List.of(command), out).isZero();
    }

    /** The containers' parent cgroup in every hierarchy, below this JVM's own (empty once the tasks are gone). */
    private static void removeCgroups() throws IOException {
        if (cgroupParent == null) return;
        List<Path> owns = new ArrayList<>();
        List<String> mountinfo = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            for (String m : mountinfo) {
                String[] x = m.split(" ");
                int dash = List.of(x).indexOf("-");
                boolean v2 = x[dash + 1].equals("cgroup2"), v1 = x[dash + 1].equals("cgroup");
                boolean same = f[1].isEmpty() ? v2 : v1 && List.of(x[dash + 3].split(",")).containsAll(List.of(f[1].split(",")));
                if (same) owns.add(Path.of(x[4] + "/" + (f[2].startsWith(x[3]) ? f[2].substring(x[3].length()) : f[2])).normalize());
            }
        }
        for (Path own : owns) {
            Path d = own.resolve(cgroupParent);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.walk(d)) {
                for (Path p : s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    private static List<String> mountsBelow(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String point = line.split(" ")[4].replace("\\040", " ");
            if (point.startsWith(root + "/")) out.add(point);
        }
        return out;
    }

    private static void unmountBelow(Path root) throws Exception {
        List<String> points = mountsBelow(root);
        points.sort(Comparator.reverseOrder());
        for (String p : points) new ProcessBuilder("umount", "-l", p).inheritIO().start().waitFor();
    }

    private static Path onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
