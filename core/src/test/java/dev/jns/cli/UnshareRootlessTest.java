package dev.jns.cli;

import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.ToolResult;
import dev.jns.testing.UnshareComparison.Outcome;
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
 * {@code jns unshare} run by a real unprivileged uid (entered with setpriv, so the test itself
 * needs root to switch), next to util-linux's unshare run the same way.
 */
class UnshareRootlessTest extends UnshareToolTestBase {
    static final RunAs NOBODY = RunAs.nobody();

    @BeforeEach
    void needsRootToSwitchUser() {
        Privilege.requireRoot("run the CLI as another, unprivileged uid through setpriv");
    }

    @Test
    void mapRootUser() {
        Outcome o = compare.run(NOBODY, "-Ur", "sh", "-c", "id -u; id -g; cat /proc/self/setgroups /proc/self/uid_map")
                .assertSame();
        assertThat(o.jns().stdout()).startsWith("0\n0\ndeny\n").endsWith(" 65534          1\n");
    }

    @Test
    void singleMapsOfOwnIds() {
        String show = "id -u; id -g; cat /proc/self/setgroups";
        assertThat(compare.run(NOBODY, "--map-user=0", "sh", "-c", show).assertSame().jns().stdout())
                .isEqualTo("0\n65534\nallow\n");
        assertThat(compare.run(NOBODY, "--map-group=0", "sh", "-c", show).assertSame().jns().stdout())
                .isEqualTo("65534\n0\ndeny\n");
        assertThat(compare.run(NOBODY, "-c", "sh", "-c", show).assertSame().jns().stdout())
                .isEqualTo("65534\n65534\ndeny\n");
        compare.run(NOBODY, "-U", "sh", "-c", show).assertSame();
    }

    @Test
    void pidNamespaceWithProc() {
        Outcome o = compare.run(NOBODY, "-Urpf", "--mount-proc", "sh", "-c", "echo $$; readlink /proc/self; ls -d /proc/[0-9]*")
                .assertSame();
        assertThat(o.jns().stdout()).isEqualTo("1\n2\n/proc/1\n");
    }

    @Test
    void networkNamespaceHasOnlyLoopback() {
        Outcome o = compare.run(NOBODY, "-Urn", "ip", "-o", "link").assertSame();
        assertThat(o.jns().stdout()).startsWith("1: lo: <LOOPBACK>").hasLineCount(1);
    }

    @Test
    void boottimeOffset() throws IOException {
        double host = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        Outcome o = compare.run(NOBODY, "-UrT", "--boottime", "86400", "cat", "/proc/uptime");
        for (ToolResult r : List.of(o.utilLinux(), o.jns())) {
            assertThat(r.exit()).as("%s", r).isZero();
            assertThat(Double.parseDouble(r.stdout().split(" ")[0])).isBetween(host + 86400, host + 86400 + 30);
        }
    }

    @Test
    void hostname() {
        Outcome o = compare.run(NOBODY, "-Uru", "sh", "-c", "hostname rootless-box; hostname").assertSame();
        assertThat(o.jns().stdout()).isEqualTo("rootless-box\n");
    }

    @Test
    void exitStatusesAndSignals() {
        assertThat(compare.run(NOBODY, "-Urf", "sh", "-c", "exit 7").assertSame().jns().exit()).isEqualTo(7);
        assertThat(compare.run(NOBODY, "-Ur", "/nonexistent/jns-program").assertSame().jns().exit()).isEqualTo(127);
        assertThat(compare.run(NOBODY, "-Urf", "sh", "-c", "kill -TERM $$").assertSame().jns().signal()).isEqualTo(15);
    }

    @Test
    void withoutUserNamespaceTheKernelRefuses() {
        Outcome o = compare.run(NOBODY, "-n", "true").assertSame();
        assertThat(o.jns().stderr()).isEqualTo("jns unshare: unshare failed: Operation not permitted\n");
    }

    @Test
    void badMapUserMessage() {
        ToolResult r = compare.runJns(NOBODY, Map.of(), "--map-user=jns-no-such-user", "true");
        assertThat(r.stderr()).isEqualTo("jns unshare: failed to parse uid 'jns-no-such-user'\n");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void mapAutoThroughNewuidmap() {
        RunAs testUser = RunAs.testUser().orElse(null);
        assumeTrue(testUser != null, "skipped: needs the '" + RunAs.TEST_USER
                + "' user with /etc/subuid and /etc/subgid ranges that .ci/run creates");
        Outcome o = compare.run(testUser, "--map-auto", "cat", "/proc/self/uid_map", "/proc/self/gid_map").assertSame();
        assertThat(o.jns().stdout().lines()).hasSize(2).allMatch(l -> l.trim().matches("0\\s+\\d+\\s+\\d+"));
        // With -r the caller is root inside and the block follows it. util-linux 2.38.1 (and
        // the 2.41/2.42 regression, fixed after 2.42.2) wastes one id here; jns keeps all of them.
        ToolResult withRoot = compare.runJns(testUser, Map.of(), "-r", "--map-auto", "sh", "-c", "id -u; cat /proc/self/uid_map");
        assertThat(withRoot.exit()).as("%s", withRoot).isZero();
        String block = o.jns().stdout().lines().findFirst().orElseThrow().trim();
        String[] f = block.split("\\s+");
        assertThat(withRoot.stdout().lines().map(String::trim).map(l -> l.replaceAll("\\s+", " ")).toList())
                .containsExactly("0", "0 " + uidOf(testUser) + " 1", "1 " + f[1] + " " + f[2]);
    }

    @Test
    void rangeTheSubordinateIdsDoNotGrant() {
        RunAs testUser = RunAs.testUser().orElse(null);
        assumeTrue(testUser != null, "skipped: needs the '" + RunAs.TEST_USER
                + "' user with /etc/subuid and /etc/subgid ranges that .ci/run creates");
        // newuidmap says why and unshare adds nothing (2.38.1 knows only the outer,inner,count form)
        Outcome o = compare.run(testUser, "--map-users=0,1,1", "true").assertSame();
        assertThat(o.jns().stderr()).isEqualTo("newuidmap: uid range [1-2) -> [0-1) not allowed\n");
        assertThat(o.jns().exit()).isEqualTo(1);
    }

    private static String uidOf(RunAs user) {
        return dev.jns.testing.Tool.run(user, List.of("id", "-u")).stdout().trim();
    }
}
