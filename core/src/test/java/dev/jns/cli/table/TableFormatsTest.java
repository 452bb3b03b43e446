package dev.jns.cli.table;

import dev.jns.testing.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The three libsmartcols formats on small hand-made tables. */
class TableFormatsTest {
    private static final Column NS = new Column("NS", 10, true, false, false, false, true);
    private static final Column TYPE = new Column("TYPE", 5, false, false, false, false, false);
    private static final Column PID = new Column("PID", 5, true, false, false, false, true);
    private static final Column NSFS = new Column("NSFS", 0, false, false, true, false, false);
    private static final Column COMMAND = new Column("COMMAND", 0, false, true, false, false, false);

    private static Table processTree() {
        Table t = new Table("namespaces", List.of(NS, TYPE, PID, COMMAND.withTree(true)));
        Table.Row a = t.addRow(null).set(0, "4026531836").set(1, "pid").set(2, "2").set(3, "kthreadd");
        t.addRow(null).set(0, "4026532000").set(1, "net").set(2, "9").set(3, "init");
        t.addRow(a).set(0, "4026531860").set(1, "mnt").set(2, "25").set(3, "kdevtmpfs");
        t.addRow(a).set(0, "4026531900").set(1, "uts").set(2, "31").set(3, "x y");
        return t;
    }

    @Test
    void humanAlignsNumbersRightAndLeavesTheLastColumnUnpadded() {
        String out = new HumanFormat(processTree(), true, 0, TreeSymbols.UTF8).render();
        assertThat(out).isEqualTo("""
                        NS TYPE PID COMMAND
                4026531836 pid    2 kthreadd
                4026531860 mnt   25 \u251c\u2500kdevtmpfs
                4026531900 uts   31 \u2514\u2500x y
                4026532000 net    9 init
                """);
    }

    @Test
    void aWidthHintAppliesOnlyWhenTheDataIsWiderThanTheHeader() {
        // util-linux 2.42: PID data of 4 digits (wider than "PID") grows to the hint 5;
        // data no wider than the header keeps the header's width
        Table wide = new Table("t", List.of(PID, TYPE));
        wide.addRow(null).set(0, "1234").set(1, "user");
        assertThat(new HumanFormat(wide, true, 0, TreeSymbols.ASCII).render()).isEqualTo("  PID TYPE\n 1234 user\n");
        Table narrow = new Table("t", List.of(PID, TYPE));
        narrow.addRow(null).set(0, "7").set(1, "cgroup");
        assertThat(new HumanFormat(narrow, true, 0, TreeSymbols.ASCII).render()).isEqualTo("PID TYPE\n  7 cgroup\n");
        // without headings the minimum is 1: one digit stays one wide, two digits grow to the hint
        assertThat(new HumanFormat(narrow, false, 0, TreeSymbols.ASCII).render()).isEqualTo("7 cgroup\n");
        Table two = new Table("t", List.of(PID, TYPE));
        two.addRow(null).set(0, "25").set(1, "cgroup");
        assertThat(new HumanFormat(two, false, 0, TreeSymbols.ASCII).render()).isEqualTo("   25 cgroup\n");
    }

    @Test
    void multiLineCellsContinueUnderTheirColumnAndTheTree() {
        Table t = new Table("t", List.of(NS, NSFS, COMMAND.withTree(true)));
        Table.Row r = t.addRow(null).set(0, "1").set(1, "/run/netns/a\n/run/netns/b").set(2, "sh");
        t.addRow(r).set(0, "2").set(1, "").set(2, "sleep");
        assertThat(new HumanFormat(t, true, 0, TreeSymbols.ASCII).render()).isEqualTo("""
                NS NSFS         COMMAND
                 1 /run/netns/a sh
                   /run/netns/b |\s
                 2              `-sleep
                """);
    }

