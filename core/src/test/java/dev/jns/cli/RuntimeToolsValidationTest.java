package dev.jns.cli;

import dev.jns.testing.Checkout;
import dev.jns.testing.JnsInstall;
import dev.jns.testing.Oracles;
import dev.jns.testing.Privilege;
import dev.jns.testing.Tap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * The OCI runtime-tools validation suite ({@code validation/NAME/NAME.t}, built by
 * {@code ../shared/oracles/build runtime-tools}) run against runc, crun and {@code ./jns-oci}
 * (each program takes the runtime as {@code RUNTIME}): every test point that passes with runc
 * must pass with jns, but for {@link #KNOWN_FAILURES}, whose entries must still fail.
 *
 * <p>Results: {@code target/runtime-tools/RUNTIME/NAME.tap} and {@code .stderr} per program,
 * {@code target/runtime-tools/summary.tsv} (per program and runtime: points passed, failed,
 * skipped, planned, exit code) and {@code comparison.txt}.
 *
 * <p>Cgroups: the cgroup programs ask for {@code /cgrouptest} (from the hierarchy's root) and
 * {@code testdir/cgrouptest/container}; runtimes also make one per container. None may land at
 * the machine's roots. So each program runs in a cgroup of its own, {@code
 * jns-rt-PID-N} below this JVM's cgroup in every hierarchy (the machine's v1 memory cgroup
 * included, so its limit still holds), in a new cgroup namespace rooted there and a new mount
 * namespace where {@code /sys/fs/cgroup} is a fresh tmpfs with every hierarchy mounted again:
 * the program, the runtime and runtimetest see that cgroup as the root. Afterwards whatever
 * is still in it is killed and the tree removed.
 */
class RuntimeToolsValidationTest {
    /** A program that takes longer is stopped (the slowest here, delete and kill, poll for about 15 s). */
    private static final long PROGRAM_SECONDS = 120;

    /**
     * Points (PROGRAM or PROGRAM: KEY, KEY as {@link Tap.Point#key()}) passing with runc that
     * jns fails today, each with its cause. A fix removes its entry: the test fails while an
     * entry passes.
     */
    static final Map<String, String> KNOWN_FAILURES = Map.ofEntries(
            // Permanent: the spec says an unmappable value MUST cause an error, and jns refuses the config (the
            // program then exits 0 with no points); runc and crun run the container (their points are runtimetest's
            // inside it) and the program exits 1 for them.
            Map.entry("process_capabilities_fail", "an unknown capability name (CAP_TEST) is refused, as the spec wants"));

    @TempDir
    Path temp;

