package dev.jns.oci;

import dev.jns.caps.Capability;
import dev.jns.ids.IdMap;
import dev.jns.json.JsonException;
import dev.jns.json.JsonWriter;
import dev.jns.mount.Propagation;
import dev.jns.plan.CallerIds;
import dev.jns.plan.Kernel;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.plan.PlanCompiler;
import dev.jns.spec.Capabilities;
import dev.jns.spec.Filesystem;
import dev.jns.spec.FsStep;
import dev.jns.spec.IdMapWriter;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.PidNamespaceEntry;
import dev.jns.spec.ResourceLimit;
import dev.jns.spec.Setgroups;
import dev.jns.spec.Supervision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.jns.mount.MountFlags.*;
import static dev.jns.ns.NamespaceType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** config.json to the engine's spec and plan: pure logic, no root, no kernel (the bundle is a temporary directory). */
class ConfigTranslationTest {
    private static final CallerIds ROOT = new CallerIds(0, 0), ALICE = new CallerIds(1000, 1000);
    private static final Kernel KERNEL = new Kernel(6, 18);

    @TempDir
    Path bundle;

    private Path rootfs() throws IOException {
        return Files.createDirectories(bundle.resolve("rootfs"));
    }

    private LaunchTranslator.OciLaunch translate(String config, CallerIds caller) throws IOException {
        rootfs();
        return LaunchTranslator.translate(ConfigReader.read(config), options(), caller);
    }

    private LaunchTranslator.CreateOptions options() {
        return new LaunchTranslator.CreateOptions(bundle, bundle.resolve("state/exec.fifo"), Optional.of(bundle.resolve("pid")),
                0, false, Optional.empty());
    }

    private static String defaultConfig(boolean rootless, long id) {
        return JsonWriter.indented(DefaultConfig.spec(rootless, id, id), "\t").replace("\"terminal\": true", "\"terminal\": false");
    }

