package dev.jns.oci;

import dev.jns.caps.Capability;
import dev.jns.ids.IdMap;
import dev.jns.mount.Propagation;
import dev.jns.ns.NamespaceType;
import dev.jns.plan.CallerIds;
import dev.jns.seccomp.SeccompFilter;
import dev.jns.spec.Capabilities;
import dev.jns.spec.Clock;
import dev.jns.spec.Credentials;
import dev.jns.spec.Descriptor;
import dev.jns.spec.Filesystem;
import dev.jns.spec.FsStep;
import dev.jns.spec.IdMapWriter;
import dev.jns.spec.Joins;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.NewNamespaces;
import dev.jns.spec.PerTypeSetup;
import dev.jns.spec.PidNamespaceEntry;
import dev.jns.spec.Program;
import dev.jns.spec.ResourceLimit;
import dev.jns.spec.Setgroups;
import dev.jns.spec.Supervision;
import dev.jns.spec.UserNamespace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static dev.jns.mount.MountFlags.MOUNT_ATTR_NODEV;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_NOEXEC;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_NOSUID;
import static dev.jns.mount.MountFlags.MOUNT_ATTR_RDONLY;
import static dev.jns.mount.MountFlags.MS_BIND;
import static dev.jns.mount.MountFlags.MS_PRIVATE;
import static dev.jns.mount.MountFlags.MS_RDONLY;
import static dev.jns.mount.MountFlags.MS_REC;
import static dev.jns.mount.MountFlags.MS_REMOUNT;
import static dev.jns.mount.MountFlags.MS_SHARED;
import static dev.jns.mount.MountFlags.MS_UNBINDABLE;

/**
 * Turns an {@link OciConfig} into the engine's {@link LaunchSpec}: a config.json is one more
 * way to describe a sandbox, so everything the container gets is a spec step the plan
 * compiler expands (no second engine). The container is built the way runc builds one: the
 * root bound onto itself, the config's mounts in order beneath it, the default devices and
 * their links when {@code /dev} is a fresh mount, {@code pivot_root} into it, then the masked
 * and read-only paths and a read-only root. The program is PID 1 of its pid namespace and
 * waits at the start fifo, detached, until {@code start}.
 */
public final class LaunchTranslator {
    private static final List<String> DEFAULT_DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");
    private static final List<String[]> DEV_LINKS = List.of(new String[] {"/proc/self/fd", "fd"},
            new String[] {"/proc/self/fd/0", "stdin"}, new String[] {"/proc/self/fd/1", "stdout"},
            new String[] {"/proc/self/fd/2", "stderr"}, new String[] {"/proc/kcore", "core"});
    private static final List<String> RLIMITS = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
            "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
            "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    /**
     * How this container is created, beyond its config.
     *
     * @param bundle     the bundle directory (absolute)
     * @param startFifo  where the program waits before exec until {@code start}
     * @param pidFile    where its pid goes ({@code --pid-file})
     * @param preserveFds how many descriptors after 2 the program gets, at the same numbers ({@code --preserve-fds})
     * @param noPivot    chroot instead of pivot_root ({@code --no-pivot})
     * @param terminal   the pty's terminal end, the program's stdio and console (with {@code process.terminal})
     */
    public record CreateOptions(Path bundle, Path startFifo, Optional<Path> pidFile, int preserveFds, boolean noPivot,
                                Optional<TerminalEnd> terminal) {}

    /** The terminal end of a pty: this process's descriptor of it, and its path ({@code /dev/pts/N}). */
    public record TerminalEnd(int fd, Path path) {}

    /**
     * What {@code create} starts: the spec, and what is applied to it from outside while it
     * waits at the fifo.
     *
     * @param seccomp     the filter to compile and add to the spec (compiling needs libseccomp)
     * @param oomScoreAdj written to {@code /proc/PID/oom_score_adj}
     * @param sysctl      written in its namespaces, in order
     */
    public record OciLaunch(LaunchSpec spec, Optional<SeccompFilter> seccomp, Optional<Integer> oomScoreAdj,
                            Map<String, String> sysctl, Path rootfs) {}

