package dev.jns.cli;

import dev.jns.testing.JnsInstall;
import dev.jns.testing.MachineState;
import dev.jns.testing.Oracles;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jns run} against bubblewrap 0.11.1's {@code bwrap}: the same command lines, as root
 * and as uid 65534, give the same output, messages (under {@code jns run:}) and exit status.
 */
class RunCompatibilityTest {
    private static JnsInstall jns;
    private static final List<String> USR = List.of("--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64");

    @BeforeAll
    static void install() {
        jns = JnsInstall.shared();
    }


    private static void same(RunAs as, List<String> args) {
        sameWith(as, "", args);
    }

    /** As {@link #same}, the command started by {@code sh} with these {@code redirections} (descriptors for fd options). */
    private static void sameWith(RunAs as, String redirections, List<String> args) {
        List<String> bwrap = new ArrayList<>(List.of(Oracles.bubblewrap().resolve("bwrap").toString()));
        bwrap.addAll(args);
        ToolResult theirs = Tool.run(as, withFds(redirections, bwrap), Map.of(), Duration.ofSeconds(30));
        ToolResult mine = Tool.run(as, withFds(redirections, jns.command(concat(List.of("run"), args).toArray(String[]::new))),
                Map.of(), Duration.ofSeconds(60));
        assertThat(mine.exit()).as("exit status of %s\nbwrap: %s\njns: %s", args, theirs, mine).isEqualTo(theirs.exit());
        assertThat(mine.stdout()).as("stdout of %s", args).isEqualTo(theirs.stdout());
        assertThat(mine.stderr()).as("stderr of %s", args).isEqualTo(theirs.stderr().replace("bwrap: ", "jns run: "));
    }