    @Test
    void theDefaultSpecBecomesADetachedPid1InNewNamespacesWaitingAtTheFifo() throws IOException {
        LaunchSpec s = translate(defaultConfig(false, 0), ROOT).spec();
        assertThat(s.create().types()).containsExactlyInAnyOrder(PID, NET, IPC, UTS, MNT);
        assertThat(s.create().pidEntry()).isEqualTo(PidNamespaceEntry.PROGRAM_IS_PID_1);
        assertThat(s.program().command()).containsExactly("sh");
        assertThat(s.program().directory()).contains(Path.of("/"));
        assertThat(s.program().environment()).startsWith("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        assertThat(s.setup().hostname()).contains("jns");
        assertThat(s.setup().loopbackUp()).isTrue();
        assertThat(s.supervision()).isEqualTo(new Supervision.Detached(Optional.of(bundle.resolve("state/exec.fifo")),
                Optional.of(bundle.resolve("pid"))));
        assertThat(s.credentials().uid()).contains(0L);
        assertThat(s.credentials().groups()).contains(List.of());
        assertThat(s.credentials().noNewPrivileges()).isTrue();
        assertThat(s.credentials().newSession()).isTrue();
        Set<Capability> three = Set.of(Capability.AUDIT_WRITE, Capability.KILL, Capability.NET_BIND_SERVICE);
        assertThat(s.capabilities()).isEqualTo(new Capabilities.Sets(three, three, three, Set.of(), Set.of()));
        assertThat(s.limits()).containsExactly(new ResourceLimit(7, 1024, 1024));
        assertThat(s.filesystem().propagation()).isEqualTo(Propagation.SLAVE);
    }

    @Test
    void theRootIsBuiltUnderTheRootfsThenPivotedIntoThenMaskedAndMadeReadOnly() throws IOException {
        Path rootfs = rootfs().toRealPath();
        List<FsStep> steps = translate(defaultConfig(false, 0), ROOT).spec().filesystem().steps();
        // the root's own mount first, so that what is mounted on it goes with it into the pivot
        assertThat(steps).startsWith(new FsStep.Mount(rootfs.toString(), rootfs, null, MS_BIND | MS_REC, null),
                new FsStep.Dir(rootfs.resolve("proc"), 0755),
                new FsStep.Mount("proc", rootfs.resolve("proc"), "proc", 0, null),
                new FsStep.Dir(rootfs.resolve("dev"), 0755),
                new FsStep.Mount("tmpfs", rootfs.resolve("dev"), "tmpfs", MS_NOSUID | (1L << 24), "mode=755,size=65536k"),
                new FsStep.Dir(rootfs.resolve("dev/pts"), 0755),
                new FsStep.Mount("devpts", rootfs.resolve("dev/pts"), "devpts", MS_NOSUID | MS_NOEXEC,
                        "newinstance,ptmxmode=0666,mode=0620,gid=5"));
        // the default devices bound from the caller's, their links, then the pivot
        assertThat(steps).contains(new FsStep.MountPoint(rootfs.resolve("dev/null"), 0666),
                new FsStep.Bind(Path.of("/dev/null"), rootfs.resolve("dev/null"), MOUNT_ATTR_NOSUID, false),
                new FsStep.Symlink("/proc/self/fd", rootfs.resolve("dev/fd")),
                new FsStep.Symlink("pts/ptmx", rootfs.resolve("dev/ptmx")));
        int pivot = steps.indexOf(new FsStep.PivotRoot(rootfs, false));
        assertThat(pivot).isPositive();
        List<FsStep> after = steps.subList(pivot + 1, steps.size());
        assertThat(after).contains(new FsStep.Bind(Path.of("/dev/null"), Path.of("/proc/keys"), 0, true),
                new FsStep.Bind(Path.of("/proc/sys"), Path.of("/proc/sys"), MOUNT_ATTR_RDONLY, true));
        assertThat(after).filteredOn(f -> f instanceof FsStep.Mount m && m.target().equals(Path.of("/proc/acpi")))
                .allMatch(f -> ((FsStep.Mount) f).fstype().equals("tmpfs") && (((FsStep.Mount) f).flags() & MS_RDONLY) != 0);
        FsStep last = after.getLast();
        assertThat(last).isInstanceOf(FsStep.Mount.class);
        assertThat(((FsStep.Mount) last).target()).isEqualTo(Path.of("/"));
        assertThat(((FsStep.Mount) last).flags() & (MS_REMOUNT | MS_BIND | MS_RDONLY)).isEqualTo(MS_REMOUNT | MS_BIND | MS_RDONLY);
    }

    @Test
    void thePlanSetsLimitsAndTheFiveCapabilitySetsAndOpensTheFifoThroughItsPinnedDirectory() throws IOException {
        LaunchPlan plan = PlanCompiler.compile(translate(defaultConfig(false, 0), ROOT).spec(), ROOT, KERNEL);
        long three = Capability.mask(Set.of(Capability.AUDIT_WRITE, Capability.KILL, Capability.NET_BIND_SERVICE));
        assertThat(plan.opsOf(Op.SetCapabilities.class)).containsExactly(new Op.SetCapabilities(three, three, three, 0, 0));
        assertThat(plan.opsOf(Op.SetRlimit.class)).containsExactly(new Op.SetRlimit(7, 1024, 1024));
        assertThat(plan.opsOf(Op.PivotRoot.class)).isNotEmpty();
        // the root bound onto itself once, before its first mount: a second recursive bind at the
        // pivot would drop the unbindable mounts made on the first
        String rootfs = bundle.resolve("rootfs").toRealPath().toString();
        List<Op.Mount> mounts = plan.opsOf(Op.Mount.class);
        assertThat(mounts).filteredOn(m -> rootfs.equals(m.source()) && rootfs.equals(m.target())).hasSize(1);
        assertThat(mounts.indexOf(new Op.Mount(rootfs, rootfs, null, MS_BIND | MS_REC, null)))
                .isLessThan(mounts.indexOf(new Op.Mount("proc", rootfs + "/proc", "proc", 0, null)));
        assertThat(plan.opsOf(Op.Open.class)).anySatisfy(o -> {
            assertThat(o.path()).isEqualTo("exec.fifo");
            assertThat(o.dirSlot()).isNotNegative();
        });
        assertThat(plan.ops().getLast()).isInstanceOf(Op.Exec.class);
    }

    @Test
    void theRootlessSpecMapsRootToTheCallerAndDeniesSetgroups() throws IOException {
        LaunchSpec s = translate(defaultConfig(true, 1000), ALICE).spec();
        assertThat(s.create().types()).containsExactlyInAnyOrder(PID, IPC, UTS, MNT, USER);
        assertThat(s.user().uidMap()).containsExactly(IdMap.single(0, 1000));
        assertThat(s.user().uidWriter()).isEqualTo(IdMapWriter.PROC_FILES);
        assertThat(s.user().setgroups()).contains(Setgroups.DENY);
        assertThat(s.credentials().groups()).isEmpty(); // setgroups is denied: not called at all
        assertThat(s.filesystem().steps()).contains(new FsStep.Bind(Path.of("/sys"), bundle.resolve("rootfs").toRealPath().resolve("sys"),
                MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false));
        // a range beyond the caller's own id goes through newuidmap
        String ranged = defaultConfig(true, 1000).replaceFirst("\"size\": 1", "\"size\": 65536");
        assertThat(translate(ranged, ALICE).spec().user().uidWriter()).isEqualTo(IdMapWriter.SHADOW_UTILS);
    }

    @Test
    void withoutAMountNamespaceTheContainerIsOnlyChrootedIntoItsRootAsRuncDoes() throws IOException {
        String config = """
                {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
                 "process": {"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0}},
                 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
                 "linux": {"namespaces": [{"type": "pid"}], "maskedPaths": ["/proc/kcore"]}}""";
        LaunchSpec s = translate(config, ROOT).spec();
        assertThat(s.create().types()).containsExactly(PID);
        assertThat(s.filesystem().steps()).containsExactly(new FsStep.ChangeRoot(bundle.resolve("rootfs").toRealPath()));
        LaunchPlan plan = PlanCompiler.compile(s, ROOT, KERNEL);
        assertThat(plan.opsOf(Op.Mount.class)).as("nothing mounted in the caller's mount namespace").isEmpty();
        assertThat(plan.opsOf(Op.ChangeRoot.class)).hasSize(1);
        // a joined one gets the root built in it, its tree made a slave first (as runc does there)
        Path rootfs = bundle.resolve("rootfs").toRealPath();
        LaunchSpec joined = translate(config.replace("{\"type\": \"pid\"}", "{\"type\": \"mount\", \"path\": \"/proc/1/ns/mnt\"}"), ROOT).spec();
        assertThat(joined.create().types()).isEmpty();
        assertThat(joined.join().files()).containsExactly(new dev.jns.spec.Joins.JoinedFile(Path.of("/proc/1/ns/mnt"), MNT));
        assertThat(joined.filesystem().steps()).startsWith(new FsStep.Mount(null, Path.of("/"), null, MS_REC | MS_SLAVE, null),
                new FsStep.Mount(rootfs.toString(), rootfs, null, MS_BIND | MS_REC, null));
        assertThat(joined.filesystem().steps()).contains(new FsStep.PivotRoot(rootfs, false));
        LaunchPlan joinedPlan = PlanCompiler.compile(joined, ROOT, KERNEL);
        assertThat(joinedPlan.opsOf(Op.Setns.class)).anyMatch(o -> (o.types() & MNT.cloneFlag()) != 0);
        assertThat(joinedPlan.opsOf(Op.Mount.class).getFirst()).isEqualTo(new Op.Mount(null, "/", null, MS_REC | MS_SLAVE, null));
    }

    @Test
    void namespacesWithAPathAreJoinedAndBindMountsGetAMountPointLikeTheirSource() throws IOException {
        String config = """
                {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
                 "process": {"args": ["true"], "cwd": "/work", "user": {"uid": 5, "gid": 6, "additionalGids": [7]}},
                 "mounts": [{"destination": "/etc/hosts", "type": "bind", "source": "/etc/hosts", "options": ["rbind", "ro", "rprivate"]},
                            {"destination": "/data", "source": "/tmp", "options": ["bind"]}],
                 "linux": {"namespaces": [{"type": "mount"}, {"type": "network", "path": "/run/netns/x"}],
                           "sysctl": {"net.ipv4.ip_forward": "1"}, "rootfsPropagation": "private"}}""";
        LaunchTranslator.OciLaunch launch = translate(config, ROOT);
        LaunchSpec s = launch.spec();
        Path rootfs = bundle.resolve("rootfs").toRealPath();
        assertThat(s.create().types()).containsExactly(MNT);
        assertThat(s.join().files()).containsExactly(new dev.jns.spec.Joins.JoinedFile(Path.of("/run/netns/x"), NET));
        assertThat(s.filesystem().steps()).startsWith(new FsStep.Mount(rootfs.toString(), rootfs, null, MS_BIND | MS_REC, null),
                new FsStep.MountPoint(rootfs.resolve("etc/hosts"), 0644),
                new FsStep.Bind(Path.of("/etc/hosts"), rootfs.resolve("etc/hosts"), MOUNT_ATTR_RDONLY, false),
                new FsStep.Mount(null, rootfs.resolve("etc/hosts"), null, MS_PRIVATE | MS_REC, null),
                new FsStep.Dir(rootfs.resolve("data"), 0755),
                new FsStep.Bind(Path.of("/tmp"), rootfs.resolve("data"), 0, false),
                new FsStep.PivotRoot(rootfs, false));
        assertThat(s.credentials().groups()).contains(List.of(7L));
        assertThat(s.capabilities()).isEqualTo(new Capabilities.Unchanged());
        assertThat(s.filesystem().propagation()).isEqualTo(Propagation.PRIVATE);
        assertThat(launch.sysctl()).containsEntry("net.ipv4.ip_forward", "1");
    }

    @Test
    void aSharedOrUnbindableRootIsGivenItsPropagationOnceEnteredFromAPrivateParent() throws IOException {
        Path rootfs = rootfs().toRealPath();
        String shared = defaultConfig(false, 0).replace("\"linux\": {", "\"linux\": {\"rootfsPropagation\": \"rshared\",");
        Filesystem fs = translate(shared, ROOT).spec().filesystem();
        assertThat(fs.propagation()).isEqualTo(Propagation.SHARED);
        // pivot_root wants the new root's parent mount not shared: the mount the rootfs is on, first
        assertThat(fs.steps()).startsWith(new FsStep.Mount(null, MountInfo.mountPointOf(rootfs), null, MS_PRIVATE, null),
                new FsStep.Mount(rootfs.toString(), rootfs, null, MS_BIND | MS_REC, null));
        assertThat(fs.steps().getLast()).isEqualTo(new FsStep.Mount(null, Path.of("/"), null, MS_REC | MS_SHARED, null));
        assertThat(fs.steps().indexOf(new FsStep.PivotRoot(rootfs, false))).isLessThan(fs.steps().size() - 1);

        String unbindable = defaultConfig(false, 0).replace("\"linux\": {", "\"linux\": {\"rootfsPropagation\": \"unbindable\",");
        fs = translate(unbindable, ROOT).spec().filesystem();
        assertThat(fs.propagation()).as("binds are made from the tree until the root is entered").isEqualTo(Propagation.SLAVE);
        assertThat(fs.steps().getFirst()).isEqualTo(new FsStep.Mount(rootfs.toString(), rootfs, null, MS_BIND | MS_REC, null));
        assertThat(fs.steps().getLast()).isEqualTo(new FsStep.Mount(null, Path.of("/"), null, MS_REC | MS_UNBINDABLE, null));

        for (String mode : List.of("rslave", "private")) {
            fs = translate(defaultConfig(false, 0).replace("\"linux\": {", "\"linux\": {\"rootfsPropagation\": \"" + mode + "\","),
                    ROOT).spec().filesystem();
            assertThat(fs.steps()).as(mode).noneMatch(f -> f instanceof FsStep.Mount m && (m.flags() & (MS_SHARED | MS_UNBINDABLE)) != 0);
        }
        rootfs();
        LaunchTranslator.CreateOptions noPivot = new LaunchTranslator.CreateOptions(bundle, bundle.resolve("state/exec.fifo"),
                Optional.empty(), 0, true, Optional.empty());
        assertThatThrownBy(() -> LaunchTranslator.translate(ConfigReader.read(unbindable), noPivot, ROOT))
                .isInstanceOf(OciException.class).hasMessage("linux.rootfsPropagation: \"unbindable\" needs pivot_root, not --no-pivot");
        assertThatThrownBy(() -> translate(unbindable.replace("\"unbindable\"", "\"runshared\""), ROOT))
                .isInstanceOf(OciException.class).hasMessage("linux.rootfsPropagation: \"runshared\" not supported (private, slave, shared, "
                        + "unbindable and their r- forms are)");
    }

    @Test
    void whatCannotBeDoneIsRefusedInOneLineNamingIt() throws IOException {
        rootfs();
        String base = """
                {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
                 "process": {"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0}}, %s
                 "linux": {"namespaces": [{"type": "mount"}] %s}}""";
        record Case(String top, String linux, String message) {}
        List<Case> cases = List.of(
                new Case("\"hostname\": \"h\",", "", "unable to set hostname without a private UTS namespace"),
                new Case("", ", \"sysctl\": {\"kernel.panic\": \"1\"}", "linux.sysctl: kernel.panic is not in a separate kernel namespace"),
                new Case("", ", \"sysctl\": {\"net.core.somaxconn\": \"1\"}", "linux.sysctl: net.core.somaxconn needs the container's own net namespace"),
                new Case("", ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]",
                        "linux.uidMappings and gidMappings need a new user namespace in linux.namespaces"),
                new Case("", ", \"timeOffsets\": {\"monotonic\": {\"secs\": 1}}", "linux.timeOffsets need a new time namespace in linux.namespaces"),
                new Case("\"mounts\": [{\"destination\": \"/x\", \"source\": \"/nonexistent-jns\", \"options\": [\"bind\"]}],", "",
                        "mounts[0]: bind source /nonexistent-jns: no such file or directory"),
                new Case("\"mounts\": [{\"destination\": \"../../etc\", \"type\": \"tmpfs\"}],", "",
                        "mounts[0].destination: must be an absolute path, not \"../../etc\""));
        for (Case c : cases) {
            assertThatThrownBy(() -> LaunchTranslator.translate(ConfigReader.read(base.formatted(c.top(), c.linux())), options(), ROOT))
                    .as(c.message()).isInstanceOf(OciException.class).hasMessage(c.message());
        }
        assertThatThrownBy(() -> LaunchTranslator.translate(ConfigReader.read(base.formatted("", "")
                .replace("\"rootfs\"", "\"missing\"")), options(), ROOT))
                .hasMessage("invalid rootfs: stat " + bundle.resolve("missing") + ": no such file or directory");
    }

