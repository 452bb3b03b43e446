package dev.jns.cli;

import dev.jns.spawn.SpawnException;
import dev.jns.ns.NamespaceType;
import dev.jns.spec.Credentials;
import dev.jns.spec.FsStep;
import dev.jns.spec.Joins;
import dev.jns.spec.LockFile;
import dev.jns.spec.Program;
import dev.jns.spec.UserNamespace;

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
        // the new root's mount points, made before anything else (where unmapped ids first fail)
        if (e.step() instanceof FsStep.TmpfsRoot && e.call().equals("mkdir")) {
            return "Creating " + (e.detail().contains("oldroot") ? "oldroot" : "newroot") + " failed: " + why;
        }
        if (e.step() instanceof FsStep.Dir dir && e.call().equals("mkdir")) return "Can't mkdir " + dir.path() + ": " + why;
        if (e.step() instanceof FsStep.Chmod c && e.call().equals("chmod")) {
            return "Can't chmod 0" + Integer.toOctalString(c.mode()) + " " + c.path() + ": " + why;
        }
        if (e.step() instanceof FsStep.RemountReadOnly r && e.call().equals("mount_setattr")) {
            return "Can't remount readonly on " + r.target() + ": " + why;
        }
        if (e.call().equals("clone3") && e.errnoName().equals("ENOSPC")) {
            return "Creating new namespace failed: nesting depth or /proc/sys/user/max_*_namespaces exceeded (ENOSPC)";
        }
        if (e.call().equals("unshare-refused")) return "creation of new user namespaces was not disabled as requested";
        if (e.step() instanceof UserNamespace && e.call().equals("openat2") && e.detail().contains("sys/user/")) {
            return "cannot open /proc/sys/user/max_user_namespaces: " + why;
        }
        if (e.step() instanceof UserNamespace && e.call().equals("unshare")) return "unshare user ns: " + why;
        // no uid or gid asked for: the plan becomes root in a joined user namespace
        if (e.step() instanceof Credentials c && e.call().equals("setresuid")) {
            return "unable to switch to uid " + c.uid().orElse(0L) + ": " + why;
        }
        if (e.step() instanceof Credentials c && e.call().equals("setresgid")) {
            return "unable to switch to gid " + c.gid().orElse(0L) + ": " + why;
        }
        if (e.step() instanceof Program p && e.call().equals("chdir")) {
            return "Can't chdir to " + p.directory().map(Object::toString).orElse("") + ": " + why;
        }
        if (e.step() instanceof Joins.JoinedDescriptor j && e.call().equals("setns")) {
            if (j.type() == NamespaceType.PID) return "Setting pidns failed: " + why;
            if (e.errnoName().equals("EINVAL")) {
                return "Joining the specified user namespace failed, it might not be a descendant of the current user namespace.";
            }
            return "Joining specified user namespace failed: " + why;
        }
        if (e.step() instanceof Joins.UserAfterSetup && e.call().equals("setns")) return "Setting userns2 failed: " + why;
        if (e.step() instanceof LockFile l && e.call().equals("openat2")) return "Unable to open lock file " + l.file() + ": " + why;
        if (e.step() instanceof LockFile l && e.call().equals("fcntl")) return "Unable to lock file " + l.file() + ": " + why;
        return e.getMessage();
    }

}
