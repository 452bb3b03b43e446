import dev.jns.net.NetNamespace;
import dev.jns.net.NetworkConfig;
import dev.jns.net.Veth;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Network benchmarks (run by bench/run-net.sh as root; not a test):
 *
 * <ol>
 *   <li>create + wire + delete N pairs of named network namespaces: the jns library in one
 *       warm JVM vs the same steps as {@code ip} commands, the way a shell script does them;</li>
 *   <li>a dump of 1,000 links (500 veth pairs in a namespace made for the purpose):
 *       {@link NetworkConfig#links()} in a warm JVM vs the whole {@code ip -n NS -j link} process.</li>
 * </ol>
 * Rounds alternate between the two sides; the medians and their ratio are printed.
 */
public class NetBench {
    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;

        pairsRound(pairs, true); // warm-up, not counted
        pairsRound(pairs, false);
        Sample[] jns = new Sample[rounds], ip = new Sample[rounds];
        for (int r = 0; r < rounds; r++) {
            jns[r] = pairsRound(pairs, true);
            ip[r] = pairsRound(pairs, false);
        }
        report("create+wire+delete " + pairs + " namespace pairs", jns, ip);

        dumpBenchmark(1000, 20);
    }

    /**
     * Wall time and CPU time (user + system) in nanoseconds. CPU is the JVM's whole process
     * (or, for the dump, the calling thread) for jns, and the shell with every ip process for
     * ip; kernel work done later in its own threads (a dead namespace's cleanup) counts for neither.
     */
    record Sample(long wall, long cpu) {}

    static long jvmCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** One round. */
    static Sample pairsRound(int pairs, boolean library) throws Exception {
        long t0 = System.nanoTime(), c0 = jvmCpu();
        if (library) {
            List<NetNamespace> made = new ArrayList<>();
            try {
                for (int i = 0; i < pairs; i++) {
                    NetNamespace a = NetNamespace.create(name("a", i)), b;
                    made.add(a);
                    made.add(b = NetNamespace.create(name("b", i)));
                    Veth.connect(a, "10.77." + i + ".1/24", b, "10.77." + i + ".2/24");
                }
            } finally {
                for (NetNamespace n : made) n.close();
            }
        } else {
            List<String> script = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                String a = name("a", i), b = name("b", i), toA = Veth.defaultName(a), toB = Veth.defaultName(b);
                script.add("ip netns add " + a);
                script.add("ip netns add " + b);
                script.add("ip -n " + a + " link add " + toB + " type veth peer name " + toA + " netns " + b);
                script.add("ip -n " + a + " addr add 10.77." + i + ".1/24 dev " + toB);
                script.add("ip -n " + b + " addr add 10.77." + i + ".2/24 dev " + toA);
                script.add("ip -n " + a + " link set " + toB + " up");
                script.add("ip -n " + a + " link set lo up");
                script.add("ip -n " + b + " link set " + toA + " up");
                script.add("ip -n " + b + " link set lo up");
            }
            for (int i = 0; i < pairs; i++) {
                script.add("ip netns delete " + name("a", i));
                script.add("ip netns delete " + name("b", i));
            }
            return timedScript(script);
        }
        return new Sample(System.nanoTime() - t0, jvmCpu() - c0);
    }

    static void dumpBenchmark(int links, int rounds) throws Exception {
        try (NetNamespace ns = NetNamespace.create("jnsbench-dump")) {
            NetworkConfig net = ns.network();
            for (int i = 0; i < links / 2; i++) net.createVeth("d" + i, "e" + i);
            int seen = net.links().size();
            if (seen != links + 1) throw new IllegalStateException("expected " + (links + 1) + " links, saw " + seen);
            for (int i = 0; i < 5; i++) net.links();
            // ip's CPU is only known to 10 ms per script, so both sides are timed as batches of
            // `rounds` dumps and compared per dump; `batches` such batches give the median.
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < rounds; i++) batch.add("ip -n " + ns.name() + " -j link >/dev/null");
            int batches = 5;
            Sample[] jns = new Sample[batches], ip = new Sample[batches];
            for (int b = 0; b < batches; b++) {
                long t0 = System.nanoTime(), c0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < rounds; i++) net.links();
                jns[b] = new Sample((System.nanoTime() - t0) / rounds, (threads.getCurrentThreadCpuTime() - c0) / rounds);
                Sample s = timedScript(batch);
                ip[b] = new Sample(s.wall() / rounds, s.cpu() / rounds);
            }
            report("dump of " + seen + " links, per dump (jns: NetworkConfig.links() in a warm JVM; ip: a whole `ip -j link` process)", jns, ip);
        }
    }

    static String name(String side, int i) {
        return "jnsbench-" + side + i;
    }

    /**
     * Runs the commands as one sh script under /usr/bin/time: wall time, and user + system
     * time of the shell and every process it ran (time's resolution is 10 ms, fine for a
     * whole script, too coarse for one short command).
     */
    static Sample timedScript(List<String> commands) throws IOException, InterruptedException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("jns-netbench", ".sh");
        try {
            java.nio.file.Files.write(file, commands);
            Process p = new ProcessBuilder("/usr/bin/time", "-f", "%e %U %S", "sh", "-e", file.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes()).strip();
            if (p.waitFor() != 0) throw new IllegalStateException("ip script failed: " + err);
            String[] f = err.lines().reduce((a, b) -> b).orElseThrow().split(" ");
            return new Sample((long) (Double.parseDouble(f[0]) * 1e9),
                    (long) ((Double.parseDouble(f[1]) + Double.parseDouble(f[2])) * 1e9));
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    static void report(String what, Sample[] jns, Sample[] ip) {
        long[] jw = Arrays.stream(jns).mapToLong(Sample::wall).toArray(), iw = Arrays.stream(ip).mapToLong(Sample::wall).toArray();
        long[] jc = Arrays.stream(jns).mapToLong(Sample::cpu).toArray(), ic = Arrays.stream(ip).mapToLong(Sample::cpu).toArray();
        System.out.printf("%s%n", what);
        System.out.printf("  wall: jns median %9.2f ms (runs %s)%n        ip  median %9.2f ms (runs %s)%n        ratio ip/jns %.2f%n",
                median(jw) / 1e6, ms(jw), median(iw) / 1e6, ms(iw), median(iw) / median(jw));
        System.out.printf("  cpu:  jns median %9.2f ms (runs %s)%n        ip  median %9.2f ms (runs %s)%n        ratio ip/jns %.2f%n",
                median(jc) / 1e6, ms(jc), median(ic) / 1e6, ms(ic), median(ic) / median(jc));
    }

    static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    static String ms(long[] v) {
        StringBuilder b = new StringBuilder();
        for (long x : v) b.append(b.isEmpty() ? "" : " ").append(String.format("%.1f", x / 1e6));
        return b.toString();
    }
}
