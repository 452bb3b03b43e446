package dev.jns.oci;

import dev.jns.json.Json;
import dev.jns.json.JsonNode;
import dev.jns.json.JsonReader;
import dev.jns.json.JsonWriter;

import java.util.List;
import java.util.Map;

/**
 * What {@code create} leaves under {@code --root} for the later verbs ({@code state.json}):
 * enough to find the container's process again and be sure it is the same one (its pid and
 * start time), and the hooks later verbs run ({@code start}: startContainer and poststart;
 * {@code delete}: poststop).
 *
 * @param pidStartTime the process's start time ({@code /proc/PID/stat} field 22): a reused pid has another
 * @param created      when it was created, RFC 3339 with nanoseconds as runc writes it
 * @param owner        the user who created it (a uid)
 * @param cgroup       its cgroup's directories (controller or {@code unified} to directory), empty without one
 */
public record ContainerRecord(String id, int pid, long pidStartTime, String bundle, String rootfs, String created, long owner,
                              Map<String, String> annotations, List<OciConfig.Hook> poststop, List<OciConfig.Hook> poststart,
                              List<OciConfig.Hook> startContainer, Map<String, String> cgroup) {
    public ContainerRecord {
        cgroup = Map.copyOf(cgroup);
        annotations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(annotations));
        poststop = List.copyOf(poststop);
        poststart = List.copyOf(poststart);
        startContainer = List.copyOf(startContainer);
    }

    String toJson() {
        Json.ObjectBuilder a = Json.object();
        annotations.forEach(a::put);
        return JsonWriter.compact(Json.object().put("id", id).put("pid", pid).put("pidStartTime", pidStartTime)
                .put("bundle", bundle).put("rootfs", rootfs).put("created", created).put("owner", owner)
                .put("annotations", a.build()).put("poststop", hooks(poststop)).put("poststart", hooks(poststart))
                .put("startContainer", hooks(startContainer)).put("cgroup", stringMap(cgroup)).build());
    }

    static ContainerRecord fromJson(String text) {
        JsonNode n = JsonReader.readNode(text, "state.json");
        return new ContainerRecord(n.require("id").string(), n.require("pid").int32(), n.require("pidStartTime").int64(),
                n.require("bundle").string(), n.require("rootfs").string(), n.require("created").string(),
                n.require("owner").int64(), n.require("annotations").stringMap(), hooks(n.require("poststop")),
                hooks(n.require("poststart")), n.get("startContainer").map(ContainerRecord::hooks).orElse(List.of()),
                n.require("cgroup").stringMap());
    }

    private static Json stringMap(Map<String, String> map) {
        Json.ObjectBuilder b = Json.object();
        map.forEach(b::put);
        return b.build();
    }

    private static Json hooks(List<OciConfig.Hook> hooks) {
        return new Json.Arr(hooks.stream().map(h -> (Json) Json.object().put("path", h.path()).put("args", Json.strings(h.args()))
                .put("env", Json.strings(h.env())).put("timeout", h.timeout().orElse(0)).build()).toList(), 0);
    }

    private static List<OciConfig.Hook> hooks(JsonNode list) {
        return list.elements().stream().map(h -> new OciConfig.Hook(h.require("path").string(), h.require("args").strings(),
                h.require("env").strings(), h.require("timeout").int32() > 0 ? java.util.Optional.of(h.require("timeout").int32())
                : java.util.Optional.<Integer>empty())).toList();
    }
}
