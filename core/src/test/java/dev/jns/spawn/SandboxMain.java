package dev.jns.spawn;

import dev.jns.ids.IdMap;
import dev.jns.net.UserModeNetwork;
import dev.jns.ns.NamespaceType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.jns.ns.NamespaceType.*;

/**
 * A small program the tests run in a separate JVM: to kill that JVM while its sandbox runs
 * ({@code sleep}), to spawn as an unprivileged user ({@code rootless}, {@code user-mode-net}),
 * or to hit a namespace limit ({@code enospc}), printing what each sandbox saw as {@code case: output} lines.
 */
public final class SandboxMain {
    private SandboxMain() {}

    public static void main(String[] args) throws Exception {
        long uid = idFromStatus("Uid:"), gid = idFromStatus("Gid:");
        switch (args[0]) {
            case "sleep" -> {
                Process p = rootMapped(uid, gid, "sleep", "600").newNamespaces(PID, NET).start();
                System.out.println(p.pid());
                System.out.flush();
                p.waitFor();
            }
            case "rootless" -> {
                show("Ur", rootMapped(uid, gid, "sh", "-c", "id -u; id -g; cat /proc/self/setgroups"));
                show("Urpf-mount-proc", rootMapped(uid, gid, "sh", "-c", "echo $$ /proc/[0-9]*")
                        .newNamespaces(PID, MNT).mountProc(Path.of("/proc")));
                show("Urn", rootMapped(uid, gid, "ip", "-o", "link").newNamespaces(NET));
                show("Uru", rootMapped(uid, gid, "hostname").newNamespaces(UTS).hostname("rootless"));
                show("UrT-boottime", rootMapped(uid, gid, "cat", "/proc/uptime").newNamespaces(TIME)
                        .timeOffset(dev.jns.spec.Clock.BOOTTIME, Duration.ofDays(365)));
                show("uptime-outside", null);
                show("sandbox", rootMapped(uid, gid, "true").newNamespaces(PID, MNT, UTS, IPC, NET, CGROUP));
                show("map-auto", new NamespacedProcessBuilder("cat", "/proc/self/uid_map", "/proc/self/gid_map")
                        .newNamespaces(USER).idMapWriter(dev.jns.spec.IdMapWriter.SHADOW_UTILS)
                        .uidMap(new IdMap(0, Long.parseLong(args[1]), 65536))
                        .gidMap(new IdMap(0, Long.parseLong(args[1]), 65536)));
                show("no-userns", new NamespacedProcessBuilder("true").newNamespaces(NET));
            }
            case "user-mode-net" -> {
                // The test listens on the host's 127.0.0.1:PORT; 10.0.2.2 inside is that loopback.
                String connect = "exec 3<>/dev/tcp/" + UserModeNetwork.GATEWAY + "/" + args[1] + "; cat <&3";
                show("slirp", rootMapped(uid, gid, "bash", "-c", "ip -br -4 addr show " + UserModeNetwork.INTERFACE
                        + "; ip route show default; " + connect).newNamespaces(NET)
                        .beforeExec(UserModeNetwork.slirp4netns().allowHostLoopback(true)));
                show("slirp-closed-loopback", rootMapped(uid, gid, "bash", "-c", "timeout 3 bash -c '" + connect
                        + "' 2>/dev/null || echo no connection").newNamespaces(NET)
                        .beforeExec(UserModeNetwork.slirp4netns()));
                show("slirp-without-netns", rootMapped(uid, gid, "true").beforeExec(UserModeNetwork.slirp4netns()));
            }
            case "user-mode-net-sleep" -> {
                Process p = rootMapped(uid, gid, "sleep", "600").newNamespaces(NET)
                        .beforeExec(UserModeNetwork.slirp4netns()).start();
                System.out.println(p.pid());
                System.out.flush();
                p.waitFor();
            }
            case "tree" -> {
                // A program that leaves a background child, without a pid namespace to take it along.
                Process p = rootMapped(uid, gid, "sh", "-c", "sleep 1004 & sleep 1004").newNamespaces(UTS).start();
                System.out.println(p.pid());
                System.out.flush();
                p.waitFor();
            }
            case "tmpfs-root" -> {
                // The bubblewrap-like root of SpecSpawnTest, as whoever runs this JVM.
                dev.jns.spec.LaunchSpec base = rootMapped(uid, gid, "sh", "-c",
                        "grep -E '^Cap(Eff|Bnd)' /proc/self/status; ls /; ls /dev | tr '\\n' ' '; echo; id -u; echo pid $$")
                        .newNamespaces(PID, MNT, UTS, IPC, NET).spec();
                dev.jns.spec.LaunchSpec spec = new dev.jns.spec.LaunchSpec(base.program(), base.create(), base.join(), base.user(),
                        SpecSpawnTest.emptyRootWithUsr(), base.setup(), base.credentials(),
                        new dev.jns.spec.Capabilities.Exactly(java.util.Set.of()), base.supervision(), base.descriptors(),
                        base.seccomp(), false);
                Process p = Spawner.start(spec, new ProcessBuilder().redirectErrorStream(true), List.of(), false);
                String out = new String(p.getInputStream().readAllBytes()) + "exit " + p.waitFor();
                for (String line : out.strip().split("\n")) System.out.println("tmpfs-root: " + line);
            }
            case "rootless-uts" -> show("Uu", rootMapped(uid, gid, "hostname").newNamespaces(UTS).hostname("from-memfd"));
            case "true" -> show("true", new NamespacedProcessBuilder("true").newNamespaces(UTS));
            case "enospc" -> show("net", new NamespacedProcessBuilder("true").newNamespaces(NET));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static NamespacedProcessBuilder rootMapped(long uid, long gid, String... cmd) {
        return new NamespacedProcessBuilder(cmd).newNamespaces(NamespaceType.USER)
                .uidMap(IdMap.single(0, uid)).gidMap(IdMap.single(0, gid))
                .setgroups(dev.jns.spec.Setgroups.DENY);
    }

    private static void show(String name, NamespacedProcessBuilder b) throws IOException, InterruptedException {
        String out;
        if (b == null) {
            out = Files.readString(Path.of("/proc/uptime"));
        } else {
            try {
                Process p = b.redirectErrorStream(true).start();
                out = new String(p.getInputStream().readAllBytes()) + "exit " + p.waitFor();
            } catch (SpawnException e) {
                out = "SpawnException " + e.getMessage();
            } catch (RuntimeException e) {
                out = e.getClass().getSimpleName() + " " + e.getMessage();
            }
        }
        for (String line : out.strip().split("\n")) System.out.println(name + ": " + line);
    }

    private static long idFromStatus(String key) throws IOException {
        List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
        String line = status.stream().filter(l -> l.startsWith(key)).findFirst().orElseThrow();
        return Long.parseLong(line.split("\\s+")[1]);
    }
}
