package dev.jns.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A thread's filesystem context: its root, working directory and umask. The threads of a
 * process share one until a thread leaves it, which a thread must do before it can join a
 * mount namespace.
 */
public final class FsContext {
    /** From {@code <linux/sched.h>}. */
    private static final int CLONE_FS = 0x00000200;

    private FsContext() {}

    private static final class Fchdir {
        static final MethodHandle H = Ffi.errnoCall("fchdir", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
    }

    /** Gives the calling OS thread its own copy of the process's root, cwd and umask. */
    public static void leaveShared() {
        LibC.unshare(CLONE_FS, "CLONE_FS");
    }

    /** Changes the calling thread's working directory to the directory {@code fd} is open on. */
    public static void fchdir(int fd) {
        Ffi.checked("fchdir", "fd " + fd, st -> (int) Fchdir.H.invokeExact(st, fd));
    }
}
