package dev.jns.cli;

import dev.jns.testing.JnsInstall;
import dev.jns.testing.Json;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jns oci} end to end, as root, on a busybox bundle the test builds: the create/start
 * split, state, kill, delete, run, exec, ps, masked and read-only paths, hooks with the state
 * on stdin, a terminal through --console-socket, bad input, and nothing left behind. The
 * rootless case runs as uid 65534.
 */
class OciCommandTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path dir;
    private Path bundle, root, out;
    private MachineState before;

    /** What a jns oci command did: its exit code and both streams (sent to files: a container may hold them open). */
    record Result(int exit, String stdout, String stderr) {}

    @BeforeEach
    void bundle() throws IOException, InterruptedException {
        Privilege.requireRoot("create containers");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "needs a static busybox (Debian busybox-static)");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        bundle = Files.createDirectory(dir.resolve("bundle"));
        root = dir.resolve("state");
        out = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String tool : List.of("sh", "cat", "echo", "sleep", "id", "hostname", "ls", "touch", "tty", "grep", "readlink", "stat")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("busybox"));
        }
        before = MachineState.capture();
    }

    @AfterEach
    void nothingLeft() throws IOException {
        if (before == null) return;
        if (Files.isDirectory(root)) {
            try (var left = Files.list(root)) {
                assertThat(left.toList()).as("containers left under --root").isEmpty();
            }
        }
        MachineState.assertNothingLeakedSince(before);
    }

    private Result oci(RunAs as, String... args) throws IOException {
        Path o = Files.createTempFile(dir, "stdout", ""), e = Files.createTempFile(dir, "stderr", "");
        Files.setPosixFilePermissions(o, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(e, PosixFilePermissions.fromString("rw-rw-rw-"));
        List<String> command = new ArrayList<>(JnsInstall.shared().command("oci", "--root", root.toString()));
        command.addAll(List.of(args));
        StringBuilder line = new StringBuilder("exec");
        for (String c : command) line.append(" '").append(c.replace("'", "'\\''")).append('\'');
        line.append(" >").append(o).append(" 2>").append(e);
        ToolResult r = Tool.run(as, List.of("sh", "-c", line.toString()));
        return new Result(r.exit(), Files.readString(o), Files.readString(e));
    }

    private Result oci(String... args) throws IOException {
        return oci(RunAs.caller(), args);
    }

    /** The default spec with this program, no terminal, and {@code out} bound at /out. */
    private void config(String script, String... extraLinuxMembers) throws IOException {
        Result spec = oci("spec", "--bundle", bundle.toString());
        assertThat(spec.exit()).as(spec.stderr()).isZero();
        Path config = bundle.resolve("config.json");
        String text = Files.readString(config)
                .replace("\"terminal\": true", "\"terminal\": false")
                .replace("\"sh\"\n", Json0.string("sh") + ", \"-c\", " + Json0.string(script) + "\n")
                .replace("\"mounts\": [", "\"mounts\": [{\"destination\": \"/out\", \"type\": \"bind\", \"source\": "
                        + Json0.string(out.toString()) + ", \"options\": [\"rbind\", \"rw\"]},");
        for (String member : extraLinuxMembers) text = text.replace("\"linux\": {", "\"linux\": {" + member + ",");
        Files.writeString(config, text);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> state(String id) throws IOException {
        Result r = oci("state", id);
        assertThat(r.exit()).as(r.stderr()).isZero();
        return (Map<String, Object>) Json.parse(r.stdout());
    }

    private String awaitFile(String name) throws Exception {
        Path f = out.resolve(name);
        for (int i = 0; i < 500 && (!Files.exists(f) || Files.size(f) == 0); i++) Thread.sleep(10);
        Thread.sleep(20);
        return Files.readString(f);
    }

    @Test
    void createLeavesTheProgramWaitingInItsNamespacesUntilStartThenStateKillDelete() throws Exception {
        config("hostname > /out/ran; exec sleep 1000");
        Result created = oci("create", "--bundle", bundle.toString(), "--pid-file", dir.resolve("pid").toString(), "c1");
        assertThat(created.exit()).as(created.stderr()).isZero();
        Map<String, Object> s = state("c1");
        assertThat(s).containsEntry("id", "c1").containsEntry("status", "created").containsEntry("bundle", bundle.toString());
        int pid = ((BigInteger) s.get("pid")).intValue();
        assertThat(Files.readString(dir.resolve("pid"))).isEqualTo(Integer.toString(pid));
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/pid")))
                .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")));
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")))
                .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/net")));
        Thread.sleep(100);
        assertThat(out.resolve("ran")).as("the program ran before start").doesNotExist();

        Result list = oci("list", "--format", "json");
        assertThat(Json.parseArray(list.stdout())).extracting(m -> m.get("id")).containsExactly("c1");

        assertThat(oci("start", "c1").exit()).isZero();
        assertThat(awaitFile("ran")).isEqualTo("jns\n");
        assertThat(state("c1")).containsEntry("status", "running");
        Result again = oci("start", "c1");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.stderr()).contains("cannot start an already running container").hasLineCount(1);
        Result busy = oci("delete", "c1");
        assertThat(busy.exit()).isEqualTo(1);
        assertThat(busy.stderr()).contains("cannot delete container c1 that is not stopped: running");

        assertThat(oci("kill", "c1", "KILL").exit()).isZero();
        for (int i = 0; i < 200 && !"stopped".equals(state("c1").get("status")); i++) Thread.sleep(10);
        assertThat(state("c1")).containsEntry("status", "stopped").containsEntry("pid", BigInteger.ZERO);
        assertThat(oci("kill", "c1", "KILL").stderr()).contains("container not running");
        assertThat(oci("delete", "c1").exit()).isZero();
        Result gone = oci("state", "c1");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.stderr()).contains("msg=\"container does not exist\"").hasLineCount(1);
    }

    @Test
    void runPassesTheExitStatusThroughAndDeletesTheContainer() throws IOException {
        config("echo out; echo err >&2; exit 7");
        Result r = oci("run", "--bundle", bundle.toString(), "r1");
        assertThat(r.exit()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(oci("state", "r1").exit()).isEqualTo(1);
    }

    @Test
    void execJoinsTheRunningContainerAndPsListsItsProcesses() throws Exception {
        config("exec sleep 1000");
        Result run = oci("run", "-d", "--bundle", bundle.toString(), "e1");
        assertThat(run.exit()).as(run.stderr()).isZero();
        Result exec = oci("exec", "--env", "X=42", "--cwd", "/bin", "e1", "sh", "-c", "echo $(hostname) $X $(pwd) $$ $(id -u)");
        assertThat(exec.exit()).as(exec.stderr()).isZero();
        String[] seen = exec.stdout().trim().split(" ");
        assertThat(seen[0]).isEqualTo("jns");
        assertThat(seen[1]).isEqualTo("42");
        assertThat(seen[2]).isEqualTo("/bin");
        assertThat(Integer.parseInt(seen[3])).as("a pid in the container's pid namespace").isLessThan(100);
        assertThat(oci("exec", "e1", "sh", "-c", "exit 3").exit()).isEqualTo(3);
        List<Object> pids = (List<Object>) Json.parse(oci("ps", "--format", "json", "e1").stdout());
        assertThat(pids).contains(state("e1").get("pid"));
        assertThat(oci("delete", "--force", "e1").exit()).isZero();
    }

    @Test
    void theContainerRunsInItsCgroupWithItsLimitsCanBePausedAndUpdatedAndDeleteRemovesIt() throws Exception {
        config("exec sleep 1000", "\"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}],"
                + " \"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 50}}");
        Path config = bundle.resolve("config.json");
        // the default spec has resources of its own: keep only the test's
        Files.writeString(config, Files.readString(config).replaceFirst(
                "(?s)\"resources\": \\{\\s*\"devices\": \\[\\s*\\{\\s*\"allow\": false,\\s*\"access\": \"rwm\"\\s*}\\s*]\\s*},(?=\\s*\"namespaces\")", ""));
        Result run = oci("run", "-d", "--bundle", bundle.toString(), "g1");
        assertThat(run.exit()).as(run.stderr()).isZero();
        int pid = ((BigInteger) state("g1").get("pid")).intValue();
        String cgroups = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
        String memory = cgroups.lines().filter(l -> l.contains(":memory:") || l.startsWith("0::")).findFirst().orElseThrow();
        assertThat(memory).endsWith("/g1");
        Result devices = oci("exec", "g1", "sh", "-c", "cat /dev/null && echo null-ok");
        assertThat(devices.stdout()).as(devices.stderr()).isEqualTo("null-ok\n");
        // an exec'd process, in the foreground or detached, is in the container's cgroup (as runc puts it)
        Result own = oci("exec", "g1", "sh", "-c", "cat /proc/1/cgroup; echo; cat /proc/self/cgroup");
        String[] views = own.stdout().split("\n\n");
        assertThat(views).as(own.stderr()).hasSize(2);
        assertThat(views[1].strip()).isEqualTo(views[0].strip());
        Path execPid = dir.resolve("exec.pid");
        assertThat(oci("exec", "-d", "--pid-file", execPid.toString(), "g1", "sleep", "1000").exit()).isZero();
        String detached = Files.readString(execPid).strip();
        assertThat(Files.readString(Path.of("/proc/" + detached + "/cgroup"))).isEqualTo(cgroups);
        assertThat((List<Object>) Json.parse(oci("ps", "--format", "json", "g1").stdout())).contains(new BigInteger(detached));
        assertThat(oci("pause", "g1").exit()).isZero();
        assertThat(state("g1")).containsEntry("status", "paused");
        assertThat(oci("resume", "g1").exit()).isZero();
        assertThat(state("g1")).containsEntry("status", "running");
        Path limits = dir.resolve("limits.json");
        Files.writeString(limits, "{\"pids\": {\"limit\": 20}}");
        assertThat(oci("update", "--resources", limits.toString(), "g1").exit()).isZero();
        assertThat(oci("delete", "--force", "g1").exit()).isZero();
        String relative = memory.substring(memory.indexOf(':', memory.indexOf(':') + 1) + 1);
        Path mount = memory.startsWith("0::") ? Path.of("/sys/fs/cgroup") : Path.of("/sys/fs/cgroup/memory");
        assertThat(Path.of(mount + relative)).as("the cgroup is removed").doesNotExist();
    }

    @Test
    void maskedAndReadOnlyPathsAndARoRootAreWhatTheConfigSays() throws Exception {
        config("cat /proc/keys > /out/keys; (echo 1 > /proc/sys/kernel/printk) 2> /out/sys;"
                + " touch /x 2> /out/root; ls /proc/acpi > /out/acpi 2>&1; echo done > /out/done");
        Result r = oci("run", "--bundle", bundle.toString(), "m1");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(Files.readString(out.resolve("done"))).isEqualTo("done\n");
        assertThat(Files.readString(out.resolve("keys"))).as("/proc/keys masked by /dev/null").isEmpty();
        assertThat(Files.readString(out.resolve("sys"))).contains("Read-only file system");
        assertThat(Files.readString(out.resolve("root"))).contains("Read-only file system");
        if (Files.isDirectory(Path.of("/proc/acpi"))) assertThat(Files.readString(out.resolve("acpi"))).isEmpty();
    }

    @Test
    void hooksGetTheStateOnStdinAndPoststopRunsAtDelete() throws Exception {
        Path hookOut = dir.resolve("hooks");
        Path hook = dir.resolve("hook.sh");
        Files.writeString(hook, "#!/bin/sh\n{ echo \"$1\"; cat; echo; } >> " + hookOut + "\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        config("exit 0");
        Path config = bundle.resolve("config.json");
        String plain = Files.readString(config);
        String hooks = "\"hooks\": {\"prestart\": [{\"path\": \"%1$s\", \"args\": [\"hook\", \"prestart\"]}],"
                + " \"poststart\": [{\"path\": \"%1$s\", \"args\": [\"hook\", \"poststart\"]}],"
                + " \"poststop\": [{\"path\": \"%1$s\", \"args\": [\"hook\", \"poststop\"], \"timeout\": 5}]},";
        Files.writeString(config, plain.replaceFirst("\\{", "{" + hooks.formatted(hook)));
        Result r = oci("run", "--bundle", bundle.toString(), "h1");
        assertThat(r.exit()).as(r.stderr()).isZero();
        List<String> lines = Files.readAllLines(hookOut);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("prestart");
        assertThat(lines.get(1)).contains("\"id\":\"h1\"").contains("\"status\":\"created\"").contains("\"bundle\":\"" + bundle + "\"");
        assertThat(lines.get(2)).isEqualTo("poststart");
        assertThat(lines.get(4)).isEqualTo("poststop");
        assertThat(lines.get(5)).contains("\"status\":\"stopped\"");

        // a failing prestart hook fails the create and leaves no container
        Files.writeString(config, plain.replaceFirst("\\{", "{\"hooks\": {\"prestart\": [{\"path\": \"/bin/false\"}]},"));
        Result failed = oci("create", "--bundle", bundle.toString(), "h2");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.stderr()).contains("error running createRuntime hook #0: exit status 1").hasLineCount(1);
    }

    @Test
    void createContainerAndStartContainerHooksRunInTheContainersNamespacesBeforeTheProgram() throws Exception {
        // paths resolve in the container (only its root has /hook); the hook records its
        // argument, the state it got, its host name and its pid, mount and net namespaces
        Path hook = bundle.resolve("rootfs/hook"), fail = bundle.resolve("rootfs/fail");
        Files.writeString(hook, "#!/bin/sh\n{ echo \"$1\"; cat; echo; hostname; for t in pid mnt net; do readlink /proc/self/ns/$t; done;"
                + " cmp -s /proc/self/cgroup /proc/1/cgroup && echo 'in its cgroup'; } > /out/$1\n");
        Files.writeString(fail, "#!/bin/sh\nexit 3\n");
        for (Path f : List.of(hook, fail)) Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        config("cat /out/startContainer > /out/seen; exec sleep 1000");
        Path config = bundle.resolve("config.json");
        String plain = Files.readString(config);
        Files.writeString(config, withHooks(plain, "/hook", "/hook"));
        Result created = oci("create", "--bundle", bundle.toString(), "k1");
        assertThat(created.exit()).as(created.stderr()).isZero();
        int pid = ((BigInteger) state("k1").get("pid")).intValue();
        List<String> theirs = new ArrayList<>();
        for (String t : List.of("pid", "mnt", "net")) theirs.add(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + t)).toString());
        // createContainer ran during create, in the container's namespaces; startContainer waits for start
        List<String> c = Files.readAllLines(out.resolve("createContainer"));
        assertThat(c.get(0)).isEqualTo("createContainer");
        assertThat(c.get(1)).contains("\"id\":\"k1\"").contains("\"status\":\"created\"");
        assertThat(c.subList(2, 7)).containsExactly("jns", theirs.get(0), theirs.get(1), theirs.get(2), "in its cgroup");
        assertThat(theirs.get(1)).isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString());
        assertThat(out.resolve("startContainer")).doesNotExist();

        assertThat(oci("start", "k1").exit()).isZero();
        List<String> seen = List.of(awaitFile("seen").split("\n"));
        assertThat(seen.get(0)).as("the startContainer hook ran before the program").isEqualTo("startContainer");
        assertThat(seen.get(1)).contains("\"id\":\"k1\"");
        assertThat(seen.subList(2, 7)).containsExactly("jns", theirs.get(0), theirs.get(1), theirs.get(2), "in its cgroup");
        assertThat(oci("delete", "--force", "k1").exit()).isZero();

        // a failing startContainer hook fails the start and stops the container
        Files.writeString(config, withHooks(plain, "/hook", "/fail"));
        assertThat(oci("create", "--bundle", bundle.toString(), "k2").exit()).isZero();
        Result failed = oci("start", "k2");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.stderr()).contains("error running startContainer hook #0: exit status 3").hasLineCount(1);
        assertThat(state("k2")).containsEntry("status", "stopped");
        assertThat(oci("delete", "k2").exit()).isZero();
    }

    /** The config with a createContainer and a startContainer hook: these programs, with the hook's name as argument. */
    private static String withHooks(String config, String create, String start) {
        String hook = "[{\"path\": %s, \"args\": [\"hook\", \"%s\"], \"timeout\": 5}]";
        return config.replace("\"ociVersion\"", "\"hooks\": {\"createContainer\": " + hook.formatted(Json0.string(create), "createContainer")
                + ", \"startContainer\": " + hook.formatted(Json0.string(start), "startContainer") + "}, \"ociVersion\"");
    }

    /** The optional fields of the "/" line of a mountinfo (its propagation: shared:N, master:N, unbindable). */
    private static String rootPropagation(String mountinfo) {
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 6 && f[4].equals("/")) return line.substring(line.indexOf(f[5]) + f[5].length(), line.indexOf(" - ")).strip();
        }
        throw new AssertionError("no / in " + mountinfo);
    }

    @Test
    void aSharedRootIsSharedInsideAndACallersSharedTreeGetsNoneOfTheContainersMounts() throws Exception {
        config("cat /proc/self/mountinfo > /out/mountinfo", "\"rootfsPropagation\": \"rshared\"");
        // The caller's tree shared, as systemd leaves it: pivot_root must still work, and
        // nothing the container mounts or unmounts may reach the caller's mount table.
        StringBuilder run = new StringBuilder();
        for (String c : JnsInstall.shared().command("oci", "--root", root.toString(), "run", "--bundle", bundle.toString(), "p1")) {
            run.append(" '").append(c.replace("'", "'\\''")).append('\'');
        }
        String script = "mount --make-rshared / && cat /proc/self/mountinfo > " + dir.resolve("caller-before")
                + " &&" + run + " && cat /proc/self/mountinfo > " + dir.resolve("caller-after");
        ToolResult r = Tool.run(RunAs.caller(), List.of("unshare", "-m", "--propagation", "unchanged", "sh", "-c", script));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(rootPropagation(Files.readString(out.resolve("mountinfo")))).as("the container's /").startsWith("shared:");
        assertThat(Files.readString(dir.resolve("caller-after"))).isEqualTo(Files.readString(dir.resolve("caller-before")));
    }

    @Test
    void anUnbindableRootCannotBeBoundInside() throws Exception {
        config("cat /proc/self/mountinfo > /out/mountinfo", "\"rootfsPropagation\": \"runbindable\"");
        Result r = oci("run", "--bundle", bundle.toString(), "u1");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(rootPropagation(Files.readString(out.resolve("mountinfo")))).as("the container's /").isEqualTo("unbindable");
    }

    @Test
    void anUnbindableMountIsInTheContainerAsConfigured() throws Exception {
        config("cat /proc/self/mountinfo > /out/mountinfo");
        Path config = bundle.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"mounts\": [", "\"mounts\": [{\"destination\": \"/u\", \"type\": "
                + "\"bind\", \"source\": " + Json0.string(out.toString()) + ", \"options\": [\"rbind\", \"runbindable\"]},"));
        Result r = oci("run", "--bundle", bundle.toString(), "u2");
        assertThat(r.exit()).as(r.stderr()).isZero();
        // made on the root's own mount before the pivot: a recursive bind of the root then would leave it out
        assertThat(Files.readString(out.resolve("mountinfo")).lines()).anySatisfy(l -> assertThat(l).contains(" /u ").contains(" unbindable "));
    }

    @Test
    void aSecondContainerWithTheSameIdUnderAnotherRootIsRefusedItsBusyDefaultCgroup() throws Exception {
        config("exec sleep 1000");
        Result first = oci("create", "--bundle", bundle.toString(), "c1");
        assertThat(first.exit()).as(first.stderr()).isZero();
        Path otherRoot = dir.resolve("other-root");
        List<String> command = new ArrayList<>(JnsInstall.shared().command("oci", "--root", otherRoot.toString(), "create",
                "--bundle", bundle.toString(), "c1"));
        ToolResult second = Tool.run(RunAs.caller(), command);
        assertThat(second.exit()).isEqualTo(1);
        assertThat(second.stderr().strip()).doesNotContain("\n").contains("container's cgroup ").contains("/c1 is not empty: 1 process(es) found");
        try (var left = Files.list(otherRoot)) {
            assertThat(left.toList()).as("no container left under the second --root").isEmpty();
        }
        int pid = ((BigInteger) state("c1").get("pid")).intValue();
        assertThat(Files.readString(Path.of("/proc/" + pid + "/cgroup"))).as("the first container keeps its cgroup").contains("/c1");
        assertThat(oci("delete", "--force", "c1").exit()).isZero();
    }

    @Test
    void aMountNamespaceGivenByPathIsJoinedAndTheRootBuiltInIt() throws Exception {
        Process holder = new ProcessBuilder("unshare", "--mount", "--fork", "sleep", "1000").start();
        try {
            Path holderNs = Path.of("/proc/" + holder.pid() + "/ns/mnt");
            String expected = null;
            for (int i = 0; i < 200; i++) { // unshare forks sleep once it has its namespace: wait for the child
                var child = holder.children().findFirst();
                if (child.isPresent()) {
                    holderNs = Path.of("/proc/" + child.get().pid() + "/ns/mnt");
                    expected = Files.readSymbolicLink(holderNs).toString();
                    if (!expected.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString())) break;
                }
                Thread.sleep(10);
            }
            assertThat(expected).isNotNull();
            config("readlink /proc/self/ns/mnt > /out/ns; cat /proc/self/mountinfo > /out/mountinfo");
            Path config = bundle.resolve("config.json");
            Files.writeString(config, Files.readString(config).replace("{\n\t\t\t\t\"type\": \"mount\"\n\t\t\t}",
                    "{\"type\": \"mount\", \"path\": " + Json0.string(holderNs.toString()) + "}"));
            assertThat(Files.readString(config)).contains(holderNs.toString());
            Result r = oci("run", "--bundle", bundle.toString(), "n1");
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(Files.readString(out.resolve("ns")).strip()).isEqualTo(expected);
            assertThat(Files.readString(out.resolve("mountinfo"))).contains(" /proc ").contains(" /out ");
        } finally {
            holder.descendants().forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    @Test
    void linuxDevicesAreMadeInTheContainersDevWithTheirModes() throws Exception {
        config("exec sleep 1000", "\"devices\": [{\"path\": \"/dev/mynull\", \"type\": \"c\", \"major\": 1, \"minor\": 3,"
                + " \"fileMode\": 400}, {\"path\": \"/dev/x/fifo\", \"type\": \"p\", \"fileMode\": 384}]");
        Result created = oci("create", "--bundle", bundle.toString(), "d1");
        assertThat(created.exit()).as(created.stderr()).isZero();
        Path dev = Path.of("/proc/" + ((BigInteger) state("d1").get("pid")).intValue() + "/root/dev");
        int mynull = (Integer) Files.getAttribute(dev.resolve("mynull"), "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        assertThat(mynull).isEqualTo(0020620); // a character device, rw--w----, past the umask
        assertThat((Long) Files.getAttribute(dev.resolve("mynull"), "unix:rdev")).isEqualTo((Long) Files.getAttribute(Path.of("/dev/null"), "unix:rdev"));
        assertThat((Integer) Files.getAttribute(dev.resolve("x/fifo"), "unix:mode")).isEqualTo(0010600);
        assertThat(oci("delete", "--force", "d1").exit()).isZero();
    }

    @Test
    void badInputGetsRuncsExitCodeAndOneLineAndLeavesNoContainer() throws IOException {
        config("exit 0");
        Files.writeString(bundle.resolve("config.json"), Files.readString(bundle.resolve("config.json"))
                .replace("\"rootfs\"", "\"nowhere\""));
        Result noRoot = oci("create", "--bundle", bundle.toString(), "b1");
        assertThat(noRoot.exit()).isEqualTo(1);
        assertThat(noRoot.stderr()).contains("jns oci create failed: invalid rootfs: stat " + bundle.resolve("nowhere")
                + ": no such file or directory").hasLineCount(1);
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\": \"1.2.0\",\n \"root\": {\"path\": 3}}");
        Result bad = oci("--log", dir.resolve("log").toString(), "--log-format", "json", "create", "--bundle", bundle.toString(), "b1");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.stderr()).isEqualTo("jns oci create failed: config.json: root.path: expected string, found number at line 2\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("log")).trim());
        assertThat(entry).containsEntry("level", "error")
                .containsEntry("msg", "jns oci create failed: config.json: root.path: expected string, found number at line 2");
        assertThat(oci("create", "--bundle", bundle.toString(), "../x").stderr()).contains("invalid id format: ../x");
        assertThat(oci("start", "nope").stderr()).contains("container does not exist");
        assertThat(oci("--systemd-cgroup", "list").exit()).isEqualTo(1);
    }

    @Test
    void aTerminalIsAPtyWhoseMasterGoesToTheConsoleSocket() throws Exception {
        config("tty; [ -t 0 ] && [ -t 1 ] && echo on a terminal");
        Path config = bundle.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"terminal\": false", "\"terminal\": true"));
        Path socket = dir.resolve("console.sock"), transcript = dir.resolve("transcript");
        Process console = consoleReceiver(socket, transcript);
        try {
            Result r = oci("run", "--bundle", bundle.toString(), "--console-socket", socket.toString(), "t1");
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(console.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(transcript)).matches("(?s)/dev/(pts/\\d+|console)\r\non a terminal\r\n");
        } finally {
            console.destroyForcibly();
        }
    }

    @Test
    void execWithATtyGetsAPtyThroughTheConsoleSocketToo() throws Exception {
        config("exec sleep 1000");
        Result run = oci("run", "-d", "--bundle", bundle.toString(), "t2");
        assertThat(run.exit()).as(run.stderr()).isZero();
        Path socket = dir.resolve("exec.sock"), transcript = dir.resolve("exec-transcript");
        Process console = consoleReceiver(socket, transcript);
        try {
            Result exec = oci("exec", "--tty", "--console-socket", socket.toString(), "t2", "sh", "-c",
                    "[ -t 0 ] && [ -t 1 ] && echo on a terminal");
            assertThat(exec.exit()).as(exec.stderr()).isZero();
            assertThat(console.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(transcript)).isEqualTo("on a terminal\r\n");
            assertThat(oci("exec", "--tty", "t2", "true").stderr()).contains("cannot allocate tty");
        } finally {
            console.destroyForcibly();
            oci("delete", "--force", "t2");
        }
    }

    /** The console socket's other end: receives the master over SCM_RIGHTS and copies what it reads, until EOF. */
    private static Process consoleReceiver(Path socket, Path transcript) throws Exception {
        String receiver = """
                import socket, sys, os
                s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
                c, _ = s.accept()
                msg, fds, flags, addr = socket.recv_fds(c, 16, 1)
                out = open(sys.argv[2], 'wb')
                while True:
                    try:
                        data = os.read(fds[0], 4096)
                    except OSError:
                        break
                    if not data: break
                    out.write(data); out.flush()
                """;
        Process console = new ProcessBuilder("python3", "-c", receiver, socket.toString(), transcript.toString()).start();
        for (int i = 0; i < 1000 && !Files.exists(socket); i++) Thread.sleep(10);
        return console;
    }

    /**
     * A seccomp agent on {@code socket}: takes the container process state and the listener,
     * writes both (the state, then what the descriptor is) as one JSON line to {@code log}, then
     * fails every notified call with EACCES, logging its syscall number and pid, until nobody
     * is left under the filter.
     */
    private static Process seccompAgent(Path socket, Path log) throws Exception {
        String agent = """
                import socket, sys, os, struct, fcntl, json, select
                s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
                c, _ = s.accept()
                msg, fds, flags, addr = socket.recv_fds(c, 65536, 4)
                log = open(sys.argv[2], 'w')
                log.write(json.dumps({'message': json.loads(msg), 'fds': [os.readlink('/proc/self/fd/%d' % f) for f in fds]}) + '\\n')
                log.flush()
                fd = fds[0]
                p = select.poll(); p.register(fd, select.POLLIN)
                while True:
                    if not any(ev & select.POLLIN for _, ev in p.poll()): break
                    buf = bytearray(80)
                    try: fcntl.ioctl(fd, 0xc0502100, buf)
                    except OSError: continue
                    nid, pid, flags, nr = struct.unpack_from('<QIIi', buf)
                    log.write('call %d %d\\n' % (nr, pid)); log.flush()
                    try: fcntl.ioctl(fd, 0xc0182101, struct.pack('<QqiI', nid, 0, -13, 0))
                    except OSError: pass
                """;
        Process p = new ProcessBuilder("python3", "-c", agent, socket.toString(), log.toString()).redirectErrorStream(true).start();
        for (int i = 0; i < 1000 && !Files.exists(socket); i++) Thread.sleep(10);
        return p;
    }

    private void seccompNotifyConfig(Path socket) throws IOException {
        config("mkdir /out/made; echo rc=$? > /out/result; for f in /proc/self/fd/*; do readlink $f; done > /out/fds",
                "\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": " + Json0.string(socket.toString())
                        + ", \"listenerMetadata\": \"agent-meta\", \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"],"
                        + " \"action\": \"SCMP_ACT_NOTIFY\"}]}");
    }

    @Test
    void seccompNotifyHandsTheListenerWithTheProcessStateToListenerPath() throws Exception {
        Path socket = dir.resolve("agent.sock"), log = dir.resolve("agent.log");
        seccompNotifyConfig(socket);
        Process agent = seccompAgent(socket, log);
        try {
            Result created = oci("create", "--bundle", bundle.toString(), "n1");
            assertThat(created.exit()).as(created.stderr()).isZero();
            int pid = ((BigInteger) state("n1").get("pid")).intValue();
            // at create, as runc: the agent has the state and the listener before the program is started
            for (int i = 0; i < 500 && (!Files.exists(log) || Files.size(log) == 0); i++) Thread.sleep(10);
            @SuppressWarnings("unchecked")
            Map<String, Object> first = (Map<String, Object>) Json.parse(Files.readAllLines(log).getFirst());
            @SuppressWarnings("unchecked")
            Map<String, Object> message = (Map<String, Object>) first.get("message");
            assertThat(message).containsEntry("ociVersion", "1.2.0").containsEntry("fds", List.of("seccompFd"))
                    .containsEntry("pid", BigInteger.valueOf(pid)).containsEntry("metadata", "agent-meta");
            @SuppressWarnings("unchecked")
            Map<String, Object> st = (Map<String, Object>) message.get("state");
            assertThat(st).containsEntry("id", "n1").containsEntry("status", "creating").containsEntry("bundle", bundle.toString())
                    .containsEntry("pid", BigInteger.valueOf(pid));
            assertThat(first.get("fds")).isEqualTo(List.of("anon_inode:seccomp notify"));
            for (Path fd : Files.list(Path.of("/proc", Integer.toString(pid), "fd")).toList()) {
                assertThat(Files.readSymbolicLink(fd).toString()).as("the waiting program's " + fd).doesNotContain("seccomp");
            }

            assertThat(oci("start", "n1").exit()).isZero();
            assertThat(awaitFile("result")).isEqualTo("rc=1\n");
            assertThat(out.resolve("made")).as("the agent refused it").doesNotExist();
            assertThat(awaitFile("fds")).doesNotContain("seccomp");
            assertThat(agent.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("the agent sees the filter's end").isTrue();
            assertThat(Files.readAllLines(log).subList(1, Files.readAllLines(log).size()))
                    .singleElement().asString().matches("call (83|258) \\d+");
        } finally {
            agent.destroyForcibly();
            oci("delete", "--force", "n1");
        }
    }

    @Test
    void seccompNotifyWithoutAListenerOnTheSocketFailsCreateInOneLine() throws Exception {
        Path socket = dir.resolve("nobody.sock");
        seccompNotifyConfig(socket);
        Result created = oci("create", "--bundle", bundle.toString(), "n2");
        assertThat(created.exit()).isEqualTo(1);
        assertThat(created.stderr()).hasLineCount(1).contains("linux.seccomp.listenerPath: cannot send the seccomp listener to "
                + socket + ": connect " + socket + ": ENOENT");
        assertThat(oci("state", "n2").exit()).isEqualTo(1);
    }

    @Test
    void rootlessTheDefaultRootlessSpecRunsAsAnUnprivilegedUser() throws Exception {
        Result spec = oci(RunAs.nobody(), "spec", "--rootless", "--bundle", bundle.toString());
        assertThat(spec.exit()).as(spec.stderr()).isEqualTo(1); // the bundle is root's: runc's rule, no overwriting
        Files.setPosixFilePermissions(bundle, PosixFilePermissions.fromString("rwxrwxrwx"));
        // a rootless user's rootfs is theirs: mount points are made in it
        assertThat(new ProcessBuilder("chown", "-R", "65534:65534", bundle.resolve("rootfs").toString()).start().waitFor()).isZero();
        spec = oci(RunAs.nobody(), "spec", "--rootless", "--bundle", bundle.toString());
        assertThat(spec.exit()).as(spec.stderr()).isZero();
        Path config = bundle.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"terminal\": true", "\"terminal\": false")
                .replace("\"sh\"\n", "\"sh\", \"-c\", \"id -u; cat /proc/self/uid_map; touch /x\"\n"));
        Result r = oci(RunAs.nobody(), "run", "--bundle", bundle.toString(), "rl1");
        assertThat(r.exit()).as(r.stderr()).isEqualTo(1); // touch failed: the root is read-only
        assertThat(r.stdout().split("\\s+")).as(r.stderr()).containsSubsequence("0", "0", "65534", "1");
        assertThat(r.stderr()).contains("Read-only file system");
    }

    @Test
    void withMapsThatLeaveTheCreatorOutTheSetupAndTheProgramAreRootInside() throws Exception {
        // root creates it, but host uid 0 is not mapped: the setup runs as the mapped root
        // (host 100000), as runc's does, or it could make no mount point (EOVERFLOW)
        config("id -u; id -g; cat /proc/self/uid_map; ls -d /dev/pts; touch /out/made",
                "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]",
                "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 200000, \"size\": 65536}]");
        Path config = bundle.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"namespaces\": [", "\"namespaces\": [{\"type\": \"user\"},"));
        // the root is the mapped root's, as a user-namespaced container's is: mount points are made in it
        assertThat(new ProcessBuilder("chown", "-R", "100000:200000", bundle.resolve("rootfs").toString()).start().waitFor()).isZero();
        Result r = oci("run", "--bundle", bundle.toString(), "u1");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout().split("\\s+")).containsExactly("0", "0", "0", "100000", "65536", "/dev/pts");
        assertThat(Files.getAttribute(out.resolve("made"), "unix:uid")).isEqualTo(100000);
        assertThat(Files.getAttribute(out.resolve("made"), "unix:gid")).isEqualTo(200000);
    }

    private void addMount(String mount) throws IOException {
        Path config = bundle.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"mounts\": [", "\"mounts\": [" + mount + ","));
    }

    @Test
    void anIdMappedBindShowsFilesStoredAs1000AsRootsAndStoresRootsWritesAs1000() throws Exception {
        Path data = dev.jns.testing.IdMappedData.create(dir);
        config("stat -c %u:%g /data/thousands /data/roots > /out/ids; touch /data/new");
        addMount("{\"destination\": \"/data\", \"type\": \"bind\", \"source\": " + Json0.string(data.toString())
                + ", \"options\": [\"rbind\", \"idmap\"], \"uidMappings\": [{\"containerID\": 1000, \"hostID\": 0, \"size\": 1}],"
                + " \"gidMappings\": [{\"containerID\": 1000, \"hostID\": 0, \"size\": 1}]}");
        Result r = oci("run", "--bundle", bundle.toString(), "idm1");
        assertThat(r.exit()).as(r.stderr()).isZero();
        // root's own file is outside the map: the overflow id
        assertThat(Files.readString(out.resolve("ids"))).isEqualTo("0:0\n65534:65534\n");
        assertThat(Files.getAttribute(data.resolve("new"), "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(data.resolve("new"), "unix:gid")).isEqualTo(1000);
    }

    @Test
    void idmapAloneInAUserNamespaceShowsAnImagesRootFilesAsTheContainersRoot() throws Exception {
        // a directory as an image unpacked by root holds it: root's files; the container's root is host 100000
        Path data = dev.jns.testing.IdMappedData.create(dir);
        config("id -u; stat -c %u:%g /data/roots /data/thousands; touch /data/new",
                "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]",
                "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 200000, \"size\": 65536}]");
        Path config = bundle.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"namespaces\": [", "\"namespaces\": [{\"type\": \"user\"},"));
        assertThat(new ProcessBuilder("chown", "-R", "100000:200000", bundle.resolve("rootfs").toString()).start().waitFor()).isZero();
        Files.setAttribute(data, "unix:uid", 0);
        Files.setAttribute(data, "unix:gid", 0);
        addMount("{\"destination\": \"/data\", \"type\": \"bind\", \"source\": " + Json0.string(data.toString())
                + ", \"options\": [\"rbind\", \"ridmap\"]}");
        Result r = oci("run", "--bundle", bundle.toString(), "idm2");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("0\n0:0\n1000:1000\n");
        // the container's root writes as the image's root
        assertThat(Files.getAttribute(data.resolve("new"), "unix:uid")).isEqualTo(0);
        assertThat(Files.getAttribute(data.resolve("new"), "unix:gid")).isEqualTo(0);
    }

    @Test
    void anIdMappedBindOfAFilesystemThatCannotBeIdMappedFailsInOneLineWithTheErrno() throws Exception {
        config("true");
        addMount("{\"destination\": \"/p\", \"type\": \"bind\", \"source\": \"/proc/self\", \"options\": [\"rbind\", \"idmap\"],"
                + " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}],"
                + " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}");
        Result r = oci("run", "--bundle", bundle.toString(), "idm3");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).contains("mount_setattr").contains("EINVAL").contains("cannot be id-mapped").hasLineCount(1);
        assertThat(oci("state", "idm3").exit()).isEqualTo(1);
    }

    /** JSON string literals for the config edits. */
    private static final class Json0 {
        static String string(String s) {
            return dev.jns.json.JsonWriter.compact(new dev.jns.json.Json.Str(s, 0));
        }
    }
}