    private final OciConfig config;
    private final CreateOptions options;
    private final CallerIds caller;
    private final Path rootfs;

    private LaunchTranslator(OciConfig config, CreateOptions options, CallerIds caller) {
        this.config = config;
        this.options = options;
        this.caller = caller;
        Path root = Path.of(config.root().path());
        this.rootfs = options.bundle().resolve(root).normalize();
    }

    /** @throws OciException naming what in the config cannot be done, in one line */
    public static OciLaunch translate(OciConfig config, CreateOptions options, CallerIds caller) {
        return new LaunchTranslator(config, options, caller).translate();
    }

    private OciLaunch translate() {
        OciConfig.Process process = config.process().orElseThrow(() -> refuse("process: missing: nothing to run"));
        if (!Files.isDirectory(rootfs)) {
            throw new OciException("invalid rootfs: stat " + rootfs + ": " + (Files.exists(rootfs) ? "not a directory"
                    : "no such file or directory"));
        }
        Set<NamespaceType> create = EnumSet.noneOf(NamespaceType.class);
        List<Joins.JoinedFile> joins = new ArrayList<>();
        for (OciConfig.Namespace n : config.linux().namespaces()) {
            NamespaceType type = namespaceType(n.type());
            if (n.path().isPresent()) joins.add(new Joins.JoinedFile(Path.of(n.path().get()), type));
            else create.add(type);
        }
        // A joined mount namespace gets the root built in it, as a new one does (runc's way: the
        // helper joins it before the clone, and the child, in it, mounts and pivots there).
        boolean joinedMnt = !create.contains(NamespaceType.MNT) && joins.stream().anyMatch(j -> j.type() == NamespaceType.MNT);
        boolean mnt = create.contains(NamespaceType.MNT) || joinedMnt;
        boolean uts = create.contains(NamespaceType.UTS) || joins.stream().anyMatch(j -> j.type() == NamespaceType.UTS);
        if ((config.hostname().isPresent() || config.domainname().isPresent()) && !uts) {
            throw refuse("unable to set hostname without a private UTS namespace");
        }
        boolean newUser = create.contains(NamespaceType.USER);
        UserNamespace user = userNamespace(newUser);
        Map<Clock, Duration> offsets = clockOffsets(create);
        Optional<Setgroups> setgroups = user.setgroups();
        boolean groupsDenied = setgroups.isPresent() && setgroups.get() == Setgroups.DENY;
        OciConfig.User u = process.user();
        Credentials credentials = new Credentials(Optional.of(u.uid()), Optional.of(u.gid()),
                u.additionalGids().isEmpty() && groupsDenied ? Optional.empty() : Optional.of(u.additionalGids()),
                process.noNewPrivileges(), true, umaskOf(u));
        List<Descriptor> descriptors = new ArrayList<>();
        if (process.terminal()) {
            int tty = options.terminal().orElseThrow(() -> refuse("process.terminal needs --console-socket")).fd();
            for (int fd = 0; fd <= 2; fd++) descriptors.add(new Descriptor.Inherited(tty, fd));
        }
        for (int i = 0; i < options.preserveFds(); i++) descriptors.add(new Descriptor.Inherited(3 + i, 3 + i));
        LaunchSpec spec = new LaunchSpec(
                new Program(process.args(), Optional.empty(), process.env(), Optional.of(Path.of(process.cwd()))),
                new NewNamespaces(create, PidNamespaceEntry.PROGRAM_IS_PID_1, Map.of()),
                new Joins(joins, Optional.empty(), false, Optional.empty(), Optional.empty()),
                user,
                mnt ? new Filesystem(buildPropagation(), filesystem(process, joinedMnt)) : rootOnly(),
                new PerTypeSetup(config.hostname(), config.domainname(), true, offsets),
                credentials,
                capabilitiesOf(process),
                new Supervision.Detached(Optional.of(options.startFifo()), options.pidFile()),
                descriptors, List.of(), false, limitsOf(process));
        Optional<SeccompFilter> seccomp = config.linux().seccomp().map(SeccompTranslator::filter);
        Map<String, String> sysctl = config.linux().sysctl();
        for (String key : sysctl.keySet()) checkSysctl(key, create, joins);
        return new OciLaunch(spec, seccomp, process.oomScoreAdj(), sysctl, rootfs);
    }

