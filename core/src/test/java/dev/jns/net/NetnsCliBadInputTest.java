package dev.jns.net;

import org.junit.jupiter.api.Test;

import static dev.jns.net.Shell.jns;
import static dev.jns.net.Shell.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bad input: one line on stderr in the form {@code jns netns: <ip's text>}, ip's exit
 * status (1 when a subcommand gives up, 255 when ip rejects the command line outright),
 * nothing on stdout, and the machine as it was (no entry, mount, namespace or veth). Each
 * case that ip also has is run through {@code ip} on this machine and compared.
 */
class NetnsCliBadInputTest extends TwoNamesFixture {
    /**
     * Runs {@code ip ARGS} and {@code jns ARGS} ({@code ARGS} starting with {@code netns}):
     * ip must print {@code message} and jns the same after its prefix, both with the same
     * status and nothing on stdout. Returns that status.
     */
    private static int failsLikeIp(String message, String... args) {
        Shell.Result ip = Shell.run(concat(new String[] {"ip"}, args));
        Shell.Result ours = jns(args);
        String both = "\nip: " + ip + "\njns: " + ours;
        assertThat(ip.err()).as("what ip says%s", both).isEqualTo(message + "\n");
        assertThat(ours.err()).as("what jns says%s", both)
                .isEqualTo("jns netns: " + message.replace("try \"ip netns help\"", "try \"jns netns help\"") + "\n");
        assertThat(ours.exit()).as("exit status%s", both).isEqualTo(ip.exit()).isNotZero();
        assertThat(ip.out()).as("ip's stdout").isEmpty();
        assertThat(ours.out()).as("jns's stdout").isEmpty();
        return ours.exit();
    }

    /** For jns's own {@code connect}, which ip does not have: a tool error, status 1. */
    private static void failsWith(String message, String... args) {
        Shell.Result r = jns(args);
        assertThat(r.err()).isEqualTo("jns netns: " + message + "\n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void nameWithSlashDotOrNothingIsRejectedLikeIp() {
        assertThat(failsLikeIp("Invalid netns name \"x/y\"", "netns", "add", "x/y")).isEqualTo(255);
        failsLikeIp("Invalid netns name \"..\"", "netns", "add", "..");
        failsLikeIp("Invalid netns name \"\"", "netns", "add", "");
        failsLikeIp("Invalid netns name \"x/y\"", "netns", "delete", "x/y");
        failsLikeIp("Invalid netns name \"" + "x".repeat(256) + "\"", "netns", "add", "x".repeat(256));
        // ip checks the word after any subcommand, even one that takes no name or does not exist.
        failsLikeIp("Invalid netns name \"x/y\"", "netns", "list", "x/y");
        failsLikeIp("Invalid netns name \"x/y\"", "netns", "identify", "x/y");
        failsLikeIp("Invalid netns name \"x/y\"", "netns", "frobnicate", "x/y");
        failsLikeIp("Invalid netns name \"x/y\"", "netns", "exec", "x/y", "true");
        assertThat(failsLikeIp("No netns name specified", "netns", "add")).isEqualTo(1);
    }

    @Test
    void existingNameFailsAndLeavesTheFirstUntouched() {
        ok("ip", "netns", "add", a);
        failsLikeIp("Cannot create namespace file \"/run/netns/" + a + "\": File exists", "netns", "add", a);
        // Still the same working namespace: ip can use it.
        ok("ip", "-n", a, "link", "set", "lo", "up");
    }

    @Test
    void missingNamespaceGivesIpsMessages() {
        failsLikeIp("Cannot remove namespace file \"/run/netns/" + a + "\": No such file or directory", "netns", "delete", a);
        failsLikeIp("Cannot open network namespace \"" + a + "\": No such file or directory", "netns", "set", a, "3");
        failsLikeIp("Cannot open network namespace: No such file or directory", "netns", "pids", a);
        failsWith("Cannot open network namespace \"" + a + "\": No such file or directory", "netns", "connect", a, b);
        failsLikeIp("Cannot open network namespace: No such file or directory", "netns", "identify", "999999999");
        failsLikeIp("Cannot open network namespace: No such file or directory", "netns", "identify", "0");
        failsLikeIp("Cannot open network namespace: No such file or directory", "netns", "identify", "99999999999");
        // exec into a namespace that cannot be entered is one of ip's exit(-1) cases.
        assertThat(failsLikeIp("Cannot open network namespace \"" + a + "\": No such file or directory",
                "netns", "exec", a, "true")).isEqualTo(255);
        failsLikeIp("No command specified", "netns", "exec", a);
        failsLikeIp("No netns name specified", "netns", "exec");
    }

    @Test
    void attachToAMissingProcessLeavesNoFile() {
        failsLikeIp("Bind /proc/999999999/ns/net -> /run/netns/" + a + " failed: No such file or directory",
                "netns", "attach", a, "999999999");
        // ip reads the pid as a C integer: a negative one gets as far as the bind.
        failsLikeIp("Bind /proc/-5/ns/net -> /run/netns/" + a + " failed: No such file or directory",
                "netns", "attach", a, "-5");
        failsLikeIp("Invalid PID: abc", "netns", "attach", a, "abc");
        failsLikeIp("Invalid PID: 0", "netns", "attach", a, "0");
        failsLikeIp("No netns name and PID specified", "netns", "attach", a);
        failsLikeIp("Specified string 'abc' is not a pid", "netns", "identify", "abc");
        failsLikeIp("Specified string '-1' is not a pid", "netns", "identify", "-1");
        assertThat(NetnsDirectory.DIR.resolve(a)).doesNotExist();
    }

    @Test
    void badNsidIsRejectedBeforeAnythingHappens() {
        ok("ip", "netns", "add", a);
        assertThat(failsLikeIp("Error: argument \"abc\" is wrong: Invalid \"netnsid\" value", "netns", "set", a, "abc"))
                .isEqualTo(255);
        failsLikeIp("Error: argument \"-5\" is wrong: \"netnsid\" value should be >= 0", "netns", "set", a, "-5");
        failsLikeIp("Error: argument \"5 \" is wrong: Invalid \"netnsid\" value", "netns", "set", a, "5 ");
        failsLikeIp("Error: argument \"99999999999\" is wrong: Invalid \"netnsid\" value", "netns", "set", a, "99999999999");
        assertThat(failsLikeIp("No nsid specified", "netns", "set", a)).isEqualTo(1);
        // ip reads C integers (blanks, hex, octal): these get as far as opening the namespace.
        failsLikeIp("Cannot open network namespace \"" + b + "\": No such file or directory", "netns", "set", b, "0x10");
        failsLikeIp("Cannot open network namespace \"" + b + "\": No such file or directory", "netns", "set", b, " 017");
        assertThat(ok("ip", "netns", "list")).contains(a + "\n");
    }

    @Test
    void badListIdArgumentsAreRejectedLikeIp() {
        failsLikeIp("Error: argument \"abc\" is wrong: \"nsid\" value is invalid", "netns", "list-id", "nsid", "abc");
        failsLikeIp("Error: argument \"abc\" is wrong: \"target-nsid\" value is invalid",
                "netns", "list-id", "target-nsid", "abc");
        // For a negative value ip names the word after it, "(null)" when there is none.
        failsLikeIp("Error: argument \"(null)\" is wrong: \"nsid\" value should be >= 0", "netns", "list-id", "nsid", "-5");
        failsLikeIp("Error: argument \"target-nsid\" is wrong: \"nsid\" value should be >= 0",
                "netns", "list-id", "nsid", "-5", "target-nsid", "3");
        failsLikeIp("Error: duplicate \"nsid\": \"nsid\" is the second value.", "netns", "list-id", "nsid", "1", "nsid", "2");
        failsLikeIp("Error: duplicate \"target-nsid\": \"target-nsid\" is the second value.",
                "netns", "list-id", "target-nsid", "1", "target-nsid", "2");
        assertThat(failsLikeIp("Command line is not complete. Try option \"help\"", "netns", "list-id", "target-nsid"))
                .isEqualTo(255);
    }

    @Test
    void aWordIpDoesNotKnowGetsTheUsageOnStderrAndStatus255() {
        for (String[] args : new String[][] {{"netns", "list-id", "foo"}, {"netns", "help"}}) {
            Shell.Result ip = Shell.run(concat(new String[] {"ip"}, args));
            Shell.Result ours = jns(args);
            assertThat(ip.exit()).isEqualTo(255);
            assertThat(ip.err()).startsWith("Usage:\tip netns list\n");
            assertThat(ours.exit()).as("%s", ours).isEqualTo(ip.exit());
            assertThat(ours.err()).startsWith("Usage: jns netns list\n").doesNotContain("jns netns: ");
            assertThat(ours.out()).isEmpty();
        }
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
        assertThat(failsLikeIp("Command \"frobnicate\" is unknown, try \"ip netns help\".", "netns", "frobnicate"))
                .isEqualTo(255);
        failsLikeIp("Command \"\" is unknown, try \"ip netns help\".", "netns", "");
    }
}
