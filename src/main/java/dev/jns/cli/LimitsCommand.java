package dev.jns.cli;

import dev.jns.limits.NamespaceLimits;
import dev.jns.limits.NamespaceUsage;
import dev.jns.ns.NamespaceType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
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

    private static final String[] HEADERS = {"TYPE", "LIMIT", "USED", "UID", "UIDUSED", "FILE"};
    private static final boolean[] NUMERIC = {false, true, true, true, true, false};

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
        List<NamespaceUsage> usage = NamespaceLimits.usage();
        if (json) printJson(usage, out);
        else printTable(usage, out, raw, noHeadings);
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

    private static List<String[]> rows(List<NamespaceUsage> usage) {
        List<String[]> rows = new ArrayList<>();
        for (NamespaceUsage u : usage) {
            rows.add(new String[] {u.type().procName(), Long.toString(u.limit()), Integer.toString(u.used()),
                    Integer.toString(u.uid()), Integer.toString(u.uidUsed()), u.limitFile().toString()});
        }
        return rows;
    }

    /** Columns padded to their widest cell, numbers to the right, like util-linux's tables. */
    private static void printTable(List<NamespaceUsage> usage, PrintStream out, boolean raw, boolean noHeadings) {
        List<String[]> lines = new ArrayList<>();
        if (!noHeadings) lines.add(HEADERS);
        lines.addAll(rows(usage));
        int[] width = new int[HEADERS.length];
        for (String[] line : lines) {
            for (int c = 0; c < width.length; c++) width[c] = Math.max(width[c], line[c].length());
        }
        for (String[] line : lines) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < width.length; c++) {
                if (c > 0) sb.append(' ');
                String cell = line[c];
                if (raw) {
                    sb.append(cell);
                    continue;
                }
                String pad = " ".repeat(width[c] - cell.length());
                boolean last = c == width.length - 1;
                sb.append(NUMERIC[c] ? pad + cell : last ? cell : cell + pad);
            }
            out.println(sb);
        }
    }

    private static void printJson(List<NamespaceUsage> usage, PrintStream out) {
        StringBuilder sb = new StringBuilder("{\n   \"limits\": [");
        List<String[]> rows = rows(usage);
        for (int r = 0; r < rows.size(); r++) {
            sb.append(r == 0 ? "\n" : ",\n").append("      {");
            String[] row = rows.get(r);
            for (int c = 0; c < HEADERS.length; c++) {
                sb.append(c == 0 ? "\n" : ",\n").append("         \"").append(HEADERS[c].toLowerCase()).append("\": ");
                sb.append(NUMERIC[c] ? row[c] : "\"" + row[c] + "\"");
            }
            sb.append("\n      }");
        }
        sb.append("\n   ]\n}");
        out.println(sb);
    }
}
