package dev.jns.oci;

import dev.jns.json.JsonException;
import dev.jns.json.JsonNode;
import dev.jns.json.JsonReader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a {@code config.json} into an {@link OciConfig}. Members the spec does not define are
 * ignored, as the spec requires of a runtime; members it defines that jns does not support
 * yet are refused with one line naming them, never ignored: a container must not run with
 * less isolation than its config asked for.
 */
public final class ConfigReader {
    private static final List<String> NAMESPACE_TYPES = List.of("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time");

    private ConfigReader() {}

    private static final Pattern SEMVER = Pattern.compile("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");

    /** @throws JsonException naming the value that is malformed, wrong or unsupported, and its line */
    public static OciConfig read(String text) {
        return read(JsonReader.readNode(text, "config.json"));
    }

    public static OciConfig read(JsonNode c) {
        String version = c.require("ociVersion").string();
        // The spec's version is SemVer 2.0; anything else is an invalid value, which a runtime MUST refuse.
        if (!SEMVER.matcher(version).matches()) throw c.require("ociVersion").error("\"" + version + "\" is not a version (MAJOR.MINOR.PATCH)");
        for (String other : List.of("solaris", "windows", "vm", "zos")) {
            if (c.has(other)) throw c.require(other).error("not supported: jns runs Linux containers only");
        }
        JsonNode rootNode = c.require("root");
        OciConfig.Root root = new OciConfig.Root(rootNode.require("path").string(),
                rootNode.get("readonly").map(JsonNode::bool).orElse(false));
        List<OciConfig.Mount> mounts = new ArrayList<>();
        for (JsonNode m : c.get("mounts").map(JsonNode::elements).orElse(List.of())) mounts.add(mount(m));
        Optional<OciConfig.Process> process = c.get("process").map(ConfigReader::process);
        OciConfig.Linux linux = c.get("linux").map(ConfigReader::linux).orElse(OciConfig.Linux.NONE);
        OciConfig.Hooks hooks = c.get("hooks").map(ConfigReader::hooks).orElse(OciConfig.Hooks.NONE);
        return new OciConfig(version, root, mounts, process, c.get("hostname").map(JsonNode::string),
                c.get("domainname").map(JsonNode::string), linux, hooks,
                c.get("annotations").map(JsonNode::stringMap).orElse(Map.of()));
    }

    /** A {@code process.json} ({@code exec --process}): the config's {@code process} object on its own. */
    public static OciConfig.Process readProcess(String text, String source) {
        return process(JsonReader.readNode(text, source));
    }

    private static OciConfig.Mount mount(JsonNode m) {
        return new OciConfig.Mount(m.require("destination").string(), m.get("source").map(JsonNode::string),
                m.get("type").map(JsonNode::string), m.get("options").map(JsonNode::strings).orElse(List.of()),
                mappings(m, "uidMappings"), mappings(m, "gidMappings"));
    }

    private static OciConfig.Process process(JsonNode p) {
        if (p.has("commandLine")) throw p.require("commandLine").error("is for Windows; use args");
        for (String field : List.of("apparmorProfile", "selinuxLabel")) {
            if (p.has(field) && !p.require(field).string().isEmpty()) {
                throw unsupported(p.require(field), field.startsWith("apparmor") ? "AppArmor" : "SELinux");
            }
        }
        for (String field : List.of("ioPriority", "scheduler", "execCPUAffinity")) {
            if (p.has(field)) throw unsupported(p.require(field), field);
        }
        JsonNode u = p.require("user");
        if (u.has("username")) throw u.require("username").error("is for Windows; use uid and gid");
        OciConfig.User user = new OciConfig.User(u.require("uid").uint32(), u.require("gid").uint32(),
                u.get("umask").map(JsonNode::uint32),
                u.get("additionalGids").map(n -> n.elements().stream().map(JsonNode::uint32).toList()).orElse(List.of()));
        List<String> args = p.require("args").strings();
        if (args.isEmpty()) throw p.require("args").error("must name a program to run");
        Optional<OciConfig.CapabilitySets> caps = p.get("capabilities").map(k -> new OciConfig.CapabilitySets(
                set(k, "bounding"), set(k, "effective"), set(k, "permitted"), set(k, "inheritable"), set(k, "ambient")));
        List<OciConfig.Rlimit> rlimits = new ArrayList<>();
        for (JsonNode r : p.get("rlimits").map(JsonNode::elements).orElse(List.of())) {
            rlimits.add(new OciConfig.Rlimit(r.require("type").string(), r.require("soft").uint64(), r.require("hard").uint64()));
        }
        String cwd = p.require("cwd").string();
        if (!cwd.startsWith("/")) throw p.require("cwd").error("must be an absolute path, not \"" + cwd + "\"");
        return new OciConfig.Process(p.get("terminal").map(JsonNode::bool).orElse(false), args,
                p.get("env").map(JsonNode::strings).orElse(List.of()), cwd, user, caps, rlimits,
                p.get("noNewPrivileges").map(JsonNode::bool).orElse(false), p.get("oomScoreAdj").map(JsonNode::int32));
    }

