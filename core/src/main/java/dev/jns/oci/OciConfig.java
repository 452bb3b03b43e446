package dev.jns.oci;

import dev.jns.json.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bundle's {@code config.json} (OCI runtime spec 1.2, Linux), as read by {@link ConfigReader}:
 * what the spec says, not yet what the engine does with it ({@link LaunchTranslator} decides
 * that). Fields the reader does not support are refused there, so everything here is meant.
 *
 * @param resources   {@code linux.resources} kept as read, for the cgroup manager
 * @param annotations in order, as given
 */
public record OciConfig(String ociVersion, Root root, List<Mount> mounts, Optional<Process> process,
                        Optional<String> hostname, Optional<String> domainname, Linux linux, Hooks hooks,
                        Map<String, String> annotations) {
    public OciConfig {
        mounts = List.copyOf(mounts);
        annotations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(annotations));
    }

    /** {@code root}: the container's root filesystem, relative to the bundle or absolute. */
    public record Root(String path, boolean readonly) {}

    /**
     * One of {@code mounts}, in order.
     *
     * @param options as given: flags ({@code ro}, {@code nosuid}, {@code rbind}, ...) and data ({@code mode=755})
     * @param uidMappings the mount's own uid mapping (an id-mapped mount), or empty
     * @param gidMappings the mount's own gid mapping, or empty
     */
    public record Mount(String destination, Optional<String> source, Optional<String> type, List<String> options,
                        List<IdMapping> uidMappings, List<IdMapping> gidMappings) {
        public Mount {
            options = List.copyOf(options);
            uidMappings = List.copyOf(uidMappings);
            gidMappings = List.copyOf(gidMappings);
        }

        /** A mount without id mappings of its own. */
        public Mount(String destination, Optional<String> source, Optional<String> type, List<String> options) {
            this(destination, source, type, options, List.of(), List.of());
        }
    }

    /** {@code process}: what runs in the container. */
    public record Process(boolean terminal, List<String> args, List<String> env, String cwd, User user,
                          Optional<CapabilitySets> capabilities, List<Rlimit> rlimits, boolean noNewPrivileges,
                          Optional<Integer> oomScoreAdj) {
        public Process {
            args = List.copyOf(args);
            env = List.copyOf(env);
            rlimits = List.copyOf(rlimits);
        }
    }

    public record User(long uid, long gid, Optional<Long> umask, List<Long> additionalGids) {
        public User {
            additionalGids = List.copyOf(additionalGids);
        }
    }

    /** The five capability sets, by {@code CAP_*} names; an absent set is empty. */
    public record CapabilitySets(List<String> bounding, List<String> effective, List<String> permitted,
                                 List<String> inheritable, List<String> ambient) {
        public CapabilitySets {
            bounding = List.copyOf(bounding);
            effective = List.copyOf(effective);
            permitted = List.copyOf(permitted);
            inheritable = List.copyOf(inheritable);
            ambient = List.copyOf(ambient);
        }
    }

    /** {@code RLIMIT_*} by name, with its soft and hard limit (unsigned; -1 is unlimited). */
    public record Rlimit(String type, long soft, long hard) {}

    /**
     * {@code linux}.
     *
     * @param namespaces   in order; a path joins an existing one
     * @param resources    {@code linux.resources} as read (for the cgroup manager), or empty
     * @param cgroupsPath  where the container's cgroup goes, as given
     * @param timeOffsets  clock name ({@code monotonic}, {@code boottime}) to offset
     */
    public record Linux(List<Namespace> namespaces, List<IdMapping> uidMappings, List<IdMapping> gidMappings,
                        Optional<JsonNode> resources, Optional<String> cgroupsPath, Map<String, String> sysctl,
                        List<String> maskedPaths, List<String> readonlyPaths, Optional<String> rootfsPropagation,
                        Optional<Seccomp> seccomp, Map<String, TimeOffset> timeOffsets, Optional<String> personality,
                        List<Device> devices) {
        public Linux {
            devices = List.copyOf(devices);
            namespaces = List.copyOf(namespaces);
            uidMappings = List.copyOf(uidMappings);
            gidMappings = List.copyOf(gidMappings);
            sysctl = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sysctl));
            maskedPaths = List.copyOf(maskedPaths);
            readonlyPaths = List.copyOf(readonlyPaths);
            timeOffsets = Map.copyOf(timeOffsets);
        }

        public static final Linux NONE = new Linux(List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(),
                Map.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), List.of());
    }

    /**
     * A device the container's {@code /dev} must hold ({@code linux.devices}): {@code type} is the
     * spec's letter ({@code c}, {@code u}, {@code b}, {@code p}), {@code fileMode} the permission bits.
     */
    public record Device(String path, char type, long major, long minor, int fileMode, long uid, long gid) {}

    /** A namespace of {@code type} (the spec's names: {@code pid}, {@code network}, ...), new or joined at {@code path}. */
    public record Namespace(String type, Optional<String> path) {}

    public record IdMapping(long containerId, long hostId, long size) {}

    public record TimeOffset(long secs, long nanosecs) {}

    /**
     * {@code linux.seccomp}; {@code listenerPath} is the unix socket the listener of a filter
     * with SCMP_ACT_NOTIFY is sent to, with {@code listenerMetadata} in the state sent along.
     */
    public record Seccomp(String defaultAction, Optional<Integer> defaultErrnoRet, List<String> architectures,
                          List<SyscallRule> syscalls, Optional<String> listenerPath, String listenerMetadata) {
        public Seccomp {
            architectures = List.copyOf(architectures);
            syscalls = List.copyOf(syscalls);
        }
    }

    public record SyscallRule(List<String> names, String action, Optional<Integer> errnoRet, List<SyscallArg> args) {
        public SyscallRule {
            names = List.copyOf(names);
            args = List.copyOf(args);
        }
    }

    public record SyscallArg(int index, long value, long valueTwo, String op) {}

    /** {@code hooks}, each list in order. */
    public record Hooks(List<Hook> prestart, List<Hook> createRuntime, List<Hook> createContainer,
                        List<Hook> startContainer, List<Hook> poststart, List<Hook> poststop) {
        public static final Hooks NONE = new Hooks(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

        public Hooks {
            prestart = List.copyOf(prestart);
            createRuntime = List.copyOf(createRuntime);
            createContainer = List.copyOf(createContainer);
            startContainer = List.copyOf(startContainer);
            poststart = List.copyOf(poststart);
            poststop = List.copyOf(poststop);
        }
    }

    /** A hook: a program run with the container's state on its stdin; {@code timeout} in seconds. */
    public record Hook(String path, List<String> args, List<String> env, Optional<Integer> timeout) {
        public Hook {
            args = List.copyOf(args);
            env = List.copyOf(env);
        }
    }
}
