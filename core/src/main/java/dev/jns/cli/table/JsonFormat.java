package dev.jns.cli.table;

import java.util.List;
import java.util.Locale;

/**
 * The JSON format of libsmartcols: {@code {"NAME": [ {row}, ... ]}} with three-space
 * indentation, lower-case keys, numbers bare, {@code null} for empty cells, and a tree's
 * children nested as {@code "children": [...]}. The layout (including the {@code },{}
 * between objects) follows util-linux's writer so that output compares byte for byte.
 */
public final class JsonFormat {
    private final Table table;
    private final StringBuilder out = new StringBuilder();
    private int indent;
    private boolean afterClose;

    public JsonFormat(Table table) {
        this.table = table;
    }

    public String render() {
        open(null, '{');
        open(table.name(), '[');
        List<Table.Row> top = table.isTree() ? table.roots() : table.printOrder();
        for (Table.Row row : top) object(row);
        close(']');
        close('}');
        return out.toString();
    }

    private void object(Table.Row row) {
        open(null, '{');
        List<Column> cols = table.columns();
        for (int c = 0; c < cols.size(); c++) {
            Column col = cols.get(c);
            String v = row.cell(c);
            name(col.name().toLowerCase(Locale.ROOT));
            out.append(": ");
            out.append(v.isEmpty() ? "null" : col.number() ? v : Text.json(v));
            afterClose = true;
        }
        if (table.isTree() && !row.children().isEmpty()) {
            open("children", '[');
            for (Table.Row child : row.children()) object(child);
            close(']');
        }
        close('}');
    }

    private void name(String name) {
        if (afterClose) out.append(name != null ? ",\n" : ",");
        if (name != null || !afterClose) out.append("   ".repeat(indent));
        if (name != null) out.append(Text.json(name));
    }

    private void open(String name, char bracket) {
        name(name);
        out.append(name != null ? ": " : "").append(bracket).append('\n');
        indent++;
        afterClose = false;
    }

    private void close(char bracket) {
        indent--;
        out.append('\n').append("   ".repeat(indent)).append(bracket);
        if (indent == 0) out.append('\n');
        afterClose = true;
    }
}
