package dev.jns.net;

import org.junit.jupiter.api.Test;

import static dev.jns.net.Shell.jns;
import static dev.jns.net.Shell.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bad input: one line on stderr in the form {@code jns netns: <ip's text>}, exit 1,
 * nothing on stdout, and the machine as it was (no entry, mount, namespace or veth).
 */
class NetnsCliBadInputTest extends TwoNamesFixture {
    private static void failsWith(String message, String... args) {
        Shell.Result r = jns(args);
        assertThat(r.err()).isEqualTo("jns netns: " + message + "\n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void nameWithSlashDotOrNothingIsRejectedLikeIp() {
        failsWith("Invalid netns name \"x/y\"", "netns", "add", "x/y");
        failsWith("Invalid netns name \"..\"", "netns", "add", "..");
        failsWith("Invalid netns name \"\"", "netns", "add", "");
        failsWith("Invalid netns name \"x/y\"", "netns", "delete", "x/y");
        failsWith("No netns name specified", "netns", "add");
        assertThat(Shell.run("ip", "netns", "add", "x/y").err()).isEqualTo("Invalid netns name \"x/y\"\n");
    }

    @Test
    void existingNameFailsAndLeavesTheFirstUntouched() {
        ok("ip", "netns", "add", a);
        failsWith("Cannot create namespace file \"/run/netns/" + a + "\": File exists", "netns", "add", a);
        // Still the same working namespace: ip can use it.
        ok("ip", "-n", a, "link", "set", "lo", "up");
    }

    @Test
    void missingNamespaceGivesIpsMessages() {
        failsWith("Cannot remove namespace file \"/run/netns/" + a + "\": No such file or directory", "netns", "delete", a);
        failsWith("Cannot open network namespace \"" + a + "\": No such file or directory", "netns", "set", a, "3");
        failsWith("Cannot open network namespace: No such file or directory", "netns", "pids", a);
        failsWith("Cannot open network namespace \"" + a + "\": No such file or directory", "netns", "connect", a, b);
        failsWith("Cannot open network namespace: No such file or directory", "netns", "identify", "999999999");
    }

    @Test
    void attachToAMissingProcessLeavesNoFile() {
        failsWith("Bind /proc/999999999/ns/net -> /run/netns/" + a + " failed: No such file or directory",
                "netns", "attach", a, "999999999");
        failsWith("Invalid PID: abc", "netns", "attach", a, "abc");
        failsWith("Specified string 'abc' is not a pid", "netns", "identify", "abc");
        assertThat(NetnsDirectory.DIR.resolve(a)).doesNotExist();
    }

    @Test
    void badNsidIsRejectedBeforeAnythingHappens() {
        ok("ip", "netns", "add", a);
        failsWith("argument \"abc\" is wrong: Invalid \"netnsid\" value", "netns", "set", a, "abc");
        failsWith("argument \"-5\" is wrong: \"netnsid\" value should be >= 0", "netns", "set", a, "-5");
        failsWith("No nsid specified", "netns", "set", a);
        assertThat(ok("ip", "netns", "list")).contains(a + "\n");
    }

    @Test
    void connectWithABadCidrOrATakenInterfaceNameMakesNoLink() {
        ok("ip", "netns", "add", a);
        ok("ip", "netns", "add", b);
        failsWith("any valid prefix is expected rather than \"10.77.3.300/24\"",
                "netns", "connect", a, b, "--addr", "10.77.3.1/24", "10.77.3.300/24");
        failsWith("any valid prefix is expected rather than \"10.77.3.1/33\"",
                "netns", "connect", a, b, "--addr", "10.77.3.1/33", "10.77.3.2/24");
        failsWith("option '--addr' requires two arguments", "netns", "connect", a, b, "--addr", "10.77.3.1/24");
        failsWith("\"bad name\" is not a valid interface name (1-15 bytes, no '/', ':' or whitespace)",
                "netns", "connect", a, b, "--names", "bad name", "x");

        // The name of B's end is taken there: the kernel refuses the whole pair.
        ok("ip", "-n", b, "link", "add", "to-" + a, "type", "veth", "peer", "name", "other");
        Shell.Result r = jns("netns", "connect", a, b, "--addr", "10.77.3.1/24", "10.77.3.2/24");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("jns netns: ").hasLineCount(1);
        assertThat(ok("ip", "-n", a, "-o", "link", "show", "type", "veth")).isEmpty();

        // An address the kernel refuses once the pair exists (IPv6 is off for new links in B):
        // the pair is removed again.
        ok("ip", "-n", b, "link", "del", "to-" + a);
        ok("ip", "netns", "exec", b, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        r = jns("netns", "connect", a, b, "--addr", "fd77:3::1/64", "fd77:3::2/64");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jns netns: ipv6: IPv6 is disabled on this device\n");
        assertThat(ok("ip", "-n", a, "-o", "link", "show", "type", "veth")).isEmpty();
        assertThat(ok("ip", "-n", b, "-o", "link", "show", "type", "veth")).isEmpty();
    }

    @Test
    void anUnprivilegedUserGetsIpsMessageAndCanStillList() {
        ok("ip", "netns", "add", a);
        String[] asNobody = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
        Shell.Result ipAdd = Shell.run(concat(asNobody, "ip", "netns", "add", b));
        Shell.Result jnsAdd = Shell.run(concat(asNobody, NetnsExecTest.javaCommand("netns", "add", b)));
        assertThat(jnsAdd.err()).isEqualTo("jns netns: " + ipAdd.err());
        assertThat(jnsAdd.exit()).isEqualTo(ipAdd.exit()).isEqualTo(1);
        assertThat(NetnsDirectory.DIR.resolve(b)).doesNotExist();

        Shell.Result list = Shell.run(concat(asNobody, NetnsExecTest.javaCommand("netns", "list")));
        assertThat(list.exit()).isZero();
        assertThat(list.out()).isEqualTo(Shell.run(concat(asNobody, "ip", "netns", "list")).out()).contains(a);
    }

    private static String[] concat(String[] first, String... rest) {
        String[] out = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, out, first.length, rest.length);
        return out;
    }

    @Test
    void unknownSubcommandNamesItself() {
        failsWith("Command \"frobnicate\" is unknown, try \"jns netns help\".", "netns", "frobnicate");
    }
}
