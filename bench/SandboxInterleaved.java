import dev.jns.sandbox.Sandbox;
import dev.jns.seccomp.ContainerProfile;
import dev.jns.spec.SeccompProgram;

import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * From one warm JVM, round by round (so that load from elsewhere hits all alike): a Sandbox
 * running `true` in bwrap's usual setup (--unshare-all, /usr read-only, the /bin /lib /lib64
 * links, --proc, --dev), the same with ContainerProfile's seccomp filter (compiled once, as a
 * caller would), and the bwrap oracle spawned with the same arguments by ProcessBuilder (with
 * the same filter through --seccomp FD for the second). Then the peak RSS (VmHWM) of jns's
 * helper and of bwrap, each supervising a `sleep`. Run as root from the checkout:
 *   java -cp core/target/jns.jar bench/SandboxInterleaved.java BWRAP [ROUNDS [WARMUP]]
 */
public class SandboxInterleaved {
    static final List<String> ARGS = List.of("--unshare-all", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev");

    public static void main(String[] a) throws Exception {
        String bwrap = a[0];
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 200;
        // Long: jns's own Java code (spec, plan compiler, encoder, protocol) must be compiled
        // before it is timed, while the JDK's ProcessBuilder path both sides share long is
        // (SPAWN-RESULTS.md: with 40 warm-up rounds the spawn harness measured 1.13-1.26x).
        int warmup = a.length > 2 ? Integer.parseInt(a[2]) : 300;
        SeccompProgram filter = ContainerProfile.filter(false).compile();
        Path bpf = Files.createTempFile("jns-bench", ".bpf");
        byte[] bytes = new byte[filter.bpf().remaining()];
        filter.bpf().duplicate().get(bytes);
        Files.write(bpf, bytes);
        String[] names = {"jns Sandbox", "jns Sandbox + seccomp", "bwrap (ProcessBuilder)", "bwrap --seccomp (ProcessBuilder)"};
        long[][] ns = new long[4][rounds];
        for (int r = -warmup; r < rounds; r++) {
            for (int k = 0; k < 4; k++) {
                long t = System.nanoTime();
                Process p = switch (k) {
                    case 0 -> sandbox().start();
                    case 1 -> sandbox().seccomp(filter).start();
                    case 2 -> bwrap(bwrap, null).start();
                    default -> bwrap(bwrap, bpf).start();
                };
                if (p.waitFor() != 0) throw new AssertionError(names[k] + " failed");
                if (r >= 0) ns[k][r] = System.nanoTime() - t;
            }
        }
        for (int k = 0; k < 4; k++) {
            long[] s = ns[k].clone();
            Arrays.sort(s);
            System.out.printf("%-34s median %6.2f ms  p10 %6.2f  p90 %6.2f  (%d runs)%n", names[k], s[rounds / 2] / 1e6,
                    s[rounds / 10] / 1e6, s[rounds * 9 / 10] / 1e6, rounds);
        }
        Files.delete(bpf);

        // Peak RSS of every process between this JVM and the sandboxed `sleep`, jns's and bwrap's,
        // named by /proc/PID/comm: which process is the helper depends on the launch path.
        Process j = sandboxCommand("sleep", "2").start();
        Thread.sleep(400);
        System.out.println("peak RSS (VmHWM), jns Sandbox, from the program up to this JVM (excluded):");
        chain(ProcessHandle.of(j.pid()).orElseThrow().descendants().filter(d -> d.info().command().orElse("").endsWith("sleep")).findFirst().orElseThrow().pid());
        j.destroyForcibly().waitFor();
        List<String> cmd = new ArrayList<>(List.of(bwrap));
        cmd.addAll(ARGS);
        cmd.addAll(List.of("sleep", "2"));
        Process b = new ProcessBuilder(cmd).start();
        Thread.sleep(400);
        System.out.println("peak RSS (VmHWM), bwrap, from the program up to this JVM (excluded):");
        chain(b.descendants().filter(d -> d.info().command().orElse("").endsWith("sleep")).findFirst().orElseThrow().pid());
        b.destroyForcibly().waitFor();
    }

    static void chain(long pid) throws Exception {
        long self = ProcessHandle.current().pid();
        for (long p = pid; p != self && p > 1; p = ProcessHandle.of(p).flatMap(ProcessHandle::parent).orElseThrow().pid())
            System.out.printf("  pid %-7d %-16s %s%n", p, Files.readString(Path.of("/proc/" + p + "/comm")).strip(), hwm(p));
    }

    static Sandbox sandbox() {
        return sandboxCommand("true");
    }

    static Sandbox sandboxCommand(String... command) {
        return Sandbox.command(command).unshareAll().roBind("/usr", "/usr").symlink("usr/bin", "/bin")
                .symlink("usr/lib", "/lib").symlink("usr/lib64", "/lib64").proc("/proc").dev("/dev")
                .redirectOutput(Redirect.DISCARD).redirectError(Redirect.INHERIT);
    }

    static ProcessBuilder bwrap(String bwrap, Path bpf) {
        List<String> cmd = new ArrayList<>();
        if (bpf != null) cmd.addAll(List.of("sh", "-c", "exec \"$@\" 3<" + bpf, "sh"));
        cmd.add(bwrap);
        cmd.addAll(ARGS);
        if (bpf != null) cmd.addAll(List.of("--seccomp", "3"));
        cmd.add("true");
        return new ProcessBuilder(cmd).redirectOutput(Redirect.DISCARD).redirectError(Redirect.INHERIT);
    }

    static String hwm(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) if (l.startsWith("VmHWM")) return l.substring(6).strip();
        } catch (Exception e) {
            return "?";
        }
        return "?";
    }
}