    private static List<String> withFds(String redirections, List<String> command) {
        return redirections.isEmpty() ? command : concat(List.of("sh", "-c", "exec \"$@\" " + redirections, "sh"), command);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String> sandbox(String... rest) {
        List<String> out = new ArrayList<>(List.of("--unshare-all"));
        out.addAll(USR);
        out.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        out.addAll(List.of(rest));
        return out;
    }

    @Test
    void badCommandLinesGetBwrapsWordsAndStatus() {
        Privilege.requireRoot("build the bubblewrap oracle");
        for (List<String> args : List.of(List.of("--bind"), List.of("--bind", "/a"), List.of("--frob", "true"),
                List.of("--perms", "0700", "--proc", "/p", "true"), List.of("--perms", "0800", "--dir", "/d", "true"),
                List.of("--perms", "1", "--perms", "2", "--dir", "/d", "true"), List.of("--size", "0", "--tmpfs", "/t", "true"),
                List.of("--size", "10", "--dir", "/t", "true"), List.of("--uid", "abc", "true"), List.of("--gid", "-1", "true"),
                List.of("--hostname", "x", "true"), List.of("--cap-add", "CAP_FOO", "true"), List.of("--cap-drop"),
                List.of("--chmod", "999", "/x", "true"), List.of("--setenv", "A"), List.of("--unshare-all", "no-such-program"),
                // labels: this machine has no SELinux, which bwrap needs for them
                List.of("--exec-label"), List.of("--exec-label", "system_u:system_r:container_t:s0", "true"),
                List.of("--file-label", "x", "--bind", "/", "/", "true"),
                // descriptors the caller never passed, whatever the JVM holds under those numbers (--pidns:
                // bwrap adds a line from its intermediate process, which jns has not, README; --userns2: bwrap
                // 0.11.1 hangs, its sandbox gone, never telling)
                List.of("--userns", "5", "true"),
                List.of("--bind", "/", "/", "--block-fd", "52", "sh", "-c", "echo not blocked"))) {
            same(RunAs.caller(), args);
        }
    }

    @Test
    void whatTheProgramSeesAsRoot() {
        Privilege.requireRoot("create namespaces as root");
        MachineState before = MachineState.capture();
        String show = "hostname; id -u; id -g; pwd; ls /; ls /dev | tr '\\n' ' '; echo; grep ^Cap /proc/self/status;"
                + " echo $$; cat /proc/self/uid_map; env | sort; touch /usr/x 2>&1 | sed 's/.*: //'; exit 3";
        same(RunAs.caller(), sandbox("--hostname", "sb", "--chdir", "/tmp", "--clearenv", "--setenv", "A", "1",
                "sh", "-c", show));
        same(RunAs.caller(), sandbox("--cap-drop", "ALL", "--cap-add", "CAP_NET_ADMIN", "--uid", "5", "--gid", "6",
                "sh", "-c", show));
        same(RunAs.caller(), sandbox("--perms", "0700", "--dir", "/data", "--perms", "01777", "--tmpfs", "/scratch",
                "sh", "-c", "stat -c '%a %U' /data /scratch"));
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void whatTheProgramSeesAsAnUnprivilegedUser() {
        Privilege.requireRoot("switch to uid 65534");
        // bwrap nests the sandbox's user namespace in one mapping root, jns makes one: their uid_map differ
        String show = "id -u; id -g; ls /; grep ^Cap /proc/self/status; exit 4";
        same(RunAs.nobody(), sandbox("sh", "-c", show));
        same(RunAs.nobody(), sandbox("--uid", "0", "--gid", "0", "sh", "-c", show));
    }

    /** The mount options of the mount at a path in the sandbox (mountinfo's sixth field). */
    private static final String OPTIONS_OF = "awk -v m=\"$1\" '$5==m {print $6}' /proc/self/mountinfo";

    @Test
    void filesFromDescriptorsAndBindsOfDescriptors() {
        Privilege.requireRoot("build the bubblewrap oracle");
        MachineState before = MachineState.capture();
        String show = "opts() { " + OPTIONS_OF + "; }; stat -c '%a %s %n' /etc/name /data/b /data/c; cat /etc/name /data/c;"
                + " opts /data/b; opts /data/c; opts /mnt; echo x >> /data/b && echo b writable; echo x >> /data/c 2>/dev/null"
                + " || echo c read-only; ls /mnt | head -3";
        for (RunAs as : List.of(RunAs.caller(), RunAs.nobody())) {
            sameWith(as, "3</etc/hostname 4</etc/os-release 5</usr/share 6</usr/lib", sandbox("--file", "3", "/etc/name",
                    "--perms", "0640", "--bind-data", "4", "/data/b", "--ro-bind-data", "6", "/data/c",
                    "--ro-bind-fd", "5", "/mnt", "sh", "-c", show));
        }
        // what bwrap refuses, in its words
        for (List<String> args : List.of(List.of("--file", "99", "/x", "true"), List.of("--bind-data", "99", "/x", "true"),
                List.of("--bind-fd", "99", "/x", "true"), List.of("--file", "3"))) {
            same(RunAs.caller(), args);
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void overlays() throws Exception {
        Privilege.requireRoot("build the bubblewrap oracle");
        MachineState before = MachineState.capture();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jns-overlay");
        try {
            for (String d : List.of("lower1", "lower2", "upper", "work")) java.nio.file.Files.createDirectory(dir.resolve(d));
            java.nio.file.Files.writeString(dir.resolve("lower1/a"), "1");
            java.nio.file.Files.writeString(dir.resolve("lower1/b"), "2");
            java.nio.file.Files.writeString(dir.resolve("lower2/b"), "3");
            String l1 = dir.resolve("lower1").toString(), l2 = dir.resolve("lower2").toString();
            String show = "opts() { " + OPTIONS_OF + "; }; cat /o/a /o/b; echo; opts /o; printf 9 > /o/b 2>/dev/null && cat /o/b;"
                    + " echo; ls /o";
            same(RunAs.caller(), sandbox("--overlay-src", l1, "--overlay-src", l2, "--ro-overlay", "/o", "sh", "-c", show));
            same(RunAs.caller(), sandbox("--overlay-src", l1, "--overlay-src", l2, "--tmp-overlay", "/o", "sh", "-c", show));
            assertThat(java.nio.file.Files.readString(dir.resolve("lower2/b"))).as("a temporary overlay writes elsewhere").isEqualTo("3");
            // a writable overlay: each run writes its upper layer, so each gets a fresh one
            for (String tool : List.of("bwrap", "jns")) {
                for (String d : List.of("upper", "work")) emptied(dir.resolve(d));
                ToolResult r = Tool.run(RunAs.caller(), tool.equals("jns")
                        ? jns.command(concat(List.of("run"), sandbox("--overlay-src", l1, "--overlay", dir.resolve("upper").toString(),
                                dir.resolve("work").toString(), "/o", "sh", "-c", show)).toArray(String[]::new))
                        : concat(List.of(Oracles.bubblewrap().resolve("bwrap").toString()), sandbox("--overlay-src", l1, "--overlay",
                                dir.resolve("upper").toString(), dir.resolve("work").toString(), "/o", "sh", "-c", show)));
                assertThat(r.exit()).as("%s: %s", tool, r).isZero();
                assertThat(r.stdout()).as(tool).startsWith("12\n").contains("9\n");
                assertThat(java.nio.file.Files.readString(dir.resolve("upper/b"))).as("%s wrote its upper layer", tool).isEqualTo("9");
            }
            for (List<String> args : List.of(List.of("--overlay", "u", "w", "/x", "true"), List.of("--tmp-overlay", "/x", "true"),
                    List.of("--overlay-src", l1, "--ro-overlay", "/x", "true"), List.of("--overlay-src", l1, "true"),
                    List.of("--overlay-src", l1, "--chdir", "/", "true"), List.of("--overlay-src", "/no/such", "--tmp-overlay", "/x", "true"))) {
                same(RunAs.caller(), args);
            }
        } finally {
            dev.jns.testing.UpstreamSuite.deleteTree(dir);
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void remountReadOnlyLeavesWhatIsMountedUnderneath() {
        Privilege.requireRoot("build the bubblewrap oracle");
        String show = "opts() { " + OPTIONS_OF + "; }; opts /t; opts /t/sub; touch /t/x 2>&1 | sed 's/.*: //'; touch /t/sub/y && echo sub writable";
        for (RunAs as : List.of(RunAs.caller(), RunAs.nobody())) {
            same(as, sandbox("--tmpfs", "/t", "--tmpfs", "/t/sub", "--remount-ro", "/t", "sh", "-c", show));
        }
    }

    /** Empties a directory (an overlay's upper or work directory between runs). */
    private static void emptied(java.nio.file.Path d) throws java.io.IOException {
        dev.jns.testing.UpstreamSuite.deleteTree(d);
        java.nio.file.Files.createDirectory(d);
    }

    /**
     * bwrap's own tests' scenario: a first sandbox with new user and pid namespaces waits on a
     * fifo; a second one joins them through descriptors ({@code --userns}, {@code --pidns}),
     * with a nested pid namespace ({@code --unshare-pid}) or not; then the refusals. Run by
     * {@code bash} with the runner in "$@" (bash: descriptors above 9); what is printed is the same for bwrap and jns run.
     */
    private static final String JOIN_SCENARIO = """
            d=$(mktemp -d /var/tmp/jns-join.XXXXXX); cd "$d"; mkfifo done
            "$@" --bind / / --info-fd 42 --unshare-user --unshare-pid sh -c \
                'readlink /proc/self/ns/pid > pidns; readlink /proc/self/ns/user > userns; cat < done' >/dev/null 42>info &
            for i in $(seq 100); do test -s pidns && test -s userns && break; sleep 0.1; done
            p=$(sed -n 's/.*"child-pid": \\([0-9]*\\).*/\\1/p' info)
            "$@" --bind / / --userns 11 --pidns 12 sh -c 'readlink /proc/self/ns/pid > pidns2; readlink /proc/self/ns/user > userns2; echo "pid $$, in ${PWD%.*}"' 11< /proc/$p/ns/user 12< /proc/$p/ns/pid
            echo "joined: $?"; cmp -s pidns pidns2 && cmp -s userns userns2 && echo "same namespaces"
            "$@" --bind / / --userns 11 --pidns 12 --unshare-pid --proc /proc sh -c 'echo "pid $$, a pid 1:" $(test -d /proc/1 && echo yes); readlink /proc/self/ns/pid > pidns3' 11< /proc/$p/ns/user 12< /proc/$p/ns/pid
            echo "nested: $?"; cmp -s pidns pidns3 || echo "a new pid namespace"
            "$@" --bind / / --userns 11 --uid 5 sh -c 'id -u' 11< /proc/$p/ns/user; echo "status $?"
            "$@" --bind / / --userns 11 --unshare-user true 11< /proc/$p/ns/user; echo "status $?"
            "$@" --bind / / --userns 11 --unshare-all true 11< /proc/$p/ns/user; echo "status $?"
            "$@" --bind / / --userns 12 true 12< /proc/$p/ns/pid; echo "status $?"
            "$@" --bind / / --userns 11 --pidns 11 true 11< /proc/$p/ns/user; echo "status $?"
            "$@" --bind / / --userns 19 true; echo "status $?"
            "$@" --bind / / --userns -1 true; echo "status $?"
            "$@" --bind / / --userns 11 --userns 11 true 11< /proc/$p/ns/user; echo "status $?"
            echo > done; wait; cd /; rm -rf "$d"
            """;

    private static void sameScenario(RunAs as, String script, String... jnsRunArgs) {
        List<String> bwrap = List.of("bash", "-c", script, "bash", Oracles.bubblewrap().resolve("bwrap").toString());
        List<String> mine = concat(List.of("bash", "-c", script, "bash"), jns.command("run"));
        ToolResult theirs = Tool.run(as, bwrap, Map.of(), Duration.ofSeconds(60));
        ToolResult ours = Tool.run(as, mine, Map.of(), Duration.ofSeconds(120));
        assertThat(ours.stdout()).as("stdout\nbwrap: %s\njns: %s", theirs, ours).isEqualTo(theirs.stdout());
        // bwrap's monitor adds a line of its own when its intermediate child fails (jns has no such child)
        assertThat(ours.stderr()).as("stderr").isEqualTo(theirs.stderr().replace("bwrap: Unexpected short read from pid socket\n", "")
                .replace("bwrap: ", "jns run: "));
        assertThat(ours.exit()).isEqualTo(theirs.exit());
    }

    @Test
    void joiningUserAndPidNamespacesThroughDescriptors() {
        Privilege.requireRoot("build the bubblewrap oracle and switch to uid 65534");
        MachineState before = MachineState.capture();
        sameScenario(RunAs.caller(), JOIN_SCENARIO);
        sameScenario(RunAs.nobody(), JOIN_SCENARIO);
        MachineState.assertNothingLeakedSince(before);
    }

    /** bwrap's own checks of {@code --disable-userns} and {@code --assert-userns-disabled} (its tests/test-run.sh), with the runner in "$@". */
    private static final String DISABLE_SCENARIO = """
            "$@" --assert-userns-disabled --dev-bind / / -- true; echo "assert: $?"
            "$@" --unshare-user --disable-userns --dev-bind / / -- true; echo "disable: $?"
            "$@" --unshare-user --disable-userns --dev-bind / / -- sh -c 'id -u; cat /proc/self/uid_map; unshare -U true 2>/dev/null || echo refused'
            "$@" --unshare-user --disable-userns --dev-bind / / -- sh -c "echo 2 > /proc/sys/user/max_user_namespaces 2>/dev/null || echo not raised; ! $* --unshare-user --dev-bind / / -- true"
            echo "raise: $?"
            "$@" --unshare-user --disable-userns --dev-bind / / -- sh -c "! $* --unshare-user --dev-bind / / --assert-userns-disabled -- true"
            echo "nested assert: $?"
            "$@" --unshare-user --uid 0 --gid 0 --disable-userns --dev-bind / / -- sh -c 'id -u; id -g'
            "$@" --disable-userns --dev-bind / / -- true; echo "status $?"
            """;

    @Test
    void disablingUserNamespaces() {
        Privilege.requireRoot("build the bubblewrap oracle and switch to uid 65534");
        MachineState before = MachineState.capture();
        sameScenario(RunAs.caller(), DISABLE_SCENARIO);
        sameScenario(RunAs.nobody(), DISABLE_SCENARIO);
        MachineState.assertNothingLeakedSince(before);
    }

    /**
     * {@code --block-fd} (alone, and with {@code --info-fd} and {@code --json-status-fd} read
     * before the program is let go), {@code --sync-fd}, repeated {@code --chdir},
     * {@code --level-prefix} and PWD, with the runner in "$@".
     */
    private static final String PROCESS_SCENARIO = """
            d=$(mktemp -d /var/tmp/jns-block.XXXXXX); cd "$d"
            "$@" --bind / / --block-fd 5 sh -c 'test -e marker && echo "after the caller"; ls /proc/self/fd | tr "\\n" " "; echo' 5< <(sleep 1; touch marker; echo x)
            echo "status $?"
            "$@" --bind / / --block-fd 9 sh -c 'echo started'; echo "status $?"
            cat > report-first.py <<'PY'
            import json, os, signal, subprocess, sys
            signal.alarm(30)  # a runner that tells nothing until let go would hang here
            info_r, info_w = os.pipe()
            status_r, status_w = os.pipe()
            block_r, block_w = os.pipe()
            p = subprocess.Popen(sys.argv[1:] + ["--unshare-pid", "--unshare-net", "--info-fd", str(info_w),
                    "--json-status-fd", str(status_w), "--block-fd", str(block_r), "--bind", "/", "/", "--proc", "/proc",
                    "sh", "-c", "echo let go"], pass_fds=(info_w, status_w, block_r))
            os.close(info_w); os.close(status_w); os.close(block_r)
            info = b""
            while chunk := os.read(info_r, 4096): info += chunk
            first = b""  # a line, written in pieces
            while not first.endswith(bytes([10])): first += os.read(status_r, 1)
            print("told before let go:", sorted(json.loads(info)), sorted(json.loads(first)), flush=True)
            os.write(block_w, b"x")
            print("status", p.wait(), flush=True)
            rest = b""
            while chunk := os.read(status_r, 4096): rest += chunk
            print("then:", rest.decode().strip(), flush=True)
            PY
            /usr/bin/python3 report-first.py "$@"
            "$@" --bind / / --sync-fd 7 sh -c 'ls /proc/self/fd | tr "\\n" " "; echo' 7>/dev/null; echo "status $?"
            "$@" --bind / / --block-fd x true; echo "status $?"
            "$@" --bind / / --chdir / --chdir /tmp sh -c 'pwd; echo $PWD'; echo "status $?"
            "$@" --level-prefix --bind / / --chdir / --chdir /tmp --chdir /nonexistent true; echo "status $?"
            "$@" --bind / / sh -c 'echo ${PWD%.*}'; echo "status $?"
            "$@" --bind / / --setenv HOME /tmp --tmpfs /var sh -c 'echo $PWD'; echo "status $?"
            "$@" --bind / / --unsetenv HOME --tmpfs /var sh -c 'echo $PWD'; echo "status $?"
            cd /; rm -rf "$d"
            """;

    @Test
    void blockAndSyncDescriptorsTheWorkingDirectoryAndWarnings() {
        Privilege.requireRoot("build the bubblewrap oracle and switch to uid 65534");
        MachineState before = MachineState.capture();
        sameScenario(RunAs.caller(), PROCESS_SCENARIO);
        sameScenario(RunAs.nobody(), PROCESS_SCENARIO);
        MachineState.assertNothingLeakedSince(before);
    }

    /**
     * {@code --userns-block-fd}: a driver (python3) reads the child's pid from {@code --info-fd},
     * finds its user namespace without maps, writes setgroups and maps (root inside: the
     * caller's ids) itself, then writes a byte to the block descriptor; the program shows what
     * it is. Then the descriptor closed at once (no maps: the root cannot be built), and the
     * misuses bwrap refuses. With the runner in "$@".
     */
    private static final String USERNS_BLOCK_SCENARIO = """
            d=$(mktemp -d /var/tmp/jns-usernsblock.XXXXXX); cd "$d"
            cat > map.py <<'PY'
            import os, re, subprocess, sys
            info_r, info_w = os.pipe()
            block_r, block_w = os.pipe()
            p = subprocess.Popen(sys.argv[1:] + ["--unshare-user", "--unshare-pid", "--info-fd", str(info_w),
                    "--userns-block-fd", str(block_r), "--bind", "/", "/", "--proc", "/proc", "sh", "-c",
                    "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; cd /proc/self/fd && echo *"],
                    pass_fds=(info_w, block_r))
            os.close(info_w); os.close(block_r)
            info = b""
            while chunk := os.read(info_r, 4096): info += chunk
            pid = int(re.search(rb'"child-pid": ([0-9]+)', info).group(1))
            print("pid namespace reported:", b'"pid-namespace"' in info, flush=True)
            print("maps before:", repr(open(f"/proc/{pid}/uid_map").read()), flush=True)
            for name, text in (("setgroups", "deny"), ("uid_map", f"0 {os.getuid()} 1"), ("gid_map", f"0 {os.getgid()} 1")):
                with open(f"/proc/{pid}/{name}", "w") as f: f.write(text)
            os.write(block_w, b"x")
            print("status", p.wait(), flush=True)
            PY
            /usr/bin/python3 map.py "$@"
            "$@" --unshare-user --info-fd 3 --userns-block-fd 5 --bind / / id -u 3>/dev/null 5</dev/null; echo "status $?"
            "$@" --userns-block-fd 5 --info-fd 3 --bind / / true 3>/dev/null 5</dev/null; echo "status $?"
            "$@" --unshare-all --userns-block-fd 5 --info-fd 3 --bind / / true 3>/dev/null 5</dev/null; echo "status $?"
            "$@" --unshare-user --userns-block-fd 5 --bind / / true 5</dev/null; echo "status $?"
            "$@" --unshare-user --disable-userns --userns-block-fd 5 --info-fd 3 --bind / / true 3>/dev/null 5</dev/null; echo "status $?"
            "$@" --userns-block-fd 5 --userns-block-fd 5 --bind / / true 5</dev/null; echo "status $?"
            "$@" --userns-block-fd x true; echo "status $?"
            "$@" --bind / / true --userns-block-fd; echo "status $?"
            "$@" --userns-block-fd; echo "status $?"
            cd /; rm -rf "$d"
            """;

    @Test
    void theCallerWritesTheUserNamespacesMaps() {
        Privilege.requireRoot("build the bubblewrap oracle and switch to uid 65534");
        MachineState before = MachineState.capture();
        sameScenario(RunAs.caller(), USERNS_BLOCK_SCENARIO);
        sameScenario(RunAs.nobody(), USERNS_BLOCK_SCENARIO);
        MachineState.assertNothingLeakedSince(before);
    }

    /**
     * A second {@code --seccomp}: bwrap warns and installs only the last (an earlier one's
     * descriptor is never read and stays open for the program); {@code --add-seccomp-fd} stacks.
     * Two filters made with libseccomp's Python binding: one fails mkdir, the other rmdir.
     */
    private static final String SECCOMP_SCENARIO = """
            d=$(mktemp -d /var/tmp/jns-seccomp.XXXXXX); cd "$d"
            for c in mkdir rmdir; do /usr/bin/python3 -c 'import seccomp, sys
            f = seccomp.SyscallFilter(seccomp.ALLOW); f.add_rule(seccomp.ERRNO(1), sys.argv[1]); f.export_bpf(open(sys.argv[2], "wb"))' $c $c.bpf; done
            try='mkdir x && echo made; rmdir x 2>/dev/null && echo removed || echo "not removed"; for f in 20 21; do test -e /proc/self/fd/$f && echo "fd $f open"; done; true'
            "$@" --dev-bind / / --seccomp 20 --seccomp 21 sh -c "$try" 20<mkdir.bpf 21<rmdir.bpf; echo "status $?"; rm -rf x
            "$@" --dev-bind / / --seccomp 99 --seccomp 21 sh -c "$try" 21<rmdir.bpf; echo "status $?"; rm -rf x
            "$@" --dev-bind / / --seccomp 21 --seccomp 21 sh -c "$try" 21<rmdir.bpf; echo "status $?"; rm -rf x
            "$@" --dev-bind / / --add-seccomp-fd 20 --add-seccomp-fd 21 sh -c "$try" 20<mkdir.bpf 21<rmdir.bpf; echo "status $?"; rm -rf x
            "$@" --dev-bind / / --seccomp 20 --add-seccomp-fd 21 true 20<mkdir.bpf 21<rmdir.bpf; echo "status $?"
            cd /; rm -rf "$d"
            """;

    @Test
    void onlyTheLastSeccompOptionTakesEffect() {
        Privilege.requireRoot("build the bubblewrap oracle and switch to uid 65534");
        MachineState before = MachineState.capture();
        sameScenario(RunAs.caller(), SECCOMP_SCENARIO);
        sameScenario(RunAs.nobody(), SECCOMP_SCENARIO);
        MachineState.assertNothingLeakedSince(before);
    }

    /** A caller with supplementary groups: kept without a user namespace (by root), mapped away with one. */
    private static final String GROUPS_SCENARIO = """
            setpriv --groups 4,27 "$@" --ro-bind / / id -G; echo "status $?"
            setpriv --groups 4,27 "$@" --ro-bind / / --unshare-pid --proc /proc --unshare-net grep Groups /proc/self/status
            setpriv --groups 4,27 "$@" --ro-bind / / --unshare-user id -G; echo "status $?"
            """;

    @Test
    void rootWithoutAUserNamespaceKeepsItsSupplementaryGroups() {
        Privilege.requireRoot("give the caller supplementary groups");
        MachineState before = MachineState.capture();
        sameScenario(RunAs.caller(), GROUPS_SCENARIO);
        MachineState.assertNothingLeakedSince(before);
    }

    /**
     * {@code --lock-file}: a read lock held while the sandbox runs, with a pid namespace or
     * without, by absolute or working-directory-relative path; then the refusals (a write lock
     * held by another process, a missing file, with {@code --as-pid-1}, no argument). A
     * write-lock attempt from outside tells whether it is held. With the runner in "$@".
     */
    private static final String LOCK_SCENARIO = """
            d=$(mktemp -d /var/tmp/jns-lock.XXXXXX); cd "$d"; touch lock; mkfifo go hold
            trylock() { /usr/bin/python3 -c 'import fcntl, struct, sys
            try:
                fcntl.fcntl(open(sys.argv[1], "a"), fcntl.F_SETLK, struct.pack("hhqqhh", fcntl.F_WRLCK, 0, 0, 0, 0, 0)); print("free")
            except OSError:
                print("locked")' "$1"; }
            for pid in "" --unshare-pid; do
                "$@" --bind / / $pid --lock-file "$d/lock" sh -c 'touch ready; read x < go' &
                for i in $(seq 100); do test -e ready && break; sleep 0.1; done
                trylock lock; echo > go; wait $!; echo "status $?"; trylock lock; rm ready
            done
            "$@" --bind / / --chdir "$d" --lock-file lock --lock-file "$d/lock" sh -c 'touch ready; read x < go' &
            for i in $(seq 100); do test -e ready && break; sleep 0.1; done
            trylock lock; echo > go; wait $!; echo "status $?"; rm ready
            /usr/bin/python3 -c 'import fcntl, sys; f = open("lock", "a"); fcntl.lockf(f, fcntl.LOCK_EX); open("held", "w").close(); sys.stdin.read()' < hold &
            exec 9> hold; for i in $(seq 100); do test -e held && break; sleep 0.1; done
            "$@" --bind / / --chdir "$d" --lock-file lock true; echo "status $?"
            exec 9>&-; wait
            "$@" --bind / / --lock-file /no/such true; echo "status $?"
            "$@" --bind / / --unshare-pid --as-pid-1 --lock-file lock true; echo "status $?"
            "$@" --lock-file; echo "status $?"
            cd /; rm -rf "$d"
            """;

    @Test
    void lockFilesAreHeldWhileTheSandboxRuns() {
        Privilege.requireRoot("build the bubblewrap oracle and switch to uid 65534");
        MachineState before = MachineState.capture();
        sameScenario(RunAs.caller(), LOCK_SCENARIO);
        sameScenario(RunAs.nobody(), LOCK_SCENARIO);
        MachineState.assertNothingLeakedSince(before);
    }
}