    static NamespaceType namespaceType(String type) {
        return switch (type) {
            case "pid" -> NamespaceType.PID;
            case "network" -> NamespaceType.NET;
            case "mount" -> NamespaceType.MNT;
            case "ipc" -> NamespaceType.IPC;
            case "uts" -> NamespaceType.UTS;
            case "user" -> NamespaceType.USER;
            case "cgroup" -> NamespaceType.CGROUP;
            case "time" -> NamespaceType.TIME;
            default -> throw refuse("linux.namespaces: unknown namespace type \"" + type + "\"");
        };
    }

    private UserNamespace userNamespace(boolean newUser) {
        List<OciConfig.IdMapping> uids = config.linux().uidMappings(), gids = config.linux().gidMappings();
        if (!newUser) {
            if (!uids.isEmpty() || !gids.isEmpty()) {
                throw refuse("linux.uidMappings and gidMappings need a new user namespace in linux.namespaces");
            }
            return UserNamespace.NONE;
        }
        if (uids.isEmpty() || gids.isEmpty()) throw refuse("a new user namespace needs linux.uidMappings and linux.gidMappings");
        List<IdMap> uidMap = uids.stream().map(m -> new IdMap(m.containerId(), m.hostId(), m.size())).toList();
        List<IdMap> gidMap = gids.stream().map(m -> new IdMap(m.containerId(), m.hostId(), m.size())).toList();
        // Root writes any map itself; anyone else only their own id, and other ranges through
        // the setuid newuidmap/newgidmap (which check /etc/subuid and /etc/subgid).
        IdMapWriter uidWriter = caller.euid() == 0 || ownIdOnly(uidMap, caller.euid()) ? IdMapWriter.PROC_FILES : IdMapWriter.SHADOW_UTILS;
        IdMapWriter gidWriter = caller.euid() == 0 || ownIdOnly(gidMap, caller.egid()) ? IdMapWriter.PROC_FILES : IdMapWriter.SHADOW_UTILS;
        // An unprivileged map written by the caller itself needs setgroups denied (user_namespaces(7)).
        Optional<Setgroups> setgroups = caller.euid() != 0 && gidWriter == IdMapWriter.PROC_FILES
                ? Optional.of(Setgroups.DENY) : Optional.empty();
        // As runc and crun: the container is set up as root inside, whoever created it.
        return new UserNamespace(uidMap, gidMap, uidWriter, gidWriter, setgroups, Optional.empty())
                .withSetupIds(UserNamespace.SetupIds.ROOT);
    }

    private static boolean ownIdOnly(List<IdMap> map, long id) {
        return map.size() == 1 && map.getFirst().count() == 1 && map.getFirst().outside() == id;
    }

    private Map<Clock, Duration> clockOffsets(Set<NamespaceType> create) {
        Map<Clock, Duration> offsets = new EnumMap<>(Clock.class);
        config.linux().timeOffsets().forEach((clock, o) -> offsets.put(clock.equals("monotonic") ? Clock.MONOTONIC : Clock.BOOTTIME,
                Duration.ofSeconds(o.secs(), o.nanosecs())));
        if (!offsets.isEmpty() && !create.contains(NamespaceType.TIME)) {
            throw refuse("linux.timeOffsets need a new time namespace in linux.namespaces");
        }
        return offsets;
    }

    /**
     * Without a mount namespace, as runc does: a chroot into the root filesystem and nothing
     * mounted (mounts, devices, masked and read-only paths would change the caller's mount table).
     */
    private Filesystem rootOnly() {
        return new Filesystem(Propagation.UNCHANGED, List.of(new FsStep.ChangeRoot(rootfs)));
    }

