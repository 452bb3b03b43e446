package dev.jns.cli;

import dev.jns.cli.Getopt.Arg;
import dev.jns.cli.Getopt.LongOpt;
import dev.jns.cli.Getopt.Opt;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GetoptTest {
    private static final int MOUNT_PROC = 256, MAP_USERS = 257, MAP_USER = 258;
    private final Getopt unshare = new Getopt("+fhmnr", List.of(
            new LongOpt("fork", Arg.NONE, 'f'), new LongOpt("net", Arg.OPTIONAL, 'n'),
            new LongOpt("mount-proc", Arg.OPTIONAL, MOUNT_PROC),
            new LongOpt("map-users", Arg.REQUIRED, MAP_USERS), new LongOpt("map-user", Arg.REQUIRED, MAP_USER)));
    private final Getopt lsns = new Getopt("Jt:T::o:", List.of(new LongOpt("json", Arg.NONE, 'J'),
            new LongOpt("tree", Arg.OPTIONAL, 'T'), new LongOpt("type", Arg.REQUIRED, 't')));

    @Test
    void clusteredShortFlagsAndStopAtFirstOperand() {
        var r = unshare.parse(new String[] {"-fmn", "ls", "-l"});
        assertThat(r.options()).extracting(Opt::id).containsExactly((int) 'f', (int) 'm', (int) 'n');
        assertThat(r.operands()).containsExactly("ls", "-l");
    }

    @Test
    void optionalLongArgumentOnlyWhenAttached() {
        var r = unshare.parse(new String[] {"--net=/run/x", "--mount-proc", "/tmp/y"});
        assertThat(r.options()).containsExactly(new Opt('n', "/run/x", "--net"), new Opt(MOUNT_PROC, null, "--mount-proc"));
        assertThat(r.operands()).containsExactly("/tmp/y");
    }

    @Test
    void exactLongNameBeatsPrefixAndUniquePrefixIsAccepted() {
        assertThat(unshare.parse(new String[] {"--map-user", "5"}).options())
                .containsExactly(new Opt(MAP_USER, "5", "--map-user"));
        assertThat(unshare.parse(new String[] {"--mount-p=/p"}).options())
                .containsExactly(new Opt(MOUNT_PROC, "/p", "--mount-proc"));
        assertThatThrownBy(() -> unshare.parse(new String[] {"--map", "x"}))
                .hasMessage("option '--map' is ambiguous; possibilities: '--map-users' '--map-user'");
    }

    @Test
    void permutesOperandsWithoutPlus() {
        var r = lsns.parse(new String[] {"4026531836", "-J", "-tnet", "--", "-x"});
        assertThat(r.options()).containsExactly(new Opt('J', null, "-J"), new Opt('t', "net", "-t"));
        assertThat(r.operands()).containsExactly("4026531836", "-x");
    }

    @Test
    void optionalShortArgumentMustBeAttached() {
        var r = lsns.parse(new String[] {"-T", "owner"});
        assertThat(r.options()).containsExactly(new Opt('T', null, "-T"));
        assertThat(r.operands()).containsExactly("owner");
        assertThat(lsns.parse(new String[] {"-Tparent"}).options()).containsExactly(new Opt('T', "parent", "-T"));
    }

    @Test
    void errorsUseGlibcWording() {
        assertThatThrownBy(() -> unshare.parse(new String[] {"--foo"})).hasMessage("unrecognized option '--foo'");
        assertThatThrownBy(() -> unshare.parse(new String[] {"-x"})).hasMessage("invalid option -- 'x'");
        assertThatThrownBy(() -> lsns.parse(new String[] {"-t"})).hasMessage("option requires an argument -- 't'");
        assertThatThrownBy(() -> lsns.parse(new String[] {"--type"})).hasMessage("option '--type' requires an argument");
        assertThatThrownBy(() -> lsns.parse(new String[] {"--json=1"})).hasMessage("option '--json' doesn't allow an argument");
    }
}
