package dev.jns.cli;

import dev.jns.json.Json;
import dev.jns.json.JsonException;
import dev.jns.json.JsonWriter;
import dev.jns.oci.ConfigReader;
import dev.jns.oci.DefaultConfig;
import dev.jns.oci.Features;
import dev.jns.oci.OciConfig;
import dev.jns.oci.OciException;
import dev.jns.oci.OciRuntime;
import dev.jns.os.Signals;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code jns oci}: an OCI runtime with runc's command line, as containerd's runc shim calls
 * it. Options are parsed the way runc's (Go's {@code flag} package) are: {@code -x} and
 * {@code --x} alike, {@code --x=v} or {@code --x v}, flags before operands. Errors are one
 * line, exit code 1, as runc's: on stderr as runc's logger writes them, and with
 * {@code --log FILE} also as an entry there (text or JSON).
 */
public final class OciCommand implements Command {
    private static final String USAGE = """
            Usage: jns oci [global options] COMMAND [options] [ID] [args]

            An OCI runtime (runtime spec 1.2) with runc's command line.

            Global options: --root DIR, --log FILE, --log-format text|json, --debug, --systemd-cgroup (refused)
            Commands:
              spec [--rootless] [--bundle DIR]      write a default config.json
              create [--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID
              start ID                              let a created container run its program
              run [-d] [create's options] ID        create and start; in the foreground wait, delete and exit with its status
              state ID                              the container's state as JSON
              kill [--all] ID [SIGNAL]              signal its process (default SIGTERM)
              delete [--force] ID                   remove a stopped (or, forced, any) container
              list [--format table|json] [-q]       the containers under --root
              ps [--format table|json] ID           its processes
              exec [-d] [--process FILE] [--tty --console-socket S] [--env K=V] [--cwd DIR] [--user UID[:GID]] [--pid-file F] ID [args]
              pause ID / resume ID                  freeze and thaw its processes (its cgroup)
              update --resources FILE|- ID          apply new cgroup limits (linux.resources JSON)
              events --stats ID                     one snapshot of what its processes use, as JSON
              features                              what this runtime supports, as JSON
              --version""";