    @Test
    void idMappedBindsTakeTheMountsMappingsOrTheContainersAndEverythingElseIsRefusedByName() throws IOException {
        rootfs();
        Files.createDirectories(bundle.resolve("data"));
        String base = """
                {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
                 "process": {"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0}},
                 "mounts": [{"destination": "/data", "type": "bind", "source": "data", "options": %s %s}],
                 "linux": {"namespaces": [{"type": "mount"} %s] %s}}""";
        String mapped = ", \"uidMappings\": [{\"containerID\": 1000, \"hostID\": 0, \"size\": 1}],"
                + " \"gidMappings\": [{\"containerID\": 1000, \"hostID\": 0, \"size\": 2}]";
        String userNs = ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
                + " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 200000, \"size\": 65536}]";

        // the mount's own mappings, containerID stored and hostID shown; idmap: the top mount only
        FsStep.Bind bind = bindOf(translate(base.formatted("[\"rbind\", \"idmap\"]", mapped, "", ""), ROOT).spec());
        assertThat(bind.idMapping()).contains(new FsStep.IdMapping(List.of(new IdMap(1000, 0, 1)), List.of(new IdMap(1000, 0, 2)), false));
        // ridmap: every mount of the tree; mappings without either option still apply (as runc)
        assertThat(bindOf(translate(base.formatted("[\"rbind\", \"ridmap\"]", mapped, "", ""), ROOT).spec()).idMapping()
                .orElseThrow().recursive()).isTrue();
        assertThat(bindOf(translate(base.formatted("[\"rbind\"]", mapped, "", ""), ROOT).spec()).idMapping()).isPresent();
        assertThat(bindOf(translate(base.formatted("[\"rbind\"]", "", "", ""), ROOT).spec()).idMapping()).isEmpty();
        // the option alone in a new user namespace: the container's mappings
        FsStep.IdMapping own = bindOf(translate(base.formatted("[\"rbind\", \"idmap\"]", "", ", {\"type\": \"user\"}", userNs),
                ROOT).spec()).idMapping().orElseThrow();
        assertThat(own.uids()).containsExactly(new IdMap(0, 100000, 65536));
        assertThat(own.gids()).containsExactly(new IdMap(0, 200000, 65536));
        // the plan: made and mapped by the helper before the clone, attached onto the mount point made for it
        LaunchPlan plan = PlanCompiler.compile(translate(base.formatted("[\"rbind\", \"idmap\"]", mapped, "", ""), ROOT).spec(),
                ROOT, KERNEL);
        assertThat(plan.opsOf(Op.IdmapTree.class)).extracting(Op.IdmapTree::source).containsExactly(bundle.resolve("data").toString());
        assertThat(plan.opsOf(Op.UserNamespaceWithMaps.class)).extracting(Op.UserNamespaceWithMaps::uidMap, Op.UserNamespaceWithMaps::gidMap)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1000 0 1\n", "1000 0 2\n"));
        assertThat(plan.opsOf(Op.AttachTree.class)).extracting(Op.AttachTree::target)
                .containsExactly(bundle.resolve("rootfs/data").toString());

        record Case(String options, String mappings, String namespaces, String linux, CallerIds caller, String message) {}
        List<Case> cases = List.of(
                new Case("[\"rbind\", \"idmap\"]", "", "", "", ROOT,
                        "mounts[0]: idmap without uidMappings and gidMappings needs a user namespace in linux.namespaces"),
                new Case("[\"rbind\", \"ridmap\"]", "", ", {\"type\": \"user\", \"path\": \"/proc/1/ns/user\"}", "", ROOT,
                        "mounts[0]: ridmap without uidMappings and gidMappings in a joined user namespace: not supported by jns yet"),
                new Case("[\"rbind\"]", ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": 1}]", "", "", ROOT,
                        "mounts[0]: id-mapped mounts must have both uid and gid mappings specified"),
                new Case("[\"rbind\", \"idmap\"]", mapped, "", "", ALICE,
                        "mounts[0]: id-mapped mounts are not supported for rootless containers"));
        for (Case c : cases) {
            assertThatThrownBy(() -> LaunchTranslator.translate(ConfigReader.read(base.formatted(c.options(), c.mappings(),
                    c.namespaces(), c.linux())), options(), c.caller()))
                    .as(c.message()).isInstanceOf(OciException.class).hasMessage(c.message());
        }
        String tmpfs = base.replace("\"type\": \"bind\", \"source\": \"data\"", "\"type\": \"tmpfs\", \"source\": \"tmpfs\"");
        assertThatThrownBy(() -> LaunchTranslator.translate(ConfigReader.read(tmpfs.formatted("[\"idmap\"]", mapped, "", "")),
                options(), ROOT)).hasMessage("mounts[0]: id-mapped mounts are only supported for bind-mounts");
    }

