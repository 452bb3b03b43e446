package dev.jns.oci;

import dev.jns.json.JsonWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs OCI hooks: each program in the runtime's namespaces, with the container's state as JSON
 * on its stdin, its own environment only, and killed when its timeout passes.
 */
final class Hooks {
    private Hooks() {}

    /** Runs the hooks in order; the first that fails (or times out) fails the operation. */
    static void run(List<OciConfig.Hook> hooks, OciRuntime.State state, String phase) throws IOException {
        for (int i = 0; i < hooks.size(); i++) {
            String failure = runOne(hooks.get(i), state);
            if (failure != null) throw new OciException("error running " + phase + " hook #" + i + ": " + failure);
        }
    }

    /** Runs every hook; a failing one is reported on stderr and the rest still run (the spec's rule for poststart and poststop). */
    static void runWarning(List<OciConfig.Hook> hooks, OciRuntime.State state, String phase) {
        for (int i = 0; i < hooks.size(); i++) {
            String failure;
            try {
                failure = runOne(hooks.get(i), state);
            } catch (IOException e) {
                failure = e.getMessage();
            }
            if (failure != null) System.err.println("jns oci: warning: error running " + phase + " hook #" + i + ": " + failure);
        }
    }

    /** Null when the hook succeeded, else why not. */
    private static String runOne(OciConfig.Hook hook, OciRuntime.State state) throws IOException {
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
        Process p;
        try {
            p = pb.start();
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
}
