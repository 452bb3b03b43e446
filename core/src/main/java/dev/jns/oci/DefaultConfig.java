package dev.jns.oci;

import dev.jns.json.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * The config.json {@code jns oci spec} writes: runc's default (a shell in a busybox-like
 * rootfs, the usual mounts, masked and read-only paths, three capabilities), and with
 * {@code --rootless} runc's rootless variant (a user namespace mapping root to the caller,
 * no network namespace, {@code /sys} bound instead of mounted, no devpts gid, no resources).
 */
public final class DefaultConfig {
    public static final String OCI_VERSION = "1.2.0";

    private DefaultConfig() {}

    /** For the calling user: rootless, root inside is the caller outside. */
    public static Json.Obj forCaller(boolean rootless) {
        dev.jns.plan.CallerIds caller = dev.jns.plan.CallerIds.current();
        return spec(rootless, caller.euid(), caller.egid());
    }

    public static Json.Obj spec(boolean rootless, long uid, long gid) {
        List<String> caps = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        Json.Obj process = Json.object()
                .put("terminal", true)
                .put("user", Json.object().put("uid", 0).put("gid", 0).build())
                .put("args", Json.strings(List.of("sh")))
                .put("env", Json.strings(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm")))
                .put("cwd", "/")
                .put("capabilities", Json.object().put("bounding", Json.strings(caps)).put("effective", Json.strings(caps))
                        .put("permitted", Json.strings(caps)).put("ambient", Json.strings(caps)).build())
                .put("rlimits", new Json.Arr(List.of(Json.object().put("type", "RLIMIT_NOFILE").put("hard", 1024)
                        .put("soft", 1024).build()), 0))
                .put("noNewPrivileges", true)
                .build();
        List<Json> mounts = new ArrayList<>();
        mounts.add(mount("/proc", "proc", "proc", List.of()));
        mounts.add(mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        List<String> pts = new ArrayList<>(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
        if (!rootless) pts.add("gid=5");
        mounts.add(mount("/dev/pts", "devpts", "devpts", pts));
        mounts.add(mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")));
        mounts.add(mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
        mounts.add(rootless ? mount("/sys", "none", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro"))
                : mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));
        mounts.add(mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
        Json.ObjectBuilder linux = Json.object();
        if (rootless) {
            linux.put("uidMappings", new Json.Arr(List.of(mapping(uid)), 0));
            linux.put("gidMappings", new Json.Arr(List.of(mapping(gid)), 0));
        } else {
            linux.put("resources", Json.object().put("devices", new Json.Arr(List.of(Json.object().put("allow", false)
                    .put("access", "rwm").build()), 0)).build());
        }
        List<Json> namespaces = new ArrayList<>();
        List<String> types = rootless ? List.of("pid", "ipc", "uts", "mount", "user") : List.of("pid", "network", "ipc", "uts", "mount");
        for (String t : types) namespaces.add(Json.object().put("type", t).build());
        linux.put("namespaces", new Json.Arr(namespaces, 0))
                .put("maskedPaths", Json.strings(List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                        "/proc/scsi")))
                .put("readonlyPaths", Json.strings(List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")));
        return Json.object()
                .put("ociVersion", OCI_VERSION)
                .put("process", process)
                .put("root", Json.object().put("path", "rootfs").put("readonly", true).build())
                .put("hostname", "jns")
                .put("mounts", new Json.Arr(mounts, 0))
                .put("linux", linux.build())
                .build();
    }

    private static Json mount(String destination, String type, String source, List<String> options) {
        Json.ObjectBuilder m = Json.object().put("destination", destination).put("type", type).put("source", source);
        if (!options.isEmpty()) m.put("options", Json.strings(options));
        return m.build();
    }

    private static Json mapping(long hostId) {
        return Json.object().put("containerID", 0).put("hostID", hostId).put("size", 1).build();
    }
}
