package dev.jns.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * util-linux's own regression suite ({@code tests/run.sh} in the oracle's build tree) run
 * for some components against a given set of binaries, with the outcome of each test.
 *
 * <p>How the upstream suite is driven (facts read from its {@code run.sh},
 * {@code functions.sh} and {@code commands.sh}):
 * <ul>
 * <li>{@code TS_CMD_LSNS}, {@code TS_CMD_UNSHARE}, {@code TS_CMD_NSENTER} name the commands
 *     under test when set in the environment; otherwise they are the build directory's.</li>
 * <li>The helpers ({@code TS_HELPER_*}: {@code test_mkfds}, {@code test_sysinfo},
 *     {@code test_sigreceive}) and the other commands ({@code lsfd}, {@code mount},
 *     {@code umount}) always come from {@code --builddir}, which is also put first on
 *     {@code PATH}, and the results go under it ({@code tests/output/COMPONENT/NAME},
 *     {@code .err}, {@code .exit_code}; {@code tests/diff/COMPONENT/NAME} for a failure).
 *     The build configuration ({@code config.h}) is read from there to decide skips.</li>
 * <li>So each run gets a private build directory of its own: symbolic links to the
 *     oracle tree's entries (its {@code tests} aside), and, for a run of other binaries,
 *     those binaries in place of the oracle's {@code lsns}/{@code unshare}/{@code nsenter}
 *     (so that nothing on {@code PATH} reaches util-linux's by accident). The shared oracle
 *     tree stays untouched and two runs cannot clash.</li>
 * <li>With {@code --parsable} every test ends with one line
 *     {@code "COMPONENT: DESCRIPTION ... OK|SKIPPED (why)|FAILED (why)"} (sub-tests add
 *     lines {@code "DESCRIPTION: [NN] SUB ..."}); the description is the test script's
 *     {@code TS_DESC}. The closing summary lists failed tests as {@code COMPONENT/NAME}.</li>
 * </ul>
 */
public final class UpstreamSuite {
    public enum Outcome { PASSED, FAILED, SKIPPED, NO_RESULT }

    /** One test's outcome, with the reason the suite gave (skip or failure) and its files. */
    public record Result(String test, Outcome outcome, String reason, Path output, Path diff) {
        /** The most useful file to look at: the diff when there is one, else the output. */
        public Path evidence() {
            if (Files.exists(diff)) return diff;
            Path err = Path.of(output + ".err");
            if (Files.exists(err)) return err;
            return output;
        }
    }

    /** A run: per test (COMPONENT/NAME, sorted), the log of run.sh and its exit code. */
    public record Run(Map<String, Result> results, Path log, int exit) {
        public long passed() {
            return results.values().stream().filter(r -> r.outcome() == Outcome.PASSED).count();
        }
    }

    private static final Pattern REPORT = Pattern.compile(
            "^\\s*(\\S+): (.*?)\\s*\\.\\.\\.\\s*(OK|SKIPPED|FAILED|KNOWN FAILED)(?: \\((.*)\\))?\\s*$");
    private static final Pattern DESC = Pattern.compile("^TS_DESC=\"(.*)\"\\s*$", Pattern.MULTILINE);
    private static final Pattern SUMMARY_FAILED = Pattern.compile("^\\s+([\\w.-]+/[\\w.-]+)\\s*$", Pattern.MULTILINE);

    private UpstreamSuite() {}

    /**
     * The tests of {@code components} in {@code tree}: COMPONENT/NAME to its description.
     */
    public static Map<String, String> tests(Path tree, List<String> components) {
        Map<String, String> out = new TreeMap<>();
        for (String component : components) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(tree.resolve("tests/ts").resolve(component))) {
                for (Path script : ds) {
                    if (!Files.isRegularFile(script) || !Files.isExecutable(script)) continue;
                    Matcher m = DESC.matcher(Files.readString(script));
                    if (m.find()) out.put(component + "/" + script.getFileName(), m.group(1));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /**
     * Runs {@code tests/run.sh --parsable COMPONENTS...} of the oracle {@code tree} in a
     * fresh build directory {@code workDir} (emptied first), with {@code commands} (file
     * name in the build directory, e.g. {@code "lsns"}, to the program standing in for it)
     * replacing the oracle's binaries and exported as {@code env}. Stops the whole process
     * tree after {@code limit}.
     */
    public static Run run(Path tree, Path workDir, List<String> components, Map<String, Path> commands,
                          Map<String, String> env, Duration limit) {
        try {
            deleteTree(workDir);
            Files.createDirectories(workDir);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(tree)) {
                for (Path entry : ds) {
                    String name = entry.getFileName().toString();
                    if (name.equals("tests") || commands.containsKey(name)) continue;
                    Files.createSymbolicLink(workDir.resolve(name), entry);
                }
            }
            for (Map.Entry<String, Path> c : commands.entrySet()) {
                Files.createSymbolicLink(workDir.resolve(c.getKey()), c.getValue());
            }
            Path log = workDir.resolve("run.log");
            List<String> argv = new ArrayList<>(List.of("bash", tree.resolve("tests/run.sh").toString(),
                    "--builddir=" + workDir, "--parsable"));
            argv.addAll(components);
            ProcessBuilder pb = new ProcessBuilder(argv).directory(tree.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            int exit;
            if (p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = p.exitValue();
            } else {
                killTree(p);
                exit = -1;
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return new Run(parse(tests(tree, components), text, workDir.resolve("tests")), log, exit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Outcomes from run.sh's parsable output; a test with no line of its own is NO_RESULT. */
    static Map<String, Result> parse(Map<String, String> tests, String text, Path resultsDir) {
        Map<String, String> byLine = new LinkedHashMap<>(); // "component: description" -> test
        tests.forEach((test, desc) -> byLine.put(test.substring(0, test.indexOf('/')) + ": " + desc, test));
        Map<String, Result> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = REPORT.matcher(line);
            if (!m.matches()) continue;
            String test = byLine.get(m.group(1) + ": " + m.group(2));
            if (test == null) continue; // a sub-test's line: its test reports on a line of its own
            Outcome o = switch (m.group(3)) {
                case "OK" -> Outcome.PASSED;
                case "SKIPPED" -> Outcome.SKIPPED;
                default -> Outcome.FAILED;
            };
            out.put(test, result(test, o, m.group(4), resultsDir));
        }
        // The closing summary names every script that exited non-zero, reported or not.
        int summary = text.lastIndexOf("tests of ");
        if (summary >= 0) {
            Matcher f = SUMMARY_FAILED.matcher(text.substring(summary));
            while (f.find()) {
                String test = f.group(1);
                if (tests.containsKey(test) && (!out.containsKey(test) || out.get(test).outcome() == Outcome.PASSED)) {
                    out.put(test, result(test, Outcome.FAILED, "exited non-zero", resultsDir));
                }
            }
        }
        for (String test : tests.keySet()) {
            out.putIfAbsent(test, result(test, Outcome.NO_RESULT, "no result reported (killed or crashed?)", resultsDir));
        }
        return out;
    }

    private static Result result(String test, Outcome o, String reason, Path resultsDir) {
        return new Result(test, o, reason == null ? "" : reason, resultsDir.resolve("output").resolve(test),
                resultsDir.resolve("diff").resolve(test));
    }

    /** Stops {@code p} and every process below it (the tests start namespaced children). */
    private static void killTree(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        p.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes {@code dir} and all below it, not following symbolic links. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an executable {@code #!/bin/sh} script that execs {@code argv} with its own arguments after. */
    public static Path wrapper(Path file, List<String> argv) {
        StringBuilder sb = new StringBuilder("#!/bin/sh\nexec");
        for (String a : argv) sb.append(" '").append(a.replace("'", "'\\''")).append('\'');
        sb.append(" \"$@\"\n");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb.toString());
            Files.setPosixFilePermissions(file, Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                    java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE,
                    java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                    java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE,
                    java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
                    java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
