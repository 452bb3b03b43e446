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

        pairsRound("jns", pairs, true); // warm-up, not counted
        pairsRound("ip", pairs, false);
        long[] jns = new long[rounds], ip = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            jns[r] = pairsRound("jns", pairs, true);
            ip[r] = pairsRound("ip", pairs, false);
        }
        report("create+wire+delete " + pairs + " namespace pairs", jns, ip);

        dumpBenchmark(1000, 30);
    }

    /** One round; returns wall nanoseconds. */
    static long pairsRound(String tag, int pairs, boolean library) throws Exception {
        long t0 = System.nanoTime();
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
            for (int i = 0; i < pairs; i++) {
                String a = name("a", i), b = name("b", i);
                ip("netns", "add", a);
                ip("netns", "add", b);
                ip("-n", a, "link", "add", Veth.defaultName(b), "type", "veth", "peer", "name", Veth.defaultName(a), "netns", b);
                ip("-n", a, "addr", "add", "10.77." + i + ".1/24", "dev", Veth.defaultName(b));
                ip("-n", b, "addr", "add", "10.77." + i + ".2/24", "dev", Veth.defaultName(a));
                ip("-n", a, "link", "set", Veth.defaultName(b), "up");
                ip("-n", a, "link", "set", "lo", "up");
                ip("-n", b, "link", "set", Veth.defaultName(a), "up");
                ip("-n", b, "link", "set", "lo", "up");
            }
            for (int i = 0; i < pairs; i++) {
                ip("netns", "delete", name("a", i));
                ip("netns", "delete", name("b", i));
            }
        }
        return System.nanoTime() - t0;
    }

    static void dumpBenchmark(int links, int rounds) throws Exception {
        try (NetNamespace ns = NetNamespace.create("jnsbench-dump")) {
            NetworkConfig net = ns.network();
            for (int i = 0; i < links / 2; i++) net.createVeth("d" + i, "e" + i);
            int seen = net.links().size();
            if (seen != links + 1) throw new IllegalStateException("expected " + (links + 1) + " links, saw " + seen);
            for (int i = 0; i < 5; i++) {
                net.links();
                ip("-n", ns.name(), "-j", "link");
            }
            long[] jns = new long[rounds], ip = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                net.links();
                jns[r] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                ip("-n", ns.name(), "-j", "link");
                ip[r] = System.nanoTime() - t0;
            }
            report("dump of " + seen + " links (jns in a warm JVM vs a whole ip -j link process)", jns, ip);
        }
    }

    static String name(String side, int i) {
        return "jnsbench-" + side + i;
    }

    static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed");
    }

    static void report(String what, long[] jns, long[] ip) {
        double mj = median(jns) / 1e6, mi = median(ip) / 1e6;
        System.out.printf("%s%n  jns  median %9.2f ms  (runs: %s)%n  ip   median %9.2f ms  (runs: %s)%n  ratio ip/jns = %.2f%n",
                what, mj, ms(jns), mi, ms(ip), mi / mj);
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
