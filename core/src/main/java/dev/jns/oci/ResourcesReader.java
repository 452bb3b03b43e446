package dev.jns.oci;

import dev.jns.cgroup.CgroupResources;
import dev.jns.json.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code linux.resources} (and {@code update --resources}) as the cgroup manager's
 * {@link CgroupResources}: every member the spec defines for cgroups, with errors naming the
 * value and its line; {@code network} and {@code rdma} are refused until the manager has them.
 */
public final class ResourcesReader {
    private ResourcesReader() {}

    public static CgroupResources read(JsonNode r) {
        for (String name : List.of("network", "rdma")) {
            if (r.has(name)) throw ConfigReader.unsupported(r.require(name), "linux.resources." + name);
        }
        CgroupResources.Memory memory = r.get("memory").map(m -> new CgroupResources.Memory(
                num(m, "limit"), num(m, "reservation"), num(m, "swap"), num(m, "kernel"), num(m, "kernelTCP"),
                m.get("swappiness").map(JsonNode::uint64).orElse(null), m.get("disableOOMKiller").map(JsonNode::bool).orElse(null)))
                .orElse(null);
        CgroupResources.Cpu cpu = r.get("cpu").map(c -> new CgroupResources.Cpu(
                c.get("shares").map(JsonNode::uint64).orElse(null), num(c, "quota"), c.get("burst").map(JsonNode::uint64).orElse(null),
                c.get("period").map(JsonNode::uint64).orElse(null), num(c, "realtimeRuntime"),
                c.get("realtimePeriod").map(JsonNode::uint64).orElse(null), c.get("cpus").map(JsonNode::string).orElse(null),
                c.get("mems").map(JsonNode::string).orElse(null), num(c, "idle"))).orElse(null);
        CgroupResources.Pids pids = r.get("pids").map(p -> new CgroupResources.Pids(p.require("limit").int64())).orElse(null);
        CgroupResources.BlockIo blockIo = r.get("blockIO").map(b -> new CgroupResources.BlockIo(
                b.get("weight").map(JsonNode::int32).orElse(null), b.get("leafWeight").map(JsonNode::int32).orElse(null),
                list(b, "weightDevice", w -> new CgroupResources.WeightDevice(w.require("major").int64(), w.require("minor").int64(),
                        w.get("weight").map(JsonNode::int32).orElse(null), w.get("leafWeight").map(JsonNode::int32).orElse(null))),
                throttles(b, "throttleReadBpsDevice"), throttles(b, "throttleWriteBpsDevice"),
                throttles(b, "throttleReadIOPSDevice"), throttles(b, "throttleWriteIOPSDevice"))).orElse(null);
        List<CgroupResources.HugepageLimit> huge = list(r, "hugepageLimits",
                h -> new CgroupResources.HugepageLimit(h.require("pageSize").string(), h.require("limit").uint64()));
        List<CgroupResources.DeviceRule> devices = list(r, "devices", d -> {
            String type = d.get("type").map(JsonNode::string).orElse("a");
            if (type.length() != 1 || "abc".indexOf(type.charAt(0)) < 0) throw d.require("type").error("must be a, b or c");
            return new CgroupResources.DeviceRule(d.require("allow").bool(), type.charAt(0), num(d, "major"), num(d, "minor"),
                    d.get("access").map(JsonNode::string).orElse("rwm"));
        });
        Map<String, String> unified = r.get("unified").map(JsonNode::stringMap).orElse(Map.of());
        return new CgroupResources(memory, cpu, pids, blockIo, huge, devices, unified);
    }

    /** Whether applying these needs a cgroup at all (device rules alone do not stop a container without one). */
    static boolean limitsAnything(CgroupResources r) {
        return r.memory() != null || r.cpu() != null || r.pids() != null || r.blockIo() != null
                || !r.hugepageLimits().isEmpty() || !r.unified().isEmpty();
    }

    private static Long num(JsonNode o, String name) {
        return o.get(name).map(JsonNode::int64).orElse(null);
    }

    private static List<CgroupResources.ThrottleDevice> throttles(JsonNode b, String name) {
        return list(b, name, t -> new CgroupResources.ThrottleDevice(t.require("major").int64(), t.require("minor").int64(),
                t.require("rate").uint64()));
    }

    private static <T> List<T> list(JsonNode o, String name, Function<JsonNode, T> each) {
        List<T> out = new ArrayList<>();
        for (JsonNode e : o.get(name).map(JsonNode::elements).orElse(List.of())) out.add(each.apply(e));
        return out;
    }
}