    @Test
    void everyPointPassingWithRuncPassesWithJns() throws Exception {
        Privilege.requireRoot("create containers and cgroups");
        assumeThat(onPath("runc")).as("runc (the reference runtime) is not installed").isNotNull();
        Path tree = Oracles.runtimeTools();
        JnsInstall.shared(); // builds the checkout if it is stale, so that jns-oci starts at once
        Path jns = Checkout.root().resolve("jns-oci");
        Path logs = Path.of(System.getProperty("user.dir")).toAbsolutePath().resolve("target/runtime-tools");
        deleteTree(logs);
        TestCgroup.sweepAbandoned();

        Map<String, Path> runtimes = new LinkedHashMap<>();
        runtimes.put("runc", onPath("runc"));
        if (onPath("crun") != null) runtimes.put("crun", onPath("crun"));
        runtimes.put("jns", jns);

        List<Path> programs;
        try (Stream<Path> s = Files.list(tree.resolve("validation"))) {
            programs = s.map(d -> d.resolve(d.getFileName() + ".t")).filter(Files::isExecutable).sorted().toList();
        }
        assertThat(programs).as("validation programs in %s", tree).hasSizeGreaterThan(40);

        Map<String, Map<String, Outcome>> results = new TreeMap<>(); // program -> runtime -> outcome
        for (Map.Entry<String, Path> rt : runtimes.entrySet()) {
            Path dir = Files.createDirectories(logs.resolve(rt.getKey()));
            for (Path program : programs) {
                String name = program.getFileName().toString().replaceFirst("\\.t$", "");
                results.computeIfAbsent(name, k -> new LinkedHashMap<>())
                        .put(rt.getKey(), run(tree, program, rt.getValue(), dir.resolve(name)));
            }
        }

        StringBuilder tsv = new StringBuilder("program\truntime\tpassed\tfailed\tskipped\tplanned\tcomplete\texit\tleft\n");
        for (var p : results.entrySet()) {
            for (var r : p.getValue().entrySet()) {
                Tap t = r.getValue().tap();
                tsv.append(String.join("\t", p.getKey(), r.getKey(), "" + t.count(Tap.Status.PASS), "" + t.count(Tap.Status.FAIL),
                        "" + t.count(Tap.Status.SKIP), t.plan().isPresent() ? "" + t.plan().getAsInt() : "-", "" + t.complete(),
                        "" + r.getValue().exit(), String.join(",", r.getValue().left()))).append('\n');
            }
        }
        Files.writeString(logs.resolve("summary.tsv"), tsv);

        List<String> regressed = new ArrayList<>(), fixed = new ArrayList<>(), leftBehind = new ArrayList<>();
        StringBuilder comparison = new StringBuilder();
        Map<String, long[]> totals = new LinkedHashMap<>();
        for (var p : results.entrySet()) {
            String program = p.getKey();
            Map<String, Tap.Point> runc = p.getValue().get("runc").tap().byKey();
            Map<String, Tap.Point> ours = p.getValue().get("jns").tap().byKey();
            p.getValue().forEach((rt, o) -> totals.computeIfAbsent(rt, k -> new long[1])[0] += o.tap().count(Tap.Status.PASS));
            if (!p.getValue().get("jns").left().isEmpty()) leftBehind.add(program + ": " + p.getValue().get("jns").left());
            boolean programKnown = KNOWN_FAILURES.containsKey(program);
            boolean programStillFails = false;
            for (Tap.Point point : runc.values()) {
                if (!point.passed()) continue;
                Tap.Point mine = ours.get(point.key());
                boolean passes = mine != null && mine.passed();
                String id = program + ": " + point.key();
                String why = KNOWN_FAILURES.get(id);
                if (!passes) {
                    programStillFails = true;
                    comparison.append(String.format("%-60s %s%s%n", id, mine == null ? "not reached" : mine.status(),
                            why != null ? "  [known: " + why + "]" : programKnown ? "  [known: " + KNOWN_FAILURES.get(program) + "]" : ""));
                    if (why == null && !programKnown) regressed.add(id + " (" + (mine == null ? "not reached" : mine.status()) + ")");
                } else if (why != null) {
                    fixed.add(id + " [" + why + "]");
                }
            }
            if (programKnown && !programStillFails) fixed.add(program + " [" + KNOWN_FAILURES.get(program) + "]");
        }
        for (String key : KNOWN_FAILURES.keySet()) {
            String program = key.contains(": ") ? key.substring(0, key.indexOf(": ")) : key;
            assertThat(results).as("known failure %s names a program of the suite", key).containsKey(program);
        }
        StringBuilder head = new StringBuilder("points passing: ");
        totals.forEach((rt, n) -> head.append(rt).append(' ').append(n[0]).append("  "));
        comparison.insert(0, head.toString().strip() + "\npoints passing with runc but not with jns:\n");
        Files.writeString(logs.resolve("comparison.txt"), comparison);
        System.out.print(comparison);

        assertSoftly(soft -> {
            soft.assertThat(regressed).as("points passing with runc but not with jns (logs: %s)", logs).isEmpty();
            soft.assertThat(fixed).as("known failures that pass with jns now: take them off the list").isEmpty();
            soft.assertThat(leftBehind).as("processes left in a program's cgroup after a jns run").isEmpty();
        });
    }

