package dev.jns.cli;

import dev.jns.cli.filter.DataType;
import dev.jns.cli.filter.Filter;
import dev.jns.cli.filter.FilterEvaluationException;
import dev.jns.cli.filter.Value;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@code -Q} expression tied to lsns's columns: names are matched case-insensitively, a
 * column is a number when lsns's JSON prints it as one, and a row is tested on the same
 * cell texts lsns would print, hidden columns included.
 */
final class LsnsFilter {
    /**
     * Where lsns has not tied the names to columns (the process list of a NS argument) its
     * evaluation fails without setting errno; it prints what an earlier call left there.
     */
    private static final String UNBOUND_ERROR = "failed to apply filter: Inappropriate ioctl for device";

    /** The cell texts of the row under test. */
    interface Cells {
        String value(LsnsColumn column);
    }

    private final Filter filter;
    /** Column by name as written; null when unbound. */
    private final Map<String, LsnsColumn> columns;

    private LsnsFilter(Filter filter, Map<String, LsnsColumn> columns) {
        this.filter = filter;
        this.columns = columns;
    }

    /**
     * The filter for the namespace list. Each unknown name is reported on its own line, as
     * often as it is written, before the error that ends the command.
     */
    static LsnsFilter forNamespaces(Filter filter, PrintStream err) {
        Map<String, LsnsColumn> bound = new HashMap<>();
        boolean unknown = false;
        for (String name : filter.columns()) {
            LsnsColumn c = LsnsColumn.byName(name).orElse(null);
            if (c == null) {
                err.println("jns lsns: unknown column: " + name);
                unknown = true;
            } else {
                bound.put(name, c);
            }
        }
        if (unknown) throw new CliException("failed to initialize filter");
        return new LsnsFilter(filter, bound);
    }

    /** The filter for one namespace's processes: lsns never ties its names to columns there. */
    static LsnsFilter forProcesses(Filter filter) {
        return new LsnsFilter(filter, null);
    }

    boolean test(Cells cells) {
        try {
            return filter.test(new Row(cells));
        } catch (FilterEvaluationException e) {
            throw new CliException("failed to apply filter: " + e.getMessage());
        }
    }

    private final class Row implements Filter.Row {
        private final Cells cells;

        Row(Cells cells) {
            this.cells = cells;
        }

        @Override
        public DataType typeOf(String name) {
            LsnsColumn c = columns == null ? null : columns.get(name);
            return c != null && c.column().number() ? DataType.NUMBER : DataType.STRING;
        }

        @Override
        public Value valueOf(String name) {
            LsnsColumn c = columns == null ? null : columns.get(name);
            if (c == null) throw new CliException(UNBOUND_ERROR);
            return Value.ofCell(cells.value(c), typeOf(name));
        }
    }
}
