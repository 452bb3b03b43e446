package dev.jns.cli;

import dev.jns.cli.Getopt.Arg;
import dev.jns.cli.Getopt.LongOpt;
import dev.jns.cli.UnshareOptions.Owner;
import dev.jns.ids.AccountFiles;
import dev.jns.ids.IdMap;
import dev.jns.ids.IdMapAssembly;
import dev.jns.ids.IdRange;
import dev.jns.ids.IdSpecException;
import dev.jns.ids.IdSpecs;
import dev.jns.ids.ProcIdMaps;
import dev.jns.ids.ProcessIds;
import dev.jns.ids.SubordinateIds;
import dev.jns.mount.Propagation;
import dev.jns.ns.NamespaceType;
import dev.jns.os.Signals;
import dev.jns.spec.Setgroups;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads {@code jns unshare}'s command line exactly as util-linux 2.42's unshare reads its
 * own (same getopt string, long options, implications, id lookups and error texts) and
 * produces an {@link UnshareOptions}. Pure apart from reading the files named in
 * {@link Host}, so every decision is testable without root.
 */
public final class UnshareParser {
    /** util-linux's getopt string. */
    static final String SHORT_OPTIONS = "+fhVmuinpCTUrR:w:S:G:cl:";

    private static final int MOUNT_PROC = 256, PROPAGATION = 257, SETGROUPS = 258, KILL_CHILD = 259,
            KEEP_CAPS = 260, MONOTONIC = 261, BOOTTIME = 262, MAP_USER = 263, MAP_USERS = 264,
            MAP_GROUP = 265, MAP_GROUPS = 266, MAP_AUTO = 267, MAP_SUBIDS = 268, OWNER = 269,
            FORWARD_SIGNALS = 270, CLEAR_ENV = 271, WHITELIST_ENV = 272, MOUNT_BINFMT = 273;
    /** Where the binfmt_misc options mount it unless told otherwise (util-linux's default). */
    static final String PROC_BINFMT_MISC = "/proc/sys/fs/binfmt_misc";

    static final List<LongOpt> LONG_OPTIONS = List.of(
            new LongOpt("help", Arg.NONE, 'h'),
            new LongOpt("version", Arg.NONE, 'V'),
            new LongOpt("mount", Arg.OPTIONAL, 'm'),
            new LongOpt("uts", Arg.OPTIONAL, 'u'),
            new LongOpt("ipc", Arg.OPTIONAL, 'i'),
            new LongOpt("net", Arg.OPTIONAL, 'n'),
            new LongOpt("pid", Arg.OPTIONAL, 'p'),
            new LongOpt("user", Arg.OPTIONAL, 'U'),
            new LongOpt("cgroup", Arg.OPTIONAL, 'C'),
            new LongOpt("time", Arg.OPTIONAL, 'T'),
            new LongOpt("fork", Arg.NONE, 'f'),
            new LongOpt("kill-child", Arg.OPTIONAL, KILL_CHILD),
            new LongOpt("forward-signals", Arg.NONE, FORWARD_SIGNALS),
            new LongOpt("mount-proc", Arg.OPTIONAL, MOUNT_PROC),
            new LongOpt("mount-binfmt", Arg.OPTIONAL, MOUNT_BINFMT),
            new LongOpt("load-interp", Arg.REQUIRED, 'l'),
            new LongOpt("map-user", Arg.REQUIRED, MAP_USER),
            new LongOpt("map-users", Arg.REQUIRED, MAP_USERS),
            new LongOpt("map-group", Arg.REQUIRED, MAP_GROUP),
            new LongOpt("map-groups", Arg.REQUIRED, MAP_GROUPS),
            new LongOpt("map-root-user", Arg.NONE, 'r'),
            new LongOpt("map-current-user", Arg.NONE, 'c'),
            new LongOpt("map-auto", Arg.NONE, MAP_AUTO),
            new LongOpt("map-subids", Arg.NONE, MAP_SUBIDS),
            new LongOpt("owner", Arg.REQUIRED, OWNER),
            new LongOpt("propagation", Arg.REQUIRED, PROPAGATION),
            new LongOpt("setgroups", Arg.REQUIRED, SETGROUPS),
            new LongOpt("keep-caps", Arg.NONE, KEEP_CAPS),
            new LongOpt("setuid", Arg.REQUIRED, 'S'),
            new LongOpt("setgid", Arg.REQUIRED, 'G'),
            new LongOpt("root", Arg.REQUIRED, 'R'),
            new LongOpt("wd", Arg.REQUIRED, 'w'),
            new LongOpt("monotonic", Arg.REQUIRED, MONOTONIC),
            new LongOpt("boottime", Arg.REQUIRED, BOOTTIME),
            new LongOpt("clear-env", Arg.NONE, CLEAR_ENV),
            new LongOpt("whitelist-env", Arg.REQUIRED, WHITELIST_ENV));

