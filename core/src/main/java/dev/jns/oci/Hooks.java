package dev.jns.oci;

import dev.jns.json.JsonWriter;

import dev.jns.ns.NamespaceType;
import dev.jns.os.Signals;
import dev.jns.spawn.Spawner;
import dev.jns.spec.Capabilities;
import dev.jns.spec.Credentials;
import dev.jns.spec.Filesystem;
import dev.jns.spec.Joins;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.NewNamespaces;
import dev.jns.spec.PerTypeSetup;
import dev.jns.spec.PidNamespaceEntry;
import dev.jns.spec.Program;
import dev.jns.spec.Supervision;
import dev.jns.spec.UserNamespace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs OCI hooks, each with the container's state as JSON on its stdin, its own environment
 * only, and killed when its timeout passes: prestart, createRuntime, poststart and poststop
 * in the runtime's namespaces; createContainer and startContainer in the container's.
 *
 * <p>The container's are started as {@code exec} starts a process in it: joining each of its
 * namespaces, as root there, with its capabilities. jns builds the container's root before the
 * runtime gets control, so a createContainer hook runs with the root already changed (runc
 * runs it just before pivot_root): its path is resolved in the container's root, where the
 * spec says a path "MUST resolve in the container namespace", and what it mounts in the
 * container's mount namespace the program sees.
 */
final class Hooks {
    private Hooks() {}

    /** Starts one hook, or says why it could not be started. */
    private interface Starter {
        Process start(OciConfig.Hook hook) throws IOException;
    }

    /** Runs the hooks in order in the runtime's namespaces; the first that fails (or times out) fails the operation. */
    static void run(List<OciConfig.Hook> hooks, OciRuntime.State state, String phase) throws IOException {
        run(hooks, state, phase, Hooks::startHere);
    }

    /**
     * Runs the hooks in order in the namespaces {@code types} of the container's process
     * {@code pid}; the first that fails (or times out) fails the operation.
     */
    static void runInContainer(List<OciConfig.Hook> hooks, OciRuntime.State state, String phase, int pid,
                               Set<NamespaceType> types, Optional<dev.jns.cgroup.Cgroup> cgroup) throws IOException {
        run(hooks, state, phase, hook -> startInside(hook, pid, types, cgroup));
    }

    private static void run(List<OciConfig.Hook> hooks, OciRuntime.State state, String phase, Starter starter) throws IOException {
        for (int i = 0; i < hooks.size(); i++) {
            String failure = runOne(hooks.get(i), state, starter);
            if (failure != null) throw new OciException("error running " + phase + " hook #" + i + ": " + failure);
        }
    }

    /** Runs every hook; a failing one is reported on stderr and the rest still run (the spec's rule for poststart and poststop). */
    static void runWarning(List<OciConfig.Hook> hooks, OciRuntime.State state, String phase) {
        for (int i = 0; i < hooks.size(); i++) {
            String failure;
            try {
                failure = runOne(hooks.get(i), state, Hooks::startHere);
            } catch (IOException e) {
                failure = e.getMessage();
            }
            if (failure != null) System.err.println("jns oci: warning: error running " + phase + " hook #" + i + ": " + failure);
        }
    }

    /** Null when the hook succeeded, else why not. */
    private static String runOne(OciConfig.Hook hook, OciRuntime.State state, Starter starter) throws IOException {
        Process p;
        try {
            p = starter.start(hook);
        } catch (IOException e) {
            return "fork/exec " + hook.path() + ": " + e.getMessage();
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(JsonWriter.compact(state.toJson()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // a hook need not read its stdin
        }
        try {
            if (hook.timeout().isPresent()) {
                if (!p.waitFor(hook.timeout().get(), TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    return "timeout after " + hook.timeout().get() + "s";
                }
            }
            int code = p.waitFor();
            return code == 0 ? null : "exit status " + code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return "interrupted";
        }
    }

    private static Process startHere(OciConfig.Hook hook) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(hook.path());
        // args[0] is the hook's argv[0]; ProcessBuilder cannot set it apart from the path
        if (hook.args().size() > 1) command.addAll(hook.args().subList(1, hook.args().size()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        for (String e : hook.env()) {
            int eq = e.indexOf('=');
            if (eq > 0) pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        return pb.start();
    }

    /** The hook as a process joined to the container's namespaces and cgroup, in its root directory. */
    private static Process startInside(OciConfig.Hook hook, int pid, Set<NamespaceType> types,
                                       Optional<dev.jns.cgroup.Cgroup> cgroup) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(hook.path());
        if (hook.args().size() > 1) command.addAll(hook.args().subList(1, hook.args().size()));
        Optional<String> argv0 = hook.args().isEmpty() ? Optional.empty() : Optional.of(hook.args().getFirst());
        LaunchSpec spec = new LaunchSpec(
                new Program(command, argv0, hook.env(), Optional.of(Path.of("/"))),
                new NewNamespaces(Set.of(), PidNamespaceEntry.PROGRAM_IS_PID_1, Map.of()),
                new Joins(List.of(), Optional.of(new Joins.JoinedProcess(pid, 0, types)), false, Optional.empty(), Optional.empty()),
                UserNamespace.NONE, Filesystem.UNCHANGED,
                new PerTypeSetup(Optional.empty(), Optional.empty(), false, Map.of()),
                Credentials.UNCHANGED, // root with no groups in a joined user namespace, the caller's ids otherwise
                new Capabilities.Unchanged(),
                new Supervision.Leashed(Signals.SIGKILL, Signals.FORWARDED_BY_DEFAULT, List.of()),
                List.of(), List.of(), cgroup.isPresent());
        ProcessBuilder stdio = new ProcessBuilder().redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            return Spawner.start(spec, stdio, cgroup.map(c -> List.of(ContainerCgroup.placing(c))).orElse(List.of()), false);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
