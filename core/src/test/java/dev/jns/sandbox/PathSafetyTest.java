package dev.jns.sandbox;

import dev.jns.helper.HelperLauncher;
import dev.jns.plan.LaunchPlan;
import dev.jns.plan.Op;
import dev.jns.plan.PlannedOp;
import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.SpawnException;
import dev.jns.testing.MachineState;
import dev.jns.testing.Privilege;
import dev.jns.testing.UpstreamSuite;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static dev.jns.mount.MountFlags.MS_BIND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The path classes of sandbox escapes (issue #10, item 4), each shown working against a
 * deliberately weakened plan (the protection taken out of the real one, op by op) and failing
 * against jns:
 * <ul>
 * <li>a symlink in the new root pointing out of it, used as (part of) a target: a naive
 * setup follows it from where it builds the root, and makes directories, files, modes and
 * mount points in the caller's tree (bubblewrap 0.11.1 itself does, from its base
 * directory: {@code --symlink ../../oldroot/tmp /link --dir /link/x} makes {@code /tmp/x});
 * jns resolves every target inside the root ({@code RESOLVE_IN_ROOT}), where the link leads
 * to nothing;</li>
 * <li>CVE-2019-12439: something pre-created by another user at the predictable path the
 * setup uses for its base ({@code /tmp/newroot}), which a naive setup takes as the program's
 * root; jns builds in a fresh tmpfs of its own mount namespace, and opens the root with
 * {@code RESOLVE_NO_SYMLINKS}.</li>
 * </ul>
 */
class PathSafetyTest {
    private static final String NEW_ROOT = "/newroot";