    /**
     * The propagation of the caller's tree while the root is built. Shared stays shared, so that
     * binds from it stay peers of the caller's mounts, as runc and crun keep them; unbindable
     * waits until the root is entered (its own devices and masks are binds, which an unbindable
     * source refuses): the tree is a slave until then.
     */
    private Propagation buildPropagation() {
        return switch (rootfsPropagation()) {
            case "private" -> Propagation.PRIVATE;
            case "shared" -> Propagation.SHARED;
            default -> Propagation.SLAVE;
        };
    }

    /** linux.rootfsPropagation without its r- prefix (jns applies each recursively); absent: slave, runc's default. */
    private String rootfsPropagation() {
        String p = config.linux().rootfsPropagation().orElse("rslave");
        String mode = p.startsWith("r") ? p.substring(1) : p;
        if (!List.of("private", "slave", "shared", "unbindable").contains(mode)) {
            throw refuse("linux.rootfsPropagation: \"" + p + "\" not supported (private, slave, shared, unbindable and their r- forms are)");
        }
        if (mode.equals("unbindable") && options.noPivot()) {
            // after a chroot the root is a directory, not a mount: its propagation cannot be changed
            throw refuse("linux.rootfsPropagation: \"" + p + "\" needs pivot_root, not --no-pivot");
        }
        return mode;
    }

    // ---- the filesystem ------------------------------------------------------------------------

    private List<FsStep> filesystem(OciConfig.Process process, boolean joinedMnt) {
        List<FsStep> steps = new ArrayList<>();
        String propagation = rootfsPropagation();
        if (joinedMnt) {
            // The tree's propagation is set for a new mount namespace only: in a joined one it is a
            // step of its own (runc sets it there too), lest the mounts below spread out of it.
            steps.add(new FsStep.Mount(null, Path.of("/"), null, MS_REC | buildPropagation().flag(), null));
        }
        if (propagation.equals("shared") && !options.noPivot()) {
            // pivot_root refuses (EINVAL) a new root whose parent mount is shared: the mount the
            // rootfs is on is made private first (runc and crun do the same), which also keeps
            // what is mounted below the rootfs from spreading to its peers (the caller's).
            steps.add(new FsStep.Mount(null, MountInfo.mountPointOf(rootfs), null, MS_PRIVATE, null));
        }
        if (!options.noPivot()) {
            // The root's own mount first (as runc's), and everything mounted on it: a recursive bind
            // made at the pivot would leave out the unbindable mounts below the rootfs.
            steps.add(new FsStep.Mount(rootfs.toString(), rootfs, null, MS_BIND | MS_REC, null));
        }
        boolean freshDev = false, devPtmx = false;
        Set<String> configDevices = new java.util.HashSet<>();
        for (OciConfig.Device device : config.linux().devices()) configDevices.add(Path.of(device.path()).normalize().toString());
        for (int i = 0; i < config.mounts().size(); i++) {
            OciConfig.Mount m = config.mounts().get(i);
            MountOptions o = MountOptions.parse(m.options(), "mounts[" + i + "].options");
            boolean bind = o.bind() || m.type().orElse("").equals("bind");
            if (m.destination().equals("/dev") && !bind) freshDev = true;
            if (m.destination().equals("/dev/ptmx")) devPtmx = true;
            mount(i, m, o, bind, steps);
        }
        if (freshDev) {
            // What the spec requires of every container's /dev (runc makes nodes as root; a
            // bind of the caller's works rooted and rootless alike).
            for (String node : DEFAULT_DEVICES) {
                if (configDevices.contains("/dev/" + node)) continue; // the config's own, below
                Path target = inRootfs("/dev/" + node);
                steps.add(new FsStep.MountPoint(target, 0666));
                steps.add(new FsStep.Bind(Path.of("/dev", node), target, MOUNT_ATTR_NOSUID, false));
            }
            for (String[] link : DEV_LINKS) steps.add(new FsStep.Symlink(link[0], inRootfs("/dev/" + link[1])));
            if (!devPtmx) steps.add(new FsStep.Symlink("pts/ptmx", inRootfs("/dev/ptmx")));
            if (process.terminal() && options.terminal().isPresent()) {
                // the console: the container's terminal, bound where programs look for it
                steps.add(new FsStep.MountPoint(inRootfs("/dev/console"), 0600));
                steps.add(new FsStep.Bind(options.terminal().get().path(), inRootfs("/dev/console"),
                        MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false));
            }
        }
        devices(steps);
        steps.add(options.noPivot() ? new FsStep.ChangeRoot(rootfs) : new FsStep.PivotRoot(rootfs, false));
        // From here paths name the container's tree.
        List<Path> maskedDirectories = new ArrayList<>();
        for (String masked : config.linux().maskedPaths()) mask(masked, maskedDirectories, steps);
        for (String ro : config.linux().readonlyPaths()) {
            steps.add(new FsStep.Bind(Path.of(ro), Path.of(ro), MOUNT_ATTR_RDONLY, true));
        }
        if (config.root().readonly()) {
            // Only the root itself: MS_REMOUNT of a bind changes that one mount, not the ones on it.
            steps.add(new FsStep.Mount(null, Path.of("/"), null, MS_REMOUNT | MS_BIND | MS_RDONLY
                    | MountInfo.lockedFlags(rootfs), null));
        }
        if ((propagation.equals("shared") || propagation.equals("unbindable")) && !options.noPivot()) {
            // The root entered is a bind of a private mount: the propagation asked for is given
            // to it last (runc since 1.2.x, crun), once nothing more is bound from it.
            steps.add(new FsStep.Mount(null, Path.of("/"), null, MS_REC | (propagation.equals("shared") ? MS_SHARED : MS_UNBINDABLE), null));
        }
        return steps;
    }

