package dev.jns.cli;

import dev.jns.cli.Getopt.Arg;
import dev.jns.cli.Getopt.LongOpt;
import dev.jns.ns.NamespaceType;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Parses util-linux nsenter's command line into {@link NsenterOptions}: the same getopt
 * string and long options, and the same messages for values that do not parse. Files named
 * on the command line are checked later, by the command, in nsenter's order.
 */
final class NsenterParser {
    static final String SHORT = "+ahVt:m::u::i::n::N:p::C::U::T::S:G:r::w::W::ecFZ";
    private static final int PRESERVE_CRED = 1000, KEEP_CAPS = 1001, USER_PARENT = 1002;
    private static final List<LongOpt> LONG = List.of(
            new LongOpt("all", Arg.NONE, 'a'), new LongOpt("help", Arg.NONE, 'h'),
            new LongOpt("version", Arg.NONE, 'V'), new LongOpt("target", Arg.REQUIRED, 't'),
            new LongOpt("mount", Arg.OPTIONAL, 'm'), new LongOpt("uts", Arg.OPTIONAL, 'u'),
            new LongOpt("ipc", Arg.OPTIONAL, 'i'), new LongOpt("net", Arg.OPTIONAL, 'n'),
            new LongOpt("net-socket", Arg.REQUIRED, 'N'), new LongOpt("pid", Arg.OPTIONAL, 'p'),
            new LongOpt("user", Arg.OPTIONAL, 'U'), new LongOpt("cgroup", Arg.OPTIONAL, 'C'),
            new LongOpt("time", Arg.OPTIONAL, 'T'), new LongOpt("setuid", Arg.REQUIRED, 'S'),
            new LongOpt("setgid", Arg.REQUIRED, 'G'), new LongOpt("root", Arg.OPTIONAL, 'r'),
            new LongOpt("wd", Arg.OPTIONAL, 'w'), new LongOpt("wdns", Arg.OPTIONAL, 'W'),
            new LongOpt("env", Arg.NONE, 'e'), new LongOpt("no-fork", Arg.NONE, 'F'),
            new LongOpt("join-cgroup", Arg.NONE, 'c'),
            new LongOpt("preserve-credentials", Arg.NONE, PRESERVE_CRED),
            new LongOpt("keep-caps", Arg.NONE, KEEP_CAPS), new LongOpt("user-parent", Arg.NONE, USER_PARENT));
    // No --follow-context: util-linux declares it only when built with SELinux, and jns
    // follows a build without (Debian's nsenter has SELinux; the oracle 2.42.2 build has not).

    /** What the command line says to do. */
    sealed interface Parsed {
        record Run(NsenterOptions options) implements Parsed {}
        record Help() implements Parsed {}
        record Version() implements Parsed {}
    }

    private NsenterParser() {}