    @Test
    void onATerminalTruncatableColumnsAreCutToFit() {
        Table t = new Table("t", List.of(PID, COMMAND));
        t.addRow(null).set(0, "1").set(1, "a-rather-long-command --with --arguments");
        assertThat(new HumanFormat(t, true, 20, TreeSymbols.ASCII).render()).isEqualTo("PID COMMAND\n  1 a-rather-long-co\n");
        assertThat(new HumanFormat(t, true, 0, TreeSymbols.ASCII).render()).endsWith("--arguments\n");
        Table uncut = new Table("t", List.of(PID, COMMAND.withTruncate(false)));
        uncut.addRow(null).set(0, "1").set(1, "a-rather-long-command --with --arguments");
        assertThat(new HumanFormat(uncut, true, 20, TreeSymbols.ASCII).render()).endsWith("--arguments\n");
    }

    @Test
    void aTreeColumnIsCutButNeverBelowItsHeaderOrDrawing() {
        Table t = new Table("t", List.of(PID, COMMAND.withTree(true)));
        Table.Row top = t.addRow(null).set(0, "1").set(1, "init --with-arguments");
        t.addRow(top).set(0, "2").set(1, "child --with-arguments");
        assertThat(new HumanFormat(t, true, 12, TreeSymbols.ASCII).render()).isEqualTo("PID COMMAND\n  1 init --w\n  2 `-child \n");
        assertThat(new HumanFormat(t, true, 3, TreeSymbols.ASCII).render()).isEqualTo("PID COMMAND\n  1 init --\n  2 `-child\n");
    }

    @Test
    void humanEscapesControlCharactersButKeepsPrintableUnicode() {
        Table t = new Table("t", List.of(COMMAND));
        t.addRow(null).set(0, "caf\u00e9\tbar\udcff");
        assertThat(new HumanFormat(t, false, 0, TreeSymbols.ASCII).render()).isEqualTo("caf\u00e9\\x09bar\\xff\n");
    }

    @Test
    void rawEscapesBlanksBackslashesAndNonAsciiBytes() {
        String out = new RawFormat(processTree(), true, TreeSymbols.UTF8).render();
        assertThat(out).isEqualTo("""
                NS TYPE PID COMMAND
                4026531836 pid 2 kthreadd
                4026531860 mnt 25 \\xe2\\x94\\x9c\\xe2\\x94\\x80kdevtmpfs
                4026531900 uts 31 \\xe2\\x94\\x94\\xe2\\x94\\x80x\\x20y
                4026532000 net 9 init
                """);
        Table t = new Table("t", List.of(TYPE, PID));
        t.addRow(null).set(0, "a\\b").set(1, "");
        assertThat(new RawFormat(t, false, TreeSymbols.ASCII).render()).isEqualTo("a\\x5cb \n");
    }

    @Test
    void jsonNestsChildrenWritesNumbersBareAndEmptyAsNull() {
        Table t = processTree();
        t.addRow(null).set(0, "4026532001").set(1, "ipc").set(2, null).set(3, "say \"hi\"\n");
        String out = new JsonFormat(t).render();
        assertThat(out).startsWith("""
                {
                   "namespaces": [
                      {
                         "ns": 4026531836,
                         "type": "pid",
                         "pid": 2,
                         "command": "kthreadd",
                         "children": [
                            {
                               "ns": 4026531860,
                """);
        assertThat(out).contains("            }\n         ]\n      },{\n         \"ns\": 4026532000,");
        assertThat(out).endsWith("""
                         "pid": null,
                         "command": "say \\"hi\\"\\n"
                      }
                   ]
                }
                """);
        assertThat(Json.parse(out)).isNotNull();
    }

    @Test
    void anEmptyJsonTableIsAnEmptyArrayInUtilLinuxsLayout() {
        assertThat(new JsonFormat(new Table("namespaces", List.of(NS))).render()).isEqualTo("{\n   \"namespaces\": [\n\n   ]\n}\n");
    }

    @Test
    void textBytesRestoreUndecodableBytes() {
        assertThat(Text.bytes("a\udcffb\u00e9")).containsExactly('a', 0xff, 'b', 0xc3, 0xa9);
    }
}
