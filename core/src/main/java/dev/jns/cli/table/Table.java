package dev.jns.cli.table;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Rows of cells under columns, optionally as a tree (a row may have a parent row). Rows
 * keep the order they were added in; a tree prints each row's children right after it.
 * Built once by a command, then handed to one of the formats.
 */
public final class Table {
    private final String name;
    private final List<Column> columns;
    private final List<Row> rows = new ArrayList<>();

    /** A row: one value per column ({@code null} or empty for none) and its place in the tree. */
    public static final class Row {
        private final Row parent;
        private final List<Row> children = new ArrayList<>();
        private final String[] cells;

        private Row(Row parent, int width) {
            this.parent = parent;
            this.cells = new String[width];
        }

        public Row set(int column, String value) {
            cells[column] = value;
            return this;
        }

        public String cell(int column) {
            return cells[column] == null ? "" : cells[column];
        }

        public Row parent() { return parent; }

        public List<Row> children() { return Collections.unmodifiableList(children); }

        boolean isLastChild() {
            return parent != null && parent.children.getLast() == this;
        }
    }

    /** @param name the JSON name of the row array, e.g. {@code namespaces} */
    public Table(String name, List<Column> columns) {
        this.name = name;
        this.columns = List.copyOf(columns);
    }

    /** Adds a row under {@code parent} (null for a top-level row). */
    public Row addRow(Row parent) {
        Row r = new Row(parent, columns.size());
        rows.add(r);
        if (parent != null) parent.children.add(r);
        return r;
    }

    public String name() { return name; }

    public List<Column> columns() { return columns; }

    /** Whether rows print as a tree: only when some column carries the drawing. */
    public boolean isTree() {
        return columns.stream().anyMatch(Column::tree);
    }

    /** The rows in print order: depth-first by tree when {@link #isTree()}, else as added. */
    public List<Row> printOrder() {
        if (!isTree()) return Collections.unmodifiableList(rows);
        List<Row> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            if (r.parent == null) addDepthFirst(r, out);
        }
        return out;
    }

    /** The top-level rows, in the order added. */
    public List<Row> roots() {
        return rows.stream().filter(r -> r.parent == null).toList();
    }

    private static void addDepthFirst(Row r, List<Row> out) {
        out.add(r);
        for (Row c : r.children) addDepthFirst(c, out);
    }

    /** The tree drawing in front of a row's tree cell: ancestors' verticals, then its branch. */
    static String treeArt(Row r, TreeSymbols sym) {
        if (r.parent == null) return "";
        return ancestorsArt(r.parent, sym) + (r.isLastChild() ? sym.last() : sym.branch());
    }

    /** The drawing under a row for its continuation lines (multi-line cells). */
    static String continuationArt(Row r, TreeSymbols sym) {
        String art = ancestorsArt(r, sym);
        return r.children.isEmpty() ? art : art + sym.vertical();
    }

    private static String ancestorsArt(Row r, TreeSymbols sym) {
        if (r.parent == null) return "";
        return ancestorsArt(r.parent, sym) + (r.isLastChild() ? "  " : sym.vertical());
    }
}
