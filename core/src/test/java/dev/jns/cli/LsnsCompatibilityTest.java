package dev.jns.cli;

import dev.jns.testing.ExternalCommand;
import dev.jns.testing.Json;
import dev.jns.testing.LiveNamespaces;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jns lsns} against util-linux lsns (2.38.1 here) on namespaces made for the
 * purpose: the same rows for namespaces with processes, the same bytes where the output
 * is stable, and the 2.42 additions (namespaces held only by bind mounts, fds or child
 * namespaces) that 2.38.1 cannot show.
 */
class LsnsCompatibilityTest {
    private static MachineState before;
    private static LiveNamespaces live;

    @BeforeAll
    static void makeNamespaces() {
        Privilege.requireRoot("create namespaces and compare with util-linux lsns");
        before = MachineState.capture();
        live = LiveNamespaces.create();
    }

    @AfterAll
    static void removeThem() {
        if (live == null) return;
        live.close();
        MachineState.assertNothingLeakedSince(before);
    }

    private static ExternalCommand jns(String... args) {
        List<String> a = new ArrayList<>(List.of("lsns"));
        a.addAll(List.of(args));
        return checked(ExternalCommand.run(ExternalCommand.javaMain(Main.class, a.toArray(String[]::new))));
    }

    private static ExternalCommand lsns(String... args) {
        List<String> a = new ArrayList<>(List.of("lsns"));
        a.addAll(List.of(args));
        return checked(ExternalCommand.run(a));
    }

    private static ExternalCommand checked(ExternalCommand r) {
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        return r;
    }

    /** Raw output as rows of cells, {@code \xNN} undone; keyed by the first cell. */
    private static Map<String, List<String>> rawRows(String out) {
        Map<String, List<String>> rows = new HashMap<>();
        for (String line : out.split("\n")) {
            List<String> cells = new ArrayList<>();
            for (String c : line.split(" ", -1)) cells.add(unescape(c));
            rows.put(cells.getFirst(), cells);
        }
        return rows;
    }