    /**
     * The config's devices. Outside a user namespace they are made with mknod, as runc does;
     * inside one the kernel refuses (EPERM) a device node, so the caller's device at the same
     * path is bound there, as runc does rootless (a fifo is made in either case).
     */
    private void devices(List<FsStep> steps) {
        boolean userNamespace = config.linux().namespaces().stream().anyMatch(n -> n.type().equals("user"));
        for (OciConfig.Device device : config.linux().devices()) {
            Path target = inRootfs(device.path());
            if (device.type() != 'p' && userNamespace) {
                steps.add(new FsStep.MountPoint(target, 0666));
                steps.add(new FsStep.Bind(Path.of(device.path()), target, MOUNT_ATTR_NOSUID, false));
                continue;
            }
            int type = switch (device.type()) {
                case 'b' -> 0060000;  // S_IFBLK
                case 'p' -> 0010000;  // S_IFIFO
                default -> 0020000;   // S_IFCHR: "c" and the unbuffered "u"
            };
            steps.add(new FsStep.DeviceNode(target, type | device.fileMode(), device.major(), device.minor(), device.uid(),
                    device.gid()));
        }
    }

    private void mount(int index, OciConfig.Mount m, MountOptions o, boolean bind, List<FsStep> steps) {
        String where = "mounts[" + index + "]";
        if (!m.destination().startsWith("/")) throw refuse(where + ".destination: must be an absolute path, not \"" + m.destination() + "\"");
        Path target = inRootfs(m.destination());
        if (bind) {
            String sourceName = m.source().orElseThrow(() -> refuse(where + ".source: a bind mount needs a source"));
            Path source = options.bundle().resolve(sourceName).normalize();
            if (!Files.exists(source)) throw refuse(where + ": bind source " + source + ": no such file or directory");
            steps.add(Files.isDirectory(source) ? new FsStep.Dir(target, 0755) : new FsStep.MountPoint(target, 0644));
            steps.add(new FsStep.Bind(source, target, o.attributes(), false, idMapping(where, m, o)));
            if (o.propagation() != 0) steps.add(new FsStep.Mount(null, target, null, o.propagation(), null));
            return;
        }
        if (o.idmap() != MountOptions.IdMapOption.NONE || !m.uidMappings().isEmpty() || !m.gidMappings().isEmpty()) {
            throw refuse(where + ": id-mapped mounts are only supported for bind-mounts");
        }
        String type = m.type().orElseThrow(() -> refuse(where + ".type: missing (only bind mounts may leave it out)"));
        if (o.recursiveAttributes()) throw refuse(where + ".options: recursive attributes (rro, rnosuid...) are for bind mounts");
        if (type.equals("cgroup") && !Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
            // A cgroup v1 hierarchy is mounted per controller: the caller's tree is bound instead.
            steps.add(new FsStep.Dir(target, 0755));
            steps.add(new FsStep.Bind(Path.of("/sys/fs/cgroup"), target, o.attributes(), false));
            return;
        }
        String fstype = type.equals("cgroup") ? "cgroup2" : type;
        steps.add(new FsStep.Dir(target, 0755));
        steps.add(new FsStep.Mount(m.source().orElse(fstype), target, fstype, o.flags(), o.data()));
        if (o.propagation() != 0) steps.add(new FsStep.Mount(null, target, null, o.propagation(), null));
    }

