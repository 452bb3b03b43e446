package dev.jns.cli;

import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The rest of unshare's options, as root: credentials, root and working directory, ambient
 * capabilities next to util-linux 2.38.1; id ranges, {@code all}, {@code --map-subids} and the
 * environment options, which 2.38.1 lacks, against what util-linux 2.42 is documented to do.
 */
class UnshareMoreOptionsTest extends UnshareToolTestBase {
    static final RunAs ROOT = RunAs.caller();

    @BeforeEach
    void needsRoot() {
        Privilege.requireRoot("create namespaces and change credentials");
    }

    @Test
    void setuidAndSetgidAfterSetup() {
        // -G also drops root's supplementary groups
        assertThat(compare.run(ROOT, "-S", "1000", "-G", "1001", "-u", "sh", "-c", "id -u; id -g; id -G").assertSame()
                .jns().stdout()).isEqualTo("1000\n1001\n1001\n");
    }

    @Test
    void rootAndWorkingDirectory() {
        assertThat(compare.run(ROOT, "-R", "/", "-w", "/tmp", "pwd").assertSame().jns().stdout()).isEqualTo("/tmp\n");
        assertThat(compare.run(ROOT, "-R", "/", "pwd").assertSame().jns().stdout()).isEqualTo("/\n");
        // 2.38.1: "cannot chdir to '/nonexistent'"; 2.42: "cannot change directory to /nonexistent"
        ToolResult missing = compare.runJns(ROOT, Map.of(), "-w", "/nonexistent", "true");
        assertThat(missing.stderr()).isEqualTo("jns unshare: cannot change directory to /nonexistent: No such file or directory\n");
        assertThat(missing.exit()).isEqualTo(1);
    }

    @Test
    void keepCapsRaisesAmbientCapabilitiesOnlyWithUserNamespace() {
        String amb = compare.run(ROOT, "-U", "--keep-caps", "grep", "CapAmb", "/proc/self/status").assertSame().jns().stdout();
        assertThat(amb).isNotEqualTo("CapAmb:\t0000000000000000\n");
        assertThat(compare.run(ROOT, "-U", "grep", "CapAmb", "/proc/self/status").assertSame().jns().stdout())
                .isEqualTo("CapAmb:\t0000000000000000\n");
    }

    @Test
    void rootWritesRangeMapsItselfLikeUtilLinux240() {
        // 2.38.1 runs newuidmap even as root and fails here; 2.40+ writes /proc/PID/uid_map itself.
        ToolResult r = compare.runJns(ROOT, Map.of(), "--map-users=0:100000:10", "--map-groups=100000,0,10",
                "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout().lines().map(l -> l.trim().replaceAll("\\s+", " ")))
                .containsExactly("0 100000 10", "0 100000 10");
    }

    @Test
    void mapUsersAllPassesTheParentsIdsThrough() {
        ToolResult r = compare.runJns(ROOT, Map.of(), "--map-users=all", "--map-groups=all", "-r",
                "sh", "-c", "id -u; cat /proc/self/uid_map");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout().lines().map(l -> l.trim().replaceAll("\\s+", " ")))
                .containsExactly("0", "0 0 1", "1 1 4294967294");
    }

    /**
     * util-linux 2.41's binfmt_misc options (2.38.1 has none), as root and as uid 65534: the
     * user namespace's own binfmt_misc, with a format registered that runs files ending in
     * .jnst through cat, which the machine outside does not know.
     */
    @Test
    void loadInterpRegistersAFormatThatOnlyTheSandboxRuns() throws Exception {
        Path script = Files.createTempFile("jns-binfmt", ".jnst");
        try {
            Files.writeString(script, "printed by cat, not run by a shell\n");
            Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            String definition = ":jnstest:E::jnst::/bin/cat:";
            for (RunAs as : List.of(ROOT, RunAs.nobody())) {
                ToolResult r = compare.runJns(as, Map.of(), "-rpf", "-l", definition, "sh", "-c",
                        "ls /proc/sys/fs/binfmt_misc; grep interpreter /proc/sys/fs/binfmt_misc/jnstest; " + script);
                assertThat(r.exit()).as("%s: %s", as.description(), r).isZero();
                assertThat(r.stdout()).isEqualTo("jnstest\nregister\nstatus\ninterpreter /bin/cat\n"
                        + "printed by cat, not run by a shell\n");
            }
            assertThat(Path.of("/proc/sys/fs/binfmt_misc/jnstest")).doesNotExist();
            // A definition the kernel refuses, in util-linux's words.
            ToolResult bad = compare.runJns(ROOT, Map.of(), "-rpf", "-l", "not a definition", "true");
            assertThat(bad.stderr()).isEqualTo("jns unshare: write failed /proc/sys/fs/binfmt_misc/register: Invalid argument\n");
            assertThat(bad.exit()).isEqualTo(1);
            ToolResult nowhere = compare.runJns(ROOT, Map.of(), "-r", "--mount-binfmt=/nonexistent", "true");
            assertThat(nowhere.stderr()).isEqualTo("jns unshare: mount /nonexistent failed: No such file or directory\n");
        } finally {
            Files.delete(script);
        }
    }

