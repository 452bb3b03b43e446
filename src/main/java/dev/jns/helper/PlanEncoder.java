package dev.jns.helper;

import dev.jns.ids.IdMap;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link LaunchPlan} as the helper's command-line arguments, each op as
 * {@code CODE SIDE ARGC ARG...}. The codes and argument orders are the ones the native
 * helper reads (src/main/c: the codes in {@code optable.c}, each op's arguments where the op
 * is defined). The Exec op's environment is not among them: it becomes the helper's own
 * environment (see {@link #environment}), which, unlike the command line, other users
 * cannot read.
 */
public final class PlanEncoder {
    private PlanEncoder() {}

    public static List<String> encode(LaunchPlan plan) {
        List<String> out = new ArrayList<>();
        for (Op op : plan.ops()) {
            Wire wire = wire(op);
            out.add(wire.code());
            out.add(String.valueOf(op.side().code()));
            out.add(Integer.toString(wire.args().size()));
            for (String a : wire.args()) {
                if (a.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL character in launch plan argument: " + a);
                out.add(a);
            }
        }
        return out;
    }

    /** The helper's environment: the program's, which the helper passes on at exec. */
    public static Map<String, String> environment(LaunchPlan plan) {
        Map<String, String> env = new HashMap<>();
        for (String line : plan.opsOf(Op.Exec.class).getFirst().env()) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    /** An op as the helper reads it: its code and its arguments. */
    record Wire(String code, List<String> args) {}

    static String code(Op op) {
        return wire(op).code();
    }

    static List<String> args(Op op) {
        return wire(op).args();
    }

    // An instanceof chain rather than a pattern switch: a type switch bootstraps a hidden class
    // at first use, which a cold `jns unshare` would pay for (20+ ms) on every run.
    static Wire wire(Op op) {
        if (op instanceof Op.ForwardSignals o) return new Wire("signals", numbers(o.signals()));
        if (op instanceof Op.IgnoreSignals o) return new Wire("ignore-signals", numbers(o.signals()));
        if (op instanceof Op.BecomeOwner o) return new Wire("owner", List.of(Long.toString(o.uid()), Long.toString(o.gid())));
        if (op instanceof Op.Clone o) return new Wire("clone", List.of(hex(o.namespaceFlags())));
        if (op instanceof Op.WriteSetgroups o) return new Wire("setgroups-file", List.of(o.allow() ? "allow" : "deny"));
        if (op instanceof Op.WriteIdMap o) {
            return new Wire("idmap-file", concat(List.of(o.kind() == Op.IdKind.UID ? "uid" : "gid"), triples(o.maps())));
        }
        if (op instanceof Op.WriteOwnSetgroups o) return new Wire("setgroups-file", List.of(o.allow() ? "allow" : "deny"));
        if (op instanceof Op.WriteOwnIdMap o) {
            return new Wire("idmap-file", concat(List.of(o.kind() == Op.IdKind.UID ? "uid" : "gid"), triples(List.of(o.map()))));
        }
        if (op instanceof Op.RunIdMapProgram o) return new Wire("idmap-program", concat(List.of(o.program()), triples(o.maps())));
        if (op instanceof Op.PersistNamespace o) {
            return new Wire("persist", List.of(o.nsFileName(), o.target(), o.createTarget() ? "create" : "existing"));
        }
        if (op instanceof Op.AwaitCaller) return new Wire("await", List.of());
        if (op instanceof Op.Unshare o) return new Wire("unshare", List.of(hex(o.namespaceFlags())));
        if (op instanceof Op.SetTimeOffsets o) {
            return new Wire("timens", concat(secondsAndNanos(o.monotonic()), secondsAndNanos(o.boottime())));
        }
        if (op instanceof Op.SetPropagation o) return new Wire("propagation", List.of(o.path(), Long.toString(o.flags())));
        if (op instanceof Op.PrivatizeMountPoint o) return new Wire("privatize", List.of(o.path()));
        if (op instanceof Op.Mount o) {
            return new Wire("mount", List.of(o.source(), o.target(), o.fstype(), Long.toString(o.flags()), o.data()));
        }
        if (op instanceof Op.RegisterBinaryFormat o) return new Wire("binfmt-register", List.of(o.directory(), o.definition()));
        if (op instanceof Op.Unmount o) return new Wire("umount", List.of(o.target(), Integer.toString(o.flags())));
        if (op instanceof Op.BindMount o) return new Wire("bind", List.of(o.source(), o.target(), o.readOnly() ? "ro" : "rw"));
        if (op instanceof Op.ChangeRoot o) return new Wire("chroot", List.of(o.path()));
        if (op instanceof Op.PivotRoot o) return new Wire("pivot", List.of(o.path()));
        if (op instanceof Op.ChangeDirectory o) return new Wire("chdir", List.of(o.path()));
        if (op instanceof Op.LoopbackUp) return new Wire("lo-up", List.of());
        if (op instanceof Op.SetHostname o) return new Wire("hostname", List.of(o.hostname()));
        if (op instanceof Op.SetDomainname o) return new Wire("domainname", List.of(o.domainname()));
        if (op instanceof Op.SetGroups o) return new Wire("groups", numbers(o.gids()));
        if (op instanceof Op.SetGid o) return new Wire("gid", List.of(Long.toString(o.gid())));
        if (op instanceof Op.SetUid o) return new Wire("uid", List.of(Long.toString(o.uid())));
        if (op instanceof Op.KeepCapsAcrossSetuid) return new Wire("keepcaps", List.of());
        if (op instanceof Op.RaiseAmbientCaps) return new Wire("ambient", List.of());
        if (op instanceof Op.NoNewPrivileges) return new Wire("nnp", List.of());
        if (op instanceof Op.ParentDeathSignal o) return new Wire("pdeathsig", List.of(Integer.toString(o.signal())));
        if (op instanceof Op.Exec o) {
            List<String> a = new ArrayList<>();
            a.add(o.program());
            a.add(Integer.toString(o.searchPath().size()));
            a.addAll(o.searchPath());
            a.addAll(o.argv());
            return new Wire("exec", a);
        }
        if (op instanceof Op.EnterNamespaces o) {
            List<String> a = new ArrayList<>(List.of(Integer.toString(o.pid()), Long.toString(o.pidfdInode()),
                    hex(o.pidTypes())));
            for (Op.JoinNamespace f : o.files()) {
                a.add(f.nsFile());
                a.add(hex(f.cloneFlag()));
            }
            return new Wire("enter", a);
        }
        if (op instanceof Op.PinDirectories o) return new Wire("pin-dirs", List.of(o.root(), o.workDir()));
        if (op instanceof Op.EnterPinnedDirectories o) {
            return new Wire("enter-dirs", List.of(o.keepCwd() ? "keep-cwd" : "root-cwd"));
        }
        if (op instanceof Op.DropGroupsBeforeJoining) return new Wire("groups-before", List.of());
        if (op instanceof Op.DropGroupsAfterJoining) return new Wire("groups-after", List.of());
        if (op instanceof Op.PinPidNamespace o) return new Wire("pin-pidns", List.of(o.nsFile()));
        if (op instanceof Op.JoinPinnedPidNamespace) return new Wire("join-pidns", List.of());
        throw new IllegalArgumentException("no wire form for " + op);
    }

    private static List<String> numbers(List<? extends Number> values) {
        List<String> out = new ArrayList<>(values.size());
        for (Number n : values) out.add(n.toString());
        return out;
    }

    private static String hex(int flags) {
        return "0x" + Integer.toHexString(flags);
    }

    private static List<String> secondsAndNanos(Duration d) {
        return List.of(Long.toString(d.getSeconds()), Integer.toString(d.getNano()));
    }

    private static List<String> triples(List<IdMap> maps) {
        List<String> out = new ArrayList<>();
        for (IdMap m : maps) {
            out.add(Long.toString(m.inside()));
            out.add(Long.toString(m.outside()));
            out.add(Long.toString(m.count()));
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
