package dev.jns.inventory;

import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;
import dev.jns.testing.LiveNamespaces;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The inventory against namespaces made for the purpose, each held by a different thing. */
class InventoryTest {
    private static MachineState before;
    private static LiveNamespaces live;

    @BeforeAll
    static void makeNamespaces() {
        Privilege.requireRoot("create namespaces held by processes, bind mounts, fds and sockets");
        before = MachineState.capture();
        live = LiveNamespaces.create();
    }

    @AfterAll
    static void removeThem() {
        if (live == null) return;
        live.close();
        MachineState.assertNothingLeakedSince(before);
    }

    private static NamespaceRecord find(Inventory inv, long inode) {
        return inv.namespace(inode).orElseThrow(() -> new AssertionError("inventory lacks namespace " + inode));
    }

    @Test
    void everyNamespaceOfTheFixtureProcessesIsListedWithItsMembers() {
        Inventory inv = Inventory.scan(ScanOptions.minimal());
        for (long ino : live.processHeld()) {
            NamespaceRecord ns = find(inv, ino);
            List<ProcessRecord> members = inv.processesIn(ns);
            assertThat(ns.processCount()).as(ns.name()).isEqualTo(members.size()).isPositive();
            assertThat(ns.lowestPid()).hasValue(members.getFirst().pid());
        }
        // the all-types process: pid and time namespaces hold only the sleep; the others also its unshare
        ProcessRecord sleep = inv.process(live.fullPid).orElseThrow();
        assertThat(sleep.namespaces()).hasSize(NamespaceType.values().length);
        assertThat(find(inv, sleep.namespace(NamespaceType.PID).getAsLong()).processCount()).isEqualTo(1);
        assertThat(find(inv, sleep.namespace(NamespaceType.NET).getAsLong()).processCount()).isEqualTo(2);
        assertThat(sleep.command()).hasValue("sleep 600");
    }

    @Test
    void aBindMountedNamespaceWithoutProcessesIsHeldByItsMount() {
        Inventory inv = Inventory.scan(ScanOptions.minimal());
        NamespaceRecord ns = find(inv, live.bindOnly);
        assertThat(ns.type()).isEqualTo(NamespaceType.NET);
        assertThat(ns.processCount()).isZero();
        assertThat(ns.lowestPid()).isEmpty();
        assertThat(ns.holders()).contains(new Holder.BindMount(inv.ownMountNamespace().getAsLong(), live.bindOnlyPath.toString()));
        assertThat(ns.ownerUid()).hasValue(0);
        assertThat(ns.owner()).as("owner looked up for namespaces without processes").isPresent();
    }

    @Test
    void aBindMountInAnotherMountNamespaceIsFoundThroughItsProcess() {
        Inventory inv = Inventory.scan(ScanOptions.minimal());
        long otherMnt = LiveNamespaces.inode(live.elsewhereMountPid, "mnt");
        assertThat(otherMnt).isNotEqualTo(inv.ownMountNamespace().getAsLong());
        NamespaceRecord ns = find(inv, live.elsewhere);
        assertThat(ns.processCount()).isZero();
        assertThat(ns.holders()).containsExactly(new Holder.BindMount(otherMnt, live.elsewherePath.toString()));
        assertThat(ns.ownerUid()).as("opened through /proc/PID/root").hasValue(0);
    }

    @Test
    void aNamespaceHeldOnlyByAnOpenFdNamesTheProcessAndFd() {
        Inventory inv = Inventory.scan(ScanOptions.minimal());
        NamespaceRecord ns = find(inv, live.fdOnly);
        assertThat(ns.processCount()).isZero();
        assertThat(ns.holders()).containsExactly(new Holder.OpenFd(live.fdHolderPid, 3));
        assertThat(inv.process(live.fdHolderPid).orElseThrow().command()).hasValue("sleep 600");
    }

    @Test
    void anFdOpenedThroughProcIsListedAsAHolderToo() {
        int self = (int) ProcessHandle.current().pid();
        try (Namespace uts = Namespace.open(Path.of("/proc/" + live.fullPid + "/ns/uts"))) {
            Inventory inv = Inventory.scan(ScanOptions.minimal().withTypes(EnumSet.of(NamespaceType.UTS)));
            NamespaceRecord ns = find(inv, uts.inode());
            assertThat(ns.processCount()).isEqualTo(2);
            assertThat(ns.holders()).containsExactly(new Holder.OpenFd(self, uts.fd()));
        }
    }

