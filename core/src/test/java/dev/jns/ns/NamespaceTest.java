package dev.jns.ns;

import dev.jns.os.SyscallException;
import dev.jns.sys.LibC;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamespaceTest {
    private final int self = (int) ProcessHandle.current().pid();

    @Test
    void handleMatchesTheProcLinkForEveryType() throws Exception {
        for (NamespaceType type : NamespaceType.values()) {
            if (!type.isSupported()) continue;
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns", type.procName())).toString();
            try (Namespace ns = Namespace.of(self, type)) {
                assertThat(ns.type()).isEqualTo(type);
                assertThat(ns.toString()).isEqualTo(link);
            }
        }
    }

    @Test
    void identityIsDeviceAndInodeWhateverTheWayIn() {
        int pidfd = LibC.pidfdOpen(self, 0);
        try (Namespace a = Namespace.of(self, NamespaceType.NET);
             Namespace b = Namespace.open(Path.of("/proc/self/ns/net"));
             Namespace c = Namespace.ofPidfd(pidfd, NamespaceType.NET);
             Namespace uts = Namespace.of(self, NamespaceType.UTS)) {
            assertThat(a).isEqualTo(b).isEqualTo(c).hasSameHashCodeAs(c);
            assertThat(a).isNotEqualTo(uts);
            assertThat(a.fd()).isNotEqualTo(b.fd());
        } finally {
            LibC.close(pidfd);
        }
    }

    @Test
    void ownerOfInitialNamespacesIsTheInitialUserNamespace() {
        try (Namespace net = Namespace.current(NamespaceType.NET);
             Namespace user = Namespace.current(NamespaceType.USER)) {
            try (Namespace owner = net.owner().orElseThrow()) {
                assertThat(owner).isEqualTo(user);
            }
            // The initial user namespace has no parent the caller can reach.
            assertThat(user.parent()).isEmpty();
            assertThat(net.parent()).isEmpty();
            assertThat(user.ownerUid()).hasValue(0);
        }
    }

    @Test
    void nonNamespaceFilesAreRejectedWithTheirPath() {
        assertThatThrownBy(() -> Namespace.open(Path.of("/proc/self/status")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("/proc/self/status is not a namespace file");
        assertThatThrownBy(() -> Namespace.open(Path.of("/proc/self/ns/net"), NamespaceType.UTS))
                .hasMessage("/proc/self/ns/net is a net namespace, not uts");
    }

    @Test
    void missingFileNamesCallPathAndErrno() {
        assertThatThrownBy(() -> Namespace.open(Path.of("/nonexistent/ns")))
                .isInstanceOf(SyscallException.class)
                .hasMessage("open /nonexistent/ns: ENOENT (No such file or directory)")
                .satisfies(e -> assertThat(((SyscallException) e).errnoName()).isEqualTo("ENOENT"));
    }

    @Test
    void handlesLeaveNothingBehind() {
        var before = dev.jns.testing.MachineState.capture();
        for (int i = 0; i < 100; i++) {
            try (Namespace ns = Namespace.of(self, NamespaceType.MNT)) {
                ns.owner().ifPresent(Namespace::close);
            }
        }
        dev.jns.testing.MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void closeIsIdempotentAndIdOutlivesIt() {
        Namespace ns = Namespace.current(NamespaceType.IPC);
        NamespaceId id = ns.id();
        ns.close();
        ns.close();
        assertThat(ns.isOpen()).isFalse();
        assertThat(ns.id()).isEqualTo(id);
        assertThatThrownBy(ns::fd).isInstanceOf(IllegalStateException.class);
    }
}
