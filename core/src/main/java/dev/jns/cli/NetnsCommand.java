package dev.jns.cli;

import dev.jns.net.Cidr;
import dev.jns.net.NetNamespace;
import dev.jns.net.NetnsDirectory;
import dev.jns.net.NetnsException;
import dev.jns.net.NetnsExec;
import dev.jns.net.NetworkConfig;
import dev.jns.net.Veth;
import dev.jns.net.NetlinkException;
import dev.jns.ns.Namespace;
import dev.jns.spawn.SpawnException;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@code jns netns}: iproute2's {@code ip netns} on the same {@code /run/netns} files —
 * same subcommands (abbreviations too), same output, same error texts after the
 * {@code jns netns: } prefix, same exit statuses — plus {@code connect}, which wires two
 * named namespaces with a veth pair.
 *
 * <p>ip has two kinds of failure: a subcommand that gives up returns -1, which ip turns
 * into status 1 (a namespace that cannot be opened, a missing name, a bad pid); a command
 * line ip cannot make sense of ends in {@code exit(-1)}, status 255 (an invalid name, an
 * unknown subcommand, a value that does not parse, {@code exec} into a namespace that
 * cannot be entered). {@link #IP_EXIT} marks the second kind.
 */
public final class NetnsCommand implements Command {
    /** The status of ip's {@code exit(-1)}: a command line it rejects outright. */
    static final int IP_EXIT = 255;

    static final String USAGE = """
            Usage: jns netns list
                   jns netns add NAME
                   jns netns attach NAME PID
                   jns netns set NAME NETNSID
                   jns netns [-all] delete [NAME]
                   jns netns identify [PID]
                   jns netns pids NAME
                   jns netns [-all] exec [NAME] cmd ...
                   jns netns monitor
                   jns netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]
                   jns netns connect NAME_A NAME_B [--addr CIDR_A CIDR_B] [--names IF_A IF_B]
            NETNSID := auto | POSITIVE-INT

            connect makes a veth pair between two named namespaces, gives each end its
            address, and brings both ends and lo up. The end in NAME_A is called to-NAME_B
            and the end in NAME_B to-NAME_A (cut to 15 bytes) unless --names says otherwise.""";

    /** Subcommands in the order ip tries them for an abbreviation ("s" is show, "d" delete). */
    private static final List<String> SUBCOMMANDS = List.of("list", "show", "lst", "help", "add", "set", "delete",
            "identify", "pids", "exec", "monitor", "attach", "list-id", "connect");

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        // ip's -all, given here after "netns": delete and exec then act on every named namespace.
        boolean all = args.length > 0 && (args[0].equals("-all") || args[0].equals("--all"));
        if (all) args = Arrays.copyOfRange(args, 1, args.length);
        if (args.length == 0) return list(out);
        if (args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            return 0;
        }
        // ip checks the word after the subcommand as a name before it even looks at the
        // subcommand (so "list x/y" fails too); with -all that word is a program, not a name.
        if (!all && args.length > 1 && !NetnsDirectory.isValidName(args[1])) {
            throw new CliException(IP_EXIT, "Invalid netns name \"" + args[1] + "\"");
        }
        String first = args[0];
        String sub = SUBCOMMANDS.stream().filter(s -> !first.isEmpty() && s.startsWith(first)).findFirst()
                .orElseThrow(() -> new CliException(IP_EXIT, "Command \"" + first + "\" is unknown, try \"jns netns help\"."));
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (sub) {
                case "list", "show", "lst" -> list(out);
                case "help" -> throw new IpUsage();
                case "add" -> add(rest);
                case "attach" -> attach(rest);
                case "set" -> set(rest);
                case "delete" -> all ? deleteAll(err) : delete(rest);
                case "identify" -> identify(rest, out);
                case "pids" -> pids(rest, out);
                case "exec" -> all ? execAll(rest, out, err) : exec(rest, err);
                case "monitor" -> monitor(out);
                case "list-id" -> listIds(rest, out);
                case "connect" -> connect(rest);
                default -> throw new IllegalStateException(sub);
            };
        } catch (IpUsage e) {
            err.println(USAGE);
            return IP_EXIT;
        } catch (NetnsException | IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        } catch (NetlinkException e) {
            throw new CliException(e.reason());
        }
    }

    /** {@code -all delete}: every named namespace; one that fails is reported and the rest go on. */
    private static int deleteAll(PrintStream err) {
        for (String name : NetnsDirectory.names()) {
            try {
                NetnsDirectory.delete(name);
            } catch (NetnsException e) {
                err.println("jns netns: " + e.getMessage());
            }
        }
        return 0;
    }

    /**
     * {@code -all exec cmd...}: the command in every named namespace in turn, each run under
     * a "netns: NAME" heading; like ip, failures are reported and the status is 0.
     */
    private static int execAll(String[] command, PrintStream out, PrintStream err) throws Exception {
        if (command.length == 0) throw new CliException("No command specified");
        for (String name : NetnsDirectory.names()) {
            out.print("\nnetns: " + name + "\n");
            out.flush(); // the program writes to the same descriptor, after this
            String[] one = new String[command.length + 1];
            one[0] = name;
            System.arraycopy(command, 0, one, 1, command.length);
            try {
                exec(one, err);
            } catch (CliException | NetnsException e) {
                err.println("jns netns: " + e.getMessage());
            }
            err.flush();
        }
        return 0;
    }

    private static String name(String[] rest) {
        if (rest.length < 1) throw new CliException("No netns name specified");
        NetnsDirectory.checkName(rest[0]);
        return rest[0];
    }

    private static int list(PrintStream out) {
        List<String> names = NetnsDirectory.names();
        if (names.isEmpty()) return 0;
        try (NetworkConfig here = NetworkConfig.current()) {
            for (String name : names) {
                out.println(name + idSuffix(here, name));
            }
        }
        return 0;
    }

    private static String idSuffix(NetworkConfig here, String name) {
        try (Namespace ns = NetnsDirectory.open(name)) {
            OptionalInt id = here.nsidOf(ns);
            return id.isPresent() ? " (id: " + id.getAsInt() + ")" : "";
        } catch (NetnsException | NetlinkException e) {
            return ""; // not (or no longer) a namespace: ip lists the bare name too
        }
    }

    /** Prints each name added to or deleted from /run/netns, a line each, until killed. */
    private static int monitor(PrintStream out) throws InterruptedException {
        try (NetnsDirectory.Watch watch = NetnsDirectory.watch()) {
            while (true) {
                for (NetnsDirectory.Change c : watch.next()) out.println((c.added() ? "add " : "delete ") + c.name());
                out.flush();
            }
        }
    }

    /**
     * The ids this namespace (or the one it knows as {@code target-nsid}) has given, each
     * with the {@code /run/netns} name of the namespace behind it where there is one.
     */
    private static int listIds(String[] rest, PrintStream out) {
        OptionalInt target = OptionalInt.empty(), nsid = OptionalInt.empty();
        for (int i = 0; i < rest.length; i++) {
            String word = rest[i];
            if (!word.equals("target-nsid") && !word.equals("nsid")) throw new IpUsage();
            if ((word.equals("target-nsid") ? target : nsid).isPresent()) {
                throw new CliException(IP_EXIT, "Error: duplicate \"" + word + "\": \"" + word + "\" is the second value.");
            }
            if (++i == rest.length) throw new CliException(IP_EXIT, "Command line is not complete. Try option \"help\"");
            Integer value = cInteger(rest[i]);
            if (value == null) throw invalidArgument(rest[i], "\"" + word + "\" value is invalid");
            // ip names the word after the value here, not the value ("(null)" when there is
            // none): a slip in iproute2, kept so that scripts see the same line.
            if (value < 0) {
                throw invalidArgument(i + 1 < rest.length ? rest[i + 1] : "(null)", "\"" + word + "\" value should be >= 0");
            }
            if (word.equals("target-nsid")) target = OptionalInt.of(value);
            else nsid = OptionalInt.of(value);
        }
        try (NetworkConfig here = NetworkConfig.current()) {
            List<NetworkConfig.PeerId> ids = nsid.isPresent() ? List.of(here.peerId(nsid.getAsInt(), target))
                    : here.peerIds(target);
            Map<Integer, String> names = namesById(here);
            for (NetworkConfig.PeerId id : ids) {
                StringBuilder line = new StringBuilder("nsid ").append(idText(id.nsid()));
                if (target.isPresent()) line.append(" current-nsid ").append(idText(id.currentNsid()));
                // Names are ids seen from here: the current one when the list is another namespace's.
                OptionalInt seenHere = target.isPresent() ? id.currentNsid() : id.nsid();
                line.append(' ');
                if (seenHere.isPresent() && names.containsKey(seenHere.getAsInt())) {
                    line.append("(iproute2 netns name: ").append(names.get(seenHere.getAsInt())).append(')');
                }
                out.println(line);
            }
        }
        return 0;
    }

    /** ip's {@code invarg}: a value it cannot use, status 255. */
    private static CliException invalidArgument(String argument, String why) {
        return new CliException(IP_EXIT, "Error: argument \"" + argument + "\" is wrong: " + why);
    }

    /**
     * ip's {@code usage()}, for {@code help} and for a word ip does not know: {@link #run}
     * prints the usage text on stderr, without the program-name prefix, and leaves with 255.
     */
    private static final class IpUsage extends RuntimeException {
        IpUsage() {
            super(null, null, false, false); // control flow only: no stack trace
        }
    }

    /**
     * A number as iproute2's {@code get_integer(..., 0)} reads it (C's {@code strtol} with
     * base 0): leading blanks, a sign, {@code 0x} for hex, a leading {@code 0} for octal,
     * nothing after the digits, within an int. Null when it is not such a number.
     */
    static Integer cInteger(String s) {
        int i = 0;
        while (i < s.length() && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) i++;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) negative = s.charAt(i++) == '-';
        int radix = 10;
        if (s.startsWith("0x", i) || s.startsWith("0X", i)) {
            // strtol reads "0x" with no hex digit after it as the number 0 followed by "x".
            if (i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
                radix = 16;
                i += 2;
            }
        } else if (s.startsWith("0", i)) {
            radix = 8;
        }
        String digits = s.substring(i);
        if (digits.isEmpty()) return null;
        for (int k = 0; k < digits.length(); k++) {
            if (Character.digit(digits.charAt(k), radix) < 0) return null;
        }
        try {
            long v = Long.parseLong(digits, radix);
            v = negative ? -v : v;
            return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? null : (int) v;
        } catch (NumberFormatException e) {
            return null; // more digits than a long holds
        }
    }

    private static String idText(OptionalInt id) {
        return id.isPresent() ? Integer.toString(id.getAsInt()) : "unassigned";
    }

    /** The {@code /run/netns} names by the id each has here. */
    private static Map<Integer, String> namesById(NetworkConfig here) {
        Map<Integer, String> byId = new HashMap<>();
        for (String name : NetnsDirectory.names()) {
            try (Namespace ns = NetnsDirectory.open(name)) {
                here.nsidOf(ns).ifPresent(id -> byId.putIfAbsent(id, name));
            } catch (NetnsException | NetlinkException e) {
                // not (or no longer) a namespace
            }
        }
        return byId;
    }

    private static int add(String[] rest) {
        NetnsDirectory.add(name(rest));
        return 0;
    }

    private static int attach(String[] rest) {
        if (rest.length < 2) throw new CliException("No netns name and PID specified");
        // ip reads the pid as any C integer but 0 (a negative one fails later, at the bind).
        Integer pid = cInteger(rest[1]);
        if (pid == null || pid == 0) throw new CliException("Invalid PID: " + rest[1]);
        NetnsDirectory.attach(name(rest), pid);
        return 0;
    }

    private static int set(String[] rest) {
        String name = name(rest);
        if (rest.length < 2) throw new CliException("No nsid specified");
        int nsid = parseNsid(rest[1]);
        try (Namespace ns = NetnsDirectory.open(name); NetworkConfig here = NetworkConfig.current()) {
            here.setNsid(ns, nsid);
        }
        return 0;
    }

    /** {@code auto} lets the kernel choose (-1 on the wire); ip rejects anything else but a C integer >= 0. */
    static int parseNsid(String s) {
        if (s.equals("auto")) return -1;
        Integer v = cInteger(s);
        if (v == null) throw invalidArgument(s, "Invalid \"netnsid\" value");
        if (v < 0) throw invalidArgument(s, "\"netnsid\" value should be >= 0");
        return v;
    }

    private static int delete(String[] rest) {
        NetnsDirectory.delete(name(rest));
        return 0;
    }

    private static int identify(String[] rest, PrintStream out) {
        if (rest.length > 1) throw new CliException("extra arguments specified");
        int pid = rest.length == 0 ? (int) ProcessHandle.current().pid() : identifyPid(rest[0]);
        out.println(NetnsDirectory.identify(pid).orElse(""));
        return 0;
    }

    /**
     * ip takes any string of digits and looks for {@code /proc/DIGITS/ns/net}; digits that
     * name no process there (0, a leading zero, more than a pid can be) fail as that open does.
     */
    private static int identifyPid(String s) {
        if (!s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new CliException("Specified string '" + s + "' is not a pid");
        }
        long pid = s.length() > 10 || s.startsWith("0") ? 0 : Long.parseLong(s);
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new CliException("Cannot open network namespace: No such file or directory");
        }
        return (int) pid;
    }

    private static int pids(String[] rest, PrintStream out) {
        String name = name(rest);
        if (rest.length > 1) throw new CliException("extra arguments specified");
        for (int pid : NetnsDirectory.pids(name)) out.println(pid);
        return 0;
    }

    /** Runs the command in the namespace (see {@link NetnsExec}) and exits with its status. */
    private static int exec(String[] rest, PrintStream err) throws Exception {
        String name = name(rest);
        if (rest.length < 2) throw new CliException("No command specified");
        try {
            NetnsDirectory.open(name).close(); // ip's message for a missing namespace, before anything starts
        } catch (NetnsException e) {
            throw new CliException(IP_EXIT, e.getMessage()); // ip's child cannot switch and exits -1
        }
        List<String> command = List.of(Arrays.copyOfRange(rest, 1, rest.length));
        NetnsExec.Setup setup = NetnsExec.prepare(name, command);
        for (String warning : setup.skipped()) err.println("jns netns: " + warning);
        Process p;
        try {
            p = InheritedDescriptors.handTo(setup.builder()).inheritIO().start();
        } catch (SpawnException e) {
            if (e.call().equals("execve")) {
                throw new CliException("exec of \"" + command.getFirst() + "\" failed: " + e.strerror());
            }
            throw new CliException(e.getMessage());
        }
        return p.waitFor();
    }

    /** {@code connect A B [--addr CIDR_A CIDR_B] [--names IF_A IF_B]}: every check before anything is made. */
    private static int connect(String[] rest) {
        if (rest.length < 2) throw new CliException("connect needs two netns names");
        String a = rest[0], b = rest[1];
        NetnsDirectory.checkName(a);
        NetnsDirectory.checkName(b);
        if (a.equals(b)) throw new CliException("cannot connect \"" + a + "\" to itself");
        List<Cidr> addrA = List.of(), addrB = List.of();
        String ifA = Veth.defaultName(b), ifB = Veth.defaultName(a);
        for (int i = 2; i < rest.length; i += 3) {
            String opt = rest[i];
            if (!opt.equals("--addr") && !opt.equals("--names")) {
                throw new CliException("unexpected argument \"" + opt + "\" (expected --addr or --names)");
            }
            if (i + 2 >= rest.length) throw new CliException("option '" + opt + "' requires two arguments");
            if (opt.equals("--addr")) {
                addrA = List.of(Cidr.parse(rest[i + 1]));
                addrB = List.of(Cidr.parse(rest[i + 2]));
            } else {
                ifA = rest[i + 1];
                ifB = rest[i + 2];
            }
        }
        try (NetNamespace na = NetNamespace.open(a); NetNamespace nb = NetNamespace.open(b)) {
            Veth.connect(new Veth.End(na, ifA, addrA), new Veth.End(nb, ifB, addrB));
        }
        return 0;
    }
}
