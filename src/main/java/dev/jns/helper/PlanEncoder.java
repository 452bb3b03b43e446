package dev.jns.helper;

import dev.jns.ids.IdMap;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link LaunchPlan} in the helper's wire format: a little-endian u32 byte count,
 * then NUL-terminated tokens, each op as {@code CODE SIDE ARGC ARG...}. The codes and
 * argument orders are the ones {@code src/main/c/jns-helper.c} reads.
 */
public final class PlanEncoder {
    private PlanEncoder() {}

    public static byte[] encode(LaunchPlan plan) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
        for (Op op : plan.ops()) {
            List<String> args = args(op);
            token(body, code(op));
            token(body, String.valueOf(op.side().code()));
            token(body, Integer.toString(args.size()));
            for (String a : args) token(body, a);
        }
        int n = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 4);
        out.write(n);
        out.write(n >>> 8);
        out.write(n >>> 16);
        out.write(n >>> 24);
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static String code(Op op) {
        return switch (op) {
            case Op.ForwardSignals o -> "signals";
            case Op.JoinNamespace o -> "join";
            case Op.Clone o -> "clone";
            case Op.WriteSetgroups o -> "setgroups-file";
            case Op.WriteIdMap o -> "idmap-file";
            case Op.RunIdMapProgram o -> "idmap-program";
            case Op.PersistNamespace o -> "persist";
            case Op.AwaitCaller o -> "await";
            case Op.Unshare o -> "unshare";
            case Op.SetTimeOffsets o -> "timens";
            case Op.SetPropagation o -> "propagation";
            case Op.Mount o -> "mount";
            case Op.BindMount o -> "bind";
            case Op.ChangeRoot o -> "chroot";
            case Op.PivotRoot o -> "pivot";
            case Op.ChangeDirectory o -> "chdir";
            case Op.SetHostname o -> "hostname";
            case Op.SetDomainname o -> "domainname";
            case Op.SetGroups o -> "groups";
            case Op.SetGid o -> "gid";
            case Op.SetUid o -> "uid";
            case Op.KeepCapsAcrossSetuid o -> "keepcaps";
            case Op.RaiseAmbientCaps o -> "ambient";
            case Op.NoNewPrivileges o -> "nnp";
            case Op.ParentDeathSignal o -> "pdeathsig";
            case Op.Exec o -> "exec";
            case Op.EnterNamespaces o -> "enter";
            case Op.PinDirectories o -> "pin-dirs";
            case Op.EnterPinnedDirectories o -> "enter-dirs";
            case Op.DropGroupsBeforeJoining o -> "groups-before";
            case Op.DropGroupsAfterJoining o -> "groups-after";
            case Op.PinPidNamespace o -> "pin-pidns";
            case Op.JoinPinnedPidNamespace o -> "join-pidns";
        };
    }

    static List<String> args(Op op) {
        return switch (op) {
            case Op.ForwardSignals o -> o.signals().stream().map(String::valueOf).toList();
            case Op.JoinNamespace o -> List.of(o.nsFile(), Integer.toString(o.cloneFlag()));
            case Op.Clone o -> List.of(hex(o.namespaceFlags()));
            case Op.WriteSetgroups o -> List.of(o.allow() ? "allow" : "deny");
            case Op.WriteIdMap o -> concat(List.of(o.kind() == Op.IdKind.UID ? "uid" : "gid"), triples(o.maps()));
            case Op.RunIdMapProgram o -> concat(List.of(o.program()), triples(o.maps()));
            case Op.PersistNamespace o -> List.of(o.nsFileName(), o.target());
            case Op.AwaitCaller o -> List.of();
            case Op.Unshare o -> List.of(hex(o.namespaceFlags()));
            case Op.SetTimeOffsets o -> concat(secondsAndNanos(o.monotonic()), secondsAndNanos(o.boottime()));
            case Op.SetPropagation o -> List.of(o.path(), Long.toString(o.flags()));
            case Op.Mount o -> List.of(o.source(), o.target(), o.fstype(), Long.toString(o.flags()), o.data());
            case Op.BindMount o -> List.of(o.source(), o.target(), o.readOnly() ? "ro" : "rw");
            case Op.ChangeRoot o -> List.of(o.path());
            case Op.PivotRoot o -> List.of(o.path());
            case Op.ChangeDirectory o -> List.of(o.path());
            case Op.SetHostname o -> List.of(o.hostname());
            case Op.SetDomainname o -> List.of(o.domainname());
            case Op.SetGroups o -> o.gids().stream().map(String::valueOf).toList();
            case Op.SetGid o -> List.of(Long.toString(o.gid()));
            case Op.SetUid o -> List.of(Long.toString(o.uid()));
            case Op.KeepCapsAcrossSetuid o -> List.of();
            case Op.RaiseAmbientCaps o -> List.of();
            case Op.NoNewPrivileges o -> List.of();
            case Op.ParentDeathSignal o -> List.of(Integer.toString(o.signal()));
            case Op.Exec o -> {
                List<String> a = new ArrayList<>();
                a.add(o.program());
                a.add(Integer.toString(o.searchPath().size()));
                a.addAll(o.searchPath());
                a.add(Integer.toString(o.argv().size()));
                a.addAll(o.argv());
                a.add(Integer.toString(o.env().size()));
                a.addAll(o.env());
                yield a;
            }
            case Op.EnterNamespaces o -> {
                List<String> a = new ArrayList<>(List.of(Integer.toString(o.pid()), Long.toString(o.pidfdInode()),
                        hex(o.pidTypes())));
                for (Op.JoinNamespace f : o.files()) {
                    a.add(f.nsFile());
                    a.add(hex(f.cloneFlag()));
                }
                yield a;
            }
            case Op.PinDirectories o -> List.of(o.root(), o.workDir());
            case Op.EnterPinnedDirectories o -> List.of(o.keepCwd() ? "keep-cwd" : "root-cwd");
            case Op.DropGroupsBeforeJoining o -> List.of();
            case Op.DropGroupsAfterJoining o -> List.of();
            case Op.PinPidNamespace o -> List.of(o.nsFile());
            case Op.JoinPinnedPidNamespace o -> List.of();
        };
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

    private static void token(ByteArrayOutputStream out, String s) {
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL character in launch plan argument: " + s);
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
