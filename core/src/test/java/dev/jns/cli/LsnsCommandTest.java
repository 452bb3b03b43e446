package dev.jns.cli;

import dev.jns.testing.ExternalCommand;
import dev.jns.testing.MachineState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jns lsns} run in-process: bad input, help, column list; nothing left behind. */
class LsnsCommandTest {
    private static MachineState before;

    private record Result(int code, String out, String err) {}

    private static Result jns(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> a = new ArrayList<>(List.of("lsns"));
        a.addAll(List.of(args));
        int code = Main.run(a.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "lsns {0}")
    @CsvSource(delimiter = '|', textBlock = """
            -o foo               | unknown column: foo
            -o NS,foo,TYPE       | unknown column: foo,TYPE
            -o +bar              | unknown column: bar
            -t xxx               | unknown namespace type: xxx
            -t NET               | unknown namespace type: NET
            -p abc               | invalid PID argument: 'abc'
            -p 0                 | invalid PID argument: '0': Numerical result out of range
            -T=foo               | unknown tree type: foo
            --tree=bush          | unknown tree type: bush
            -T owner             | invalid namespace argument: 'owner'
            -J -r                | options --json and --raw cannot be combined
            -r --json            | options --raw and --json cannot be combined
            -P -p 1              | options --persistent and --task cannot be combined
            -p 1 4026531836      | --task is mutually exclusive with <namespace>
            12345678901234567890 | not found namespace: 12345678901234567890
            -Q NS==              | failed to parse "NS==": syntax error, unexpected end of file
            -Q (NS               | failed to parse "(NS": syntax error, unexpected end of file
            """)
    void badInputIsOneLineAndExitOne(String args, String message) throws IOException {
        long fdsBefore = openFds();
        Result r = jns(args.replace("'", "").split(" "));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("jns lsns: " + message + "\n");
        // in-process, a failing command could leave an fd or a child; the machine is checked once for all
        assertThat(openFds()).isEqualTo(fdsBefore);
        assertThat(ProcessHandle.current().children()).isEmpty();
    }

    @Test
    void aProcessThatIsGoneListsNothingAndIsNoErrorAsForUtilLinux() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String pid = Long.toString(gone.pid());
        Result human = jns("-p", pid), json = jns("-J", "-p", pid);
        assertThat(human).isEqualTo(new Result(0, "", ""));
        Process lsns = new ProcessBuilder("lsns", "-J", "-p", pid).start();
        String theirs = new String(lsns.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lsns.waitFor()).isZero();
        assertThat(json).isEqualTo(new Result(0, theirs, ""));
    }

    @Test
    void versionNamesJns() {
        Result r = jns("-V");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("jns lsns from jns ");
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @BeforeAll
    static void recordMachine() {
        before = MachineState.capture();
    }

    @AfterAll
    static void nothingLeft() {
        MachineState.assertNothingLeakedSince(before);
    }

    @ParameterizedTest(name = "lsns {0}")
    @CsvSource(delimiter = '|', textBlock = """
            -o foo           | unknown column: foo
            -t xxx           | unknown namespace type: xxx
            -p abc           | invalid PID argument: 'abc'
            -T=foo           | unknown tree type: foo
            -T owner         | invalid namespace argument: 'owner'
            """)
    void messagesAreUtilLinuxs(String args, String message) {
        List<String> cmd = new ArrayList<>(List.of("lsns"));
        cmd.addAll(List.of(args.split(" ")));
        ExternalCommand theirs = ExternalCommand.run(cmd);
        assertThat(theirs.exitCode()).isEqualTo(1);
        assertThat(theirs.stderr()).isEqualTo("lsns: " + message + "\n");
        assertThat(jns(args.split(" ")).err()).isEqualTo("jns " + theirs.stderr());
    }

    @Test
    void unknownOptionsGetGetoptsMessageAndAHint() {
        Result r = jns("--bogus");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jns lsns: unrecognized option '--bogus'\nTry 'jns lsns --help' for more information.\n");
    }

    @Test
    void helpGoesToStdoutWithExitZero() {
        Result r = jns("--help");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("jns lsns [options] [<namespace>]", "-T, --tree[=<rel>]", "--output-all");
    }

    @Test
    void listColumnsNamesAllThirteenWithTheirJsonTypes() {
        Result r = jns("-H", "-r");
        assertThat(r.code()).isZero();
        List<String> names = r.out().lines().map(l -> l.split(" ")[0]).toList();
        assertThat(names).containsExactly("NS", "TYPE", "PATH", "NPROCS", "PID", "PPID", "COMMAND", "UID", "USER",
                "NETNSID", "NSFS", "PNS", "ONS");
        assertThat(r.out()).contains("NPROCS <integer> ", "NETNSID <string> ");
        assertThat(jns("-H", "-J").out()).startsWith("{\n   \"lsns-columns\": [\n      {\n         \"holder\": \"NS\",\n");
    }

    @Test
    void theDefaultListIsAProcessTreeSortedByInode() {
        Result r = jns();
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).matches(" +NS TYPE +NPROCS +PID USER +COMMAND");
        List<Long> roots = lines.stream().skip(1).filter(l -> !l.contains("\u2500"))
                .map(l -> Long.parseLong(l.strip().split(" +")[0])).toList();
        assertThat(roots).isSorted();
    }
}