    /** What one program did with one runtime: its TAP, exit code, and the processes its cgroup still held (killed). */
    record Outcome(Tap tap, int exit, List<String> left) {}

    private Outcome run(Path tree, Path program, Path runtime, Path log) throws IOException, InterruptedException {
        // Searchable by all (JUnit's and createTempDirectory's 0700 is not): a container with a user
        // namespace whose root is an unprivileged host id (linux_uid_mappings, linux_ns_nopath)
        // must reach its bundle below; runc and crun fail those programs in a 0700 directory too.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = Files.createTempDirectory(temp, log.getFileName().toString(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        TestCgroup cgroup = TestCgroup.create("jns-rt-" + ProcessHandle.current().pid() + "-" + COUNTER++);
        try {
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", cgroup.script(), "sh", program.toString())
                    .directory(tree.toFile())
                    .redirectOutput(log.resolveSibling(log.getFileName() + ".tap").toFile())
                    .redirectError(log.resolveSibling(log.getFileName() + ".stderr").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("RUNTIME", runtime.toString());
            pb.environment().put("TMPDIR", tmp.toString()); // the programs' bundles (os.MkdirTemp)
            Process p = pb.start();
            int exit;
            if (p.waitFor(PROGRAM_SECONDS, TimeUnit.SECONDS)) {
                exit = p.exitValue();
            } else {
                cgroup.killAll();
                p.destroyForcibly().waitFor();
                exit = -1;
            }
            List<String> left = cgroup.killAll();
            Tap tap = Tap.parse(Files.readString(log.resolveSibling(log.getFileName() + ".tap")));
            return new Outcome(tap, exit, left);
        } finally {
            cgroup.remove();
            deleteTree(tmp);
        }
    }

    private static int COUNTER;

    /**
     * A cgroup named {@code name} below this JVM's own in every mounted hierarchy, and the
     * shell script that runs its arguments inside it, in a cgroup namespace rooted there with
     * the hierarchies mounted again (see the class comment).
     */
    record TestCgroup(List<Path> directories, String script) {
        /** Mounted cgroup hierarchies: mount point, fstype, root, super options. */
        private static List<String[]> mounts() throws IOException {
            List<String[]> mounts = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (f[dash + 1].equals("cgroup") || f[dash + 1].equals("cgroup2")) {
                    mounts.add(new String[] {unescape(f[4]), f[dash + 1], unescape(f[3]), f[dash + 3]});
                }
            }
            return mounts;
        }

        /** This JVM's own cgroup directory in each mounted hierarchy, by its /proc/self/cgroup controller list. */
        private static Map<String, Path> ownDirectories(List<String[]> mounts) throws IOException {
            Map<String, Path> own = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] f = line.split(":", 3);
                String[] m = mounts.stream().filter(x -> matches(x, f[1])).findFirst().orElse(null);
                if (m == null) continue; // a hierarchy not mounted here
                String within = f[2].startsWith(m[2]) ? f[2].substring(m[2].length()) : f[2];
                own.put(f[1], Path.of(m[0] + "/" + within).normalize());
            }
            return own;
        }

        /**
         * Removes the empty cgroups of earlier runs whose JVM is gone (killed before its
         * {@code finally} could remove them): {@code jns-rt-PID-N} with no process PID.
         */
        static void sweepAbandoned() throws IOException {
            for (Path own : ownDirectories(mounts()).values()) {
                try (Stream<Path> s = Files.list(own)) {
                    for (Path d : s.filter(Files::isDirectory).toList()) {
                        String[] parts = d.getFileName().toString().split("-");
                        if (parts.length != 4 || !parts[0].equals("jns") || !parts[1].equals("rt")) continue;
                        if (ProcessHandle.of(Long.parseLong(parts[2])).isPresent()) continue;
                        new TestCgroup(List.of(d), "").remove();
                    }
                }
            }
        }

        static TestCgroup create(String name) throws IOException {
            List<String[]> mounts = mounts();
            List<Path> dirs = new ArrayList<>();
            StringBuilder join = new StringBuilder("set -e\n");
            StringBuilder remount = new StringBuilder("set -e\nmount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup\n");
            for (Map.Entry<String, Path> e : ownDirectories(mounts).entrySet()) {
                Path own = e.getValue();
                Path dir = own.resolve(name);
                Files.createDirectory(dir);
                dirs.add(dir);
                if (e.getKey().equals("cpuset")) { // a new v1 cpuset is empty, and an empty one takes no process
                    Files.writeString(dir.resolve("cpuset.cpus"), Files.readString(own.resolve("cpuset.cpus")).strip());
                    Files.writeString(dir.resolve("cpuset.mems"), Files.readString(own.resolve("cpuset.mems")).strip());
                }
                join.append("echo $$ > ").append(quote(dir + "/cgroup.procs")).append('\n');
            }
            for (String[] m : mounts) {
                if (!m[0].startsWith("/sys/fs/cgroup")) continue;
                String options = String.join(",", Stream.of(m[3].split(",")).filter(o -> !o.equals("rw") && !o.equals("ro")).toList());
                if (m[1].equals("cgroup") && !options.matches(".*\\b(" + String.join("|", CONTROLLERS) + ")\\b.*")) options = "none," + options;
                remount.append("mkdir -p ").append(quote(m[0])).append('\n')
                        .append("mount -t ").append(m[1]).append(options.isEmpty() ? "" : " -o " + quote(options))
                        .append(' ').append(m[1]).append(' ').append(quote(m[0])).append('\n');
            }
            remount.append("exec \"$@\"\n");
            join.append("exec unshare --cgroup --mount --propagation private sh -c ").append(quote(remount.toString()))
                    .append(" sh \"$@\"\n");
            return new TestCgroup(List.copyOf(dirs), join.toString());
        }

        private static final List<String> CONTROLLERS = List.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
                "net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc");

        /** Whether a {@code /proc/self/cgroup} controller list names this mount's hierarchy. */
        private static boolean matches(String[] mount, String controllers) {
            if (controllers.isEmpty()) return mount[1].equals("cgroup2");
            if (!mount[1].equals("cgroup")) return false;
            List<String> options = List.of(mount[3].split(","));
            return List.of(controllers.split(",")).stream().allMatch(options::contains);
        }

        /** Kills every process left in the cgroup's trees; returns what they were ("PID comm"). */
        List<String> killAll() throws InterruptedException {
            List<String> left = new ArrayList<>();
            for (int round = 0; round < 50; round++) {
                List<Long> pids = new ArrayList<>();
                for (Path d : directories) pids.addAll(procs(d));
                if (pids.isEmpty()) return left;
                for (long pid : pids) {
                    ProcessHandle.of(pid).ifPresent(h -> {
                        if (left.size() < 10) left.add(pid + " " + h.info().command().orElse("?"));
                        h.destroyForcibly();
                    });
                }
                Thread.sleep(100);
            }
            throw new AssertionError("processes still in " + directories + " after SIGKILL: " + left);
        }

        void remove() throws IOException {
            for (Path d : directories) {
                if (!Files.exists(d)) continue;
                try (Stream<Path> s = Files.walk(d)) {
                    for (Path p : s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
        }

        private static List<Long> procs(Path dir) {
            try (Stream<Path> s = Files.walk(dir)) {
                List<Long> out = new ArrayList<>();
                for (Path f : s.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                    for (String l : Files.readAllLines(f)) if (!l.isBlank()) out.add(Long.parseLong(l.strip()));
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String unescape(String mountinfoField) {
        return mountinfoField.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
