package dev.jns.seccomp;

import dev.jns.os.Errno;
import dev.jns.spawn.NamespacedProcessBuilder;
import dev.jns.spec.SeccompProgram;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;

import static dev.jns.ns.NamespaceType.UTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Filters compiled by libseccomp in the JVM and installed by the helper last before exec. */
class SeccompFilterTest {
    /** Tries TIOCSTI on stdin, plainly and with junk in the request's high bits; prints the errno names. */
    private static final String TIOCSTI = "import fcntl, errno\n"
            + "for req in (0x5412, 0x5412 | (1 << 32)):\n"
            + "    try:\n"
            + "        fcntl.ioctl(0, req, b'x'); print('allowed')\n"
            + "    except OSError as e:\n"
            + "        print(errno.errorcode[e.errno])\n";

    private static String run(SeccompProgram filter, String... command) throws Exception {
        NamespacedProcessBuilder b = new NamespacedProcessBuilder(command).newNamespaces(UTS).noNewPrivileges(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).redirectErrorStream(true);
        if (filter != null) b.seccomp(filter);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    @Test
    void aFilterCompilesToWholeBpfInstructions() {
        SeccompProgram p = ContainerProfile.filter(true).compile();
        assertThat(p.bpf().remaining()).isPositive().matches(n -> n % 8 == 0, "a multiple of 8 bytes");
        assertThat(SeccompFilter.allowingAllBut().compile().bpf().remaining())
                .as("the empty filter still checks the architecture").isGreaterThan(8);
    }

    @Test
    void aRuleThatDoesWhatTheDefaultDoesIsLeftOut() {
        // libseccomp refuses such a rule (EACCES); OCI profiles carry them (allow rules under an allow default)
        byte[] plain = bytes(SeccompFilter.allowingAllBut().withRule("getcwd", SeccompAction.errno(1)).compile());
        byte[] withAllow = bytes(SeccompFilter.allowingAllBut().withRule("getcwd", SeccompAction.errno(1))
                .withRule("personality", SeccompAction.ALLOW).compile());
        assertThat(withAllow).isEqualTo(plain);
    }

    private static byte[] bytes(SeccompProgram p) {
        byte[] b = new byte[p.bpf().remaining()];
        p.bpf().duplicate().get(b);
        return b;
    }

    @Test
    void anUnknownSystemCallIsNamed() {
        assertThatThrownBy(() -> SeccompFilter.allowingAllBut().withRule("no_such_call", SeccompAction.ALLOW).compile())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown system call: no_such_call");
    }

    @Test
    void theContainerProfileStopsTerminalInjectionWhateverTheHighBitsSay() throws Exception {
        Privilege.requireRoot("create a UTS namespace from a root JVM");
        assertThat(run(null, "python3", "-c", TIOCSTI)).as("without a filter: stdin is no terminal")
                .isEqualTo("ENOTTY\nENOTTY\n");
        assertThat(run(ContainerProfile.filter(false).compile(), "python3", "-c", TIOCSTI)).isEqualTo("EPERM\nEPERM\n");
    }

    @Test
    void newUserNamespacesAreRefusedWhereAsked() throws Exception {
        Privilege.requireRoot("create a UTS namespace from a root JVM");
        String script = "unshare -U true && echo made; mkdir -p /tmp/jns-seccomp-ok && rmdir /tmp/jns-seccomp-ok && echo rest allowed";
        assertThat(run(ContainerProfile.filter(true).compile(), "sh", "-c", script))
                .contains("Operation not permitted").doesNotContain("made").contains("rest allowed");
        assertThat(run(ContainerProfile.filter(false).compile(), "sh", "-c", script)).contains("made", "rest allowed");
    }

    @Test
    void aRuleMayAnswerWithAnyErrno() throws Exception {
        Privilege.requireRoot("create a UTS namespace from a root JVM");
        SeccompProgram noMkdir = SeccompFilter.allowingAllBut()
                .withRule("mkdir", SeccompAction.errno(Errno.EROFS)).withRule("mkdirat", SeccompAction.errno(Errno.EROFS))
                .compile();
        assertThat(run(noMkdir, "mkdir", "/tmp/jns-seccomp-x")).contains("Read-only file system");
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/jns-seccomp-x"))).isFalse();
    }
}
