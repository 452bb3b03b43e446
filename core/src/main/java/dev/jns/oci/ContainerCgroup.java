package dev.jns.oci;

import dev.jns.cgroup.Cgroup;
import dev.jns.cgroup.CgroupException;
import dev.jns.cgroup.CgroupLayout;
import dev.jns.cgroup.CgroupResources;
import dev.jns.os.SyscallException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container's cgroup, through the cgroup manager ({@code dev.jns.cgroup}): made at
 * {@code linux.cgroupsPath} (relative: below the caller's own cgroup; absent: the container's
 * id there, as runc's; one that holds processes already is refused), the container's process placed in it while it waits at the start fifo, and
 * {@code linux.resources} applied. Where cgroups cannot be made (rootless without
 * delegation) and the config limits nothing, the container runs without one, as runc's
 * rootless mode does.
 */
final class ContainerCgroup {
    /** What every container may use whatever its rules say, after them (runc's list): the default devices and ptys. */
    private static final List<CgroupResources.DeviceRule> DEFAULT_DEVICES = List.of(
            rule('c', null, null, "m"), rule('b', null, null, "m"),
            rule('c', 1L, 3L, "rwm"), rule('c', 1L, 5L, "rwm"), rule('c', 1L, 7L, "rwm"), rule('c', 1L, 8L, "rwm"),
            rule('c', 1L, 9L, "rwm"), rule('c', 5L, 0L, "rwm"), rule('c', 5L, 1L, "rwm"), rule('c', 5L, 2L, "rwm"),
            rule('c', 136L, null, "rwm"), rule('c', 10L, 200L, "rwm"));

    private ContainerCgroup() {}

    static Cgroup create(String id, OciConfig config, int pid) {
        CgroupResources resources = config.linux().resources().map(ResourcesReader::read).orElse(CgroupResources.NONE);
        List<CgroupResources.DeviceRule> devices = new ArrayList<>(resources.devices());
        if (!devices.isEmpty()) devices.addAll(DEFAULT_DEVICES);
        resources = resources.withDevices(devices);
        boolean required = ResourcesReader.limitsAnything(resources) || config.linux().cgroupsPath().isPresent();
        Cgroup cgroup = null;
        try {
            Cgroup made = CgroupLayout.detect().create(config.linux().cgroupsPath().orElse(id));
            if (made.populated()) {
                // An existing cgroup is joined, and one with processes is another container's (the
                // default path is the id alone, the same for every --root): runc 1.1 shares it with
                // a warning and removes it under the other at delete, runc 1.2 refuses, as jns does.
                // Not removed here: it is not this container's.
                throw new OciException("cgroup: container's cgroup " + made.path() + " is not empty: " + made.pids().size()
                        + " process(es) found" + (config.linux().cgroupsPath().isEmpty() ? " (no linux.cgroupsPath: it is named by the id)" : ""));
            }
            cgroup = made;
            cgroup.place(pid);
            cgroup.apply(resources);
            return cgroup;
        } catch (CgroupException | SyscallException e) {
            if (cgroup != null) removeQuietly(cgroup, e);
            if (required) throw new OciException("cgroup: " + e.getMessage(), e);
            return null;
        }
    }

    static Map<String, String> directories(Cgroup cgroup) {
        Map<String, String> out = new LinkedHashMap<>();
        if (cgroup != null) cgroup.directories().forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    /** The container's cgroup again, from the directories its state recorded. */
    /** A before-exec step that moves the waiting process into {@code cgroup}. */
    static dev.jns.spawn.BeforeExec placing(Cgroup cgroup) {
        return (pid, namespaces) -> {
            cgroup.place(pid);
            return null;
        };
    }

    static Optional<Cgroup> open(ContainerRecord record) {
        if (record.cgroup().isEmpty()) return Optional.empty();
        Map<String, Path> dirs = new LinkedHashMap<>();
        record.cgroup().forEach((k, v) -> dirs.put(k, Path.of(v)));
        try {
            return Optional.of(CgroupLayout.detect().open(dirs));
        } catch (CgroupException gone) {
            return Optional.empty();
        }
    }

    static void removeQuietly(Cgroup cgroup, Throwable failure) {
        try {
            cgroup.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static CgroupResources.DeviceRule rule(char type, Long major, Long minor, String access) {
        return new CgroupResources.DeviceRule(true, type, major, minor, access);
    }
}