    @Test
    void ownerOwnsTheUserNamespaceItCreates() throws Exception {
        // util-linux 2.42's --owner (2.38.1 has none): setgroups/setgid/setuid before the namespaces are made
        Process p = new ProcessBuilder(jns.command("unshare", "--owner", "1000:1000", "-U", "sh", "-c", "echo $$; exec sleep 10"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            int pid = Integer.parseInt(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine());
            try (Namespace user = Namespace.of(pid, NamespaceType.USER)) {
                assertThat(user.ownerUid()).hasValue(1000);
            }
            // seen from here, the program runs as the owner (inside, with no map, it is 65534)
            assertThat(Files.readString(Path.of("/proc", Integer.toString(pid), "status"))).contains("\nUid:\t1000\t");
        } finally {
            p.destroy(); // without --fork jns passes SIGTERM on to its program
            assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void ownerWithMapsAndPersistenceKeepsRootsPrivilegesForThem() throws IOException {
        // util-linux 2.42 (2.38.1 has no --owner): the namespace is made as uid 1000, while the
        // maps and the bind mount are still done with root's privileges (its writers are forked
        // before the setuid). -r maps root's euid, 0, to 0, and the program keeps running as
        // uid 1000, which that map leaves unmapped: id -u prints the overflow uid, as in
        // util-linux (its source: setuid(owner) before unshare, no setuid after).
        Path file = Files.createTempFile("jns-owned", "");
        try {
            ToolResult r = compare.runJns(ROOT, Map.of(), "--owner", "1000:1000", "--user=" + file, "-r",
                    "sh", "-c", "id -u; cat /proc/self/uid_map");
            assertThat(r.exit()).as("%s", r).isZero();
            assertThat(r.stdout().lines().map(l -> l.trim().replaceAll("\\s+", " "))).containsExactly("65534", "0 0 1");
            try (Namespace user = Namespace.open(file)) {
                assertThat(user.ownerUid()).hasValue(1000);
            }
        } finally {
            Tool.run(ROOT, List.of("umount", file.toString()));
            Files.delete(file);
        }
    }

    @Test
    void mapSubidsAsTestUser() {
        RunAs testUser = RunAs.testUser().orElse(null);
        assumeTrue(testUser != null, "skipped: needs the '" + RunAs.TEST_USER
                + "' user with /etc/subuid and /etc/subgid ranges that .ci/run creates");
        ToolResult r = compare.runJns(testUser, Map.of(), "--map-subids", "cat", "/proc/self/uid_map");
        assertThat(r.exit()).as("%s", r).isZero();
        String[] f = r.stdout().trim().split("\\s+");
        assertThat(f).hasSize(3);
        assertThat(f[0]).isEqualTo(f[1]);
    }

    @Test
    void clearAndWhitelistEnvironment() {
        ToolResult cleared = compare.runJns(ROOT, Map.of("JNS_TEST_VAR", "x"), "--clear-env", "-u", "/usr/bin/env");
        assertThat(cleared.exit()).as("%s", cleared).isZero();
        assertThat(cleared.stdout()).isEmpty();
        ToolResult kept = compare.runJns(ROOT, Map.of("JNS_TEST_VAR", "kept", "JNS_OTHER", "y"),
                "--whitelist-env", "JNS_TEST_VAR", "-u", "/usr/bin/env");
        assertThat(kept.stdout()).isEqualTo("JNS_TEST_VAR=kept\n");
    }
}