    private static final Map<Character, NamespaceType> NAMESPACE_FLAGS = Map.of(
            'm', NamespaceType.MNT, 'u', NamespaceType.UTS, 'i', NamespaceType.IPC, 'n', NamespaceType.NET,
            'p', NamespaceType.PID, 'U', NamespaceType.USER, 'C', NamespaceType.CGROUP, 'T', NamespaceType.TIME);

    /**
     * What the parser reads besides the arguments: the caller's ids and environment and the
     * files that names, subordinate ids and {@code --map-users=all} come from.
     */
    public record Host(ProcessIds ids, Map<String, String> env, AccountFiles accounts,
                       SubordinateIds subuid, SubordinateIds subgid, Path uidMap, Path gidMap) {
        public static Host current() {
            return new Host(ProcessIds.self(), System.getenv(), AccountFiles.SYSTEM,
                    SubordinateIds.UIDS, SubordinateIds.GIDS, ProcIdMaps.SELF_UID_MAP, ProcIdMaps.SELF_GID_MAP);
        }
    }

    /** The outcome of a command line. */
    public sealed interface Parsed permits Help, Version, Run {}
    public record Help() implements Parsed {}
    public record Version() implements Parsed {}
    public record Run(UnshareOptions options) implements Parsed {}

    private final Host host;

    public UnshareParser(Host host) {
        this.host = host;
    }

    /**
     * @throws Getopt.UsageException for a command line getopt rejects
     * @throws CliException          for an option value util-linux rejects, with its message
     */
    public Parsed parse(String[] args) {
        Getopt.Result result = new Getopt(SHORT_OPTIONS, LONG_OPTIONS).parse(args);
        State s = new State();
        try {
            for (Getopt.Opt opt : result.options()) {
                if (opt.id() == 'h') return new Help();
                if (opt.id() == 'V') return new Version();
                apply(s, opt.id(), opt.arg());
            }
        } catch (IdSpecException e) {
            throw new CliException(e.getMessage());
        }
        return new Run(finish(s, result.operands()));
    }

    /** The options as they accumulate; util-linux reads them into locals the same way. */
    private static final class State {
        final Set<NamespaceType> namespaces = EnumSet.noneOf(NamespaceType.class);
        final Map<NamespaceType, String> persistAt = new EnumMap<>(NamespaceType.class);
        String procMount, binfmtMount, loadInterp;
        Propagation propagation = Propagation.PRIVATE;
        String root, workDir;
        OptionalLong setuid = OptionalLong.empty(), setgid = OptionalLong.empty();
        OptionalLong mapUser = OptionalLong.empty(), mapGroup = OptionalLong.empty();
        final List<IdRange> userBlocks = new ArrayList<>(), groupBlocks = new ArrayList<>();
        Owner owner;
        Setgroups setgroups;
        boolean fork, forwardSignals, keepCaps, clearEnv;
        OptionalInt killChildSignal = OptionalInt.empty();
        OptionalLong monotonic = OptionalLong.empty(), boottime = OptionalLong.empty();
        final List<String> keptVariables = new ArrayList<>();
        boolean whitelist;
    }

    private static void useDefaultBinfmtMount(State s) {
        if (s.procMount == null) s.procMount = "/proc";
        s.binfmtMount = PROC_BINFMT_MISC;
    }