    @Test
    void aSymlinkedTargetPointingOutOfTheRootEscapesANaivePlanButNotJns() throws Exception {
        Privilege.requireRoot("build sandboxes as root, where an escape can write anywhere");
        MachineState before = MachineState.capture();
        Path victim = Files.createTempDirectory("jns-victim");
        try {
            Files.writeString(victim.resolve("secret"), "s");
            Files.setPosixFilePermissions(victim.resolve("secret"), PosixFilePermissions.fromString("rw-------"));
            // From the base directory a setup builds in, /newroot/link -> ../oldroot/VICTIM is the caller's VICTIM.
            Sandbox attack = usr(Sandbox.command("true")).symlink("../oldroot" + victim, "/link")
                    .dir("/link/made-dir").file("x".getBytes(StandardCharsets.UTF_8), "/link/made-file", 0644)
                    .chmod(0666, "/link/secret").bind("/usr", "/link/mount-point");

            int status = launch(naive(attack.plan()));
            assertThat(status).as("the naive plan runs").isZero();
            assertThat(victim.resolve("made-dir")).as("the naive plan made a directory outside the root").isDirectory();
            assertThat(victim.resolve("made-file")).as("and a file").hasContent("x");
            assertThat(victim.resolve("mount-point")).as("and a mount point").exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim.resolve("secret"))))
                    .as("and changed a mode").isEqualTo("rw-rw-rw-");

            UpstreamSuite.deleteTree(victim);
            Files.createDirectory(victim);
            Files.writeString(victim.resolve("secret"), "s");
            Files.setPosixFilePermissions(victim.resolve("secret"), PosixFilePermissions.fromString("rw-------"));
            // jns: inside the root the link leads to /oldroot/VICTIM of the new root, which does not exist
            assertThatThrownBy(() -> attack.start().waitFor()).isInstanceOf(SpawnException.class)
                    .hasMessageContaining("ENOENT");
            try (var left = Files.list(victim)) {
                assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("secret");
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim.resolve("secret")))).isEqualTo("rw-------");

            // An absolute link is the root's own path: a target through it lands inside, where the program sees it.
            Sandbox inside = usr(Sandbox.command("sh", "-c", "ls -d /inside/made-dir")).redirectErrorStream(true)
                    .dir("/inside").symlink("/inside", "/link").dir("/link/made-dir");
            NamespacedProcess p = inside.start();
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("/inside/made-dir\n");
            assertThat(p.waitFor()).isZero();
        } finally {
            UpstreamSuite.deleteTree(victim);
        }
        MachineState.assertNothingLeakedSince(before);
    }

    @Test
    void cve201912439APreCreatedBaseIsTakenByANaivePlanButNotByJns() throws Exception {
        Privilege.requireRoot("play another user who pre-creates /tmp/newroot");
        Path predictable = Path.of("/tmp/newroot"), oldRoot = Path.of("/tmp/oldroot"), planted = Path.of("/tmp/jns-planted-root");
        assertThat(predictable).as("nothing of anyone's at the predictable path before the test").doesNotExist();
        MachineState before = MachineState.capture();
        // the pre-created things: a directory, and a symlink to one, each holding a marker
        for (boolean symlink : new boolean[] {false, true}) {
            Path holder = symlink ? planted : predictable;
            try {
                Files.createDirectory(holder);
                Files.writeString(holder.resolve("planted-by-another-user"), "x");
                if (symlink) Files.createSymbolicLink(predictable, Path.of(planted.getFileName().toString()));
                Sandbox sandbox = Sandbox.command("/bin/ls", "/").redirectErrorStream(true).roBind("/usr", "/usr")
                        .roBind("/bin", "/bin").roBind("/lib", "/lib").roBind("/lib64", "/lib64");

                Path out = Files.createTempFile("jns-ls", "");
                try {
                    assertThat(launch(naive(weakBase(sandbox.plan())), Redirect.to(out.toFile()))).isZero();
                    assertThat(Files.readString(out)).as("the naive plan (symlink: %s) gave the program the planted root", symlink)
                            .contains("planted-by-another-user");
                } finally {
                    Files.delete(out);
                }
                // what the naive plan made in there (the mount points) goes, the marker stays
                try (var made = Files.list(holder)) {
                    for (Path m : made.toList()) if (!m.getFileName().toString().startsWith("planted")) UpstreamSuite.deleteTree(m);
                }
                if (Files.exists(oldRoot)) UpstreamSuite.deleteTree(oldRoot);

                NamespacedProcess p = sandbox.start();
                String seen = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor()).as(seen).isZero();
                assertThat(seen).as("jns builds in a fresh tmpfs of its own").isEqualTo("bin\nlib\nlib64\nusr\n");
                try (var left = Files.list(holder)) {
                    assertThat(left.map(x -> x.getFileName().toString()).toList()).as("jns wrote nothing there")
                            .containsExactly("planted-by-another-user");
                }
            } finally {
                UpstreamSuite.deleteTree(predictable); // the symlink itself, or the directory
                UpstreamSuite.deleteTree(holder);
                if (Files.exists(oldRoot)) UpstreamSuite.deleteTree(oldRoot);
            }
        }
        MachineState.assertNothingLeakedSince(before);
    }

    private static Sandbox usr(Sandbox s) {
        return s.roBind("/usr", "/usr").symlink("usr/bin", "/bin").symlink("usr/lib", "/lib").symlink("usr/lib64", "/lib64");
    }

    /**
     * The plan with the resolution step removed: every op that resolves a target in the root
     * held in a slot takes the plain path {@code /newroot/TARGET} instead, followed from the
     * base directory as a naive setup follows it.
     */
    static LaunchPlan naive(LaunchPlan plan) {
        return map(plan, op -> switch (op) {
            case Op.MakeDirectory m when m.root() != Op.NO_ROOT -> new Op.MakeDirectory(Op.NO_ROOT, NEW_ROOT + m.path(), m.mode(), m.parentMode());
            case Op.Symlink s when s.root() != Op.NO_ROOT -> new Op.Symlink(s.target(), NEW_ROOT + s.linkPath());
            case Op.Chmod c when c.root() != Op.NO_ROOT -> new Op.Chmod(NEW_ROOT + c.path(), c.mode());
            case Op.CopyFile f when f.root() != Op.NO_ROOT -> new Op.CopyFile(f.slot(), f.dataSlot(), Op.NO_ROOT, NEW_ROOT + f.path(), f.mode());
            case Op.BindAt b -> new Op.BindAt(b.sourceSlot(), Op.NO_ROOT, NEW_ROOT + b.target(), b.recursive(), b.attrSet(), b.parentMode());
            case Op.MountAt m -> new Op.MountAt(Op.NO_ROOT, NEW_ROOT + m.target(), m.fstype(), m.source(), m.attrSet(), m.options());
            default -> op;
        });
    }

    /**
     * The plan with its fresh base taken out: the caller's {@code /tmp} (bound on itself, so it
     * is a mount point to pivot into) instead of a new tmpfs, and whatever is at
     * {@code /tmp/newroot} as the root (bound on itself), opened following symlinks.
     */
    static LaunchPlan weakBase(LaunchPlan plan) {
        return map(plan, op -> switch (op) {
            case Op.Mount m when "tmpfs".equals(m.fstype()) && m.target().equals("/tmp") -> new Op.Mount("/tmp", "/tmp", null, MS_BIND, null);
            case Op.Mount m when "tmpfs".equals(m.fstype()) && m.target().equals("/tmp/newroot") ->
                    new Op.Mount("/tmp/newroot", "/tmp/newroot", null, MS_BIND, null);
            case Op.Open o when o.path().equals(NEW_ROOT) -> new Op.Open(o.slot(), o.dirSlot(), o.path(), o.flags(), o.mode(), 0);
            default -> op;
        });
    }

    private static LaunchPlan map(LaunchPlan plan, UnaryOperator<Op> change) {
        List<PlannedOp> out = new ArrayList<>();
        for (PlannedOp p : plan.planned()) out.add(new PlannedOp(p.side(), change.apply(p.op()), p.from(), p.tolerated(), p.onlyIf()));
        return new LaunchPlan(out, plan.environment());
    }

    private static int launch(LaunchPlan plan) throws IOException, InterruptedException {
        return launch(plan, Redirect.DISCARD);
    }

    /** Runs a plan straight through the helper; the program's exit status, or -1 with the failed op. */
    private static int launch(LaunchPlan plan, Redirect out) throws IOException, InterruptedException {
        ProcessBuilder stdio = new ProcessBuilder().redirectInput(Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out).redirectError(Redirect.INHERIT);
        HelperLauncher.Outcome o = HelperLauncher.launch(plan, stdio, null);
        if (o instanceof HelperLauncher.Outcome.Started s) return s.helper().waitFor();
        throw new AssertionError("the weakened plan did not run: " + o + " at " + (o instanceof HelperLauncher.Outcome.Failed f
                ? plan.planned().get(f.opIndex()) : "?"));
    }
}
