package dev.jns.cli;

import dev.jns.testing.Privilege;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signals sent to the {@code unshare} process itself while its program runs: ignored with
 * {@code --fork} (util-linux blocks them), passed on with {@code --forward-signals}, and
 * with {@code --kill-child} the program dies when unshare is killed.
 */
class UnshareSignalsTest extends UnshareToolTestBase {

    @BeforeEach
    void needsRoot() {
        Privilege.requireRoot("create namespaces as the caller");
    }

    /** A tool started in the background whose program has printed its first line. */
    private record Running(Process process, long tool, BufferedReader out, String firstLine) {
        String rest() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (String l; (l = out.readLine()) != null; ) sb.append(l).append('\n');
            return sb.toString();
        }

        int exit() throws InterruptedException {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("ended").isTrue();
            return process.exitValue();
        }
    }

    /**
     * Runs the tool under a perl parent that is a child subreaper (prctl PR_SET_CHILD_SUBREAPER):
     * killing the tool orphans its program, and this machine's PID 1 never reaps orphans, so
     * they would stay zombies. The parent prints the tool's pid first, reaps everything, and
     * exits with the tool's status (128+N for a signal, as Java reports it).
     */
    private static final String SUBREAPER = "syscall(157, 36, 1, 0, 0, 0) == 0 or die \"prctl: $!\"; $| = 1; "
            + "my $tool = fork(); die \"fork: $!\" unless defined $tool; "
            + "if ($tool == 0) { print \"$$\\n\"; exec { $ARGV[0] } @ARGV or die \"exec: $!\"; } "
            + "my $status = 0; while ((my $w = wait()) != -1) { $status = $? if $w == $tool; } "
            + "exit(($status & 127) ? 128 + ($status & 127) : $status >> 8);";

    private static Running start(boolean jnsTool, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("perl", "-e", SUBREAPER));
        cmd.addAll(jnsTool ? jns.command("unshare") : List.of("unshare"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        long tool = Long.parseLong(out.readLine());
        return new Running(p, tool, out, out.readLine());
    }

    private static void signal(Running r, String sig) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(r.tool())).start().waitFor()).isZero();
    }

    @Test
    void forkIgnoresTermWhileTheProgramRuns() throws Exception {
        for (boolean jnsTool : new boolean[] {false, true}) {
            Running r = start(jnsTool, "-f", "sh", "-c", "echo started; sleep 1; echo survived");
            assertThat(r.firstLine()).isEqualTo("started");
            signal(r, "TERM");
            signal(r, "INT");
            assertThat(r.rest()).as(jnsTool ? "jns" : "util-linux").isEqualTo("survived\n");
            assertThat(r.exit()).isZero();
        }
    }

    @Test
    void withoutForkTheSignalIsTheProgramsAndEndsIt() throws Exception {
        for (boolean jnsTool : new boolean[] {false, true}) {
            Running r = start(jnsTool, "-u", "sh", "-c", "echo started; exec sleep 10");
            assertThat(r.firstLine()).isEqualTo("started");
            signal(r, "TERM");
            assertThat(r.rest()).isEmpty();
            assertThat(r.exit()).as(jnsTool ? "jns" : "util-linux").isEqualTo(143);
        }
    }

    @Test
    void terminalInterruptReachesTheProgramOnce() throws Exception {
        // Ctrl-C signals the whole process group: the program must see it once, as under util-linux.
        String counter = "n=0; trap 'n=$((n+1))' INT; echo started; sleep 2 & wait; sleep 1 & wait; echo ints=$n";
        for (boolean jnsTool : new boolean[] {false, true}) {
            for (String fork : new String[] {"-f", "-u"}) {
                List<String> cmd = new ArrayList<>(List.of("setsid"));
                cmd.addAll(jnsTool ? jns.command("unshare") : List.of("unshare"));
                cmd.addAll(List.of(fork, "sh", "-c", counter));
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
                assertThat(out.readLine()).isEqualTo("started");
                assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + p.pid()).start().waitFor()).isZero();
                assertThat(out.readLine()).as("%s %s", jnsTool ? "jns" : "util-linux", fork).isEqualTo("ints=1");
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void forwardSignalsPassesTermOn() throws Exception {
        // util-linux 2.42's --forward-signals; 2.38.1 does not have it.
        Running r = start(true, "--forward-signals", "sh", "-c",
                "trap 'echo got-TERM; exit 5' TERM; echo started; sleep 10 >/dev/null & wait");
        assertThat(r.firstLine()).isEqualTo("started");
        signal(r, "TERM");
        assertThat(r.rest()).isEqualTo("got-TERM\n");
        assertThat(r.exit()).isEqualTo(5);
    }

    @Test
    void killChildWhenUnshareIsKilled() throws Exception {
        assertProgramDiesWithTheTool(false, "--kill-child");
        assertProgramDiesWithTheTool(true, "--kill-child");
        // jns goes further than util-linux: its program never outlives it, even without --kill-child
        assertProgramDiesWithTheTool(true, "-f");
    }

    private static void assertProgramDiesWithTheTool(boolean jnsTool, String option) throws Exception {
        Running r = start(jnsTool, option, "-u", "sh", "-c", "echo $$; exec sleep 30");
        Path program = Path.of("/proc", r.firstLine());
        assertThat(program).exists();
        signal(r, "KILL");
        r.exit();
        for (int i = 0; i < 100 && Files.exists(program); i++) Thread.sleep(50);
        assertThat(program).as((jnsTool ? "jns " : "util-linux ") + option).doesNotExist();
    }
}
