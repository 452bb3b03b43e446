package dev.jns.limits;

import dev.jns.cli.Main;
import dev.jns.ns.NamespaceType;
import dev.jns.os.Errno;
import dev.jns.os.SyscallException;
import dev.jns.testing.ExternalCommand;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Limits against the real kernel: a real unshare hits a lowered limit and gets explained. */
class NamespaceLimitsTest {

    /**
     * In a user namespace of its own the test can lower a limit without touching anyone
     * else's, and the count is exact: the kernel charges that user namespace only for what
     * the test creates there. Two net namespaces held by sleepers, limit 2: util-linux
     * unshare and a JVM thread both get ENOSPC, the explanation and {@code jns limits} say 2 of 2.
     * The limit is lowered with {@code jns limits --set}, as root of that user namespace.
     */
    @Test
    void inAUserNamespaceALoweredLimitIsHitAndExplainedWithTheExactCount() {
        Privilege.requireRoot("create a user namespace with a root mapping and lower its limit");
        MachineState before = MachineState.capture();
        String probe = String.join(" ", ExternalCommand.javaMain(EnospcProbe.class, "net"));
        String limits = String.join(" ", ExternalCommand.javaMain(Main.class, "limits", "-r", "-n"));
        String set = String.join(" ", ExternalCommand.javaMain(Main.class, "limits", "--set", "net=2"));
        String script = """
                %s || exit 1
                echo "limit: $(cat /proc/sys/user/max_net_namespaces)"
                unshare -n sleep 60 & a=$!
                unshare -n sleep 60 & b=$!
                trap 'kill $a $b; wait' EXIT
                until [ "$(readlink /proc/$a/ns/net)" != "$(readlink /proc/self/ns/net)" ] \
                   && [ "$(readlink /proc/$b/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
                out=$(unshare -n true 2>&1); echo "unshare: $out exit $?"
                echo "probe: $(%s)"
                %s
                """.formatted(set, probe, limits);

        ExternalCommand run = ExternalCommand.run("unshare", "--user", "--map-root-user", "sh", "-c", script);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("limit: 2\n");
        assertThat(run.stdout()).contains("unshare: unshare: unshare failed: No space left on device exit 1\n");
        assertThat(run.stdout()).contains("probe: cannot create net namespace: limit reached: "
                + "/proc/sys/user/max_net_namespaces = 2 and 2 are in use by uid 0\n");
        assertThat(run.stdout().lines().filter(l -> l.startsWith("net ")))
                .singleElement().asString().matches("net 2 \\d+ 0 2 /proc/sys/user/max_net_namespaces");
        MachineState.assertNothingLeakedSince(before);
    }

    /**
     * A namespace that no process is in still counts: here one net namespace is held only by
     * a bind mount (util-linux {@code unshare --net=FILE}, in a mount namespace of the test's
     * own), one by a sleeper, limit 2. The explanation counts both; the host's own net
     * namespaces, visible but owned above this user namespace, are not charged here.
     */
    @Test
    void aNamespaceHeldOnlyByABindMountCountsTowardsTheLimit(@TempDir Path dir) {
        Privilege.requireRoot("create a user namespace with a root mapping and lower its limit");
        MachineState before = MachineState.capture();
        String probe = String.join(" ", ExternalCommand.javaMain(EnospcProbe.class, "net"));
        String script = """
                mount -t tmpfs jns-limits-test %1$s || exit 1
                touch %1$s/net
                echo 2 > /proc/sys/user/max_net_namespaces
                unshare --net=%1$s/net true || exit 1
                unshare -n sleep 60 & a=$!
                trap 'kill $a; wait' EXIT
                until [ "$(readlink /proc/$a/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
                echo "probe: $(%2$s)"
                """.formatted(dir, probe);

        ExternalCommand run = ExternalCommand.run("unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("probe: cannot create net namespace: limit reached: "
                + "/proc/sys/user/max_net_namespaces = 2 and 2 are in use by uid 0\n");
        MachineState.assertNothingLeakedSince(before);
    }

    /**
     * The host's own limit, lowered to 0 for the moment of one unshare and its explanation,
     * and restored in finally. (Another process creating a uts namespace in that moment
     * would fail too: the window is kept to one scan.)
     */
    @Test
    void onTheHostALimitOfZeroMakesUnshareFailAndTheErrorNamesIt() throws Exception {
        Privilege.requireRoot("change /proc/sys/user/max_uts_namespaces");
        assumeTrue(hasCapSysResource(), "skipped: this root lacks CAP_SYS_RESOURCE, which changing the host's limits needs");
        NamespaceType type = NamespaceType.UTS;
        long original = NamespaceLimits.limit(type);
        Optional<SyscallException> failure;
        NamespaceLimitException explained;
        try {
            NamespaceLimits.setLimit(type, 0);
            failure = EnospcProbe.unshareOnThrowawayThread(type);
            explained = failure.map(f -> NamespaceLimits.explainEnospc(EnumSet.of(type), f)).orElse(null);
        } finally {
            NamespaceLimits.setLimit(type, original);
        }

        assertThat(NamespaceLimits.limit(type)).isEqualTo(original);
        assertThat(failure).get().extracting(SyscallException::errno).isEqualTo(Errno.ENOSPC);
        assertThat(explained.getMessage()).matches("cannot create uts namespace: limit reached: "
                + "/proc/sys/user/max_uts_namespaces = 0 and \\d+ are in use by uid 0");
        assertThat(explained.getCause()).isSameAs(failure.get());
        assertThat(explained.reached()).singleElement()
                .extracting(NamespaceUsage::type, NamespaceUsage::limit).containsExactly(type, 0L);
    }

    /** Whether this process has CAP_SYS_RESOURCE (bit 24 of CapEff). */
    private static boolean hasCapSysResource() throws IOException {
        String eff = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().substring(7).trim();
        return (Long.parseUnsignedLong(eff, 16) & (1L << 24)) != 0;
    }
}
