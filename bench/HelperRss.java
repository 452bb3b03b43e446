import dev.jns.ids.IdMap;
import dev.jns.spawn.NamespacedProcessBuilder;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jns.ns.NamespaceType.*;

/**
 * Peak RSS (VmHWM) of the process that supervises a sandboxed `sleep`: jns's helper, and
 * util-linux `unshare -Urmuinpf` for comparison. Run as root from the checkout:
 *   java -cp core/target/jns.jar bench/HelperRss.java
 */
public class HelperRss {
    public static void main(String[] args) throws Exception {
        Process jns = new NamespacedProcessBuilder("sleep", "2").newNamespaces(USER, PID, MNT, UTS, IPC, NET)
                .uidMap(IdMap.single(0, 0)).gidMap(IdMap.single(0, 0))
                .setgroups(dev.jns.spec.Setgroups.DENY).start();
        Thread.sleep(300);
        report("jns-helper", parentOf(jns.pid()));
        jns.destroy();

        Process ul = new ProcessBuilder("unshare", "-Urmuinpf", "sleep", "2").start();
        Thread.sleep(300);
        report("util-linux unshare", ul.pid());
        ul.destroyForcibly();
    }

    private static long parentOf(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    }

    private static void report(String what, long pid) throws Exception {
        String hwm = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("VmHWM:")).findFirst().orElse("VmHWM: ?").replaceAll("\\s+", " ");
        System.out.printf("%-20s pid %-7d %s%n", what, pid, hwm);
    }
}
