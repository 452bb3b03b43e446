package dev.jns.cli;

import dev.jns.testing.ExternalCommand;
import dev.jns.testing.JnsInstall;
import dev.jns.testing.LeakCheck;
import dev.jns.testing.Oracles;
import dev.jns.testing.UpstreamSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * bubblewrap 0.11.1's own {@code tests/test-seccomp.py} (the oracle's), run with its
 * {@code bwrap} and with {@code BWRAP} a script that execs {@code jns run}: every one of its
 * six cases (no filter, an allowlist, a denylist, both stacked in either order, and the
 * invalid uses of {@code --seccomp}/{@code --add-seccomp-fd}) must pass with both. The only
 * change for the jns run is bwrap's name in the messages it looks for ({@code bwrap: } becomes
 * {@code jns run: }), each rewrite required to apply.
 *
 * <p>It needs the distribution's python3 with its {@code seccomp} module (python3-seccomp,
 * which {@code .ci/run} installs); a python without the module makes the script skip itself,
 * which this test refuses to take as a pass.
 */
class BubblewrapSeccompTest {
    @RegisterExtension
    final LeakCheck leaks = LeakCheck.asRoot("run bubblewrap's test-seccomp.py as root");

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void everyCaseOfTestSeccompPassesWithBwrapAndWithJns() throws Exception {
        assumeTrue(ExternalCommand.run(PYTHON.toString(), "-c", "import seccomp").exitCode() == 0,
                "python3-seccomp is not installed");
        Path tree = Oracles.bubblewrap().getParent();
        String script = Files.readString(tree.resolve("tests/test-seccomp.py"));
        Path work = Files.createTempDirectory("jns-test-seccomp");
        try {
            Files.createDirectory(work.resolve("tests"));
            String renamed = script.replace("b'bwrap: ", "b'jns run: ").replace("b\"bwrap: ", "b\"jns run: ");
            assertThat(renamed).as("test-seccomp.py still looks for bwrap's message prefix").isNotEqualTo(script);
            Files.writeString(work.resolve("tests/test-seccomp.py"), renamed);
            Path wrapper = UpstreamSuite.wrapper(work.resolve("bwrap"), JnsInstall.shared().command("run"));

            ExternalCommand theirs = suite(tree.resolve("tests/test-seccomp.py"), tree, tree.resolve("_build/bwrap"));
            ExternalCommand ours = suite(work.resolve("tests/test-seccomp.py"), tree, wrapper);
            System.out.println("test-seccomp.py with bwrap: " + verdict(theirs) + "; with jns run: " + verdict(ours));
            assertThat(theirs.stdout()).as("bwrap: %s", theirs.stderr()).containsPattern("(?m)^ok 1 - .*run=6 errors=0 failures=0");
            assertThat(ours.stdout()).as("jns run: %s", ours.stderr()).containsPattern("(?m)^ok 1 - .*run=6 errors=0 failures=0");
        } finally {
            UpstreamSuite.deleteTree(work);
        }
    }

    /** The script (its try-syscall from the oracle's build) with {@code BWRAP} set, from the build directory. */
    private static ExternalCommand suite(Path script, Path tree, Path bwrap) {
        return ExternalCommand.run(List.of("env", "G_TEST_SRCDIR=" + script.getParent().getParent(),
                "G_TEST_BUILDDIR=" + tree.resolve("_build"), "BWRAP=" + bwrap, PYTHON.toString(), script.toString()));
    }

    private static String verdict(ExternalCommand c) {
        return c.stdout().lines().filter(l -> l.startsWith("ok ") || l.startsWith("not ok ")).findFirst().orElse("no verdict")
                + " (exit " + c.exitCode() + ")";
    }
}
