package dev.jns.cli;

import dev.jns.cli.LsnsSettings.Tree;
import dev.jns.cli.table.Column;
import dev.jns.cli.table.Table;
import dev.jns.inventory.Holder;
import dev.jns.inventory.Inventory;
import dev.jns.inventory.NamespaceRecord;
import dev.jns.inventory.ProcessRecord;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Lays an inventory out as lsns's table: which rows, in which order, under which parent
 * row, with which cell values. The rules are lsns's: namespaces by inode; in the process
 * tree a row hangs under the last row shown for its lowest process's parent; in the
 * owner/parent trees a namespace's owner or parent is shown first and it hangs below.
 */
final class LsnsTable {
    private final Inventory inventory;
    private final LsnsSettings settings;
    private final Table table;
    /** The {@code -Q} filter, or null: a row it rejects is not added, and nothing hangs below it. */
    private final LsnsFilter filter;
    private final Map<Long, Table.Row> namespaceRows = new HashMap<>();
    private final Map<Integer, Table.Row> processRows = new HashMap<>();

    private LsnsTable(Inventory inventory, LsnsSettings settings, LsnsFilter filter) {
        this.inventory = inventory;
        this.settings = settings;
        this.filter = filter;
        this.table = new Table("namespaces", settings.columns().stream().map(this::column).toList());
    }

    /** The namespace list (no NS argument). */
    static Table namespaces(Inventory inventory, LsnsSettings settings, LsnsFilter filter) {
        LsnsTable t = new LsnsTable(inventory, settings, filter);
        for (NamespaceRecord ns : inventory.namespaces()) {
            if (settings.task().isPresent() && !t.hasProcess(ns, settings.task().getAsInt())) continue;
            if (settings.persistentOnly() && ns.processCount() != 0) continue;
            if (!t.namespaceRows.containsKey(ns.inode())) t.showNamespace(ns);
        }
        return t.table;
    }

    /** The processes of one namespace (the NS argument). */
    static Table processes(Inventory inventory, LsnsSettings settings, NamespaceRecord ns, LsnsFilter filter) {
        LsnsTable t = new LsnsTable(inventory, settings, filter);
        for (ProcessRecord p : inventory.processesIn(ns)) {
            if (!t.processRows.containsKey(p.pid())) t.showProcess(p, ns);
        }
        return t.table;
    }

    private Column column(LsnsColumn c) {
        Column col = c.column();
        if (settings.noTruncate()) col = col.withTruncate(false);
        if (settings.noWrap()) col = col.withLines(false);
        if (settings.tree() == Tree.PROCESS && c == LsnsColumn.COMMAND) col = col.withTree(true);
        if ((settings.tree() == Tree.OWNER || settings.tree() == Tree.PARENT) && c == LsnsColumn.NS) col = col.withTree(true);
        return col;
    }

    private boolean hasProcess(NamespaceRecord ns, int pid) {
        return inventory.process(pid).map(p -> p.namespace(ns.type())).filter(OptionalLong::isPresent)
                .map(i -> i.getAsLong() == ns.inode()).orElse(false);
    }

    private void showNamespace(NamespaceRecord ns) {
        NamespaceRecord owner = related(ns.owner()), parent = related(ns.parent());
        if (settings.tree() == Tree.OWNER && owner != null && !namespaceRows.containsKey(owner.inode())) {
            showNamespace(owner);
        } else if (settings.tree() == Tree.PARENT) {
            if (parent != null) {
                if (!namespaceRows.containsKey(parent.inode())) showNamespace(parent);
            } else if (owner != null && !namespaceRows.containsKey(owner.inode())) {
                showNamespace(owner);
            }
        }
        addRow(ns, inventory.lowestProcess(ns).orElse(null));
    }

    private void showProcess(ProcessRecord p, NamespaceRecord ns) {
        ProcessRecord parent = inventory.process(p.ppid()).orElse(null);
        if (settings.tree() == Tree.PROCESS && parent != null && !processRows.containsKey(parent.pid())
                && parent.namespace(ns.type()).equals(p.namespace(ns.type()))) {
            showProcess(parent, ns);
        }
        addRow(ns, p);
    }

    private NamespaceRecord related(OptionalLong inode) {
        return inode.isPresent() ? inventory.namespace(inode.getAsLong()).orElse(null) : null;
    }

    private void addRow(NamespaceRecord ns, ProcessRecord p) {
        if (filter != null && !filter.test(new Cells(ns, p))) return;
        Table.Row parentRow = switch (settings.tree()) {
            case PROCESS -> p == null ? null : processRows.get(p.ppid());
            case PARENT -> related(ns.parent()) == null ? null : namespaceRows.get(ns.parent().getAsLong());
            case OWNER -> related(ns.owner()) == null ? null : namespaceRows.get(ns.owner().getAsLong());
            case NONE -> null;
        };
        Table.Row row = table.addRow(parentRow);
        List<LsnsColumn> cols = settings.columns();
        for (int i = 0; i < cols.size(); i++) row.set(i, value(cols.get(i), ns, p));
        if (settings.tree() == Tree.OWNER || settings.tree() == Tree.PARENT) namespaceRows.put(ns.inode(), row);
        else if (p != null) processRows.put(p.pid(), row);
    }

    /** One row's cells for the filter, computed when it asks for them. */
    private final class Cells implements LsnsFilter.Cells {
        private final NamespaceRecord ns;
        private final ProcessRecord p;

        Cells(NamespaceRecord ns, ProcessRecord p) {
            this.ns = ns;
            this.p = p;
        }

        @Override
        public String value(LsnsColumn column) {
            return LsnsTable.this.value(column, ns, p);
        }
    }

    private String value(LsnsColumn c, NamespaceRecord ns, ProcessRecord p) {
        int uid = p != null ? p.uid() : ns.ownerUid().orElse(0);
        return switch (c) {
            case NS -> Long.toUnsignedString(ns.inode());
            case TYPE -> ns.type().procName();
            case PATH -> p == null ? null : "/proc/" + p.pid() + "/ns/" + ns.type().procName();
            case NPROCS -> Integer.toString(ns.processCount());
            case PID -> p == null ? null : Integer.toString(p.pid());
            case PPID -> p == null ? null : Integer.toString(p.ppid());
            case COMMAND -> p == null ? null : p.command().orElse(null);
            case UID -> Integer.toString(uid);
            case USER -> inventory.userName(uid);
            case NETNSID -> ns.netnsId().map(Object::toString).orElse(null);
            case NSFS -> mountPoints(ns);
            case PNS -> Long.toUnsignedString(ns.parent().orElse(0));
            case ONS -> Long.toUnsignedString(ns.owner().orElse(0));
        };
    }

    /** The namespace's bind mounts in our own mount namespace, each once, in mountinfo order. */
    private String mountPoints(NamespaceRecord ns) {
        Set<String> points = new LinkedHashSet<>();
        for (Holder h : ns.holders()) {
            if (h instanceof Holder.BindMount b && inventory.ownMountNamespace().isPresent()
                    && b.mountNamespace() == inventory.ownMountNamespace().getAsLong()) {
                points.add(b.mountPoint());
            }
        }
        return points.isEmpty() ? null : String.join(settings.noWrap() ? "," : "\n", points);
    }
}
