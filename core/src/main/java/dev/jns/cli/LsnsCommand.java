package dev.jns.cli;

import dev.jns.cli.LsnsSettings.Tree;
import dev.jns.cli.table.Column;
import dev.jns.cli.table.HumanFormat;
import dev.jns.cli.table.JsonFormat;
import dev.jns.cli.table.RawFormat;
import dev.jns.cli.table.Table;
import dev.jns.cli.table.Text;
import dev.jns.cli.table.TreeSymbols;
import dev.jns.inventory.Inventory;
import dev.jns.inventory.NamespaceRecord;
import dev.jns.inventory.ScanOptions;
import dev.jns.os.Terminal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code jns lsns}: lists namespaces like util-linux 2.42's lsns, including those that
 * only a bind mount, an open fd, a socket or a child namespace keeps alive.
 */
public final class LsnsCommand implements Command {
    private static final String HELP = """

            Usage:
             jns lsns [options] [<namespace>]

            List the namespaces on this system and what keeps them alive.

            Options:
             -J, --json             print JSON
             -l, --list             print a list, not the default process tree
             -n, --noheadings       leave out the header line
             -o, --output <list>    the columns to print (+<list> adds to the default)
                 --output-all       print every column
             -P, --persistent       only namespaces that no process is in
             -p, --task <pid>       only the namespaces of this process
             -Q, --filter <expr>    only the rows <expr> selects (scols-filter(5) syntax)
             -r, --raw              print space-separated cells, escaped
             -u, --notruncate       never cut cells to fit the terminal
             -W, --nowrap           keep multi-line cells on one line
             -t, --type <name>      only this type (mnt, net, ipc, user, pid, uts, cgroup, time)
             -T, --tree[=<rel>]     a tree by parent, owner (the default) or process

             -H, --list-columns     list the columns
             -h, --help             show this help
             -V, --version          show the version

            A <namespace> (an inode number) lists that namespace's processes.
            """;

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        StringBuilder echoed = new StringBuilder();
        LsnsSettings settings;
        try {
            settings = LsnsSettings.parse(args, echoed);
        } finally {
            if (!echoed.isEmpty()) {
                byte[] b = Text.bytes(echoed.toString());
                out.write(b, 0, b.length);
            }
        }
        String text = switch (settings.action()) {
            case HELP -> HELP;
            case VERSION -> Version.line("lsns") + "\n";
            case LIST_COLUMNS -> render(columnList(), settings);
            case LIST -> render(table(settings, err), settings);
        };
        byte[] bytes = Text.bytes(text);
        out.write(bytes, 0, bytes.length);
        out.flush();
        return 0;
    }

    /**
     * The cheapest scan that still fills every requested column and layout. Sockets are
     * always looked at, as lsns 2.42 does, so a net namespace that only a socket holds shows;
     * the scan asks the kernel (FFM) only about sockets that the socket tables of known
     * namespaces do not account for.
     */
    static ScanOptions scanOptions(LsnsSettings s) {
        boolean ownerOrParentTree = s.tree() == Tree.OWNER || s.tree() == Tree.PARENT;
        boolean relations = ownerOrParentTree || s.needs(LsnsColumn.PNS) || s.needs(LsnsColumn.ONS);
        boolean netnsIds = s.needs(LsnsColumn.NETNSID);
        return ScanOptions.minimal().withTypes(s.types())
                .withRelations(relations)
                .withGhosts(ownerOrParentTree)
                .withNetnsIds(netnsIds)
                .withSockets(true)
                .withAllCommands(s.namespace().isPresent() && s.columns().contains(LsnsColumn.COMMAND));
    }

    private static Table table(LsnsSettings settings, PrintStream err) {
        Inventory inventory = Inventory.scan(scanOptions(settings));
        if (settings.namespace().isEmpty()) {
            LsnsFilter filter = settings.filter() == null ? null : LsnsFilter.forNamespaces(settings.filter(), err);
            return LsnsTable.namespaces(inventory, settings, filter);
        }
        long inode = settings.namespace().getAsLong();
        NamespaceRecord ns = inventory.namespace(inode)
                .orElseThrow(() -> new CliException("not found namespace: " + Long.toUnsignedString(inode)));
        LsnsFilter filter = settings.filter() == null ? null : LsnsFilter.forProcesses(settings.filter());
        return LsnsTable.processes(inventory, settings, ns, filter);
    }

    /** The table of {@code -H}: each column's name, JSON type and meaning. */
    private static Table columnList() {
        Table t = new Table("lsns-columns", List.of(
                new Column("HOLDER", 0, true, false, false, false, false),
                new Column("TYPE", 0, false, false, false, false, false),
                new Column("DESCRIPTION", 0, false, false, false, false, false)));
        for (LsnsColumn c : LsnsColumn.values()) {
            t.addRow(null).set(0, c.name()).set(1, c.column().number() ? "<integer>" : "<string>").set(2, c.help());
        }
        return t;
    }

    private static String render(Table table, LsnsSettings s) {
        boolean headings = !s.noHeadings();
        return switch (s.format()) {
            case JSON -> new JsonFormat(table).render();
            case RAW -> table.printOrder().isEmpty() ? "" : new RawFormat(table, headings, TreeSymbols.forLocale()).render();
            case HUMAN -> table.printOrder().isEmpty() ? ""
                    : new HumanFormat(table, headings, terminalWidth(), TreeSymbols.forLocale()).render();
        };
    }

    /**
     * The width to fit when standard output is a terminal, else 0 (no truncation). The
     * link of fd 1 tells whether it is one without the cost of the FFM linker.
     */
    private static int terminalWidth() {
        String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
        } catch (IOException e) {
            return 0;
        }
        if (!target.startsWith("/dev/pts/") && !target.startsWith("/dev/tty") && !target.equals("/dev/console")) return 0;
        int cols = Terminal.columns(1);
        if (cols > 0) return cols;
        String env = System.getenv("COLUMNS");
        return env != null && env.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(env) : 80;
    }
}