    /**
     * A bind's id mapping, as runc reads the spec: the mount's {@code uidMappings} and
     * {@code gidMappings} (both or neither; given without {@code idmap} or {@code ridmap} they
     * still apply, to the top mount), each line {@code containerID} stored, {@code hostID}
     * shown; {@code idmap} or {@code ridmap} alone takes the container's new user namespace's
     * mappings (so files stored as the container's ids show as them inside). Refused: the
     * option alone without a new user namespace (the spec's MUST) or with a joined one, and a
     * rootless caller (the kernel lets only root id-map a host filesystem; runc refuses it too).
     */
    private Optional<FsStep.IdMapping> idMapping(String where, OciConfig.Mount m, MountOptions o) {
        boolean given = !m.uidMappings().isEmpty() || !m.gidMappings().isEmpty();
        if (!given && o.idmap() == MountOptions.IdMapOption.NONE) return Optional.empty();
        if (given && (m.uidMappings().isEmpty() || m.gidMappings().isEmpty())) {
            throw refuse(where + ": id-mapped mounts must have both uid and gid mappings specified");
        }
        if (caller.euid() != 0) throw refuse(where + ": id-mapped mounts are not supported for rootless containers");
        List<OciConfig.IdMapping> uids = m.uidMappings(), gids = m.gidMappings();
        if (!given) {
            boolean newUser = false, joinedUser = false;
            for (OciConfig.Namespace n : config.linux().namespaces()) {
                if (!n.type().equals("user")) continue;
                if (n.path().isPresent()) joinedUser = true;
                else newUser = true;
            }
            if (joinedUser) {
                throw refuse(where + ": " + optionName(o) + " without uidMappings and gidMappings in a joined user namespace: not supported by jns yet");
            }
            if (!newUser) {
                throw refuse(where + ": " + optionName(o) + " without uidMappings and gidMappings needs a user namespace in linux.namespaces");
            }
            uids = config.linux().uidMappings();
            gids = config.linux().gidMappings();
        }
        try {
            return Optional.of(new FsStep.IdMapping(idMaps(uids), idMaps(gids), o.idmap() == MountOptions.IdMapOption.RIDMAP));
        } catch (IllegalArgumentException e) {
            throw refuse(where + ": " + e.getMessage());
        }
    }

    private static String optionName(MountOptions o) {
        return o.idmap() == MountOptions.IdMapOption.RIDMAP ? "ridmap" : "idmap";
    }

    private static List<IdMap> idMaps(List<OciConfig.IdMapping> mappings) {
        return mappings.stream().map(m -> new IdMap(m.containerId(), m.hostId(), m.size())).toList();
    }

