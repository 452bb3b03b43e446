package dev.jns.limits;

import dev.jns.limits.NamespaceCharges.Charge;
import dev.jns.ns.NamespaceType;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static dev.jns.ns.NamespaceType.IPC;
import static dev.jns.ns.NamespaceType.NET;
import static dev.jns.ns.NamespaceType.USER;
import static org.assertj.core.api.Assertions.assertThat;

/** The counting and the ENOSPC message, from given numbers (no root, no kernel state). */
class NamespaceLimitsMessageTest {

    @Test
    void countsEveryVisibleNamespaceAndThoseChargedToTheUid() {
        Map<NamespaceType, Long> limits = new EnumMap<>(NamespaceType.class);
        limits.put(NET, 10L);
        limits.put(USER, 5L);
        List<Charge> visible = List.of(
                new Charge(NET, OptionalInt.of(0)), new Charge(NET, OptionalInt.of(1000)),
                new Charge(NET, OptionalInt.of(1000)), new Charge(NET, OptionalInt.empty()),
                new Charge(USER, OptionalInt.of(1000)), new Charge(IPC, OptionalInt.of(1000)));

        List<NamespaceUsage> usage = NamespaceLimits.tally(limits, visible, 1000);

        assertThat(usage).containsExactly(
                new NamespaceUsage(NET, 10, 4, 1000, 2),
                new NamespaceUsage(USER, 5, 1, 1000, 1));
    }

    @Test
    void aReachedLimitIsNamedWithItsFileValueAndCount() {
        List<NamespaceUsage> usage = List.of(new NamespaceUsage(NET, 12, 15, 0, 12));

        assertThat(NamespaceLimits.describeEnospc(EnumSet.of(NET), usage)).isEqualTo(
                "cannot create net namespace: limit reached: /proc/sys/user/max_net_namespaces = 12"
                        + " and 12 are in use by uid 0");
    }

    @Test
    void onlyTheReachedLimitsAreNamedWhenSeveralTypesWereRequested() {
        List<NamespaceUsage> usage = List.of(
                new NamespaceUsage(NET, 100, 3, 0, 3), new NamespaceUsage(IPC, 0, 9, 0, 2));

        assertThat(NamespaceLimits.describeEnospc(EnumSet.of(NET, IPC), usage)).isEqualTo(
                "cannot create ipc namespace: limit reached: /proc/sys/user/max_ipc_namespaces = 0"
                        + " and 2 are in use by uid 0");
    }

    @Test
    void withNoLimitReachedTheMessageSaysSoAndGivesTheNumbers() {
        List<NamespaceUsage> usage = List.of(
                new NamespaceUsage(NET, 100, 3, 0, 3), new NamespaceUsage(USER, 100, 4, 0, 1));

        String message = NamespaceLimits.describeEnospc(EnumSet.of(NET, USER), usage);

        assertThat(message)
                .startsWith("cannot create net, user namespaces: no space (ENOSPC) but no limit visible here is reached")
                .contains("/proc/sys/user/max_net_namespaces = 100 and 3 are in use by uid 0")
                .contains("/proc/sys/user/max_user_namespaces = 100 and 1 are in use by uid 0")
                .contains("nesting");
    }
}
