package dev.jns.cli;

import dev.jns.ns.NamespaceType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NsenterParserTest {
    private static NsenterOptions run(String... args) {
        return ((NsenterParser.Parsed.Run) NsenterParser.parse(args)).options();
    }

    @Test
    void namespaceFlagsTakeOnlyAttachedFiles() {
        NsenterOptions o = run("-t", "42", "-n/run/netns/a", "--uts=/tmp/u", "-m", "-U=/tmp/user", "ls", "-l");
        assertThat(o.targetPid()).isEqualTo(42);
        assertThat(o.namespaces()).containsEntry(NamespaceType.NET, Optional.of("/run/netns/a"))
                .containsEntry(NamespaceType.UTS, Optional.of("/tmp/u"))
                .containsEntry(NamespaceType.MNT, Optional.empty())
                .containsEntry(NamespaceType.USER, Optional.of("/tmp/user"));
        assertThat(o.command()).containsExactly("ls", "-l");
        // A separate word after an optional-argument flag is the program (getopt's rule).
        assertThat(run("-n", "/bin/true").command()).containsExactly("/bin/true");
    }

    @Test
    void parsingStopsAtTheProgram() {
        assertThat(run("-t", "1", "-u", "sh", "-n").command()).containsExactly("sh", "-n");
        assertThat(run("-a", "-t", "1").command()).isEmpty();
    }

    @Test
    void pidWithInode() {
        NsenterOptions o = run("--target", "42:1234", "-u");
        assertThat(o.targetPid()).isEqualTo(42);
        assertThat(o.pidfdInode()).isEqualTo(1234);
    }

    @Test
    void badPidsInUtilLinux2422Words() {
        for (String bad : new String[] {"abc", "12x", "0", "-5", "", "5 ", "++5", "42:0", "42:abc", "42:-5", "42:0x5", "42:",
                "99999999999"}) {
            assertThatThrownBy(() -> run("-t", bad)).as("-t '%s'", bad).isInstanceOf(CliException.class)
                    .hasMessage("invalid PID argument");
        }
        // strtoimax's and strtoumax's leniency: leading blanks and a plus sign.
        assertThat(run("-t", " +42:+7").targetPid()).isEqualTo(42);
        assertThat(run("-t", "42: 7").pidfdInode()).isEqualTo(7);
    }

    @Test
    void followContextIsUnknownAsInAUtilLinuxBuiltWithoutSelinux() {
        assertThatThrownBy(() -> run("-Z", "-t", "1", "-n")).isInstanceOf(Getopt.UsageException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("no message, only the Try line").isNull());
        assertThatThrownBy(() -> run("--follow-context")).isInstanceOf(Getopt.UsageException.class)
                .hasMessage("unrecognized option '--follow-context'");
        // Options are taken in order: a bad -t before -Z is reported first, as nsenter does.
        assertThatThrownBy(() -> run("-t", "x", "-Z")).hasMessage("invalid PID argument");
    }

    @Test
    void credentialsAndDirectories() {
        NsenterOptions o = run("-S", "1", "-G", "follow", "--preserve-credentials", "--keep-caps", "-r", "-w/tmp", "true");
        assertThat(o.uid()).hasValue(1);
        assertThat(o.gidFollow()).isTrue();
        assertThat(o.preserveCredentials()).isTrue();
        assertThat(o.keepCaps()).isTrue();
        assertThat(o.root()).hasValue("");
        assertThat(o.workDir()).hasValue("/tmp");
        assertThatThrownBy(() -> run("-S", "x")).hasMessage("failed to parse uid: 'x'");
        assertThatThrownBy(() -> run("-N", "-1")).hasMessage("failed to parse file descriptor: '-1'");
        assertThatThrownBy(() -> run("-w", "--wdns=/x")).hasMessage("options --wd and --wdns cannot be combined");
    }

    @Test
    void unknownOptionsAreGetoptErrors() {
        assertThatThrownBy(() -> run("--bogus")).isInstanceOf(Getopt.UsageException.class)
                .hasMessage("unrecognized option '--bogus'");
        assertThatThrownBy(() -> run("-t")).isInstanceOf(Getopt.UsageException.class)
                .hasMessage("option requires an argument -- 't'");
    }

    @Test
    void helpAndVersion() {
        assertThat(NsenterParser.parse(new String[] {"-h"})).isInstanceOf(NsenterParser.Parsed.Help.class);
        assertThat(NsenterParser.parse(new String[] {"--version"})).isInstanceOf(NsenterParser.Parsed.Version.class);
        assertThat(NsenterHelp.TEXT).contains("--net-socket", "--user-parent", "--join-cgroup", "--keep-caps");
        assertThat(List.of(NsenterParser.SHORT)).containsExactly("+ahVt:m::u::i::n::N:p::C::U::T::S:G:r::w::W::ecFZ");
    }
}
