package dev.jns.cli;

import dev.jns.spawn.SpawnException;
import dev.jns.spec.FsStep;

/**
 * A failed sandbox setup in bubblewrap's words ({@code jns run}'s messages): which step, on
 * which of the user's paths, and the error's text; a failure bwrap has no words for keeps the
 * engine's message (the system call and its arguments). The failing call is told by its name
 * ({@link SpawnException#call()}): the command line does not see the plan's ops.
 */
final class RunMessages {
    private RunMessages() {}

    static String of(SpawnException e) {
        String why = e.strerror();
        if (e.step() instanceof FsStep.Symlink l && e.call().equals("symlink")) {
            // the helper's detail names what is in the way: "DEST: existing destination is X"
            String detail = e.detail();
            return detail.contains(": ") ? "Can't make symlink at " + detail : "Can't make symlink at " + l.link() + ": " + why;
        }
        if (e.step() instanceof FsStep.Bind b && e.call().equals("openat2")) return "Can't find source path " + b.source() + ": " + why;
        if (e.step() instanceof FsStep.Bind b && e.call().equals("bind-mount")) {
            return "Can't bind mount " + b.source() + " on " + b.target() + ": " + why;
        }
        if (e.step() instanceof FsStep.Dir dir && e.call().equals("mkdir")) return "Can't mkdir " + dir.path() + ": " + why;
        if (e.step() instanceof FsStep.Chmod c && e.call().equals("chmod")) {
            return "Can't chmod 0" + Integer.toOctalString(c.mode()) + " " + c.path() + ": " + why;
        }
        if (e.step() instanceof FsStep.RemountReadOnly r && e.call().equals("mount_setattr")) {
            return "Can't remount readonly on " + r.target() + ": " + why;
        }
        return e.getMessage();
    }
}