    private Path root;
    private Path logFile;
    private boolean jsonLog;

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        String verb = null;
        int i = 0;
        try {
            Flags global = Flags.parse(args, 0, Set.of("debug", "systemd-cgroup", "version", "v", "help", "h"),
                    Set.of("root", "log", "log-format", "criu", "rootless"));
            i = global.next();
            if (global.has("version") || global.has("v")) {
                out.println(Version.line("oci").replace("jns oci from", "jns oci version") + "\nspec: " + DefaultConfig.OCI_VERSION);
                return 0;
            }
            if (global.has("help") || global.has("h") || i >= args.length) {
                (i >= args.length && !global.has("help") && !global.has("h") ? err : out).println(USAGE);
                return i >= args.length && !global.has("help") && !global.has("h") ? 1 : 0;
            }
            String format = global.value("log-format").orElse("text");
            if (!format.equals("text") && !format.equals("json")) throw new OciException("invalid log-format: " + format);
            jsonLog = format.equals("json");
            logFile = global.value("log").map(Path::of).orElse(null);
            root = global.value("root").map(Path::of).orElse(OciRuntime.defaultRoot());
            if (global.has("systemd-cgroup")) throw new OciException("--systemd-cgroup: systemd cgroup management is not supported by jns");
            verb = args[i];
            String[] rest = java.util.Arrays.copyOfRange(args, i + 1, args.length);
            return verb(verb, rest, out);
        } catch (OciException | JsonException e) {
            return fail(verb, e.getMessage(), err);
        } catch (dev.jns.spawn.SpawnException e) {
            return fail(verb, e.getMessage(), err);
        } catch (IOException | RuntimeException e) {
            return fail(verb, Main.describe(e), err);
        }
    }

    private int verb(String verb, String[] args, PrintStream out) throws IOException {
        OciRuntime runtime = new OciRuntime(root);
        switch (verb) {
            case "spec" -> {
                Flags f = Flags.parse(args, 0, Set.of("rootless"), Set.of("bundle", "b"));
                Path bundle = f.value("bundle").or(() -> f.value("b")).map(Path::of).orElse(Path.of("."));
                Path config = bundle.resolve("config.json");
                String text = JsonWriter.indented(DefaultConfig.forCaller(f.has("rootless")), "\t");
                try {
                    Files.writeString(config, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    throw new OciException("File " + config + " exists. Remove it first");
                }
                return 0;
            }
            case "create", "run" -> {
                Set<String> bools = new HashSet<>(Set.of("no-pivot", "no-new-keyring", "no-subreaper", "detach", "d", "keep"));
                Flags f = Flags.parse(args, 0, bools, Set.of("bundle", "b", "pid-file", "console-socket", "preserve-fds"));
                String id = f.operand(args, "container id");
                OciRuntime.CreateRequest request = new OciRuntime.CreateRequest(
                        f.value("bundle").or(() -> f.value("b")).map(Path::of).orElse(Path.of(".")),
                        f.value("pid-file").map(Path::of), f.value("console-socket").map(Path::of), f.has("no-pivot"),
                        f.value("preserve-fds").map(OciCommand::count).orElse(0));
                if (verb.equals("create")) {
                    runtime.create(id, request);
                    return 0;
                }
                return runtime.run(id, request, f.has("detach") || f.has("d"));
            }
            case "start" -> {
                runtime.start(Flags.parse(args, 0, Set.of(), Set.of()).operand(args, "container id"));
                return 0;
            }
            case "state" -> {
                OciRuntime.State s = runtime.state(Flags.parse(args, 0, Set.of(), Set.of()).operand(args, "container id"));
                out.println(JsonWriter.indented(s.toJson(), "  "));
                return 0;
            }
            case "kill" -> {
                Flags f = Flags.parse(args, 0, Set.of("all", "a"), Set.of());
                String id = f.operand(args, "container id");
                int sig = f.next() + 1 < args.length ? signal(args[f.next() + 1]) : Signals.SIGTERM;
                runtime.kill(id, sig, f.has("all") || f.has("a"));
                return 0;
            }
            case "delete" -> {
                Flags f = Flags.parse(args, 0, Set.of("force", "f"), Set.of());
                runtime.delete(f.operand(args, "container id"), f.has("force") || f.has("f"));
                return 0;
            }
            case "list", "ls" -> {
                Flags f = Flags.parse(args, 0, Set.of("quiet", "q"), Set.of("format", "f"));
                String format = f.value("format").or(() -> f.value("f")).orElse("table");
                List<OciRuntime.State> all = runtime.list();
                if (f.has("quiet") || f.has("q")) {
                    for (OciRuntime.State s : all) out.println(s.container().id());
                } else if (format.equals("json")) {
                    out.println(JsonWriter.compact(new Json.Arr(all.stream().map(s -> (Json) s.toJson()).toList(), 0)));
                } else if (format.equals("table")) {
                    out.printf("%-12s%-12s%-12s%-40s%-32s%s%n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
                    for (OciRuntime.State s : all) {
                        out.printf("%-12s%-12d%-12s%-40s%-32s%s%n", s.container().id(), s.pid(), s.status(), s.container().bundle(),
                                s.container().created(), s.container().owner() == 0 ? "root" : Long.toString(s.container().owner()));
                    }
                } else {
                    throw new OciException("invalid format option");
                }
                return 0;
            }
            case "ps" -> {
                Flags f = Flags.parse(args, 0, Set.of(), Set.of("format", "f"));
                String format = f.value("format").or(() -> f.value("f")).orElse("table");
                List<Integer> pids = runtime.pids(f.operand(args, "container id"));
                if (format.equals("json")) {
                    out.println(JsonWriter.compact(new Json.Arr(pids.stream().map(p -> (Json) Json.of(p)).toList(), 0)));
                } else if (format.equals("table")) {
                    printPsTable(pids, out);
                } else {
                    throw new OciException("invalid format option");
                }
                return 0;
            }
            case "exec" -> {
                return exec(runtime, args);
            }
            case "features" -> {
                out.println(JsonWriter.indented(Features.json(), "    "));
                return 0;
            }
            case "pause" -> {
                runtime.pause(Flags.parse(args, 0, Set.of(), Set.of()).operand(args, "container id"));
                return 0;
            }
            case "resume" -> {
                runtime.resume(Flags.parse(args, 0, Set.of(), Set.of()).operand(args, "container id"));
                return 0;
            }
            case "update" -> {
                Flags f = Flags.parse(args, 0, Set.of(), Set.of("resources", "r"));
                String id = f.operand(args, "container id");
                String file = f.value("resources").or(() -> f.value("r"))
                        .orElseThrow(() -> new OciException("update: only --resources FILE (or - for stdin) is supported by jns yet"));
                String text = file.equals("-") ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file));
                runtime.update(id, dev.jns.oci.ResourcesReader.read(dev.jns.json.JsonReader.readNode(text, file.equals("-")
                        ? "resources" : file)));
                return 0;
            }
            case "events" -> {
                Flags f = Flags.parse(args, 0, Set.of("stats"), Set.of("interval"));
                String id = f.operand(args, "container id");
                if (!f.has("stats")) throw new OciException("events: only --stats (one snapshot) is supported by jns yet");
                out.println(JsonWriter.compact(runtime.stats(id)));
                return 0;
            }
            case "checkpoint", "restore" -> throw new OciException(verb + " not supported by jns yet");
            default -> throw new OciException("No help topic for '" + verb + "'");
        }
    }

    private int exec(OciRuntime runtime, String[] args) throws IOException {
        Flags f = Flags.parse(args, 0, Set.of("detach", "d", "tty", "t", "no-new-privs"),
                Set.of("process", "p", "pid-file", "console-socket", "cwd", "user", "u", "env", "e", "preserve-fds",
                        "additional-gids", "g", "cap", "c", "apparmor", "label", "process-label", "cgroup"));
        String id = f.operand(args, "container id");
        List<String> programArgs = List.of(args).subList(f.next() + 1, args.length);
        Optional<String> processFile = f.value("process").or(() -> f.value("p"));
        OciConfig.Process process;
        if (processFile.isPresent()) {
            process = ConfigReader.readProcess(Files.readString(Path.of(processFile.get())), processFile.get());
        } else {
            if (programArgs.isEmpty()) throw new OciException("exec: no command given: use --process FILE or arguments");
            OciConfig.Process base = ConfigReader.read(Files.readString(Path.of(runtime.state(id).container().bundle(), "config.json")))
                    .process().orElseThrow(() -> new OciException("the container's config.json has no process"));
            List<String> env = new ArrayList<>(base.env());
            env.addAll(f.values("env"));
            env.addAll(f.values("e"));
            OciConfig.User user = base.user();
            Optional<String> u = f.value("user").or(() -> f.value("u"));
            if (u.isPresent()) {
                String[] ug = u.get().split(":", 2);
                user = new OciConfig.User(Long.parseLong(ug[0]), ug.length > 1 ? Long.parseLong(ug[1]) : user.gid(), user.umask(),
                        user.additionalGids());
            }
            process = new OciConfig.Process(f.has("tty") || f.has("t"), programArgs, env, f.value("cwd").orElse(base.cwd()),
                    user, base.capabilities(), base.rlimits(), base.noNewPrivileges() || f.has("no-new-privs"), Optional.empty());
        }
        return runtime.exec(id, process, f.has("detach") || f.has("d"), f.value("pid-file").map(Path::of),
                f.value("console-socket").map(Path::of), f.value("preserve-fds").map(OciCommand::count).orElse(0));
    }

    /** runc's table: {@code ps -ef}'s header and the lines of the container's processes. */
    private static void printPsTable(List<Integer> pids, PrintStream out) throws IOException {
        Process ps = new ProcessBuilder("ps", "-ef").redirectErrorStream(true).start();
        List<String> lines = new String(ps.getInputStream().readAllBytes()).lines().toList();
        if (lines.isEmpty()) return;
        out.println(lines.getFirst());
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 1 && pids.contains(Integer.parseInt(f[1]))) out.println(line);
        }
    }

    private static int signal(String spec) {
        String s = spec.startsWith("SIG") ? spec.substring(3) : spec;
        try {
            int n = Integer.parseInt(s);
            if (n > 0 && n <= 64) return n;
        } catch (NumberFormatException notANumber) {
            var byName = Signals.byName(s);
            if (byName.isPresent()) return byName.getAsInt();
        }
        throw new OciException("unknown signal \"" + spec + "\"");
    }

    private static int count(String n) {
        try {
            int v = Integer.parseInt(n);
            if (v >= 0) return v;
        } catch (NumberFormatException e) {
            // the error below
        }
        throw new OciException("invalid value \"" + n + "\" for flag -preserve-fds: parse error");
    }

    /** One line on stderr (runc's logger's form, or the bare message when a log file gets the entry), exit 1. */
    private int fail(String verb, String message, PrintStream err) {
        String msg = (verb != null && (verb.equals("create") || verb.equals("run")) ? "jns oci " + verb + " failed: " : "")
                + message;
        String time = Instant.now().toString();
        if (logFile != null) {
            String entry = jsonLog
                    ? JsonWriter.compact(Json.object().put("level", "error").put("msg", msg).put("time", time).build())
                    : "time=\"" + time + "\" level=error msg=" + quote(msg);
            try {
                Files.writeString(logFile, entry + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // stderr still gets it
            }
            err.println(msg);
        } else {
            err.println("time=\"" + time + "\" level=error msg=" + quote(msg));
        }
        return 1;
    }

    private static String quote(String s) {
        return JsonWriter.compact(Json.of(s));
    }

    /**
     * Go {@code flag}-style options: {@code -name} or {@code --name}, values as {@code =v} or
     * the next argument, parsing stops at the first operand or after {@code --}.
     */
    private record Flags(Map<String, List<String>> values, int next) {
        static Flags parse(String[] args, int from, Set<String> bools, Set<String> valued) {
            Map<String, List<String>> values = new java.util.LinkedHashMap<>();
            int i = from;
            while (i < args.length) {
                String a = args[i];
                if (a.equals("--")) {
                    i++;
                    break;
                }
                if (!a.startsWith("-") || a.equals("-")) break;
                String body = a.startsWith("--") ? a.substring(2) : a.substring(1);
                int eq = body.indexOf('=');
                String name = eq < 0 ? body : body.substring(0, eq);
                if (bools.contains(name)) {
                    values.computeIfAbsent(name, k -> new ArrayList<>()).add(eq < 0 ? "true" : body.substring(eq + 1));
                } else if (valued.contains(name)) {
                    String v;
                    if (eq >= 0) {
                        v = body.substring(eq + 1);
                    } else if (i + 1 < args.length) {
                        v = args[++i];
                    } else {
                        throw new OciException("flag needs an argument: " + a);
                    }
                    values.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
                } else {
                    throw new OciException("flag provided but not defined: " + a);
                }
                i++;
            }
            return new Flags(values, i);
        }

        boolean has(String name) {
            List<String> v = values.get(name);
            return v != null && !v.getLast().equals("false");
        }

        Optional<String> value(String name) {
            List<String> v = values.get(name);
            return v == null ? Optional.empty() : Optional.of(v.getLast());
        }

        List<String> values(String name) {
            return values.getOrDefault(name, List.of());
        }

        /** The first operand, which must be there. */
        String operand(String[] args, String what) {
            if (next >= args.length) throw new OciException("\"" + what + "\" requires exactly 1 argument");
            return args[next];
        }
    }
}
