package dev.jns.sandbox;

import dev.jns.seccomp.ContainerProfile;
import dev.jns.spawn.NamespacedProcess;
import dev.jns.sys.LibC;
import dev.jns.sys.Pty;
import dev.jns.testing.ExternalCommand;
import dev.jns.testing.JnsInstall;
import dev.jns.testing.MachineState;
import dev.jns.testing.Oracles;
import dev.jns.testing.Privilege;
import dev.jns.testing.RunAs;
import dev.jns.testing.UpstreamSuite;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The process classes of sandbox escapes (issue #10), each shown working against a
 * deliberately weakened setup and failing against jns (the path classes are
 * {@link PathSafetyTest}'s):
 * <ul>
 * <li>CVE-2024-21626 (runc): a descriptor of the caller's, or a working directory, that
 * reaches the host from inside. Weakened: the JVM's open directory handed in on purpose, and
 * a chroot without chdir. jns hands the program only the descriptors named, and its working
 * directory is inside the new root.</li>
 * <li>CVE-2019-5736 (runc): the launcher's executable, reached through {@code /proc/PID/exe}
 * from inside, opened for writing. jns's helper runs from a sealed in-memory copy; every
 * executable visible from inside refuses the write.</li>
 * <li>CVE-2016-8659, CVE-2020-5291 (bubblewrap): a privileged phase a process of the target's
 * uid can trace or read through {@code /proc}. Weakened: a root process that takes the
 * target's uid dumpable, holding a root-only directory. jns's helper is undumpable when run by
 * root, so its {@code /proc} files refuse that uid.</li>
 * <li>CVE-2017-5226, CVE-2019-10063: {@code TIOCSTI} on the controlling terminal pushes input
 * into the caller's shell. bwrap without {@code --new-session} allows it; so does
 * {@code jns run} by default, on purpose, as the drop-in it is (bwrap's manual leaves it to
 * {@code --new-session} or a filter); jns blocks it with {@code --new-session} and with
 * {@link ContainerProfile}, whose rule masks the high bits an attacker sets in the request.</li>
 * </ul>
 */
class SandboxCveTest {
    private static final String SECRET = "secret-" + UUID.randomUUID();

    /** A sandbox with the machine's /usr and nothing else of the host. */
    private static Sandbox usr(String... command) {
        return Sandbox.command(command).roBind("/usr", "/usr").symlink("usr/bin", "/bin").symlink("usr/lib", "/lib")
                .symlink("usr/lib64", "/lib64").proc("/proc").dev("/dev").redirectErrorStream(true);
    }

    /**
     * A shell probe that looks for the secret file (at host path HOSTPATH) through every
     * descriptor, the working directories it can see, and {@code ..} from its own.
     */
    private static String escapeProbe(Path secret) {
        String rel = secret.toString().substring(1);
        return "for b in /proc/self/fd/* /proc/self/cwd /proc/[0-9]*/cwd /proc/[0-9]*/root .; do "
                + "for p in \"$b/" + secret.getFileName() + "\" \"$b/../../../../../../../../" + rel + "\"; do "
                + "cat \"$p\" 2>&- && echo \" via $p\"; done; done; true";
    }

    private static String run(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void cve202421626ALeakedDescriptorOrHostDirectoryReachesTheHostOnlyWhenHandedIn() throws Exception {
        Privilege.requireRoot("chroot for the weakened setup");
        MachineState before = MachineState.capture();
        Path dir = Files.createTempDirectory("jns-cve-21626");
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, SECRET);
        // the JVM's own directory descriptor, not close-on-exec: what a careless launcher leaks
        int leaked = LibC.open(dir.toString(), LibC.O_RDONLY);
        try {
            String weakFd = run(usr("sh", "-c", escapeProbe(secret)).unshareAll().inheritFd(leaked, leaked).start());
            assertThat(weakFd).as("handed in, the descriptor reaches the host").contains(SECRET + " via /proc/self/fd/" + leaked);

            // a chroot (into a root of busybox only) without chdir: the working directory stays on the host
            Path root = Files.createDirectories(dir.resolve("root/bin"));
            Files.copy(Path.of(ExternalCommand.run("sh", "-c", "command -v busybox").stdout().strip()), root.resolve("busybox"));
            Files.setPosixFilePermissions(root.resolve("busybox"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String applet : List.of("sh", "cat", "true")) Files.createSymbolicLink(root.resolve(applet), Path.of("busybox"));
            String weakCwd = run(new ProcessBuilder("/usr/bin/python3", "-c",
                    "import os,sys; os.chroot(sys.argv[1]); os.execv('/bin/sh', ['sh', '-c', sys.argv[2]])",
                    root.getParent().toString(), escapeProbe(secret))
                    .directory(dir.toFile()).redirectErrorStream(true).start());
            assertThat(weakCwd).as("a working directory outside the root reaches the host").contains(SECRET + " via ./");

            String jns = run(usr("sh", "-c", "ls -l /proc/self/fd/; readlink /proc/self/cwd; " + escapeProbe(secret))
                    .unshareAll().start());
            assertThat(jns).as("jns: the JVM's descriptor %d is not there, the working directory is the new root", leaked)
                    .doesNotContain(SECRET).doesNotContain(dir.toString()).contains("\n/\n");
            // runc's vector: the working directory named through a descriptor the JVM holds
            NamespacedProcess viaFd = null;
            try {
                viaFd = usr("sh", "-c", escapeProbe(secret)).unshareAll().directory("/proc/self/fd/" + leaked).start();
                assertThat(run(viaFd)).doesNotContain(SECRET);
            } catch (dev.jns.spawn.SpawnException e) {
                assertThat(e.getMessage()).as("no such descriptor inside").containsAnyOf("ENOENT", "ENOTDIR");
            }
        } finally {
            LibC.close(leaked);
            UpstreamSuite.deleteTree(dir);
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void cve20195736NoExecutableVisibleInsideCanBeOpenedForWriting() throws Exception {
        Privilege.requireRoot("a sandbox whose root is the caller's root, the strongest attacker");
        MachineState before = MachineState.capture();
        // every /proc/N/exe inside, opened for appending (no byte is written: the open is the attack)
        String probe = "for e in /proc/[0-9]*/exe; do if (: >> $e) 2>/dev/null; then echo \"WRITABLE $e -> $(readlink $e)\"; "
                + "else echo \"refused $e -> $(readlink $e)\"; fi; done";
        for (Sandbox s : List.of(usr("sh", "-c", probe).unshareAll(), usr("sh", "-c", probe).unshareAll().asPid1(),
                usr("sh", "-c", probe).unshareAll().keepCallerCapabilities())) {
            String out = run(s.start());
            assertThat(out).as("the helper's copy is visible as PID 1 (or the program is)").contains("refused /proc/1/exe")
                    .doesNotContain("WRITABLE");
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void cve20168659TheHelperRunByRootRefusesAProcessOfTheTargetsUid() throws Exception {
        Privilege.requireRoot("play root launching for uid 65534");
        MachineState before = MachineState.capture();
        Path dir = Files.createTempDirectory("jns-cve-8659");
        Files.writeString(dir.resolve("secret.txt"), SECRET);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        List<String> attack = new ArrayList<>(RunAs.nobody().prefix());
        try {
            // weakened: root reads a root-only file, then takes uid 65534 and stays dumpable (bwrap's bug in setuid
            // mode): a process of uid 65534 reads the secret out of its memory
            Process weak = new ProcessBuilder("/usr/bin/python3", "-c", "import os,sys,ctypes,time\n"
                    + "buf = ctypes.create_string_buffer(open(sys.argv[1], 'rb').read())\n"
                    + "os.setresgid(65534, 65534, 65534); os.setresuid(65534, 65534, 65534)\n"
                    + "ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)\n" // PR_SET_DUMPABLE
                    + "print(ctypes.addressof(buf), flush=True); time.sleep(30)", dir.resolve("secret.txt").toString()).start();
            try {
                String address = new java.io.BufferedReader(new java.io.InputStreamReader(weak.getInputStream())).readLine();
                List<String> cmd = new ArrayList<>(attack);
                cmd.addAll(List.of("/usr/bin/python3", "-c", "import os,sys; fd = os.open('/proc/%s/mem' % sys.argv[1], os.O_RDONLY); "
                        + "sys.stdout.write(os.pread(fd, int(sys.argv[3]), int(sys.argv[2])).decode())",
                        String.valueOf(weak.pid()), address, String.valueOf(SECRET.length())));
                ExternalCommand read = ExternalCommand.run(cmd);
                assertThat(read.stdout()).as("uid 65534 reads root's secret out of the dumpable process: %s", read.stderr())
                        .isEqualTo(SECRET);
            } finally {
                weak.destroyForcibly().waitFor();
            }

            // jns: root launches a program as uid 65534; the helper (and the reaper) refuse uid 65534
            NamespacedProcess p = usr("sleep", "30").unshare(dev.jns.ns.NamespaceType.PID).uid(65534).gid(65534).start();
            try {
                List<Long> setup = new ArrayList<>();
                ProcessHandle h = ProcessHandle.of(p.pid()).orElseThrow();
                for (var parent = h.parent(); parent.isPresent() && parent.get().pid() != ProcessHandle.current().pid();
                     parent = parent.get().parent()) {
                    setup.add(parent.get().pid());
                }
                assertThat(setup).as("the helper (and the reaper, if any)").isNotEmpty();
                StringBuilder pids = new StringBuilder();
                for (long pid : setup) pids.append(pid).append(' ');
                List<String> cmd = new ArrayList<>(attack);
                cmd.addAll(List.of("sh", "-c", "for pid in " + pids + p.pid()
                        + "; do if ls /proc/$pid/fd >/dev/null 2>&1; then echo \"fd $pid\"; fi; "
                        + "if head -c0 /proc/$pid/mem 2>/dev/null; then echo \"mem $pid\"; fi; "
                        + "if readlink /proc/$pid/root >/dev/null 2>&1; then echo \"root $pid\"; fi; done"));
                String out = ExternalCommand.run(cmd).stdout();
                assertThat(out).as("uid 65534 reaches the program it owns (the attack works), not the helper or reaper")
                        .isEqualTo("fd " + p.pid() + "\nmem " + p.pid() + "\nroot " + p.pid() + "\n");
            } finally {
                p.destroyForcibly();
                p.waitFor();
                // Known (main too): as root with --uid and a pid namespace the program outlives a killed helper
                // (no reaper, and its death signal is cleared by exec's credential change); not this test's subject.
                ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        } finally {
            UpstreamSuite.deleteTree(dir);
        }
        MachineState.assertNothingLeakedSince(before);
    }

    /** Python pushing 'X' into the terminal on fd 0, plainly and with junk above the 32 bits of the request. */
    private static final String TIOCSTI = "import ctypes,os\n"
            + "libc = ctypes.CDLL(None, use_errno=True)\n"
            + "for name, req in (('plain', 0x5412), ('high-bits', 0xffffffff00005412)):\n"
            + "    c = ctypes.c_char(b'X')\n"
            + "    r = libc.ioctl(0, ctypes.c_ulong(req), ctypes.byref(c))\n"
            + "    print(name, 'INJECTED' if r == 0 else os.strerror(ctypes.get_errno()))\n";

    @Test
    void cve20175226Cve201910063TiocstiIsBlockedByNewSessionAndTheContainerProfile() throws Exception {
        Privilege.requireRoot("compare with bwrap as root");
        MachineState before = MachineState.capture();
        Pty pty = Pty.open();
        try {
            List<String> bind = List.of("--unshare-all", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
                    "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev");
            // the terminal is the session's controlling terminal, as in a user's shell (setsid --ctty)
            String bwrap = onTerminal(pty, Oracles.bubblewrap().resolve("bwrap").toString(), bind, false);
            assertThat(bwrap).as("bwrap without --new-session: the attack works").contains("plain INJECTED", "high-bits INJECTED");
            String jnsDefault = onTerminal(pty, null, bind, false);
            assertThat(jnsDefault).as("jns run by default does as bwrap (documented)").contains("plain INJECTED");
            String jnsNewSession = onTerminal(pty, null, bind, true);
            assertThat(jnsNewSession).as("jns run --new-session").contains("plain Operation not permitted",
                    "high-bits Operation not permitted").doesNotContain("INJECTED");

            // The library with the container profile: a program with CAP_SYS_ADMIN may push into any terminal, even one
            // that is not its controlling terminal; the profile refuses it, high bits or not.
            Sandbox weak = usr("/usr/bin/python3", "-c", TIOCSTI).keepCallerCapabilities().redirectInput(Redirect.from(pty.path().toFile()));
            assertThat(run(weak.start())).as("no profile").contains("plain INJECTED", "high-bits INJECTED");
            Sandbox guarded = usr("/usr/bin/python3", "-c", TIOCSTI).keepCallerCapabilities()
                    .redirectInput(Redirect.from(pty.path().toFile())).seccomp(ContainerProfile.filter(false));
            assertThat(run(guarded.start())).as("ContainerProfile").contains("plain Operation not permitted",
                    "high-bits Operation not permitted");
        } finally {
            LibC.close(pty.terminal());
            LibC.close(pty.master());
        }
        MachineState.assertNothingLeakedSince(before);
    }

    /** Runs the TIOCSTI probe with the pty as controlling terminal, under bwrap ({@code bwrap}) or jns run (null). */
    private static String onTerminal(Pty pty, String bwrap, List<String> options, boolean newSession) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setsid", "--ctty", "--wait"));
        if (bwrap != null) cmd.add(bwrap);
        else cmd.addAll(JnsInstall.shared().command("run"));
        cmd.addAll(options);
        if (newSession) cmd.add("--new-session");
        cmd.addAll(List.of("/usr/bin/python3", "-c", TIOCSTI));
        Process p = new ProcessBuilder(cmd).redirectInput(Redirect.from(new File(pty.path().toString())))
                .redirectErrorStream(true).start();
        return run(p);
    }
}
