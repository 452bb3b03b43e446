import dev.jns.plan.PlanCompiler;
import dev.jns.sandbox.Sandbox;

import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a warm Sandbox start goes, round by round beside bwrap (so that load from elsewhere
 * hits all alike): the JVM's own spawn floor (ProcessBuilder of /usr/bin/true), building the
 * spec and compiling the plan (no process), Sandbox.start() until it returns (helper spawned,
 * plan run, program exec'd), then until the program is reaped; and bwrap by ProcessBuilder.
 * The setup is SandboxInterleaved's. Run as root from the checkout:
 *   java -cp core/target/jns.jar bench/SandboxPhases.java BWRAP [ROUNDS]
 */
public class SandboxPhases {
    public static void main(String[] a) throws Exception {
        String bwrap = a[0];
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 200;
        String[] names = {"ProcessBuilder(true) start+wait", "spec() + PlanCompiler.compile", "Sandbox.start() returns",
                "Sandbox start + waitFor", "bwrap ProcessBuilder start+wait"};
        long[][] ns = new long[names.length][rounds];
        List<String> bw = new ArrayList<>(List.of(bwrap));
        bw.addAll(SandboxInterleaved.ARGS);
        bw.add("true");
        for (int r = -300; r < rounds; r++) { // a long warm-up, as SandboxInterleaved's
            long t = System.nanoTime();
            new ProcessBuilder("/usr/bin/true").redirectOutput(Redirect.DISCARD).start().waitFor();
            long floor = System.nanoTime() - t;
            t = System.nanoTime();
            PlanCompiler.compile(SandboxInterleaved.sandbox().spec());
            long compile = System.nanoTime() - t;
            t = System.nanoTime();
            Process p = SandboxInterleaved.sandbox().start();
            long started = System.nanoTime() - t;
            if (p.waitFor() != 0) throw new AssertionError("sandbox failed");
            long whole = System.nanoTime() - t;
            t = System.nanoTime();
            if (new ProcessBuilder(bw).redirectOutput(Redirect.DISCARD).start().waitFor() != 0) throw new AssertionError("bwrap");
            long b = System.nanoTime() - t;
            if (r >= 0) {
                ns[0][r] = floor; ns[1][r] = compile; ns[2][r] = started; ns[3][r] = whole; ns[4][r] = b;
            }
        }
        for (int k = 0; k < names.length; k++) {
            long[] s = ns[k].clone();
            Arrays.sort(s);
            System.out.printf("%-34s median %7.3f ms  p10 %7.3f  p90 %7.3f  (%d runs)%n", names[k], s[rounds / 2] / 1e6,
                    s[rounds / 10] / 1e6, s[rounds * 9 / 10] / 1e6, rounds);
        }
    }
}