    @Test
    void anOwnerWithNoProcessIsAGhostKeptByTheNamespaceItOwns() {
        Inventory inv = Inventory.scan(ScanOptions.minimal());
        NamespaceRecord net = find(inv, live.ghostOwnedNet);
        assertThat(net.owner()).hasValue(live.ghostUser);
        NamespaceRecord user = find(inv, live.ghostUser);
        assertThat(user.isGhost()).isTrue();
        assertThat(user.holders()).containsExactly(new Holder.Dependent(live.ghostOwnedNet, NamespaceType.NET, Holder.Relation.OWNER));
        assertThat(user.ownerUid()).hasValue(0);
    }

    @Test
    void nestedUserAndPidNamespacesKnowTheirParentsAndOwners() {
        Inventory inv = Inventory.scan(ScanOptions.minimal().withRelations(true));
        LiveNamespaces.Nested n = live.nested;
        assertThat(find(inv, n.innerPid()).parent()).hasValue(n.outerPid());
        assertThat(find(inv, n.innerPid()).owner()).hasValue(n.innerUser());
        assertThat(find(inv, n.outerPid()).owner()).hasValue(n.outerUser());
        assertThat(find(inv, n.innerUser()).parent()).hasValue(n.outerUser());
        assertThat(find(inv, n.innerUser()).owner()).hasValue(n.outerUser());
        assertThat(find(inv, n.outerUser()).parent()).hasValue(LiveNamespaces.inode((int) ProcessHandle.current().pid(), "user"));
    }

    @Test
    void withoutRelationsNamespacesWithProcessesCostNoIoctl() {
        Inventory inv = Inventory.scan(ScanOptions.minimal());
        assertThat(find(inv, live.nested.innerPid()).parent()).isEmpty();
        assertThat(find(inv, live.nested.innerPid()).owner()).isEmpty();
    }

    @Test
    void aSocketIsFoundAsWhatHoldsItsNetNamespace() {
        assertThat(Inventory.scan(ScanOptions.minimal()).namespace(live.socketOnly)).as("sockets are opt-in").isEmpty();
        Inventory inv = Inventory.scan(ScanOptions.minimal().withSockets(true));
        NamespaceRecord ns = find(inv, live.socketOnly);
        assertThat(ns.processCount()).isZero();
        assertThat(ns.holders()).containsExactly(new Holder.Socket(live.socketHolderPid, 3));
    }

    @Test
    void netnsIdsComeFromTheKernel() {
        Inventory inv = Inventory.scan(ScanOptions.minimal().withTypes(EnumSet.of(NamespaceType.NET)).withNetnsIds(true));
        long fullNet = LiveNamespaces.inode(live.fullPid, "net");
        assertThat(find(inv, fullNet).netnsId()).hasValue(new NetnsId(live.fullNetnsId));
        assertThat(find(inv, live.bindOnly).netnsId()).hasValue(NetnsId.UNASSIGNED);
        assertThat(inv.namespaces()).allSatisfy(ns -> assertThat(ns.type()).isEqualTo(NamespaceType.NET));
    }

    @Test
    void theTypeFilterLeavesOtherTypesOutEvenAsGhosts() {
        Inventory inv = Inventory.scan(ScanOptions.everything().withTypes(EnumSet.of(NamespaceType.NET)));
        assertThat(inv.namespace(live.ghostOwnedNet)).isPresent();
        assertThat(inv.namespace(live.ghostUser)).isEmpty();
    }

    @Test
    void processesExitingDuringScansAreSkippedNotErrors() throws Exception {
        List<Process> churn = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                churn.add(new ProcessBuilder("bash", "-c", "for i in $(seq 300); do unshare -n true & done; wait").start());
            }
            for (int i = 0; i < 15; i++) {
                Inventory inv = Inventory.scan();
                assertThat(inv.namespaces()).isNotEmpty();
            }
        } finally {
            for (Process p : churn) {
                p.waitFor(60, TimeUnit.SECONDS);
            }
        }
        assertThat(churn).allSatisfy(p -> assertThat(p.exitValue()).isZero());
    }
}
