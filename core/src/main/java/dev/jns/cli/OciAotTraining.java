package dev.jns.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The training runs of {@code jns oci}'s AOT caches ({@link AotTraining}, {@code tools/aot-train.sh}).
 * Each verb is a JVM of its own, and the JDK preloads every class of a cache at start-up, so a
 * verb pays for every class its cache holds, used or not. The verbs of a container's life
 * (start, state, kill, delete) therefore have a cache each, trained on that verb alone; the set-up
 * verbs (create, run, exec: the spawner, the plan, FFM) one together; the rest one more. The
 * launchers pick by the verb ({@code tools/launch.sh}). bench/OCI-RESULTS.md has the numbers.
 *
 * <p>The bundles and the containers a verb is trained on are made ({@link #prepare}), and
 * removed afterwards ({@link #clean}), by other JVMs, so that the recording one runs the verbs
 * alone: none of create's classes, nor the training's own, land in a cache for state. Failures
 * are ignored, as in {@link AotTraining}: on a machine that cannot make containers the error
 * paths are trained, and the build goes on.
 */
final class OciAotTraining {
    /** The caches, as {@code tools/aot-train.sh} names them ({@code target/jns-NAME.aot}). */
    static final List<String> CACHES = List.of("oci-create", "oci-start", "oci-state", "oci-kill", "oci-delete", "oci");

    private static final String NONE = "jns-aot-no-such-container";

    private OciAotTraining() {}

    /** In the training's directory: the {@code --root}, a bundle running {@code true}, one running {@code sleep 10}. */
    private record Place(Path dir, String root, String bundle, String sleeping) {
        Place(Path dir) {
            this(dir, dir.resolve("state").toString(), dir.resolve("bundle").toString(), dir.resolve("sleeping").toString());
        }

        List<String> oci(String... verb) {
            List<String> out = new ArrayList<>(List.of("oci", "--root", root));
            out.addAll(List.of(verb));
            return out;
        }

        /** The error line as containerd's shim asks for it: JSON into {@code --log}. */
        List<String> unknown(String verb) {
            return List.of("oci", "--root", root, "--log", dir.resolve("log.json").toString(), "--log-format", "json", verb, NONE);
        }
    }

    /** Writes the bundles into {@code dir} and makes the containers the training of {@code cache} needs. */
    static void prepare(String cache, Path dir) throws IOException {
        Place at = new Place(dir);
        String config = AotTraining.ociTrainingConfig();
        Files.createDirectories(Path.of(at.bundle(), "rootfs"));
        Files.writeString(Path.of(at.bundle(), "config.json"), config);
        Files.createDirectories(Path.of(at.sleeping(), "rootfs"));
        Files.writeString(Path.of(at.sleeping(), "config.json"), config.replace("\"true\"\n", "\"sleep\", \"10\"\n"));
        Files.createDirectories(dir.resolve("spec"));
        switch (cache) {
            case "oci-start" -> containers(at, "created c1", "created-sleeping c2", "stopped c3");
            case "oci-state" -> containers(at, "created c1", "running c2", "stopped c3");
            case "oci-kill" -> containers(at, "created-sleeping c1", "running c2", "stopped c3");
            case "oci-delete" -> containers(at, "stopped c1", "created c2", "running c3");
            case "oci" -> containers(at, "created c1", "running c2");
            default -> { }
        }
    }

    /** Runs the verbs {@code cache} is trained on, on what {@link #prepare} made in {@code dir}. */
    static void train(String cache, Path dir, PrintStream discard) {
        Place at = new Place(dir);
        AotTraining.runAll(switch (cache) {
            case "oci-create" -> List.of(at.oci("run", "--bundle", at.bundle(), "c1"),
                    at.oci("create", "--bundle", at.sleeping(), "--pid-file", dir.resolve("pid").toString(), "c2"),
                    at.oci("exec", "c2", "true"));
            case "oci-start" -> List.of(at.oci("start", "c1"), at.oci("start", "c2"), at.oci("start", "c3"));
            case "oci-state" -> List.of(at.oci("state", "c1"), at.oci("state", "c2"), at.oci("state", "c3"));
            case "oci-kill" -> List.of(at.oci("kill", "c2", "SIGTERM"), at.oci("kill", "c2"), at.oci("kill", "--all", "c2", "KILL"),
                    at.oci("kill", "c1", "9"), at.oci("kill", "c3", "KILL"));
            // delete after `ctr run --rm`: the container stopped, then again, gone (the shim's second delete)
            case "oci-delete" -> List.of(at.oci("delete", "c1"), at.unknown("delete"), at.oci("delete", "c2"),
                    at.oci("delete", "c3"), at.oci("delete", "--force", "c3"));
            case "oci" -> List.of(List.of("oci", "--version"), List.of("oci", "features"), List.of("oci", "--help"),
                    at.oci("spec", "--bundle", dir.resolve("spec").toString()), at.oci("list"), at.oci("list", "--format", "json"),
                    at.oci("list", "-q"), at.oci("ps", "--format", "json", "c1"), at.oci("ps", "c2"),
                    at.oci("ps", "--format", "json", "c2"), at.oci("pause", "c2"), at.oci("resume", "c2"),
                    at.oci("events", "--stats", "c2"), at.unknown("state"), at.oci("no-such-verb"));
            default -> throw new IllegalArgumentException("no training for " + cache);
        }, discard);
    }

    /** Deletes every container {@link #prepare} or the training left in {@code dir} (their processes and cgroups), then {@code dir}. */
    static void clean(Path dir) throws IOException {
        Place at = new Place(dir);
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        if (Files.isDirectory(Path.of(at.root()))) {
            try (DirectoryStream<Path> ids = Files.newDirectoryStream(Path.of(at.root()))) {
                for (Path id : ids) AotTraining.runAll(List.of(at.oci("delete", "--force", id.getFileName().toString())), discard);
            }
        }
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Makes containers, each {@code STATE ID}: created, created-sleeping, running or stopped. */
    private static void containers(Place at, String... what) {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        for (String c : what) {
            String[] stateAndId = c.split(" ");
            String id = stateAndId[1];
            switch (stateAndId[0]) {
                case "created" -> AotTraining.runAll(List.of(at.oci("create", "--bundle", at.bundle(), id)), discard);
                case "created-sleeping" -> AotTraining.runAll(List.of(at.oci("create", "--bundle", at.sleeping(), id)), discard);
                case "running" -> AotTraining.runAll(List.of(at.oci("run", "-d", "--bundle", at.sleeping(), id)), discard);
                case "stopped" -> {
                    AotTraining.runAll(List.of(at.oci("run", "-d", "--bundle", at.bundle(), id)), discard);
                    untilStopped(at, id);
                }
                default -> throw new IllegalArgumentException("no container state " + stateAndId[0]);
            }
        }
    }

    /** Asks for the container's state (up to 5 s) until its program has ended. */
    private static void untilStopped(Place at, String id) {
        String[] state = at.oci("state", id).toArray(String[]::new);
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (Main.run(state, new PrintStream(out), discard) != 0 || out.toString().contains("\"stopped\"")) return;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
