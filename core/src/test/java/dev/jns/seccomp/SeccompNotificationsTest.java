package dev.jns.seccomp;

import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.NamespacedProcessBuilder;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.jns.ns.NamespaceType.UTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seccomp user notification for real: the filter's listener reaches this JVM, the program
 * never holds it, and the answers (an errno, a value, continue) are what the program sees.
 */
class SeccompNotificationsTest {
    private static final int MKDIR = 83, GETSID = 124, AUDIT_ARCH_X86_64 = 0xc000003e, EACCES = 13;

    /** mkdir twice (the first refused by the listener, the second let through), getsid, then its descriptors. */
    private static final String PROGRAM = "import os, errno, sys\n"
            + "for d in sys.argv[1:3]:\n"
            + "    try:\n"
            + "        os.mkdir(d); print('made', flush=True)\n"
            + "    except OSError as e:\n"
            + "        print(errno.errorcode[e.errno], flush=True)\n"
            + "print('sid', os.getsid(0), flush=True)\n"
            + "for fd in sorted(os.listdir('/proc/self/fd')):\n"
            + "    try: print('fd', fd, os.readlink('/proc/self/fd/' + fd), flush=True)\n"
            + "    except OSError: pass\n";

    private static List<String> listenersHeld(Path fdDir) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> fds = Files.list(fdDir)) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.contains("seccomp notify")) found.add(fd + " -> " + target);
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return found;
    }

    /** The NUL-terminated string at {@code address} in the process's memory. */
    private static String stringAt(int pid, long address) throws IOException {
        try (RandomAccessFile mem = new RandomAccessFile("/proc/" + pid + "/mem", "r")) {
            mem.seek(address);
            byte[] b = new byte[256];
            int n = mem.read(b);
            int end = 0;
            while (end < n && b[end] != 0) end++;
            return new String(b, 0, end, StandardCharsets.UTF_8);
        }
    }

    @Test
    void theListenerReceivesTheCallsAndItsAnswersAreWhatTheProgramSees(@TempDir Path dir) throws Exception {
        Privilege.requireRoot("create a UTS namespace from a root JVM");
        Path refused = dir.resolve("refused"), allowed = dir.resolve("allowed");
        List<String> heldBefore = listenersHeld(Path.of("/proc/self/fd"));
        SeccompFilter filter = SeccompFilter.allowingAllBut()
                .withRule("mkdir", SeccompAction.NOTIFY).withRule("getsid", SeccompAction.NOTIFY);
        NamespacedProcess p = new NamespacedProcessBuilder("python3", "-I", "-S", "-c", PROGRAM,
                refused.toString(), allowed.toString()).newNamespaces(UTS).noNewPrivileges(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).redirectErrorStream(true)
                .seccomp(filter.compile()).start();
        try (SeccompNotifications listener = p.seccompNotifications().orElseThrow()) {
            SeccompNotifications.Notification first = listener.receive(Duration.ofSeconds(20)).orElseThrow();
            assertThat(first.syscall()).isEqualTo(MKDIR);
            assertThat(first.pid()).isEqualTo((int) p.pid());
            assertThat(first.architecture()).isEqualTo(AUDIT_ARCH_X86_64);
            assertThat(listener.isPending(first)).isTrue();
            assertThat(stringAt(first.pid(), first.arguments().get(0))).isEqualTo(refused.toString());
            // the program waits in mkdir: it holds no listener, though its filter has one
            assertThat(listenersHeld(Path.of("/proc", Long.toString(p.pid()), "fd"))).isEmpty();
            assertThat(listener.fail(first, EACCES)).isTrue();
            assertThat(listener.isPending(first)).as("answered").isFalse();

            SeccompNotifications.Notification second = listener.receive(Duration.ofSeconds(20)).orElseThrow();
            assertThat(second.syscall()).isEqualTo(MKDIR);
            assertThat(second.id()).isNotEqualTo(first.id());
            assertThat(stringAt(second.pid(), second.arguments().get(0))).isEqualTo(allowed.toString());
            assertThat(listener.continueCall(second)).isTrue();

            SeccompNotifications.Notification third = listener.receive(Duration.ofSeconds(20)).orElseThrow();
            assertThat(third.syscall()).isEqualTo(GETSID);
            assertThat(listener.returnValue(third, 4242)).isTrue();

            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).startsWith("EACCES\nmade\nsid 4242\n").doesNotContain("seccomp notify");
            assertThat(Files.exists(refused)).isFalse();
            assertThat(Files.isDirectory(allowed)).isTrue();
            assertThat(listener.receive(Duration.ofSeconds(5))).as("nobody is left under the filter").isEmpty();
        }
        assertThat(listenersHeld(Path.of("/proc/self/fd"))).as("closed with the handle").isEqualTo(heldBefore);
    }

    @Test
    void aFilterWithoutNotifyHasNoListener() throws Exception {
        Privilege.requireRoot("create a UTS namespace from a root JVM");
        NamespacedProcess p = new NamespacedProcessBuilder("true").newNamespaces(UTS).noNewPrivileges(true)
                .seccomp(SeccompFilter.allowingAllBut().withRule("mkdir", SeccompAction.errno(1)).compile()).start();
        assertThat(p.seccompNotifications()).isEmpty();
        assertThat(p.waitFor()).isZero();
    }

    @Test
    void aClosedListenerFailsTheNotifiedCallsWithEnosys() throws Exception {
        Privilege.requireRoot("create a UTS namespace from a root JVM");
        NamespacedProcess p = new NamespacedProcessBuilder("python3", "-I", "-S", "-c",
                "import os, errno\ntry: os.getsid(0); print('answered')\nexcept OSError as e: print(errno.errorcode[e.errno])\n")
                .newNamespaces(UTS).noNewPrivileges(true).redirectErrorStream(true)
                .seccomp(SeccompFilter.allowingAllBut().withRule("getsid", SeccompAction.NOTIFY).compile()).start();
        SeccompNotifications listener = p.seccompNotifications().orElseThrow();
        listener.receive(Duration.ofSeconds(20)).orElseThrow();
        listener.close();
        listener.close(); // idempotent
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        assertThat(out).isEqualTo("ENOSYS\n");
    }
    @Test
    void aListenerTakenBeforeExecAnswersTheExecItself() throws Exception {
        final int execve = 59;
        List<SeccompNotifications.Notification> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> paths = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicReference<Thread> server = new java.util.concurrent.atomic.AtomicReference<>();
        List<String> heldBefore = listenersHeld(Path.of("/proc/self/fd"));
        // Every execve waits for the listener: the helper's own exec of the program included,
        // which a listener handed out only once the program runs could never answer.
        Process p = dev.jns.sandbox.Sandbox.command("sh", "-c", "echo $(/usr/bin/echo ran)")
                .unshareAll().roBind("/usr", "/usr").symlink("usr/bin", "/bin").symlink("usr/lib", "/lib")
                .symlink("usr/lib64", "/lib64").proc("/proc").dev("/dev")
                .seccomp(SeccompFilter.allowingAllBut().withRule("execve", SeccompAction.NOTIFY))
                .seccompListener((pid, listener) -> server.set(Thread.ofPlatform().start(() -> {
                    try (listener) {
                        for (var call = listener.receive(); call.isPresent(); call = listener.receive()) {
                            seen.add(call.get());
                            // the caller waits in execve: its path argument can be read meanwhile
                            paths.add(stringAt(call.get().pid(), call.get().arguments().getFirst()));
                            listener.continueCall(call.get());
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo("ran\n");
        server.get().join(10_000);
        assertThat(server.get().isAlive()).as("the listener ends with the program").isFalse();
        assertThat(seen).extracting(SeccompNotifications.Notification::syscall).containsOnly(execve).hasSizeGreaterThanOrEqualTo(2);
        assertThat(paths).as("the program's own exec (looked up in PATH), then its child's")
                .anyMatch(path -> path.endsWith("/sh")).contains("/usr/bin/echo");
        assertThat(listenersHeld(Path.of("/proc/self/fd"))).isEqualTo(heldBefore);
    }
}
