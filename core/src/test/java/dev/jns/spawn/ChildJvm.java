package dev.jns.spawn;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link SandboxMain} in a fresh JVM, optionally as another user through setpriv. */
final class ChildJvm {
    private ChildJvm() {}

    static ProcessBuilder sandboxMain(List<String> asUser, String... args) {
        return sandboxMainWith(asUser, codeOf(NamespacedProcessBuilder.class), args);
    }

    /** The same with jns's classes (and the helper among their resources) from {@code jnsClasses}. */
    static ProcessBuilder sandboxMainWith(List<String> asUser, String jnsClasses, String... args) {
        List<String> cmd = new ArrayList<>(asUser);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:-UsePerfData"); // no /tmp/hsperfdata_USER left behind by another user's JVM
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(codeOf(SandboxMain.class) + File.pathSeparator + jnsClasses);
        cmd.add(SandboxMain.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** setpriv's arguments to run as uid/gid 65534 with no supplementary groups. */
    static List<String> asNobody() {
        return List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
    }

    static String codeOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String output(Process p) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
