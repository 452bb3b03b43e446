package dev.jns.inventory;

import dev.jns.inventory.ProcFs.NsLink;
import dev.jns.inventory.ProcFs.NsfsMount;
import dev.jns.ns.NamespaceType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcFsTest {
    @Test
    void namespaceLinksParseOnlyForTheEightTypes() {
        assertThat(ProcFs.parseNsLink("net:[4026531833]")).hasValue(new NsLink(NamespaceType.NET, 4026531833L));
        assertThat(ProcFs.parseNsLink("cgroup:[4026531835]")).hasValue(new NsLink(NamespaceType.CGROUP, 4026531835L));
        assertThat(ProcFs.parseNsLink("socket:[12345]")).isEmpty();
        assertThat(ProcFs.parseNsLink("pid_for_children:[4026531836]")).isEmpty();
        assertThat(ProcFs.parseNsLink("NET:[1]")).isEmpty();
        assertThat(ProcFs.parseNsLink("/tmp/net:[1]")).isEmpty();
        assertThat(ProcFs.parseNsLink("net:[]")).isEmpty();
        assertThat(ProcFs.parseNsLink("net:[12x]")).isEmpty();
        assertThat(ProcFs.parseSocketLink("socket:[987]")).isEqualTo(987);
        assertThat(ProcFs.parseSocketLink("pipe:[987]")).isEqualTo(-1);
    }

    @Test
    void ppidIsCountedFromTheLastParenthesis() {
        assertThat(ProcFs.ppidFromStat("4711 (sleep) S 4700 4711 4700 0 -1 4194304 ...")).isEqualTo(4700);
        assertThat(ProcFs.ppidFromStat("99 (a) b (c) d) R 1 99 99 0")).isEqualTo(1);
        assertThat(ProcFs.ppidFromStat("2 (kthreadd) S 0 0 0 0 -1")).isZero();
        assertThatThrownBy(() -> ProcFs.ppidFromStat("garbage")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commandsAreShownLikeLsnsShowsThem() {
        assertThat(ProcFs.command("sleep\u0000600\u0000".getBytes(StandardCharsets.UTF_8))).hasValue("sleep 600");
        assertThat(ProcFs.command("kthreadd\n".getBytes(StandardCharsets.UTF_8))).hasValue("kthreadd");
        assertThat(ProcFs.command(new byte[0])).isEmpty();
        // a process that rewrote its argv without a final NUL loses its last byte, as in lsns
        assertThat(ProcFs.command("sshd: root@pts/0".getBytes(StandardCharsets.UTF_8))).hasValue("sshd: root@pts/");
        byte[] longLine = new byte[10_000];
        java.util.Arrays.fill(longLine, (byte) 'a');
        assertThat(ProcFs.command(longLine).orElseThrow()).hasSize(ProcFs.COMMAND_BUFFER - 1);
    }

    @Test
    void undecodableBytesSurviveAsLoneSurrogates() {
        String s = ProcFs.decode(new byte[] {'a', (byte) 0xff, (byte) 0xc3, (byte) 0xa9, 'z'});
        assertThat(s).isEqualTo("a\udcff\u00e9z");
        assertThat(ProcFs.decode("h\u00e9".getBytes(StandardCharsets.UTF_8))).isEqualTo("h\u00e9");
    }

    @Test
    void nsfsMountsComeFromMountinfoWithEscapesUndone() {
        String mountinfo = """
                22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw
                89 42 0:4 net:[4026532323] /run/netns/cap rw shared:2 - nsfs nsfs rw
                90 22 0:4 mnt:[4026532400] /tmp/with\\040space rw - nsfs nsfs rw
                91 22 0:4 / /weird rw - nsfs nsfs rw
                92 22 0:5 net:[1] /not/nsfs rw - tmpfs tmpfs rw
                """;
        assertThat(ProcFs.nsfsMounts(mountinfo)).containsExactly(
                new NsfsMount(new NsLink(NamespaceType.NET, 4026532323L), "/run/netns/cap"),
                new NsfsMount(new NsLink(NamespaceType.MNT, 4026532400L), "/tmp/with space"));
        assertThat(ProcFs.unescapeOctal("a\\134b\\011c\\012")).isEqualTo("a\\b\tc\n");
        assertThat(ProcFs.unescapeOctal("tail\\04")).isEqualTo("tail\\04");
    }

    @Test
    void socketTablesGiveTheirInodesWhateverTheirShape(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path tcp = java.nio.file.Files.writeString(dir.resolve("tcp"),
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                        + "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 232 1 0 100 0 0 10 0\n");
        java.nio.file.Path unix = java.nio.file.Files.writeString(dir.resolve("unix"),
                "Num       RefCount Protocol Flags    Type St Inode Path\n"
                        + "000000008b309dc6: 00000003 00000000 00000000 0001 03   228\n"
                        + "00000000aa: 00000002 00000000 00010000 0001 01 4711 /run/x.sock\n");
        java.nio.file.Path netlink = java.nio.file.Files.writeString(dir.resolve("netlink"),
                "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n"
                        + "0000000042edfa05 0   0          00000000 0        0        0     2        0        4\n");
        java.util.Set<Long> inodes = new java.util.HashSet<>();
        for (java.nio.file.Path t : java.util.List.of(tcp, unix, netlink, dir.resolve("missing"))) ProcFs.socketInodes(t, inodes);
        assertThat(inodes).containsExactlyInAnyOrder(232L, 228L, 4711L, 4L);
    }
}