    private static FsStep.Bind bindOf(LaunchSpec s) {
        return s.filesystem().steps().stream().filter(FsStep.Bind.class::isInstance).map(FsStep.Bind.class::cast)
                .filter(b -> b.target().endsWith("data")).findFirst().orElseThrow();
    }

    @Test
    void theReaderRefusesWhatJnsDoesNotSupportAndMalformedValuesWithTheirLine() {
        assertThatThrownBy(() -> ConfigReader.read("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"},\n"
                + " \"linux\": {\"intelRdt\": {}}}"))
                .isInstanceOf(JsonException.class).hasMessage("config.json: linux.intelRdt: intelRdt not supported by jns yet at line 2");
        assertThatThrownBy(() -> ConfigReader.read("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"},\n"
                + " \"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0},\n \"args\": \"sh\"}}"))
                .hasMessage("config.json: process.args: expected array of strings, found string at line 3");
        assertThatThrownBy(() -> ConfigReader.read("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"},\n"
                + " \"linux\": {\"namespaces\": [{\"type\": \"pid\"},\n {\"type\": \"bogus\"}]}}"))
                .hasMessage("config.json: linux.namespaces[1].type: unknown namespace type \"bogus\" at line 3");
        assertThatThrownBy(() -> ConfigReader.read("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"},\n"
                + " \"linux\": {\"resources\": {\"memory\": {\"limit\": 1048576},\n \"rdma\": {}, \"pids\": {\"limit\": \"x\"}}}}"))
                .hasMessage("config.json: linux.resources.rdma: linux.resources.rdma not supported by jns yet at line 3");
        String seccomp = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"},\n \"linux\": {\"seccomp\": %s}}";
        assertThatThrownBy(() -> ConfigReader.read(seccomp.formatted("{\"defaultAction\": \"SCMP_ACT_NOTIFY\",\n \"listenerPath\": \"/s\"}")))
                .hasMessage("config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action at line 2");
        assertThatThrownBy(() -> ConfigReader.read(seccomp.formatted("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
                + " \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}")))
                .hasMessage("config.json: linux.seccomp: listenerPath is required when an action is SCMP_ACT_NOTIFY"
                        + " (the socket the listener is sent to) at line 2");
        assertThatThrownBy(() -> ConfigReader.read(seccomp.formatted("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/s\",\n"
                + " \"syscalls\": [{\"names\": [\"sendmsg\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}")))
                .hasMessage("config.json: linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY for sendmsg would stop jns handing the"
                        + " listener over (it sends it with sendmsg) at line 3");
        OciConfig.Seccomp read = ConfigReader.read(seccomp.formatted("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/s\","
                + " \"listenerMetadata\": \"m\", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"))
                .linux().seccomp().orElseThrow();
        assertThat(read.listenerPath()).contains("/s");
        assertThat(read.listenerMetadata()).isEqualTo("m");
        assertThat(SeccompTranslator.filter(read).rules()).extracting(dev.jns.seccomp.SeccompFilter.Rule::action)
                .containsExactly(dev.jns.seccomp.SeccompAction.NOTIFY);
        assertThatThrownBy(() -> ConfigReader.read("{\"root\": {\"path\": \"r\"}}"))
                .hasMessage("config.json: ociVersion: missing (in the object at line 1)");
        assertThatThrownBy(() -> ConfigReader.read("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"windows\": {}}"))
                .hasMessage("config.json: windows: not supported: jns runs Linux containers only at line 1");
    }

    @Test
    void theSeccompSectionBecomesAFilterWithTheSpecsMaskedCompare() throws IOException {
        String config = """
                {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
                 "process": {"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0}},
                 "linux": {"namespaces": [{"type": "mount"}], "seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
                   "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
                   "syscalls": [{"names": ["mkdir", "rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                                {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                                 "args": [{"index": 0, "value": 4294967295, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]}]}}}""";
        dev.jns.seccomp.SeccompFilter f = translate(config, ROOT).seccomp().orElseThrow();
        assertThat(f.architectures()).containsExactly(dev.jns.seccomp.Architecture.X86_64, dev.jns.seccomp.Architecture.X86);
        assertThat(f.rules()).extracting(dev.jns.seccomp.SeccompFilter.Rule::syscall).containsExactly("mkdir", "rmdir", "personality");
        assertThat(f.rules().getFirst().action()).isEqualTo(dev.jns.seccomp.SeccompAction.errno(13));
        assertThat(f.rules().getLast().checks()).containsExactly(dev.jns.seccomp.ArgumentCheck.maskedEqual(0, 0xFFFFFFFFL, 8));
    }

    @Test
    void devicesAreMadeWithMknodAsRootAndBoundFromTheCallerInAUserNamespace() throws IOException {
        String devices = "\"devices\": [{\"path\": \"/dev/test1\", \"type\": \"c\", \"major\": 10, \"minor\": 666, "
                + "\"fileMode\": 432, \"uid\": 5, \"gid\": 6}, {\"path\": \"/dev/null\", \"type\": \"c\", "
                + "\"major\": 1, \"minor\": 3}, {\"path\": \"/dev/fifo\", \"type\": \"p\"}]";
        String config = """
                {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
                 "process": {"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0}},
                 "mounts": [{"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}],
                 "linux": {"namespaces": [{"type": "mount"}NS], DEVICES}}""".replace("DEVICES", devices);
        Path root = bundle.resolve("rootfs");
        LaunchSpec asRoot = translate(config.replace("NS", ""), ROOT).spec();
        LaunchPlan plan = PlanCompiler.compile(asRoot);
        assertThat(plan.opsOf(Op.MakeNode.class)).containsExactly(
                new Op.MakeNode(Op.NO_ROOT, root + "/dev/test1", 0020660, 10, 666, 5, 6),
                new Op.MakeNode(Op.NO_ROOT, root + "/dev/null", 0020666, 1, 3, 0, 0),
                new Op.MakeNode(Op.NO_ROOT, root + "/dev/fifo", 0010666, 0, 0, 0, 0));
        // the config's /dev/null replaces the default bind of the caller's
        assertThat(asRoot.filesystem().steps()).filteredOn(FsStep.Bind.class::isInstance).map(s -> ((FsStep.Bind) s).target())
                .contains(root.resolve("dev/zero")).doesNotContain(root.resolve("dev/null"));

        String rootless = config.replace("NS", ", {\"type\": \"user\"}").replace("\"linux\": {", "\"linux\": {\"uidMappings\": "
                + "[{\"containerID\": 0, \"hostID\": 0, \"size\": 1}], \"gidMappings\": [{\"containerID\": 0, \"hostID\": 0, "
                + "\"size\": 1}], ");
        LaunchSpec spec = translate(rootless, ROOT).spec();
        assertThat(spec.filesystem().steps()).contains(new FsStep.Bind(Path.of("/dev/test1"), root.resolve("dev/test1"),
                MOUNT_ATTR_NOSUID, false));
        assertThat(spec.filesystem().steps()).filteredOn(FsStep.DeviceNode.class::isInstance)
                .containsExactly(new FsStep.DeviceNode(root.resolve("dev/fifo"), 0010666, 0, 0, 0, 0));

        assertThatThrownBy(() -> ConfigReader.read(config.replace("NS", "").replace("\"type\": \"p\"", "\"type\": \"x\"")))
                .hasMessage("config.json: linux.devices[2].type: is not a device type (c, u, b or p): \"x\" at line 4");
        assertThatThrownBy(() -> ConfigReader.read(config.replace("NS", "").replace(", \"major\": 10", "")))
                .hasMessage("config.json: linux.devices[0].major: missing (in the object at line 4)");
    }
}
