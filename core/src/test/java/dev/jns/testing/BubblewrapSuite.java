package dev.jns.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bubblewrap 0.11.1's own {@code tests/test-run.sh} (from the oracle's source tree) run against
 * a given {@code BWRAP}, with the outcome of each case.
 *
 * <p>How the script is driven (facts read from it and its {@code libtest.sh}): it runs from
 * the build directory with {@code G_TEST_SRCDIR}/{@code G_TEST_BUILDDIR} naming the trees,
 * works in a {@code mktemp -d /var/tmp/tap-test.XXXXXX} it removes at exit, and prints TAP:
 * one {@code ok N DESCRIPTION} (or {@code ok N # SKIP ...}) line per case, on stdout. It runs
 * under {@code set -e}, so upstream the first failing command ends the run and every later
 * case goes untested. To see every case, the copy run here carries on past a failure: after
 * its libraries are sourced, errexit is turned off, {@code fatal} (which every assertion ends
 * in) returns instead of exiting, and both it and an ERR trap print a
 * {@code # jns-harness: failed} line, so a case is failed when such a line comes between its
 * {@code ok} and the one before. Nothing else in the script changes. (Commands under {@code !}
 * never stopped the script upstream either: bash's errexit ignores them.)
 */
public final class BubblewrapSuite {
    public enum Outcome { PASSED, FAILED, SKIPPED }

    /** One case: its TAP number, its description, its outcome and the failure lines it printed. */
    public record Case(int number, String description, Outcome outcome, List<String> failures) {}

    /** A run: the cases in order, whether the script got to its end ({@code 1..N}), and its logs. */
    public record Run(List<Case> cases, boolean finished, Path stdout, Path stderr) {
        /** The first case with this description, if the run had it. */
        public Case get(String description) {
            for (Case c : cases) if (c.description().equals(description)) return c;
            return null;
        }
    }

    private static final String MARK = "# jns-harness: failed";
    /** A case's line: numbered as test-run.sh does, or "ok - ..." as the test-specifying-*.sh scripts do. */
    private static final Pattern OK = Pattern.compile("^ok (\\d+|-) (.*)$");

    private BubblewrapSuite() {}

    /**
     * Runs {@code test-run.sh} of the bubblewrap tree {@code tree} (its {@code _build} holds
     * {@code bwrap}) with {@code BWRAP=bwrap} as {@code as}, each key of {@code renamed} in the
     * script replaced by its value; logs go to {@code logs.stdout} and {@code logs.stderr}.
     */
    public static Run run(Path tree, Path bwrap, RunAs as, Path logs, Map<String, String> renamed, Duration limit) {
        return run(tree, "test-run.sh", bwrap, as, logs, renamed, limit);
    }

    /** As {@link #run(Path, Path, RunAs, Path, Map, Duration)}, for another script of its {@code tests} ({@code test-specifying-userns.sh}). */
    public static Run run(Path tree, String scriptName, Path bwrap, RunAs as, Path logs, Map<String, String> renamed,
                          Duration limit) {
        try {
            // A world-readable copy of the scripts, so an unprivileged uid can run them.
            Path scripts = Files.createTempDirectory("jns-bwrap-tests",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Set<Path> tmpBefore = upstreamTempFiles();
            try {
                Path tests = Files.createDirectory(scripts.resolve("tests"));
                for (String lib : List.of("libtest.sh", "libtest-core.sh")) {
                    Files.copy(tree.resolve("tests").resolve(lib), tests.resolve(lib));
                }
                Files.writeString(tests.resolve(scriptName), carryOn(rename(Files.readString(tree.resolve("tests").resolve(scriptName)), renamed)));
                openUp(scripts);
                Files.createDirectories(logs.getParent());
                List<String> argv = new ArrayList<>(as.prefix());
                argv.addAll(List.of("env", "G_TEST_SRCDIR=" + scripts, "G_TEST_BUILDDIR=" + tree.resolve("_build"),
                        "BWRAP=" + bwrap, "bash", tests.resolve(scriptName).toString()));
                Process p = new ProcessBuilder(argv).directory(tree.resolve("_build").toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(Path.of(logs + ".stdout").toFile())
                        .redirectError(Path.of(logs + ".stderr").toFile()).start();
                if (!p.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor();
                }
                return parse(Path.of(logs + ".stdout"), Path.of(logs + ".stderr"));
            } finally {
                UpstreamSuite.deleteTree(scripts);
                // test-run.sh makes /tmp/bwrap-test-XXXXXXXX with mktemp and never removes it
                for (Path f : upstreamTempFiles()) if (!tmpBefore.contains(f)) Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Set<Path> upstreamTempFiles() throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/tmp"))) {
            return s.filter(f -> f.getFileName().toString().startsWith("bwrap-test-")).collect(java.util.stream.Collectors.toSet());
        }
    }

    private static String rename(String script, Map<String, String> renamed) {
        for (Map.Entry<String, String> r : renamed.entrySet()) script = script.replace(r.getKey(), r.getValue());
        return script;
    }

    /** The script, made to carry on past a failed case and mark it (see the class comment). */
    static String carryOn(String script) {
        String source = script.contains(". \"${srcd}/libtest.sh\"\n") ? ". \"${srcd}/libtest.sh\"\n" : ". ${srcd}/libtest.sh\n";
        if (!script.contains(source)) throw new AssertionError("the script no longer sources libtest.sh as " + source.strip());
        return script.replace(source, source
                + "set +e\n"
                + "fatal() { echo \"$@\" 1>&2; echo \"" + MARK + ": $*\"; return 1; }\n"
                + "trap 'echo \"" + MARK + " at line $LINENO\"' ERR\n");
    }

    static Run parse(Path stdout, Path stderr) throws IOException {
        List<Case> cases = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        boolean finished = false;
        for (String line : Files.readAllLines(stdout)) {
            Matcher ok = OK.matcher(line);
            if (line.startsWith(MARK)) {
                failures.add(line.substring(MARK.length()).replaceFirst("^:? ?", ""));
            } else if (ok.matches()) {
                String description = ok.group(2);
                Outcome outcome = !failures.isEmpty() ? Outcome.FAILED
                        : description.startsWith("# SKIP") ? Outcome.SKIPPED : Outcome.PASSED;
                int number = ok.group(1).equals("-") ? cases.size() + 1 : Integer.parseInt(ok.group(1));
                cases.add(new Case(number, description, outcome, List.copyOf(failures)));
                failures.clear();
            } else if (line.matches("^1\\.\\.\\d+$")) {
                finished = true;
            }
        }
        return new Run(cases, finished, stdout, stderr);
    }

    /** Every case of both runs by description, in the order of the first. */
    public static Map<String, Case[]> side(Run theirs, Run ours) {
        Map<String, Case[]> both = new LinkedHashMap<>();
        for (Case c : theirs.cases()) both.putIfAbsent(c.description(), new Case[] {c, ours.get(c.description())});
        for (Case c : ours.cases()) both.putIfAbsent(c.description(), new Case[] {null, c});
        return both;
    }

    private static void openUp(Path dir) throws IOException {
        try (var all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