    private static List<String> set(JsonNode caps, String name) {
        return caps.get(name).map(JsonNode::strings).orElse(List.of());
    }

    private static OciConfig.Linux linux(JsonNode l) {
        for (String field : List.of("mountLabel", "intelRdt", "memoryPolicy", "netDevices")) {
            if (l.has(field) && !(field.equals("mountLabel") && l.require(field).string().isEmpty())) {
                throw unsupported(l.require(field), field);
            }
        }
        l.get("resources").ifPresent(ResourcesReader::read); // malformed or unsupported: refused now, before anything is made
        List<OciConfig.Namespace> namespaces = new ArrayList<>();
        for (JsonNode n : l.get("namespaces").map(JsonNode::elements).orElse(List.of())) {
            String type = n.require("type").string();
            if (!NAMESPACE_TYPES.contains(type)) throw n.require("type").error("unknown namespace type \"" + type + "\"");
            for (OciConfig.Namespace seen : namespaces) {
                if (seen.type().equals(type)) throw n.error("the " + type + " namespace is listed twice");
            }
            namespaces.add(new OciConfig.Namespace(type, n.get("path").map(JsonNode::string)));
        }
        Optional<String> personality = Optional.empty();
        if (l.has("personality")) {
            JsonNode p = l.require("personality");
            String domain = p.require("domain").string();
            if (!domain.equals("LINUX")) throw unsupported(p.require("domain"), "the " + domain + " personality");
            if (p.has("flags") && !p.require("flags").strings().isEmpty()) throw unsupported(p.require("flags"), "personality flags");
            personality = Optional.of(domain);
        }
        Map<String, OciConfig.TimeOffset> offsets = new LinkedHashMap<>();
        if (l.has("timeOffsets")) {
            JsonNode t = l.require("timeOffsets");
            for (String clock : t.names()) {
                if (!clock.equals("monotonic") && !clock.equals("boottime")) {
                    throw t.require(clock).error("is not a clock a time namespace offsets (monotonic, boottime)");
                }
                JsonNode o = t.require(clock);
                offsets.put(clock, new OciConfig.TimeOffset(o.get("secs").map(JsonNode::int64).orElse(0L),
                        o.get("nanosecs").map(JsonNode::uint32).orElse(0L)));
            }
        }
        return new OciConfig.Linux(namespaces, mappings(l, "uidMappings"), mappings(l, "gidMappings"), l.get("resources"),
                l.get("cgroupsPath").map(JsonNode::string), l.get("sysctl").map(JsonNode::stringMap).orElse(Map.of()),
                l.get("maskedPaths").map(JsonNode::strings).orElse(List.of()),
                l.get("readonlyPaths").map(JsonNode::strings).orElse(List.of()),
                l.get("rootfsPropagation").map(JsonNode::string), l.get("seccomp").map(ConfigReader::seccomp), offsets,
                personality, devices(l));
    }

    private static List<OciConfig.Device> devices(JsonNode l) {
        List<OciConfig.Device> out = new ArrayList<>();
        for (JsonNode d : l.get("devices").map(JsonNode::elements).orElse(List.of())) {
            String path = d.require("path").string();
            if (!path.startsWith("/")) throw d.require("path").error("must be an absolute path, not \"" + path + "\"");
            String type = d.require("type").string();
            if (!List.of("c", "u", "b", "p").contains(type)) {
                throw d.require("type").error("is not a device type (c, u, b or p): \"" + type + "\"");
            }
            boolean fifo = type.equals("p");
            // major and minor are required but for a fifo, which has none
            long major = fifo ? d.get("major").map(JsonNode::int64).orElse(0L) : d.require("major").int64();
            long minor = fifo ? d.get("minor").map(JsonNode::int64).orElse(0L) : d.require("minor").int64();
            // runc's default mode when none is given: read and write for all
            int mode = d.get("fileMode").map(JsonNode::uint32).orElse(0666L).intValue();
            if ((mode & ~07777) != 0) throw d.require("fileMode").error("holds more than permission bits: 0" + Integer.toOctalString(mode));
            out.add(new OciConfig.Device(path, type.charAt(0), major, minor, mode,
                    d.get("uid").map(JsonNode::uint32).orElse(0L), d.get("gid").map(JsonNode::uint32).orElse(0L)));
        }
        return out;
    }