    /**
     * A masked path: a directory gets an empty read-only tmpfs over it, a file {@code /dev/null}
     * bound on it; one that is not there needs nothing. Whether it is a directory is read
     * from what it will be: {@code /proc} and {@code /sys} paths from this machine's (the same
     * kernel), others from the rootfs. A path below a directory masked before it is hidden
     * already (and gone from the empty tmpfs: runc skips it as not there).
     */
    private void mask(String path, List<Path> maskedDirectories, List<FsStep> steps) {
        if (!path.startsWith("/")) throw refuse("linux.maskedPaths: \"" + path + "\" is not an absolute path");
        Path normal = Path.of(path).normalize();
        for (Path dir : maskedDirectories) if (normal.startsWith(dir) && !normal.equals(dir)) return;
        Path seen = path.startsWith("/proc/") || path.startsWith("/sys/") ? Path.of(path) : inRootfs(path);
        if (Files.isDirectory(seen)) {
            maskedDirectories.add(normal);
            steps.add(new FsStep.Mount("tmpfs", Path.of(path), "tmpfs", MS_RDONLY, null));
        } else if (Files.exists(seen)) {
            steps.add(new FsStep.Bind(Path.of("/dev/null"), Path.of(path), 0, true));
        }
    }

    private Path inRootfs(String destination) {
        Path p = Path.of(rootfs + "/" + destination).normalize();
        if (!p.startsWith(rootfs)) throw refuse("mount destination " + destination + " is outside the root filesystem");
        return p;
    }

    // ---- the process ---------------------------------------------------------------------------

    /** process.user.umask; absent: 0022, runc's (not the caller's, which a shim or a shell may have set otherwise). */
    static OptionalInt umaskOf(OciConfig.User u) {
        long mask = u.umask().orElse(022L);
        if (mask < 0 || mask > 0777) throw refuse("process.user.umask: " + mask + " is not a mode mask (0 to 0777)");
        return OptionalInt.of((int) mask);
    }

    static Capabilities capabilitiesOf(OciConfig.Process process) {
        if (process.capabilities().isEmpty()) return new Capabilities.Unchanged();
        OciConfig.CapabilitySets c = process.capabilities().get();
        Set<Capability> permitted = caps(c.permitted(), "permitted"), inheritable = caps(c.inheritable(), "inheritable");
        // The kernel raises an ambient capability only if it is permitted and inheritable;
        // runc ignores the others (its default spec lists ambient ones with no inheritable set,
        // and its container runs with none ambient): so does jns.
        Set<Capability> ambient = caps(c.ambient(), "ambient");
        ambient.retainAll(permitted);
        ambient.retainAll(inheritable);
        return new Capabilities.Sets(caps(c.bounding(), "bounding"), caps(c.effective(), "effective"), permitted, inheritable,
                ambient);
    }

    private static Set<Capability> caps(List<String> names, String set) {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        for (String name : names) {
            out.add(Capability.byName(name).orElseThrow(() -> refuse("process.capabilities." + set + ": unknown capability " + name)));
        }
        return out;
    }

    static List<ResourceLimit> limitsOf(OciConfig.Process process) {
        List<ResourceLimit> out = new ArrayList<>();
        for (OciConfig.Rlimit r : process.rlimits()) {
            int resource = RLIMITS.indexOf(r.type());
            if (resource < 0) throw refuse("process.rlimits: unknown resource limit type \"" + r.type() + "\"");
            if (Long.compareUnsigned(r.soft(), r.hard()) > 0) {
                throw refuse("process.rlimits: " + r.type() + ": the soft limit is above the hard limit");
            }
            out.add(new ResourceLimit(resource, r.soft(), r.hard()));
        }
        return out;
    }

    /** A sysctl must be one of a namespace the container has of its own (runc's rule). */
    private static void checkSysctl(String key, Set<NamespaceType> create, List<Joins.JoinedFile> joins) {
        NamespaceType needs;
        if (key.startsWith("net.")) needs = NamespaceType.NET;
        else if (key.startsWith("fs.mqueue.") || List.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced").contains(key)) needs = NamespaceType.IPC;
        else if (key.equals("kernel.hostname") || key.equals("kernel.domainname")) needs = NamespaceType.UTS;
        else throw refuse("linux.sysctl: " + key + " is not in a separate kernel namespace");
        boolean has = create.contains(needs) || joins.stream().anyMatch(j -> j.type() == needs);
        if (!has) throw refuse("linux.sysctl: " + key + " needs the container's own " + needs.procName() + " namespace");
    }

    static OciException refuse(String message) {
        return new OciException(message);
    }
}
