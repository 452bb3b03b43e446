package dev.jns.cli;

import dev.jns.testing.ExternalCommand;
import dev.jns.testing.HeldNamespaces;
import dev.jns.testing.LiveNamespaces;
import dev.jns.testing.MachineState;
import dev.jns.testing.Oracles;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * {@code jns lsns -Q} against util-linux 2.42.2's lsns (built from the pristine source in
 * {@code ../shared/oracles}): the same stdout, stderr (program name aside) and exit code
 * for valid and malformed expressions, alone and with {@code -o -J -r -T -p -t} and a NS
 * argument. The rows are kept stable by going through two processes of our own: one in
 * new net, uts and ipc namespaces, one in a new user namespace that owns a new net and uts
 * namespace. Their host namespaces show only columns that do not change between runs.
 */
class LsnsFilterCompatibilityTest {
    private static MachineState before;
    private static HeldNamespaces plain, owned;
    private static String lsns;

    @BeforeAll
    static void start() throws IOException {
        Privilege.requireRoot("create namespaces to filter");
        lsns = Oracles.utilLinux().resolve("lsns").toString();
        before = MachineState.capture();
        plain = HeldNamespaces.start(List.of("-n", "-u", "-i"), "");
        owned = HeldNamespaces.start(List.of("-U", "--map-root-user", "-n", "-u"), "");
    }

    @AfterAll
    static void stop() {
        if (plain != null) plain.close();
        if (owned != null) owned.close();
        if (before != null) MachineState.assertNothingLeakedSince(before);
    }

    private static String a() { return Integer.toString(plain.pid()); }

    private static String b() { return Integer.toString(owned.pid()); }

    private static String inode(HeldNamespaces h, String type) {
        return Long.toString(LiveNamespaces.inode(h.pid(), type));
    }

    /** Runs both with the same arguments; stderr compared with the program's name put right. */
    private static void assertSame(List<String> args) {
        List<String> theirs = new ArrayList<>(List.of(lsns));
        theirs.addAll(args);
        List<String> ours = new ArrayList<>(List.of("lsns"));
        ours.addAll(args);
        ExternalCommand t = ExternalCommand.run(theirs);
        ExternalCommand o = ExternalCommand.run(ExternalCommand.javaMain(Main.class, ours.toArray(String[]::new)));
        assertSoftly(s -> {
            s.assertThat(o.stdout()).as("stdout of lsns " + args).isEqualTo(t.stdout());
            s.assertThat(o.stderr()).as("stderr of lsns " + args).isEqualTo(t.stderr().replaceAll("(?m)^lsns: ", "jns lsns: "));
            s.assertThat(o.exitCode()).as("exit code of lsns " + args).isEqualTo(t.exitCode());
        });
    }

    private static void assertSame(String... args) {
        assertSame(List.of(args));
    }

    @Test
    void validExpressionsSelectTheSameRows() {
        assertSame("-p", a(), "-r", "-o", "NS,TYPE,PID", "-Q", "TYPE == \"net\"");
        assertSame("-p", a(), "-J", "-o", "NS,TYPE,NPROCS,PID", "-Q", "NPROCS == 1");
        assertSame("-p", a(), "-r", "-o", "NS,TYPE", "-Q", "TYPE eq \"uts\" or TYPE eq 'ipc'");
        assertSame("-p", a(), "-r", "-n", "-o", "NS,TYPE,USER", "-Q", "NPROCS > 1 && TYPE != \"mnt\"");
        assertSame("-p", a(), "-o", "NS,TYPE,PID,COMMAND", "-Q", "PID == " + a());
        assertSame("-p", a(), "-r", "-o", "TYPE", "-Q", "!(TYPE =~ \"^(net|uts|ipc)$\")");
        assertSame("-p", a(), "-r", "-o", "TYPE", "-Q", "TYPE !~ \"^[m-u]\"");
        assertSame("-p", a(), "-t", "net", "-r", "-o", "NS,TYPE,NETNSID", "-Q", "NETNSID");
        assertSame("-p", a(), "-r", "-o", "NS,TYPE", "-Q", "1 || 0 && 0"); // (1 || 0) && 0: no rows
        assertSame("-p", a(), "-r", "-o", "NS,TYPE", "-Q", "NOT TYPE == \"net\""); // (!TYPE) == "net": every row
        assertSame("-p", a(), "-r", "-o", "NS", "-Q", "ns gt 4K && NS le " + inode(plain, "net"));
        assertSame("-p", a(), "-r", "-o", "NS,TYPE", "-Q", "PID < 1.5 || UID == \"1\"");
        assertSame("-p", a(), "-J", "-o", "NS,TYPE", "-Q", "0");
        assertSame("-p", a(), "-r", "-o", "NS,TYPE", "-Q", "");
        assertSame("-p", a(), "-r", "-o", "NS,TYPE", "-Q", "NS == " + inode(plain, "uts") + " ;"); // ';' echoed
    }

    @Test
    void treesLoseTheRowsTheFilterDrops() {
        String user = inode(owned, "user");
        assertSame("-p", b(), "-T", "-o", "NS,TYPE,ONS", "-Q", "TYPE == \"user\" || ONS == " + user);
        assertSame("-p", b(), "-T", "-J", "-o", "NS,TYPE", "-Q", "ONS == " + user);
        assertSame("-p", b(), "-T", "-r", "-o", "NS,TYPE,PNS", "-Q", "TYPE == \"net\" or NS == " + user);
    }

    @Test
    void aNamespaceArgumentHasNoColumnsToFilterOn() {
        String net = inode(plain, "net");
        assertSame(net, "-Q", "1");
        assertSame(net, "-r", "-Q", "PID > 0"); // lsns cannot evaluate it there
    }

    @Test
    void malformedExpressionsFailAsInUtilLinux() {
        for (String q : List.of("NS ==", "NS 5", "(TYPE == \"net\"", "TYPE == \"net\" )", "  ", "FOO > 1 || bar",
                "TYPE == 5", "NS = 5", "TYPE =~ \"(\"", "TYPE =~ \"[[:foo:]]\"", "TYPE =~ \"a{2,1}\"", "TYPE =~ TYPE",
                "NS == 99999999999999999999K", "NS == 08K", "TYPE == 'net", "TYPE == \"net", "true =~ \"x\"")) {
            assertSame("-p", a(), "-r", "-o", "NS,TYPE", "-Q", q);
        }
        assertSame("-Q", "NS >", "-t", "nosuchtype"); // the expression is read first
        assertSame("-t", "nosuchtype", "-Q", "NS >");
    }
}