    static Parsed parse(String[] args) {
        Getopt.Result r = new Getopt(SHORT, LONG).parse(args);
        boolean all = false, userParent = false, uidFollow = false, gidFollow = false, preserve = false,
                keepCaps = false, env = false, noFork = false, joinCgroup = false;
        int pid = 0;
        long inode = 0;
        Map<NamespaceType, Optional<String>> namespaces = new EnumMap<>(NamespaceType.class);
        OptionalInt netSocket = OptionalInt.empty();
        OptionalLong uid = OptionalLong.empty(), gid = OptionalLong.empty();
        Optional<String> root = Optional.empty(), wd = Optional.empty(), wdns = Optional.empty();
        String wdSpelled = null;
        for (Getopt.Opt o : r.options()) {
            switch (o.id()) {
                case 'h' -> { return new Parsed.Help(); }
                case 'V' -> { return new Parsed.Version(); }
                case 'a' -> all = true;
                case 't' -> {
                    long[] pidAndInode = parsePid(o.arg());
                    pid = (int) pidAndInode[0];
                    inode = pidAndInode[1];
                }
                case 'm', 'u', 'i', 'n', 'p', 'C', 'U', 'T' -> namespaces.put(typeOf(o.id()), Optional.ofNullable(stripEquals(o.arg())));
                case 'N' -> netSocket = OptionalInt.of((int) parseNumber(o.arg(), "failed to parse file descriptor", Integer.MAX_VALUE));
                case 'S' -> {
                    if (o.arg().equals("follow")) uidFollow = true;
                    else uid = OptionalLong.of(parseNumber(o.arg(), "failed to parse uid", 0xffffffffL));
                }
                case 'G' -> {
                    if (o.arg().equals("follow")) gidFollow = true;
                    else gid = OptionalLong.of(parseNumber(o.arg(), "failed to parse gid", 0xffffffffL));
                }
                case 'r' -> root = Optional.of(o.arg() == null ? "" : o.arg());
                case 'w', 'W' -> {
                    if (wdSpelled != null && (o.id() == 'w' ? wdns.isPresent() : wd.isPresent())) {
                        throw new CliException("options " + wdSpelled + " and " + longName(o.id()) + " cannot be combined");
                    }
                    wdSpelled = longName(o.id());
                    String dir = o.arg() == null ? "" : stripEquals(o.arg());
                    if (o.id() == 'w') wd = Optional.of(dir);
                    else wdns = o.arg() == null ? Optional.empty() : Optional.of(dir);
                }
                case 'e' -> env = true;
                case 'F' -> noFork = true;
                case 'c' -> joinCgroup = true;
                // -Z stays in the getopt string without SELinux, so getopt takes it silently and
                // nsenter's switch ends in its default case: only "Try ... --help", status 1.
                case 'Z' -> throw Getopt.UsageException.tryHelpOnly();
                case PRESERVE_CRED -> preserve = true;
                case KEEP_CAPS -> keepCaps = true;
                case USER_PARENT -> userParent = true;
                default -> throw new IllegalStateException("unhandled option " + o.spelled());
            }
        }
        return new Parsed.Run(new NsenterOptions(all, pid, inode, namespaces, netSocket, userParent, uid, uidFollow, gid,
                gidFollow, preserve, keepCaps, root, wd, wdns, env, noFork, joinCgroup, r.operands()));
    }

    private static String longName(int id) {
        return id == 'w' ? "--wd" : "--wdns";
    }

    /** util-linux 2.42 accepts {@code -n=FILE} as well as {@code -nFILE}. */
    private static String stripEquals(String arg) {
        return arg != null && arg.startsWith("=") ? arg.substring(1) : arg;
    }

    private static NamespaceType typeOf(int flag) {
        return switch (flag) {
            case 'm' -> NamespaceType.MNT;
            case 'u' -> NamespaceType.UTS;
            case 'i' -> NamespaceType.IPC;
            case 'n' -> NamespaceType.NET;
            case 'p' -> NamespaceType.PID;
            case 'C' -> NamespaceType.CGROUP;
            case 'U' -> NamespaceType.USER;
            case 'T' -> NamespaceType.TIME;
            default -> throw new IllegalArgumentException("not a namespace flag: " + (char) flag);
        };
    }

    /**
     * {@code PID[:INODE]} as util-linux 2.42.2 reads it: a pid above 0 ({@code strtoimax}:
     * leading blanks and a sign allowed, nothing after the digits but {@code :INODE}), an
     * inode above 0 ({@code strtoumax}, not negative). Anything else is one message.
     */
    static long[] parsePid(String s) {
        String t = s.stripLeading();
        int colon = t.indexOf(':');
        long pid = cNumber(colon < 0 ? t : t.substring(0, colon));
        if (pid <= 0 || pid > Integer.MAX_VALUE) throw new CliException("invalid PID argument");
        long inode = 0;
        if (colon >= 0) {
            String inodeText = t.substring(colon + 1).stripLeading();
            if (inodeText.startsWith("-")) throw new CliException("invalid PID argument");
            try {
                inode = Long.parseUnsignedLong(inodeText.startsWith("+") ? inodeText.substring(1) : inodeText);
            } catch (NumberFormatException e) {
                throw new CliException("invalid PID argument");
            }
            if (inode == 0) throw new CliException("invalid PID argument");
        }
        return new long[] {pid, inode};
    }

    /** An optionally signed decimal number with nothing around it; 0 (refused as a pid) when it is not one. */
    private static long cNumber(String s) {
        int digitsFrom = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
        if (s.length() == digitsFrom || s.length() - digitsFrom > 18) return 0;
        for (int i = digitsFrom; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return 0;
        }
        return Long.parseLong(s);
    }

    private static long parseNumber(String s, String what, long max) {
        try {
            long v = Long.parseLong(s);
            if (v >= 0 && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // falls through to util-linux's message
        }
        throw new CliException(what + ": '" + s + "'");
    }
}