    private static String unescape(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\x", i)) {
                b.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                b.write(s.charAt(i));
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void namespacesWithProcessesHaveTheSameRowsAsInUtilLinux() {
        String cols = "NS,TYPE,NPROCS,PID,PNS,ONS";
        Map<String, List<String>> ours = rawRows(jns("-l", "-r", "-n", "-o", cols).stdout());
        Map<String, List<String>> theirs = rawRows(lsns("-l", "-r", "-n", "-o", cols).stdout());
        Set<Long> held = live.processHeld();
        assertThat(held).hasSizeGreaterThanOrEqualTo(12); // 8 of the full set, 2 user + 2 pid nested, ...
        for (long ino : held) {
            String key = Long.toString(ino);
            assertThat(ours.get(key)).as("namespace " + ino).isNotNull().isEqualTo(theirs.get(key));
        }
        LiveNamespaces.Nested n = live.nested;
        assertThat(ours.get(Long.toString(n.innerPid())))
                .containsExactly(Long.toString(n.innerPid()), "pid", "1", Integer.toString(n.sleepPid()),
                        Long.toString(n.outerPid()), Long.toString(n.innerUser()));
    }

    @Test
    void namespacesWithoutProcessesAreListedWithTheirMountPoint() {
        Map<String, List<String>> ours = rawRows(jns("-l", "-r", "-n", "-o", "NS,TYPE,NPROCS,PID,NSFS,ONS").stdout());
        assertThat(ours.get(Long.toString(live.bindOnly)))
                .containsExactly(Long.toString(live.bindOnly), "net", "0", "", live.bindOnlyPath.toString(),
                        Long.toString(LiveNamespaces.inode((int) ProcessHandle.current().pid(), "user")));
        assertThat(ours.get(Long.toString(live.fdOnly))).containsExactly(Long.toString(live.fdOnly), "net", "0", "", "",
                Long.toString(LiveNamespaces.inode((int) ProcessHandle.current().pid(), "user")));
        assertThat(ours.get(Long.toString(live.ghostOwnedNet))).containsExactly(Long.toString(live.ghostOwnedNet), "net", "0", "",
                live.ghostOwnedNetPath.toString(), Long.toString(live.ghostUser));
        assertThat(ours.get(Long.toString(live.ghostUser)).subList(1, 4)).containsExactly("user", "0", "");
        // mounted only in another mount namespace: listed, but NSFS shows our own mount points only
        assertThat(ours.get(Long.toString(live.elsewhere)).subList(1, 5)).containsExactly("net", "0", "", "");

        // util-linux 2.38.1 predates these (2.42 lists them as jns does)
        Map<String, List<String>> theirs = rawRows(lsns("-l", "-r", "-n", "-o", "NS").stdout());
        assertThat(theirs).doesNotContainKeys(Long.toString(live.bindOnly), Long.toString(live.fdOnly), Long.toString(live.ghostUser));
    }

    @Test
    void persistentListsOnlyNamespacesWithoutProcesses() {
        Map<String, List<String>> ours = rawRows(jns("-P", "-r", "-n", "-o", "NS,NPROCS").stdout());
        assertThat(ours).containsKeys(Long.toString(live.bindOnly), Long.toString(live.fdOnly), Long.toString(live.ghostUser));
        assertThat(ours.values()).allSatisfy(row -> assertThat(row.get(1)).isEqualTo("0"));
    }

    /**
     * Raw and JSON output must be the same bytes. Human output may differ in padding only:
     * libsmartcols 2.42 no longer widens a column to its width hint when the data is as
     * wide as the header (2.38.1 does), and jns follows 2.42.
     */
    private static void assertSameOutput(String... args) {
        String ours = jns(args).stdout(), theirs = lsns(args).stdout();
        boolean human = !List.of(args).contains("-r") && !List.of(args).contains("-J");
        if (human) {
            assertThat(ours.lines().map(l -> l.strip().replaceAll(" +", " ")).toList()).as("jns lsns " + List.of(args))
                    .isEqualTo(theirs.lines().map(l -> l.strip().replaceAll(" +", " ")).toList());
        } else {
            assertThat(ours).as("jns lsns " + List.of(args)).isEqualTo(theirs);
        }
    }

    @Test
    void oneProcessesNamespacesPrintAsUtilLinuxPrintsThem() {
        String pid = Integer.toString(live.fullPid);
        for (List<String> args : List.of(List.of("-p", pid), List.of("-p", pid, "-r"), List.of("-p", pid, "-J"),
                List.of("-p", pid, "--output-all"), List.of("-p", pid, "--output-all", "-J"),
                List.of("-p", pid, "--output-all", "-r"), List.of("-p", pid, "-t", "net"), List.of("-p", pid, "-l", "-n"))) {
            assertSameOutput(args.toArray(String[]::new));
        }
    }

    @Test
    void aNamespaceArgumentListsItsProcessesAsUtilLinuxDoes() {
        String ns = Long.toString(live.nested.innerUser());
        assertSameOutput(ns);
        assertSameOutput(ns, "-J");
        assertSameOutput(ns, "-r", "-o", "PID,PPID,UID,USER,PATH,COMMAND");
        assertThat(jns(ns).stdout().lines()).hasSize(3); // header, the inner unshare, its sleep
    }

    @Test
    void parentAndOwnerTreesNestTheFixtureAsUtilLinuxDoes() {
        LiveNamespaces.Nested n = live.nested;
        Object oursParent = subtree(jns("-J", "-T=parent", "-t", "pid", "-o", "NS,TYPE,PNS,ONS").stdout(), n.outerPid());
        Object theirsParent = subtree(lsns("-J", "-T=parent", "-t", "pid", "-o", "NS,TYPE,PNS,ONS").stdout(), n.outerPid());
        assertThat(oursParent).isEqualTo(theirsParent).asString().contains(Long.toString(n.innerPid()));

        Object oursOwner = subtree(jns("-J", "-T", "-t", "user", "-o", "NS,TYPE,PNS").stdout(), n.outerUser());
        Object theirsOwner = subtree(lsns("-J", "-T", "-t", "user", "-o", "NS,TYPE,PNS").stdout(), n.outerUser());
        assertThat(oursOwner).isEqualTo(theirsOwner).asString().contains(Long.toString(n.innerUser()));
    }

    /** The JSON object of namespace {@code ns}, with its children, anywhere in the tree. */
    @SuppressWarnings("unchecked")
    private static Object subtree(String json, long ns) {
        List<Object> todo = new ArrayList<>((List<Object>) ((Map<String, Object>) Json.parse(json)).get("namespaces"));
        while (!todo.isEmpty()) {
            Map<String, Object> o = (Map<String, Object>) todo.removeFirst();
            if (BigInteger.valueOf(ns).equals(o.get("ns"))) return o;
            if (o.containsKey("children")) todo.addAll((List<Object>) o.get("children"));
        }
        throw new AssertionError("namespace " + ns + " not in " + json);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonAndRawCarryTheSameCells() {
        String[] cols = {"-l", "--output-all", "-W"};
        List<Object> json = (List<Object>) ((Map<String, Object>) Json.parse(jns(cat(cols, "-J")).stdout())).get("namespaces");
        Map<String, List<String>> raw = rawRows(jns(cat(cols, "-r", "-n")).stdout());
        List<String> keys = List.of("ns", "type", "path", "nprocs", "pid", "ppid", "command", "uid", "user", "netnsid", "nsfs", "pns", "ons");
        int compared = 0;
        for (Object o : json) {
            Map<String, Object> row = (Map<String, Object>) o;
            assertThat(row.keySet()).containsExactlyElementsOf(keys);
            String ns = row.get("ns").toString();
            if (!live.processHeld().contains(Long.parseLong(ns)) && Long.parseLong(ns) != live.bindOnly) continue;
            List<String> cells = raw.get(ns);
            for (int i = 0; i < keys.size(); i++) {
                Object v = row.get(keys.get(i));
                assertThat(v == null ? "" : v.toString()).as(ns + " " + keys.get(i)).isEqualTo(cells.get(i));
            }
            assertThat(row.get("nprocs")).isInstanceOf(BigInteger.class);
            compared++;
        }
        assertThat(compared).isGreaterThan(12);
    }

    private static String[] cat(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(String[]::new);
    }

    @Test
    void anUnprivilegedUserSeesWhatUtilLinuxShowsThem() {
        List<String> nobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        List<String> args = List.of("lsns", "-r", "-n", "-o", "NS,TYPE,NPROCS,USER");
        List<String> ours = new ArrayList<>(nobody);
        ours.addAll(ExternalCommand.javaMain(Main.class, args.toArray(String[]::new)));
        List<String> theirs = new ArrayList<>(nobody);
        theirs.addAll(args);
        Map<String, List<String>> o = rawRows(checked(ExternalCommand.run(ours)).stdout());
        Map<String, List<String>> t = rawRows(checked(ExternalCommand.run(theirs)).stdout());
        // Each sees only itself: the namespaces it is in, one process each, as nobody.
        Map<String, List<String>> withProcesses = new HashMap<>(o);
        withProcesses.values().removeIf(row -> row.get(2).equals("0"));
        assertThat(withProcesses).isEqualTo(t).hasSize(8);
        assertThat(withProcesses.values()).allSatisfy(row -> assertThat(row.subList(2, 4)).containsExactly("1", "nobody"));
        // The fixture's bind mounts are in mountinfo, but in a directory nobody may not open:
        // like lsns 2.42, jns leaves out what it cannot open.
        assertThat(o).doesNotContainKeys(Long.toString(live.bindOnly), Long.toString(live.ghostOwnedNet));
    }

    @Test
    void netnsIdIsTheOneIpNetnsSet() {
        Map<String, List<String>> ours = rawRows(jns("-t", "net", "-l", "-r", "-n", "-o", "NS,NETNSID,NSFS").stdout());
        String fullNet = Long.toString(LiveNamespaces.inode(live.fullPid, "net"));
        assertThat(ours.get(fullNet)).containsExactly(fullNet, Integer.toString(live.fullNetnsId), "/run/netns/" + live.fullNetnsName);
        assertThat(ours.get(Long.toString(live.bindOnly)).get(1)).isEqualTo("unassigned");
        assertThat(lsns("-t", "net", "-l", "-r", "-n", "-o", "NS,NETNSID").stdout())
                .contains(fullNet + " " + live.fullNetnsId + "\n");
    }
}
