package dev.jns.cli;

import dev.jns.cli.UnshareOptions.Owner;
import dev.jns.ids.AccountFiles;
import dev.jns.ids.IdMap;
import dev.jns.ids.ProcessIds;
import dev.jns.ids.SubordinateIds;
import dev.jns.mount.Propagation;
import dev.jns.ns.NamespaceType;
import dev.jns.spec.Setgroups;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static dev.jns.ns.NamespaceType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Command-line decisions of {@code jns unshare}, as util-linux 2.42 makes them; no root needed. */
class UnshareParserTest {
    @TempDir Path dir;
    UnshareParser.Host alice;

    @BeforeEach
    void host() throws IOException {
        Files.writeString(dir.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/bash
                alice:x:1000:1000::/home/alice:/bin/zsh
                """);
        Files.writeString(dir.resolve("group"), "root:x:0:\nwheel:x:10:alice\n");
        Files.writeString(dir.resolve("subuid"), "alice:100000:65536\n");
        Files.writeString(dir.resolve("subgid"), "alice:200000:65536\n");
        Files.writeString(dir.resolve("uid_map"), "         0          0 4294967295\n");
        Files.writeString(dir.resolve("gid_map"), "         0          0 4294967295\n");
        alice = host(Map.of("SHELL", "/bin/bash", "PATH", "/usr/bin:/bin", "HOME", "/home/alice"));
    }

    private UnshareParser.Host host(Map<String, String> env) {
        return new UnshareParser.Host(new ProcessIds(1000, 1000, 1000, 1000), env,
                new AccountFiles(dir.resolve("passwd"), dir.resolve("group")),
                new SubordinateIds(dir.resolve("subuid")), new SubordinateIds(dir.resolve("subgid")),
                dir.resolve("uid_map"), dir.resolve("gid_map"));
    }

    private UnshareOptions run(String... args) {
        return run(alice, args);
    }

    private static UnshareOptions run(UnshareParser.Host host, String... args) {
        UnshareParser.Parsed p = new UnshareParser(host).parse(args);
        assertThat(p).isInstanceOf(UnshareParser.Run.class);
        return ((UnshareParser.Run) p).options();
    }

    private void fails(String message, String... args) {
        assertThatThrownBy(() -> new UnshareParser(alice).parse(args)).isInstanceOf(CliException.class)
                .hasMessage(message);
    }

    /**
     * An account file that cannot be read (here a directory, which fails to read even as
     * root) is what NSS makes of it for util-linux: no users, so its "no such user" words.
     */
    @Test
    void unreadablePasswdGivesUtilLinuxsWordsNotAnIoError() {
        UnshareParser.Host unreadable = new UnshareParser.Host(new ProcessIds(1000, 1000, 1000, 1000), Map.of(),
                new AccountFiles(dir, dir.resolve("group")),
                new SubordinateIds(dir.resolve("subuid")), new SubordinateIds(dir.resolve("subgid")),
                dir.resolve("uid_map"), dir.resolve("gid_map"));
        for (String[] args : new String[][] {
                {"--map-user=alice", "true"}, {"--map-auto", "true"}, {"--map-subids", "true"}, {"--map-users=subids", "true"}}) {
            String expected = args[0].equals("--map-user=alice") ? "failed to parse uid 'alice'" : "you (user 1000) don't exist.";
            assertThatThrownBy(() -> new UnshareParser(unreadable).parse(args)).as(String.join(" ", args))
                    .isInstanceOf(CliException.class).hasMessage(expected);
        }
        // A number needs no account file.
        assertThat(run(unreadable, "--map-user=1000", "true").uidMap()).containsExactly(new IdMap(1000, 1000, 1));
    }

    private void usage(String message, String... args) {
        assertThatThrownBy(() -> new UnshareParser(alice).parse(args)).isInstanceOf(Getopt.UsageException.class)
                .hasMessage(message);
    }

    @Test
    void rootlessPidNamespaceWithProc() {
        UnshareOptions o = run("-Urpf", "--mount-proc", "true");
        assertThat(o.namespaces()).containsExactlyInAnyOrder(USER, PID, MNT);
        assertThat(o.fork()).isTrue();
        assertThat(o.procMount()).contains("/proc");
        assertThat(o.propagation()).isEqualTo(Propagation.PRIVATE);
        assertThat(o.uidMap()).containsExactly(new IdMap(0, 1000, 1));
        assertThat(o.gidMap()).containsExactly(new IdMap(0, 1000, 1));
        assertThat(o.setgroups()).contains(Setgroups.DENY);
        assertThat(o.command()).containsExactly("true");
        assertThat(o.argv0()).isEmpty();
        assertThat(o.environment()).isEmpty();
    }

    @Test
    void plainUserNamespaceWritesNoMapsAndLeavesSetgroups() {
        UnshareOptions o = run("-U", "id");
        assertThat(o.namespaces()).containsExactly(USER);
        assertThat(o.uidMap()).isEmpty();
        assertThat(o.gidMap()).isEmpty();
        assertThat(o.setgroups()).isEmpty();
        assertThat(o.fork()).isFalse();
    }

    @Test
    void binfmtOptionsImplyUserAndMountAndTheirDefaultPlaceBringsAFreshProc() {
        UnshareOptions mount = run("--mount-binfmt", "true");
        assertThat(mount.namespaces()).containsExactlyInAnyOrder(USER, MNT);
        assertThat(mount.binfmtMount()).contains("/proc/sys/fs/binfmt_misc");
        assertThat(mount.procMount()).contains("/proc");
        UnshareOptions elsewhere = run("--mount-binfmt=/mnt/b", "true");
        assertThat(elsewhere.binfmtMount()).contains("/mnt/b");
        assertThat(elsewhere.procMount()).isEmpty();
        UnshareOptions load = run("-l", ":x:E::x::/bin/cat:", "true");
        assertThat(load.namespaces()).containsExactlyInAnyOrder(USER, MNT);
        assertThat(load.loadInterp()).contains(":x:E::x::/bin/cat:");
        assertThat(load.binfmtMount()).contains("/proc/sys/fs/binfmt_misc");
        assertThat(load.procMount()).contains("/proc");
        // In util-linux's order: a later --mount-binfmt=DIR moves the mount, the /proc stays.
        UnshareOptions both = run("--load-interp=:x:E::x::/bin/cat:", "--mount-binfmt=/mnt/b", "--mount-proc=/p", "true");
        assertThat(both.binfmtMount()).contains("/mnt/b");
        assertThat(both.procMount()).contains("/p");
        assertThat(run("--mount-binfmt=/mnt/b", "-l", "d", "true").binfmtMount()).contains("/mnt/b");
        usage("option requires an argument -- 'l'", "-l");
    }

    @Test
    void implications() {
        assertThat(run("--mount-proc=/mnt/p", "true").namespaces()).containsExactly(MNT);
        assertThat(run("--mount-proc=/mnt/p", "true").procMount()).contains("/mnt/p");
        UnshareOptions kill = run("--kill-child", "true");
        assertThat(kill.fork()).isTrue();
        assertThat(kill.killChildSignal()).isEqualTo(OptionalInt.of(9));
        assertThat(run("--kill-child=SIGTERM", "true").killChildSignal()).isEqualTo(OptionalInt.of(15));
        assertThat(run("--kill-child=rtmin+2", "true").killChildSignal()).isEqualTo(OptionalInt.of(36));
        assertThat(run("--forward-signals", "true").fork()).isTrue();
        assertThat(run("-c", "true").namespaces()).containsExactly(USER);
        assertThat(run("--map-user=0", "true").namespaces()).containsExactly(USER);
        assertThat(run("--owner", "1:2", "true").owner()).contains(new Owner(1, 2));
        // -R alone runs the program in the new root's /
        assertThat(run("-R", "/srv/root", "true").workDir()).contains("/");
        assertThat(run("-R", "/srv/root", "-w", "/tmp", "true").workDir()).contains("/tmp");
        assertThat(run("-w", "/tmp", "true").root()).isEmpty();
    }

    @Test
    void persistenceOnlyWithAttachedArgument() {
        UnshareOptions attached = run("--net=/run/x", "--pid=/run/p", "-f", "true");
        assertThat(attached.persistAt()).isEqualTo(Map.of(NET, "/run/x", PID, "/run/p"));
        // util-linux: "unshare -n /tmp/x" runs /tmp/x
        UnshareOptions separate = run("-n", "/tmp/x");
        assertThat(separate.persistAt()).isEmpty();
        assertThat(separate.command()).containsExactly("/tmp/x");
        usage("invalid option -- '/'", "-n/tmp/x");
    }

    @Test
    void parsingStopsAtTheProgram() {
        UnshareOptions o = run("-u", "sh", "-n", "-c", "x");
        assertThat(o.namespaces()).containsExactly(UTS);
        assertThat(o.command()).containsExactly("sh", "-n", "-c", "x");
    }

    @Test
    void unknownOptionAndMissingArgument() {
        usage("unrecognized option '--foo'", "--foo");
        usage("option '--map-user' requires an argument", "--map-user");
        usage("option '--fork' doesn't allow an argument", "--fork=1");
    }

    @Test
    void mapUserByNameOrNumber() {
        assertThat(run("--map-user=alice", "true").uidMap()).containsExactly(new IdMap(1000, 1000, 1));
        assertThat(run("--map-user=77", "--map-group=wheel", "true").gidMap()).containsExactly(new IdMap(10, 1000, 1));
        fails("failed to parse uid 'nosuchuser'", "--map-user=nosuchuser", "true");
        fails("failed to parse gid 'nosuchgroup'", "--map-group", "nosuchgroup", "true");
    }

    @Test
    void mapGroupForcesSetgroupsDenyAndExcludesAllow() {
        assertThat(run("--map-group=0", "true").setgroups()).contains(Setgroups.DENY);
        assertThat(run("--map-user=0", "true").setgroups()).isEmpty();
        fails("options --setgroups=allow and --map-group are mutually exclusive", "-r", "--setgroups=allow", "true");
        fails("options --setgroups=allow and --map-group are mutually exclusive", "--setgroups", "allow", "--map-group=0", "true");
        assertThat(run("-U", "--setgroups", "deny", "true").setgroups()).contains(Setgroups.DENY);
        assertThat(run("-U", "--setgroups", "allow", "true").setgroups()).contains(Setgroups.ALLOW);
        fails("unsupported --setgroups argument 'maybe'", "--setgroups=maybe", "true");
    }

    @Test
    void mapAutoUsesSubordinateIds() {
        UnshareOptions o = run("--map-auto", "true");
        assertThat(o.uidMap()).containsExactly(new IdMap(0, 100000, 65536));
        assertThat(o.gidMap()).containsExactly(new IdMap(0, 200000, 65536));
        assertThat(o.setgroups()).isEmpty();
        UnshareOptions withRoot = run("-r", "--map-auto", "true");
        assertThat(withRoot.uidMap()).containsExactly(new IdMap(0, 1000, 1), new IdMap(1, 100000, 65536));
        assertThat(withRoot.gidMap()).containsExactly(new IdMap(0, 1000, 1), new IdMap(1, 200000, 65536));
        // blocks are written by a privileged writer, so setgroups stays as asked
        assertThat(withRoot.setgroups()).isEmpty();
    }

    @Test
    void mapSubidsIsIdentity() {
        UnshareOptions o = run("--map-subids", "true");
        assertThat(o.uidMap()).containsExactly(new IdMap(100000, 100000, 65536));
        assertThat(o.gidMap()).containsExactly(new IdMap(200000, 200000, 65536));
        assertThat(run("--map-users=subids", "true").uidMap()).containsExactly(new IdMap(100000, 100000, 65536));
    }

    @Test
    void mapUsersRepeatableInEveryForm() {
        UnshareOptions o = run("--map-users=0:100000:10", "--map-users", "300000,10,5", "--map-groups=all", "true");
        assertThat(o.uidMap()).containsExactly(new IdMap(0, 100000, 10), new IdMap(10, 300000, 5));
        assertThat(o.gidMap()).containsExactly(new IdMap(0, 0, 4294967295L));
        assertThat(o.namespaces()).containsExactly(USER);
        fails("invalid mapping '0:0'", "--map-users=0:0", "true");
    }

    @Test
    void subordinateIdErrorsInUtilLinuxForm() {
        UnshareParser.Host bob = new UnshareParser.Host(new ProcessIds(0, 0, 0, 0), Map.of(), alice.accounts(),
                alice.subuid(), alice.subgid(), alice.uidMap(), alice.gidMap());
        assertThatThrownBy(() -> new UnshareParser(bob).parse(new String[] {"--map-auto", "true"}))
                .hasMessage("no line matching user \"root\" in " + dir.resolve("subuid"));
    }

    @Test
    void timeOffsetsNeedTimeNamespace() {
        fails("options --monotonic and --boottime require unsharing of a time namespace (-T)", "--monotonic", "5", "true");
        fails("options --monotonic and --boottime require unsharing of a time namespace (-T)", "--boottime=5", "true");
        UnshareOptions o = run("-T", "--boottime", "-86400", "--monotonic=3600", "true");
        assertThat(o.boottimeOffset()).isEqualTo(OptionalLong.of(-86400));
        assertThat(o.monotonicOffset()).isEqualTo(OptionalLong.of(3600));
        fails("failed to parse boottime offset: 'x'", "-T", "--boottime", "x", "true");
        fails("failed to parse boottime offset: '99999999999999999999': Numerical result out of range",
                "-T", "--boottime", "99999999999999999999", "true");
    }

    @Test
    void valueErrors() {
        fails("failed to parse uid: 'abc'", "-S", "abc", "true");
        fails("failed to parse uid: '-1': Numerical result out of range", "-S", "-1", "true");
        fails("failed to parse gid: 'x'", "-Gx", "true");
        assertThat(run("-S", "0", "-G", "5", "true").setgid()).isEqualTo(OptionalLong.of(5));
        fails("unsupported propagation mode: sideways", "--propagation", "sideways", "true");
        assertThat(run("-m", "--propagation", "slave", "true").propagation()).isEqualTo(Propagation.SLAVE);
        fails("unknown signal: 9", "--kill-child=9", "true");
        fails("unknown signal: RTMIN", "--kill-child=RTMIN", "true");
        fails("failed to parse owner", "--owner", "1", "true");
        fails("failed to parse owner", "--owner", "1:2x", "true");
    }

    @Test
    void defaultProgramIsALoginShell() {
        UnshareOptions o = run("-U");
        assertThat(o.command()).containsExactly("/bin/bash");
        assertThat(o.argv0()).contains("-bash");
        // no $SHELL: the passwd shell, then /bin/sh
        assertThat(run(host(Map.of()), "-U").command()).containsExactly("/bin/zsh");
        UnshareParser.Host stranger = new UnshareParser.Host(new ProcessIds(4242, 4242, 4242, 4242), Map.of(),
                alice.accounts(), alice.subuid(), alice.subgid(), alice.uidMap(), alice.gidMap());
        assertThat(run(stranger, "-U").command()).containsExactly("/bin/sh");
        assertThat(run(stranger, "-U").argv0()).contains("-sh");
    }

    @Test
    void environmentClearedOrWhitelisted() {
        assertThat(run("--clear-env", "env").environment()).contains(Map.of());
        assertThat(run("--whitelist-env", "PATH,NOPE", "--whitelist-env=HOME", "env").environment())
                .contains(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/alice"));
        // a cleared environment has no SHELL, so the passwd shell runs
        assertThat(run("--clear-env").command()).containsExactly("/bin/zsh");
    }

    @Test
    void helpAndVersion() {
        assertThat(new UnshareParser(alice).parse(new String[] {"-U", "--help"})).isInstanceOf(UnshareParser.Help.class);
        assertThat(new UnshareParser(alice).parse(new String[] {"-V"})).isInstanceOf(UnshareParser.Version.class);
        assertThat(new UnshareParser(alice).parse(new String[] {"--vers"})).isInstanceOf(UnshareParser.Version.class);
    }

    @Test
    void everyNamespaceFlag() {
        assertThat(run("-muinpUCT", "true").namespaces()).containsExactlyInAnyOrder(NamespaceType.values());
        assertThat(run("--mount", "--uts", "--ipc", "--net", "--pid", "--user", "--cgroup", "--time", "true")
                .namespaces()).containsExactlyInAnyOrder(NamespaceType.values());
    }

    @Test
    void unusedTypesStayUnused() {
        assertThat(run("-n", "true").owner()).isEqualTo(Optional.empty());
        assertThat(run("-n", "true").uidMap()).isEqualTo(List.of());
    }
}
