package dev.jns.cli;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run for the JDK AOT cache ({@code target/jns.aot}, JEP 483): the build runs
 * this once with {@code -XX:AOTMode=record} (see {@code tools/aot-train.sh}), and every
 * class it loads and links is then ready at the start of each {@code ./jns} call.
 *
 * <p>It runs real commands, read-only ones only (unshare runs {@code true}, whose
 * namespaces end with it), with their output thrown away. A
 * command that fails here (no permission, a kernel without some namespace type) still
 * trained the classes it reached, so failures are ignored: the build must not depend on
 * what the machine allows.
 */
public final class AotTraining {
    private static final List<List<String>> COMMANDS = List.of(
            List.of("--help"),
            List.of("lsns"),
            List.of("lsns", "-J"),
            List.of("lsns", "-r", "-n"),
            List.of("lsns", "-l", "--output-all"),
            List.of("lsns", "-T"),
            List.of("lsns", "-t", "net", "-o", "NS,NPROCS,PID,NSFS,COMMAND"),
            // -Q loads the filter package: a comparison of each type, a regex, a bad expression.
            List.of("lsns", "-r", "-Q", "TYPE =~ \"^(net|mnt)$\" && NPROCS > 1 || !(PID < 1.5) and NS != \"1\" or USER == true"),
            List.of("lsns", "-Q", "NS ==", "-o", "NS"),
            List.of("limits"),
            List.of("limits", "-J"),
            List.of("netns", "list"),
            List.of("netns", "identify"),
            List.of("unshare", "--help"),
            List.of("unshare", "--map-user=jns-aot-training-no-such-user", "true"),
            // Spawns `true` in new namespaces that vanish with it: nothing is left behind.
            List.of("unshare", "-Urpf", "--mount-proc", "true"),
            List.of("unshare", "-Urn", "--kill-child", "true"),
            List.of("unshare", "-r", "true"),
            List.of("nsenter", "--help"),
            List.of("nsenter", "--net=/jns-aot-training-no-such-file", "true"),
            // Joins the training JVM's own namespaces to run `true`: changes nothing.
            List.of("nsenter", "-t", Long.toString(ProcessHandle.current().pid()), "-u", "-n", "-i", "true"),
            List.of("nsenter", "-t", Long.toString(ProcessHandle.current().pid()), "-a", "true"),
            // bwrap's usual sandbox around `true`, and a refused option: nothing outlives them.
            List.of("run", "--unshare-all", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib",
                    "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "--new-session", "true"),
            List.of("run", "--jns-aot-training-no-such-option"));

    /**
     * Run again with a descriptor "inherited" (the launcher's {@code jns.inheritedFds}): a
     * shell or a harness often leaves some open, and handing them over (pidfd_getfd, a
     * unix socket, SCM_RIGHTS) is a path of its own that must be in the cache too.
     */
    private static final List<List<String>> WITH_INHERITED_FDS = List.of(
            List.of("unshare", "-r", "true"),
            List.of("nsenter", "-t", Long.toString(ProcessHandle.current().pid()), "-a", "true"));

    private AotTraining() {}

    /**
     * With no argument, trains every command but {@code oci} (the cache for the rest of jns);
     * with a command's name ({@code lsns}, {@code unshare}, {@code nsenter}, {@code run}), only
     * that command's runs, for a cache of its own: a smaller cache maps, relocates and preloads
     * fewer classes at each start. {@code jns oci} has several, one per verb or group of verbs
     * ({@link OciAotTraining#CACHES}): {@code CACHE DIR} records one on what
     * {@code --oci-prepare CACHE DIR} made (in a JVM of its own), and {@code --oci-clean DIR}
     * removes that again.
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("--oci-prepare")) {
            OciAotTraining.prepare(args[1], Path.of(args[2]));
            return;
        }
        if (args.length == 2 && args[0].equals("--oci-clean")) {
            OciAotTraining.clean(Path.of(args[1]));
            return;
        }
        if (args.length == 2 && OciAotTraining.CACHES.contains(args[0])) {
            OciAotTraining.train(args[0], Path.of(args[1]), new PrintStream(OutputStream.nullOutputStream()));
            return;
        }
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        String only = args.length > 0 ? args[0] : null;
        runAll(only(COMMANDS, only), discard);
        try (FileInputStream open = new FileInputStream("/dev/null")) {
            int fd = descriptorOf(open);
            if (fd < 0) return;
            System.setProperty("jns.inheritedFds", Integer.toString(fd));
            runAll(only(WITH_INHERITED_FDS, only), discard);
            System.clearProperty("jns.inheritedFds");
        }
    }

    /** The default config (rootless unless root) running {@code true} from the machine's own binaries. */
    static String ociTrainingConfig() {
        boolean rootless = !System.getProperty("user.name").equals("root");
        String config = dev.jns.json.JsonWriter.indented(dev.jns.oci.DefaultConfig.forCaller(rootless), "\t");
        StringBuilder binds = new StringBuilder();
        for (String d : List.of("/usr", "/bin", "/lib", "/lib64")) {
            if (Files.isDirectory(Path.of(d))) {
                binds.append("{\"destination\": \"").append(d).append("\", \"type\": \"bind\", \"source\": \"").append(d)
                        .append("\", \"options\": [\"rbind\", \"ro\"]},");
            }
        }
        return config.replace("\"terminal\": true", "\"terminal\": false").replace("\"sh\"\n", "\"true\"\n")
                .replace("\"mounts\": [", "\"mounts\": [" + binds);
    }

    private static List<List<String>> only(List<List<String>> commands, String name) {
        if (name == null) return commands;
        List<List<String>> out = new ArrayList<>();
        for (List<String> command : commands) if (command.get(0).equals(name)) out.add(command);
        return out;
    }

    static void runAll(List<List<String>> commands, PrintStream discard) {
        for (List<String> command : commands) {
            try {
                Main.run(command.toArray(String[]::new), discard, discard);
            } catch (RuntimeException | Error e) {
                // Ignored on purpose: see the class comment.
            }
        }
    }

    /** The number of the newest descriptor above 2 open on /dev/null (the stream just opened), or -1. */
    private static int descriptorOf(FileInputStream open) throws IOException {
        int found = -1;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                int n = Integer.parseInt(fd.getFileName().toString());
                try {
                    if (n > 2 && n > found && Files.readSymbolicLink(fd).toString().equals("/dev/null")) found = n;
                } catch (IOException e) {
                    // the directory stream's own descriptor, closed meanwhile
                }
            }
        }
        return found;
    }
}
