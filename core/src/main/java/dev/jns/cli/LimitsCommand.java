package dev.jns.cli;

import dev.jns.cli.table.Column;
import dev.jns.cli.table.HumanFormat;
import dev.jns.cli.table.JsonFormat;
import dev.jns.cli.table.RawFormat;
import dev.jns.cli.table.Table;
import dev.jns.cli.table.TreeSymbols;
import dev.jns.limits.NamespaceLimits;
import dev.jns.limits.NamespaceUsage;
import dev.jns.ns.NamespaceType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jns limits}: the per-user namespace limits of {@code /proc/sys/user}, how many
 * namespaces of each type are in use, and {@code --set TYPE=N} to change a limit (root).
 */
public final class LimitsCommand implements Command {
    private static final int OPT_SET = 1000;
    private static final Getopt GETOPT = new Getopt("Jnrh", List.of(
            new Getopt.LongOpt("json", Getopt.Arg.NONE, 'J'),
            new Getopt.LongOpt("noheadings", Getopt.Arg.NONE, 'n'),
            new Getopt.LongOpt("raw", Getopt.Arg.NONE, 'r'),
            new Getopt.LongOpt("set", Getopt.Arg.REQUIRED, OPT_SET),
            new Getopt.LongOpt("help", Getopt.Arg.NONE, 'h')));

    private static final String HELP = """

            Usage:
             jns limits [options]
             jns limits --set TYPE=N [--set TYPE=N...]

            Show the per-user limits on creating namespaces (/proc/sys/user/max_*_namespaces)
            and how many namespaces are in use, or change a limit (root only).

            Options:
             -J, --json             use JSON output format
             -n, --noheadings       don't print headings
             -r, --raw              use the raw output format
                 --set TYPE=N       set the limit for TYPE (mnt, net, pid, uts, ipc, user,
                                    cgroup, time) to N
             -h, --help             display this help

            Columns:
             TYPE     namespace type
             LIMIT    the value of the limit file
             USED     namespaces of the type visible to you
             UID      your effective uid, which new namespaces are charged to
             UIDUSED  namespaces of the type charged to UID: what LIMIT caps
             FILE     the limit file
            """;

    private static final List<Column> COLUMNS = List.of(text("TYPE"), number("LIMIT"), number("USED"),
            number("UID"), number("UIDUSED"), text("FILE"));

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        boolean json = false, raw = false, noHeadings = false;
        Map<NamespaceType, Long> settings = new EnumMap<>(NamespaceType.class);
        Getopt.Result parsed = GETOPT.parse(args);
        for (Getopt.Opt o : parsed.options()) {
            switch (o.id()) {
                case 'J' -> json = true;
                case 'r' -> raw = true;
                case 'n' -> noHeadings = true;
                case OPT_SET -> parseSetting(o.arg(), settings);
                case 'h' -> {
                    out.print(HELP);
                    return 0;
                }
                default -> throw new IllegalStateException("unhandled option " + o.spelled());
            }
        }
        if (!parsed.operands().isEmpty()) {
            throw new Getopt.UsageException("unexpected argument '" + parsed.operands().get(0) + "'");
        }
        if (json && raw) throw new CliException("options --json and --raw cannot be combined");
        if (!settings.isEmpty()) {
            apply(settings);
            return 0;
        }
        Table table = table(NamespaceLimits.usage());
        if (json) out.print(new JsonFormat(table).render());
        else if (raw) out.print(new RawFormat(table, !noHeadings, TreeSymbols.forLocale()).render());
        else out.print(new HumanFormat(table, !noHeadings, 0, TreeSymbols.forLocale()).render());
        return 0;
    }

    /** Adds one {@code TYPE=N} to {@code settings}; every setting is checked before any is written. */
    private static void parseSetting(String spec, Map<NamespaceType, Long> settings) {
        int eq = spec.indexOf('=');
        if (eq < 0) throw new CliException("--set needs TYPE=N: '" + spec + "'");
        String typeName = spec.substring(0, eq), value = spec.substring(eq + 1);
        NamespaceType type = NamespaceType.fromProcName(typeName)
                .orElseThrow(() -> new CliException("unknown namespace type: " + typeName));
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || n > NamespaceLimits.MAX_LIMIT) {
            throw new CliException("invalid limit for " + type.procName() + ": '" + value
                    + "' (must be 0.." + NamespaceLimits.MAX_LIMIT + ")");
        }
        settings.put(type, n);
    }

    private static void apply(Map<NamespaceType, Long> settings) throws IOException {
        for (Map.Entry<NamespaceType, Long> s : settings.entrySet()) {
            try {
                NamespaceLimits.setLimit(s.getKey(), s.getValue());
            } catch (AccessDeniedException e) {
                throw new CliException("cannot set " + NamespaceLimits.limitFile(s.getKey())
                        + ": Permission denied (changing a limit needs root, with CAP_SYS_RESOURCE)");
            }
        }
    }

    private static Table table(List<NamespaceUsage> usage) {
        Table table = new Table("limits", COLUMNS);
        for (NamespaceUsage u : usage) {
            table.addRow(null).set(0, u.type().procName()).set(1, Long.toString(u.limit()))
                    .set(2, Integer.toString(u.used())).set(3, Integer.toString(u.uid()))
                    .set(4, Integer.toString(u.uidUsed())).set(5, u.limitFile().toString());
        }
        return table;
    }

    private static Column text(String name) {
        return new Column(name, 0, false, false, false, false, false);
    }

    private static Column number(String name) {
        return new Column(name, 0, true, false, false, false, true);
    }
}