    private static List<OciConfig.IdMapping> mappings(JsonNode l, String name) {
        List<OciConfig.IdMapping> out = new ArrayList<>();
        for (JsonNode m : l.get(name).map(JsonNode::elements).orElse(List.of())) {
            out.add(new OciConfig.IdMapping(m.require("containerID").uint32(), m.require("hostID").uint32(),
                    m.require("size").uint32()));
        }
        return out;
    }

    private static OciConfig.Seccomp seccomp(JsonNode s) {
        if (s.has("flags") && !s.require("flags").strings().isEmpty()) throw unsupported(s.require("flags"), "seccomp filter flags");
        List<OciConfig.SyscallRule> rules = new ArrayList<>();
        for (JsonNode r : s.get("syscalls").map(JsonNode::elements).orElse(List.of())) {
            List<OciConfig.SyscallArg> args = new ArrayList<>();
            for (JsonNode a : r.get("args").map(JsonNode::elements).orElse(List.of())) {
                args.add(new OciConfig.SyscallArg(a.require("index").int32(), a.require("value").uint64(),
                        a.get("valueTwo").map(JsonNode::uint64).orElse(0L), a.require("op").string()));
            }
            OciConfig.SyscallRule rule = new OciConfig.SyscallRule(r.require("names").strings(), r.require("action").string(),
                    r.get("errnoRet").map(JsonNode::int32), args);
            // The helper hands the listener over with sendmsg, under the filter already: notified, it would wait for itself.
            if (rule.action().equals(NOTIFY) && rule.names().contains("sendmsg")) {
                throw r.error("SCMP_ACT_NOTIFY for sendmsg would stop jns handing the listener over (it sends it with sendmsg)");
            }
            rules.add(rule);
        }
        String defaultAction = s.require("defaultAction").string();
        // Every call notified, the listener's own handover too (runc and libseccomp refuse it as well).
        if (defaultAction.equals(NOTIFY)) throw s.require("defaultAction").error(NOTIFY + " cannot be the default action");
        Optional<String> listenerPath = s.get("listenerPath").map(JsonNode::string).filter(p -> !p.isEmpty());
        boolean notifies = rules.stream().anyMatch(r -> r.action().equals(NOTIFY));
        if (notifies && listenerPath.isEmpty()) {
            throw s.error("listenerPath is required when an action is " + NOTIFY + " (the socket the listener is sent to)");
        }
        return new OciConfig.Seccomp(defaultAction, s.get("defaultErrnoRet").map(JsonNode::int32),
                s.get("architectures").map(JsonNode::strings).orElse(List.of()), rules, listenerPath,
                s.get("listenerMetadata").map(JsonNode::string).orElse(""));
    }

    private static OciConfig.Hooks hooks(JsonNode h) {
        return new OciConfig.Hooks(hookList(h, "prestart"), hookList(h, "createRuntime"), hookList(h, "createContainer"),
                hookList(h, "startContainer"), hookList(h, "poststart"), hookList(h, "poststop"));
    }

    private static List<OciConfig.Hook> hookList(JsonNode h, String name) {
        List<OciConfig.Hook> out = new ArrayList<>();
        for (JsonNode k : h.get(name).map(JsonNode::elements).orElse(List.of())) {
            Optional<Integer> timeout = k.get("timeout").map(JsonNode::int32);
            if (timeout.isPresent() && timeout.get() <= 0) throw k.require("timeout").error("must be a positive number of seconds");
            out.add(new OciConfig.Hook(k.require("path").string(), k.get("args").map(JsonNode::strings).orElse(List.of()),
                    k.get("env").map(JsonNode::strings).orElse(List.of()), timeout));
        }
        return out;
    }

    private static final String NOTIFY = "SCMP_ACT_NOTIFY";

    static JsonException unsupported(JsonNode at, String what) {
        return at.error(what + " not supported by jns yet");
    }
}
