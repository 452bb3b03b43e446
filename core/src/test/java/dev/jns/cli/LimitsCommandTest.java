package dev.jns.cli;

import dev.jns.limits.NamespaceLimits;
import dev.jns.ns.NamespaceType;
import dev.jns.testing.ExternalCommand;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class LimitsCommandTest {

    private record Result(int code, String out, String err) {}

    private static Result jns(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<NamespaceType, Long> allLimits() {
        Map<NamespaceType, Long> limits = new EnumMap<>(NamespaceType.class);
        for (NamespaceType t : NamespaceLimits.limitedTypes()) limits.put(t, NamespaceLimits.limit(t));
        return limits;
    }

    @Test
    void theTableHasOneRowPerTypeWithTheLimitFromTheFile() {
        Result r = jns("limits");

        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).matches("TYPE +LIMIT +USED +UID +UIDUSED +FILE");
        assertThat(lines).hasSize(1 + NamespaceLimits.limitedTypes().size());
        String net = lines.stream().filter(l -> l.startsWith("net ")).findFirst().orElseThrow();
        assertThat(net.split(" +")).satisfies(cells -> {
            assertThat(cells[1]).isEqualTo(Long.toString(NamespaceLimits.limit(NamespaceType.NET)));
            assertThat(Integer.parseInt(cells[2])).isPositive(); // at least the one jns runs in
            assertThat(cells[5]).isEqualTo("/proc/sys/user/max_net_namespaces");
        });
        // util-linux alignment: numbers to the right, so every line ends its LIMIT column at one place
        int limitEnd = lines.getFirst().indexOf("LIMIT") + "LIMIT".length();
        assertThat(lines).allSatisfy(l -> assertThat(l.charAt(limitEnd)).isEqualTo(' '));
    }

    @Test
    void rawAndNoHeadingsPrintSingleSpacedRows() {
        Result r = jns("limits", "-r", "-n");

        assertThat(r.code()).isZero();
        assertThat(r.out().lines()).allMatch(l -> l.matches("[a-z]+ \\d+ \\d+ \\d+ \\d+ /proc/sys/user/max_[a-z]+_namespaces"));
        assertThat(r.out().lines().map(l -> l.split(" ")[0]))
                .containsExactlyElementsOf(NamespaceLimits.limitedTypes().stream().map(NamespaceType::procName).toList());
    }

    @Test
    void jsonHasOneObjectPerTypeWithNumbersUnquoted() {
        Result r = jns("limits", "-J");

        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("{\n   \"limits\": [\n      {\n         \"type\": \"mnt\",\n         \"limit\": ");
        assertThat(r.out()).endsWith("\n   ]\n}\n");
        assertThat(r.out()).contains("\"file\": \"/proc/sys/user/max_net_namespaces\"");
        assertThat(r.out().lines().filter(l -> l.contains("\"uidused\": ")))
                .hasSize(NamespaceLimits.limitedTypes().size())
                .allMatch(l -> l.matches(" +\"uidused\": \\d+,"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--set foo=1     | jns limits: unknown namespace type: foo",
            "--set net=-1    | jns limits: invalid limit for net: '-1' (must be 0..2147483647)",
            "--set net=x     | jns limits: invalid limit for net: 'x' (must be 0..2147483647)",
            "--set net=2147483648 | jns limits: invalid limit for net: '2147483648' (must be 0..2147483647)",
            "--set net       | jns limits: --set needs TYPE=N: 'net'",
            "-J -r           | jns limits: options --json and --raw cannot be combined",
    })
    void badInputIsOneLineAndExitOneAndChangesNothing(String args, String message) {
        MachineState before = MachineState.capture();
        Map<NamespaceType, Long> limits = allLimits();
        List<String> argv = new ArrayList<>(List.of("limits"));
        argv.addAll(List.of(args.split(" ")));

        Result r = jns(argv.toArray(String[]::new));

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo(message + "\n");
        assertThat(allLimits()).isEqualTo(limits);
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void aValidSettingNextToABadOneIsNotWritten() {
        Map<NamespaceType, Long> limits = allLimits();

        Result r = jns("limits", "--set", "ipc=5", "--set", "bogus=1");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jns limits: unknown namespace type: bogus\n");
        assertThat(allLimits()).isEqualTo(limits);
    }

    @Test
    void unknownOptionsAndOperandsAreUsageErrors() {
        Result option = jns("limits", "--frob");
        assertThat(option.code()).isEqualTo(1);
        assertThat(option.err()).isEqualTo("jns limits: unrecognized option '--frob'\nTry 'jns limits --help' for more information.\n");

        Result operand = jns("limits", "net");
        assertThat(operand.code()).isEqualTo(1);
        assertThat(operand.err()).startsWith("jns limits: unexpected argument 'net'\n");
    }

    /** As an unprivileged uid: listing works, --set is refused with the reason and writes nothing. */
    @Test
    void setAsAnUnprivilegedUserFailsAndLeavesTheLimit() {
        Privilege.requireRoot("run jns as uid 65534 with setpriv");
        long before = NamespaceLimits.limit(NamespaceType.NET);
        List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

        ExternalCommand set = ExternalCommand.run(concat(asNobody, ExternalCommand.javaMain(Main.class, "limits", "--set", "net=5")));
        ExternalCommand list = ExternalCommand.run(concat(asNobody, ExternalCommand.javaMain(Main.class, "limits", "-r", "-n")));

        assertThat(set.exitCode()).isEqualTo(1);
        assertThat(set.stdout()).isEmpty();
        assertThat(set.stderr()).isEqualTo("jns limits: cannot set /proc/sys/user/max_net_namespaces: "
                + "Permission denied (changing a limit needs root, with CAP_SYS_RESOURCE)\n");
        assertThat(NamespaceLimits.limit(NamespaceType.NET)).isEqualTo(before);
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        assertThat(list.stdout().lines()).allMatch(l -> l.matches("[a-z]+ \\d+ \\d+ 65534 \\d+ \\S+"));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