    private void apply(State s, int id, String arg) {
        NamespaceType ns = id < 128 ? NAMESPACE_FLAGS.get((char) id) : null;
        if (ns != null) {
            s.namespaces.add(ns);
            if (arg != null) s.persistAt.put(ns, arg);
            return;
        }
        switch (id) {
            case 'f' -> s.fork = true;
            case MOUNT_PROC -> {
                s.namespaces.add(NamespaceType.MNT);
                s.procMount = arg != null ? arg : "/proc";
            }
            case MOUNT_BINFMT -> {
                s.namespaces.add(NamespaceType.MNT);
                s.namespaces.add(NamespaceType.USER);
                s.binfmtMount = arg;
                // Its default place is under /proc, so the default comes with a fresh /proc.
                if (arg == null) useDefaultBinfmtMount(s);
            }
            case 'l' -> {
                s.namespaces.add(NamespaceType.MNT);
                s.namespaces.add(NamespaceType.USER);
                if (s.binfmtMount == null) useDefaultBinfmtMount(s);
                s.loadInterp = arg;
            }
            case MAP_USER -> {
                s.namespaces.add(NamespaceType.USER);
                s.mapUser = OptionalLong.of(IdSpecs.user(arg, host.accounts()));
            }
            case MAP_GROUP -> {
                s.namespaces.add(NamespaceType.USER);
                s.mapGroup = OptionalLong.of(IdSpecs.group(arg, host.accounts()));
            }
            case 'r' -> {
                s.namespaces.add(NamespaceType.USER);
                s.mapUser = OptionalLong.of(0);
                s.mapGroup = OptionalLong.of(0);
            }
            case 'c' -> {
                s.namespaces.add(NamespaceType.USER);
                s.mapUser = OptionalLong.of(host.ids().euid());
                s.mapGroup = OptionalLong.of(host.ids().egid());
            }
            case MAP_USERS -> {
                s.namespaces.add(NamespaceType.USER);
                s.userBlocks.addAll(blocks(arg, host.subuid(), host.uidMap()));
            }
            case MAP_GROUPS -> {
                s.namespaces.add(NamespaceType.USER);
                s.groupBlocks.addAll(blocks(arg, host.subgid(), host.gidMap()));
            }
            case MAP_AUTO -> {
                s.namespaces.add(NamespaceType.USER);
                s.userBlocks.addAll(blocks("auto", host.subuid(), host.uidMap()));
                s.groupBlocks.addAll(blocks("auto", host.subgid(), host.gidMap()));
            }
            case MAP_SUBIDS -> {
                s.namespaces.add(NamespaceType.USER);
                s.userBlocks.addAll(blocks("subids", host.subuid(), host.uidMap()));
                s.groupBlocks.addAll(blocks("subids", host.subgid(), host.gidMap()));
            }
            case OWNER -> {
                s.namespaces.add(NamespaceType.USER);
                s.owner = owner(arg);
            }
            case SETGROUPS -> s.setgroups = switch (arg) {
                case "allow" -> Setgroups.ALLOW;
                case "deny" -> Setgroups.DENY;
                default -> throw new CliException("unsupported --setgroups argument '" + arg + "'");
            };
            case PROPAGATION -> s.propagation = switch (arg) {
                case "slave" -> Propagation.SLAVE;
                case "shared" -> Propagation.SHARED;
                case "private" -> Propagation.PRIVATE;
                case "unchanged" -> Propagation.UNCHANGED;
                default -> throw new CliException("unsupported propagation mode: " + arg);
            };
            case KILL_CHILD -> {
                s.fork = true;
                s.killChildSignal = arg == null ? OptionalInt.of(Signals.SIGKILL) : OptionalInt.of(
                        Signals.byName(arg).orElseThrow(() -> new CliException("unknown signal: " + arg)));
            }
            case KEEP_CAPS -> s.keepCaps = true;
            case FORWARD_SIGNALS -> {
                s.fork = true;
                s.forwardSignals = true;
            }
            case 'S' -> s.setuid = OptionalLong.of(unsigned(arg, "failed to parse uid"));
            case 'G' -> s.setgid = OptionalLong.of(unsigned(arg, "failed to parse gid"));
            case 'R' -> s.root = arg;
            case 'w' -> s.workDir = arg;
            case MONOTONIC -> s.monotonic = OptionalLong.of(signed(arg, "failed to parse monotonic offset"));
            case BOOTTIME -> s.boottime = OptionalLong.of(signed(arg, "failed to parse boottime offset"));
            case CLEAR_ENV -> s.clearEnv = true;
            case WHITELIST_ENV -> {
                s.whitelist = true;
                for (String name : arg.split(",")) if (!name.isEmpty()) s.keptVariables.add(name);
            }
            default -> throw new IllegalStateException("option id " + id + " has no handler");
        }
    }

    private UnshareOptions finish(State s, List<String> operands) {
        if ((s.monotonic.isPresent() || s.boottime.isPresent()) && !s.namespaces.contains(NamespaceType.TIME)) {
            throw new CliException("options --monotonic and --boottime require unsharing of a time namespace (-T)");
        }
        IdMaps users = idMaps(s.userBlocks, s.mapUser, host.ids().euid(), s.owner != null);
        IdMaps groups = idMaps(s.groupBlocks, s.mapGroup, host.ids().egid(), s.owner != null);
        Optional<Setgroups> setgroups = Optional.ofNullable(s.setgroups);
        if (groups.writtenBySelf()) {
            // An unprivileged process may write its own gid_map only once setgroups is denied.
            if (s.setgroups == Setgroups.ALLOW) {
                throw new CliException("options --setgroups=allow and --map-group are mutually exclusive");
            }
            setgroups = Optional.of(Setgroups.DENY);
        }
        Optional<Map<String, String>> environment = environment(s);
        Map<String, String> programEnv = environment.orElse(host.env());
        List<String> command = operands;
        Optional<String> argv0 = Optional.empty();
        if (command.isEmpty()) {
            String shell = defaultShell(programEnv);
            command = List.of(shell);
            argv0 = Optional.of("-" + Path.of(shell).getFileName());
        }
        Optional<String> workDir = Optional.ofNullable(s.workDir);
        if (s.root != null && workDir.isEmpty()) workDir = Optional.of("/");
        // Root writes any map itself (util-linux 2.40+); others only their own single id.
        boolean privileged = host.ids().euid() == 0;
        boolean keepCaps = s.keepCaps && s.namespaces.contains(NamespaceType.USER);
        return new UnshareOptions(s.namespaces, s.persistAt, Optional.ofNullable(s.procMount), s.propagation,
                Optional.ofNullable(s.root), workDir, s.setuid, s.setgid,
                users.lines(), groups.lines(), !privileged && !users.writableBySelf(),
                !privileged && !groups.writableBySelf(), setgroups, Optional.ofNullable(s.owner),
                s.fork, s.killChildSignal, s.forwardSignals, keepCaps,
                s.monotonic, s.boottime, environment, Optional.ofNullable(s.binfmtMount),
                Optional.ofNullable(s.loadInterp), command, argv0);
    }

