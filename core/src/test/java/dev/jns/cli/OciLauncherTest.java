package dev.jns.cli;

import dev.jns.testing.Checkout;
import dev.jns.testing.JnsInstall;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.Tool;
import dev.jns.testing.ToolResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code jns oci} launchers: which AOT cache a command line gets ({@code tools/launch.sh},
 * shared by {@code ./jns} and {@code ./jns-oci}), and {@code ./jns-oci} itself as containerd and
 * runtime-tools run it: through a symlink, as a user who can only read the checkout, starting
 * java with the verb's cache, and handing over to {@code ./jns} while the build is stale.
 */
class OciLauncherTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "state c1 | jns-oci-state.aot",
            "--root /run/x --log /l.json --log-format json delete --force c1 | jns-oci-delete.aot",
            "--root=/run/x --debug start c1 | jns-oci-start.aot",
            "-root /run/x kill c1 KILL | jns-oci-kill.aot",
            "--root /run/x --systemd-cgroup create --bundle b c1 | jns-oci-create.aot",
            "run -d c1 | jns-oci-create.aot",
            "--log state exec c1 true | jns-oci-create.aot",
            "--rootless true list | jns-oci.aot",
            "-- state c1 | jns-oci-state.aot",
            "ps c1 | jns-oci.aot",
            "--version | jns-oci.aot",
            "'' | jns-oci.aot"})
    void picksTheCacheByTheVerbAfterTheGlobalOptions(String args, String cache) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", ". \"$0\"; here=/x; oci_cache \"$@\"; echo \"$oci_aot\"",
                Checkout.root().resolve("tools/launch.sh").toString()));
        if (!args.isEmpty()) command.addAll(List.of(args.split(" ")));
        ToolResult r = Tool.run(RunAs.caller(), command);
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout().strip()).isEqualTo("/x/core/target/" + cache);
    }

    @Test
    void runsJavaWithTheVerbsCacheThroughASymlinkAsAnotherUser() throws IOException {
        Privilege.requireRoot("switch to uid 65534");
        JnsInstall install = JnsInstall.shared();
        Path dir = Files.createTempDirectory("jns-oci-link");
        try {
            Path link = Files.createSymbolicLink(dir.resolve("runtime"), install.dir().resolve("jns-oci"));
            dir.toFile().setExecutable(true, false);
            // -Xlog:aot names the cache the JVM opened; JDK_JAVA_OPTIONS reaches java, not the launcher.
            ToolResult r = Tool.run(RunAs.nobody(), List.of(link.toString(), "--root", dir.resolve("state").toString(), "state",
                    "nosuch"), Map.of("JDK_JAVA_OPTIONS", "-Xlog:aot"));
            assertThat(r.exit()).as("%s", r).isEqualTo(1);
            assertThat(r.stderr()).contains("container does not exist");
            if (Files.exists(install.dir().resolve("core/target/jns-oci-state.aot"))) {
                assertThat(r.stdout()).contains(install.dir().resolve("core/target/jns-oci-state.aot").toString())
                        .doesNotContain("jns-oci-create.aot").doesNotContain("[error]").doesNotContain("[warning]");
            }
            ToolResult version = Tool.run(RunAs.nobody(), List.of(link.toString(), "--version"));
            assertThat(version.exit()).as("%s", version).isZero();
            assertThat(version.stdout()).startsWith("jns oci version");
        } finally {
            Files.deleteIfExists(dir.resolve("runtime"));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void handsOverToJnsWhileTheBuildIsStale() throws IOException {
        Privilege.requireRoot("switch to uid 65534");
        try (JnsInstall install = JnsInstall.build()) {
            // A source newer than the jar: ./jns rebuilds, which this user cannot, and says so.
            Path source = install.dir().resolve("core/src/main/java/Edited.java");
            Files.createDirectories(source.getParent());
            Files.writeString(source, "");
            Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60)));
            ToolResult r = Tool.run(RunAs.nobody(), List.of(install.dir().resolve("jns-oci").toString(), "--version"));
            assertThat(r.exit()).as("%s", r).isEqualTo(1);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).contains("is missing or out of date and this user cannot write there");
        }
    }
}
