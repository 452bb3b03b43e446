package dev.jns.spawn;

import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A clone3 that hits a namespace limit says which limit, with the numbers. */
class EnospcSpawnTest {

    @Test
    void enospcFromCloneNamesTheLimit() throws Exception {
        Privilege.requireRoot("lower a namespace limit inside a user namespace of its own");
        // The limit is lowered only inside a fresh user namespace, so the host is untouched.
        List<String> inOwnUserNs = List.of("unshare", "--user", "--map-root-user", "sh", "-c",
                "echo 0 > /proc/sys/user/max_net_namespaces && exec \"$@\"", "sh");
        Process jvm = ChildJvm.sandboxMain(inOwnUserNs, "enospc").redirectErrorStream(true).start();
        String out = ChildJvm.output(jvm);
        assertThat(out).matches("net: SpawnException clone3 flags 0x40000000: ENOSPC \\(No space left on device\\):"
                + " cannot create net namespace: limit reached: /proc/sys/user/max_net_namespaces = 0"
                + " and \\d+ are in use by uid 0\n");
    }
}
