package dev.jns.oci;

import dev.jns.caps.Capability;
import dev.jns.json.Json;

import java.util.Arrays;
import java.util.List;

/** What {@code jns oci features} prints: the runtime spec's features document, saying only what jns does today. */
public final class Features {
    private Features() {}

    public static Json.Obj json() {
        List<String> mountOptions = List.of("async", "atime", "bind", "dev", "diratime", "dirsync", "exec", "idmap", "loud", "mand",
                "noatime", "nodev", "nodiratime", "noexec", "nomand", "norelatime", "nostrictatime", "nosuid", "private",
                "rbind", "relatime", "remount", "ridmap", "rnodev", "rnoexec", "rnosuid", "ro", "rprivate", "rro", "rshared", "rslave",
                "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid", "sync", "unbindable");
        return Json.object()
                .put("ociVersionMin", "1.0.0")
                .put("ociVersionMax", DefaultConfig.OCI_VERSION)
                .put("hooks", Json.strings(List.of("prestart", "createRuntime", "poststart", "poststop")))
                .put("mountOptions", Json.strings(mountOptions))
                .put("linux", Json.object()
                        .put("namespaces", Json.strings(List.of("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts")))
                        .put("capabilities", Json.strings(Arrays.stream(Capability.values()).map(Capability::capName).toList()))
                        .put("cgroup", Json.object().put("v1", false).put("v2", false).put("systemd", false)
                                .put("systemdUser", false).build())
                        .put("seccomp", Json.object().put("enabled", true)
                                .put("actions", Json.strings(List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
                                        "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
                                        "SCMP_ACT_TRAP")))
                                .put("operators", Json.strings(List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                        "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE")))
                                .put("archs", Json.strings(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_X32",
                                        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64")))
                                .build())
                        .put("mountExtensions", Json.object()
                                .put("idmap", Json.object().put("enabled", true).build()).build())
                        .put("apparmor", Json.object().put("enabled", false).build())
                        .put("selinux", Json.object().put("enabled", false).build())
                        .build())
                .build();
    }
}
