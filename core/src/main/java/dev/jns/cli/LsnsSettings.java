package dev.jns.cli;

import dev.jns.cli.filter.Filter;
import dev.jns.cli.filter.FilterSyntaxException;
import dev.jns.ns.NamespaceType;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a {@code jns lsns} command line asks for, decided from the arguments alone with
 * util-linux lsns's rules (defaults, the implied tree, {@code +LIST}, exclusive options)
 * and its error messages.
 *
 * @param filter the {@code -Q} expression, null when none was given
 */
record LsnsSettings(Action action, Format format, boolean noHeadings, boolean noTruncate, boolean noWrap,
                    boolean persistentOnly, OptionalInt task, OptionalLong namespace,
                    Set<NamespaceType> types, Tree tree, List<LsnsColumn> columns, Filter filter) {

    enum Action { LIST, HELP, VERSION, LIST_COLUMNS }

    enum Format { HUMAN, RAW, JSON }

    /** Which relation draws the tree, if any. */
    enum Tree { NONE, PROCESS, PARENT, OWNER }

    private static final int OUTPUT_ALL = 0x100;
    private static final Getopt GETOPT = new Getopt("JlPp:o:nruhVt:T::WQ:H", List.of(
            new Getopt.LongOpt("version", Getopt.Arg.NONE, 'V'),
            new Getopt.LongOpt("json", Getopt.Arg.NONE, 'J'),
            new Getopt.LongOpt("task", Getopt.Arg.REQUIRED, 'p'),
            new Getopt.LongOpt("help", Getopt.Arg.NONE, 'h'),
            new Getopt.LongOpt("output", Getopt.Arg.REQUIRED, 'o'),
            new Getopt.LongOpt("output-all", Getopt.Arg.NONE, OUTPUT_ALL),
            new Getopt.LongOpt("persistent", Getopt.Arg.NONE, 'P'),
            new Getopt.LongOpt("filter", Getopt.Arg.REQUIRED, 'Q'),
            new Getopt.LongOpt("notruncate", Getopt.Arg.NONE, 'u'),
            new Getopt.LongOpt("noheadings", Getopt.Arg.NONE, 'n'),
            new Getopt.LongOpt("nowrap", Getopt.Arg.NONE, 'W'),
            new Getopt.LongOpt("list", Getopt.Arg.NONE, 'l'),
            new Getopt.LongOpt("raw", Getopt.Arg.NONE, 'r'),
            new Getopt.LongOpt("type", Getopt.Arg.REQUIRED, 't'),
            new Getopt.LongOpt("tree", Getopt.Arg.OPTIONAL, 'T'),
            new Getopt.LongOpt("list-columns", Getopt.Arg.NONE, 'H')));

    /**
     * Pairs that may not be combined, as lsns declares them. Its third pair, -l with -T,
     * never fires there (the table is not in the order its check needs), so it is not here.
     */
    private static final List<List<Character>> EXCLUSIVE = List.of(List.of('J', 'r'), List.of('P', 'p'));

    static LsnsSettings parse(String[] args) {
        return parse(args, new StringBuilder());
    }

    /**
     * @param stdout receives what util-linux's lsns prints to standard output while it reads
     *               its options: the characters of a {@code -Q} expression that start no token
     */
    static LsnsSettings parse(String[] args, StringBuilder stdout) {
        Getopt.Result parsed = GETOPT.parse(args);
        boolean json = false, raw = false, noHeadings = false, noTruncate = false, noWrap = false;
        boolean persistent = false, forceList = false, listColumns = false, netAsked = false;
        OptionalInt task = OptionalInt.empty();
        Set<NamespaceType> types = EnumSet.noneOf(NamespaceType.class);
        Tree tree = Tree.NONE;
        String outputList = null;
        List<LsnsColumn> columns = new ArrayList<>();
        Filter filter = null;
        Character[] exclusiveSeen = new Character[EXCLUSIVE.size()];

        for (Getopt.Opt o : parsed.options()) {
            checkExclusive(o.id(), exclusiveSeen);
            switch (o.id()) {
                case 'J' -> json = true;
                case 'l' -> forceList = true;
                case 'o' -> outputList = o.arg();
                case OUTPUT_ALL -> columns = new ArrayList<>(List.of(LsnsColumn.values()));
                case 'P' -> persistent = true;
                case 'p' -> task = OptionalInt.of(parsePid(o.arg()));
                case 'n' -> noHeadings = true;
                case 'r' -> {
                    raw = true;
                    noWrap = true;
                }
                case 'u' -> noTruncate = true;
                case 't' -> {
                    NamespaceType t = NamespaceType.fromProcName(o.arg())
                            .filter(x -> x.procName().equals(o.arg()))
                            .orElseThrow(() -> new CliException("unknown namespace type: " + o.arg()));
                    types.add(t);
                    if (t == NamespaceType.NET) netAsked = true;
                }
                case 'W' -> noWrap = true;
                case 'T' -> tree = parseTree(o.arg());
                case 'Q' -> filter = parseFilter(o.arg(), stdout);
                case 'H' -> listColumns = true;
                case 'h' -> {
                    return simple(Action.HELP);
                }
                case 'V' -> {
                    return simple(Action.VERSION);
                }
                default -> throw new IllegalStateException("option " + o.spelled() + " has no handler");
            }
        }
        Format format = json ? Format.JSON : raw ? Format.RAW : Format.HUMAN;
        if (listColumns) {
            return new LsnsSettings(Action.LIST_COLUMNS, format, true, noTruncate, noWrap, false,
                    OptionalInt.empty(), OptionalLong.empty(), EnumSet.allOf(NamespaceType.class), Tree.NONE, List.of(), null);
        }
        if (types.isEmpty()) types = EnumSet.allOf(NamespaceType.class);

        OptionalLong namespace = OptionalLong.empty();
        if (!parsed.operands().isEmpty()) {
            if (task.isPresent()) throw new CliException("--task is mutually exclusive with <namespace>");
            namespace = OptionalLong.of(parseNamespace(parsed.operands().getFirst()));
            if (tree == Tree.NONE && !forceList) tree = Tree.PROCESS;
            if (columns.isEmpty()) columns.addAll(List.of(LsnsColumn.PID, LsnsColumn.PPID, LsnsColumn.USER, LsnsColumn.COMMAND));
        }
        if (columns.isEmpty()) {
            columns.addAll(List.of(LsnsColumn.NS, LsnsColumn.TYPE, LsnsColumn.NPROCS, LsnsColumn.PID, LsnsColumn.USER));
            if (netAsked) columns.addAll(List.of(LsnsColumn.NETNSID, LsnsColumn.NSFS));
            columns.add(LsnsColumn.COMMAND);
            if (tree == Tree.NONE && !forceList) tree = Tree.PROCESS;
        }
        if (outputList != null) columns = applyOutputList(outputList, columns);
        return new LsnsSettings(Action.LIST, format, noHeadings, noTruncate, noWrap, persistent, task, namespace,
                types, tree, List.copyOf(columns), filter);
    }

    private static LsnsSettings simple(Action action) {
        return new LsnsSettings(action, Format.HUMAN, false, false, false, false, OptionalInt.empty(),
                OptionalLong.empty(), EnumSet.allOf(NamespaceType.class), Tree.NONE, List.of(), null);
    }

    /** Parsed where the option is met, as lsns does: a bad expression stops the command there. */
    private static Filter parseFilter(String expression, StringBuilder stdout) {
        try {
            Filter f = Filter.parse(expression);
            stdout.append(f.echoed());
            return f;
        } catch (FilterSyntaxException e) {
            stdout.append(e.echoed());
            throw new CliException("failed to parse \"" + expression + "\": " + e.getMessage());
        }
    }

    /** Whether a column is printed or tested by the filter (so the scan must fill it). */
    boolean needs(LsnsColumn c) {
        if (columns.contains(c)) return true;
        if (filter == null) return false;
        for (String name : filter.columns()) {
            if (LsnsColumn.byName(name).orElse(null) == c) return true;
        }
        return false;
    }

    private static void checkExclusive(int id, Character[] seen) {
        for (int g = 0; g < EXCLUSIVE.size(); g++) {
            List<Character> group = EXCLUSIVE.get(g);
            if (!group.contains((char) id)) continue;
            if (seen[g] == null) {
                seen[g] = (char) id;
            } else if (seen[g] != id) {
                throw new CliException("options " + longName(seen[g]) + " and " + longName((char) id) + " cannot be combined");
            }
        }
    }

    private static String longName(char c) {
        return switch (c) {
            case 'J' -> "--json";
            case 'r' -> "--raw";
            case 'P' -> "--persistent";
            case 'p' -> "--task";
            default -> "-" + c;
        };
    }

    /** {@code -T} with its optional attached argument; a leading '=' is allowed ({@code -T=parent}). */
    static Tree parseTree(String arg) {
        if (arg == null) return Tree.OWNER;
        String a = arg.startsWith("=") ? arg.substring(1) : arg;
        return switch (a) {
            case "parent" -> Tree.PARENT;
            case "process" -> Tree.PROCESS;
            case "owner" -> Tree.OWNER;
            default -> throw new CliException("unknown tree type: " + a);
        };
    }

    /** A PID as util-linux reads one: a decimal in 1..INT_MAX. */
    static int parsePid(String arg) {
        long v = parseSigned(arg, "invalid PID argument");
        if (v < 1 || v > Integer.MAX_VALUE) throw new CliException("invalid PID argument: '" + arg + "': Numerical result out of range");
        return (int) v;
    }

    private static long parseSigned(String arg, String what) {
        String s = arg.strip();
        try {
            if (s.isEmpty() || !s.matches("[+-]?[0-9]+")) throw new NumberFormatException();
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            if (s.matches("[+-]?[0-9]+")) throw new CliException(what + ": '" + arg + "': Numerical result out of range");
            throw new CliException(what + ": '" + arg + "'");
        }
    }

    /** The positional namespace: an unsigned 64-bit inode number. */
    static long parseNamespace(String arg) {
        String s = arg.strip();
        if (!s.matches("\\+?[0-9]+")) throw new CliException("invalid namespace argument: '" + arg + "'");
        try {
            return Long.parseUnsignedLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            throw new CliException("invalid namespace argument: '" + arg + "': Numerical result out of range");
        }
    }

    /**
     * {@code -o LIST} replaces the columns, {@code -o +LIST} appends to them. An unknown name
     * is reported with the rest of the list after it, as lsns does.
     */
    static List<LsnsColumn> applyOutputList(String list, List<LsnsColumn> current) {
        List<LsnsColumn> out = list.startsWith("+") ? new ArrayList<>(current) : new ArrayList<>();
        String names = list.startsWith("+") ? list.substring(1) : list;
        int pos = 0;
        while (true) {
            int comma = names.indexOf(',', pos);
            String name = comma < 0 ? names.substring(pos) : names.substring(pos, comma);
            String rest = names.substring(pos);
            out.add(LsnsColumn.byName(name).orElseThrow(() -> new CliException("unknown column: " + rest)));
            if (comma < 0) break;
            pos = comma + 1;
        }
        return out;
    }
}
