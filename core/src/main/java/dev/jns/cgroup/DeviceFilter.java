package dev.jns.cgroup;

import java.nio.file.Path;
import java.util.List;

/** Device rules on cgroup v2, which has no devices controller: a BPF_CGROUP_DEVICE program. */
final class DeviceFilter {
    private DeviceFilter() {}

    static void install(Path dir, List<CgroupResources.DeviceRule> rules) {
        throw new CgroupException("devices: device rules on cgroup v2 need a BPF_CGROUP_DEVICE program, which jns does not load yet ("
                + rules.size() + " rules for " + dir + ")");
    }
}