    /**
     * A user namespace map and how util-linux would write it: a lone single mapping
     * ({@code -r}, {@code --map-user}) is written by the new process itself, anything with
     * blocks (or with {@code --owner}) by a privileged writer or newuidmap/newgidmap.
     */
    private record IdMaps(List<IdMap> lines, boolean writtenBySelf) {
        /** No map, or the caller's single id: what the kernel lets an unprivileged process write. */
        boolean writableBySelf() {
            return lines.isEmpty() || writtenBySelf;
        }
    }

    private static IdMaps idMaps(List<IdRange> blocks, OptionalLong single, long callerId, boolean owner) {
        if (!blocks.isEmpty() || (single.isPresent() && owner)) {
            return new IdMaps(IdMapAssembly.assemble(blocks, callerId, single), false);
        }
        if (single.isPresent()) return new IdMaps(List.of(IdMap.single(single.getAsLong(), callerId)), true);
        return new IdMaps(List.of(), false);
    }

    private List<IdRange> blocks(String spec, SubordinateIds subids, Path procMap) {
        return switch (spec) {
            case "auto" -> {
                var b = subids.firstBlockOf(host.ids().euid(), host.accounts());
                yield List.of(IdRange.auto(b.start(), b.count()));
            }
            case "subids" -> {
                var b = subids.firstBlockOf(host.ids().euid(), host.accounts());
                yield List.of(IdRange.identity(b.start(), b.count()));
            }
            case "all" -> ProcIdMaps.passThrough(procMap);
            default -> List.of(IdRange.of(IdSpecs.range(spec)));
        };
    }

    private Optional<Map<String, String>> environment(State s) {
        if (!s.clearEnv && !s.whitelist) return Optional.empty();
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : s.keptVariables) {
            String value = host.env().get(name);
            if (value != null) kept.put(name, value);
        }
        return Optional.of(kept);
    }

    /** util-linux 2.42: $SHELL, else the user's shell from the passwd file, else /bin/sh. */
    private String defaultShell(Map<String, String> env) {
        String shell = env.get("SHELL");
        if (shell != null && !shell.isEmpty()) return shell;
        return host.accounts().userWithUid(host.ids().uid()).map(AccountFiles.User::shell)
                .filter(sh -> !sh.isEmpty()).orElse("/bin/sh");
    }

    private static Owner owner(String arg) {
        String[] f = arg.split(":", -1);
        if (f.length == 2) {
            OptionalLong uid = IdSpecs.unsigned32(f[0]), gid = IdSpecs.unsigned32(f[1]);
            if (uid.isPresent() && gid.isPresent()) return new Owner(uid.getAsLong(), gid.getAsLong());
        }
        throw new CliException("failed to parse owner");
    }

    /** util-linux's strtoul_or_err, for a 32-bit id: a range error adds the errno text. */
    private static long unsigned(String arg, String what) {
        if (arg.matches("-\\d+") || arg.matches("\\d{11,}")) throw outOfRange(arg, what);
        OptionalLong n = IdSpecs.unsigned32(arg);
        if (n.isEmpty()) {
            if (arg.matches("\\d+")) throw outOfRange(arg, what);
            throw new CliException(what + ": '" + arg + "'");
        }
        return n.getAsLong();
    }

    /** util-linux's strtos64_or_err. */
    private static long signed(String arg, String what) {
        if (!arg.matches("[-+]?\\d+")) throw new CliException(what + ": '" + arg + "'");
        try {
            return Long.parseLong(arg);
        } catch (NumberFormatException e) {
            throw outOfRange(arg, what);
        }
    }

    private static CliException outOfRange(String arg, String what) {
        return new CliException(what + ": '" + arg + "': Numerical result out of range");
    }
}
