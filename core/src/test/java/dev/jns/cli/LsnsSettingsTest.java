package dev.jns.cli;

import dev.jns.cli.LsnsSettings.Format;
import dev.jns.cli.LsnsSettings.Tree;
import dev.jns.inventory.ScanOptions;
import dev.jns.ns.NamespaceType;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static dev.jns.cli.LsnsColumn.*;
import static org.assertj.core.api.Assertions.assertThat;

class LsnsSettingsTest {
    private static LsnsSettings parse(String... args) {
        return LsnsSettings.parse(args);
    }

    @Test
    void noArgumentsMeanTheDefaultColumnsAsAProcessTree() {
        LsnsSettings s = parse();
        assertThat(s.columns()).containsExactly(NS, TYPE, NPROCS, PID, USER, COMMAND);
        assertThat(s.tree()).isEqualTo(Tree.PROCESS);
        assertThat(s.types()).isEqualTo(EnumSet.allOf(NamespaceType.class));
        assertThat(s.format()).isEqualTo(Format.HUMAN);
    }

    @Test
    void typeNetAddsNetnsidAndNsfsBeforeCommand() {
        assertThat(parse("-t", "net").columns()).containsExactly(NS, TYPE, NPROCS, PID, USER, NETNSID, NSFS, COMMAND);
        assertThat(parse("-t", "user", "-t", "pid").types()).containsExactlyInAnyOrder(NamespaceType.USER, NamespaceType.PID);
    }

    @Test
    void listTurnsTheDefaultTreeOffButNotAnExplicitOne() {
        assertThat(parse("-l").tree()).isEqualTo(Tree.NONE);
        assertThat(parse("-l", "-T").tree()).isEqualTo(Tree.OWNER); // lsns declares -l/-T exclusive but never checks
        assertThat(parse("-T").tree()).isEqualTo(Tree.OWNER);
        assertThat(parse("-T=parent").tree()).isEqualTo(Tree.PARENT);
        assertThat(parse("--tree=process").tree()).isEqualTo(Tree.PROCESS);
        assertThat(parse("-Tparent").tree()).isEqualTo(Tree.PARENT);
    }

    @Test
    void outputListReplacesOrWithPlusAppendsCaseInsensitively() {
        assertThat(parse("-o", "ns,Pid").columns()).containsExactly(NS, PID);
        assertThat(parse("-o", "+uid").columns()).containsExactly(NS, TYPE, NPROCS, PID, USER, COMMAND, UID);
        assertThat(parse("--output-all").columns()).containsExactly(LsnsColumn.values());
        assertThat(parse("--output-all", "-o", "+NS").columns()).hasSize(14).endsWith(NS);
        // -o keeps the tree the default columns implied
        assertThat(parse("-o", "NS").tree()).isEqualTo(Tree.PROCESS);
    }

    @Test
    void aNamespaceArgumentListsProcessesInATree() {
        LsnsSettings s = parse("4026531836");
        assertThat(s.namespace()).hasValue(4026531836L);
        assertThat(s.columns()).containsExactly(PID, PPID, USER, COMMAND);
        assertThat(s.tree()).isEqualTo(Tree.PROCESS);
        assertThat(parse("-l", "4026531836").tree()).isEqualTo(Tree.NONE);
    }

    @Test
    void rawImpliesNowrap() {
        LsnsSettings s = parse("-r");
        assertThat(s.format()).isEqualTo(Format.RAW);
        assertThat(s.noWrap()).isTrue();
        assertThat(parse("-J").noWrap()).isFalse();
    }

    @Test
    void theScanDoesOnlyWhatTheOutputNeeds() {
        ScanOptions plain = LsnsCommand.scanOptions(parse());
        assertThat(plain.relations()).isFalse();
        assertThat(plain.netnsIds()).isFalse();
        assertThat(plain.sockets()).as("a net namespace only a socket holds is listed, as in lsns 2.42").isTrue();
        assertThat(plain.allCommands()).isFalse();

        ScanOptions owner = LsnsCommand.scanOptions(parse("-T"));
        assertThat(owner.relations()).isTrue();
        assertThat(owner.ghosts()).isTrue();

        ScanOptions pns = LsnsCommand.scanOptions(parse("-o", "+PNS"));
        assertThat(pns.relations()).isTrue();
        assertThat(pns.ghosts()).isFalse();

        assertThat(LsnsCommand.scanOptions(parse("-t", "net")).netnsIds()).isTrue();
        assertThat(LsnsCommand.scanOptions(parse("4026531836")).allCommands()).isTrue();
        assertThat(LsnsCommand.scanOptions(parse("-t", "uts")).types()).containsExactly(NamespaceType.UTS);
    }
}
