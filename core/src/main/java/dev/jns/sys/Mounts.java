package dev.jns.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static dev.jns.mount.MountFlags.MS_BIND;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code mount(2)} and {@code umount2(2)}, for the calling thread's mount namespace. */
public final class Mounts {

    private Mounts() {}

    private static final class Mount {
        static final MethodHandle H = Ffi.errnoCall("mount",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), -1);
    }
    private static final class Umount2 {
        static final MethodHandle H = Ffi.errnoCall("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), -1);
    }

    /** A bind mount of {@code source} onto {@code target}. */
    public static void bind(String source, String target) {
        mount(source, target, null, MS_BIND, "bind " + source + " -> " + target);
    }

    /** Changes the propagation of the mount at {@code target} (MountFlags.MS_SHARED etc., optionally | MS_REC). */
    public static void setPropagation(String target, long flags) {
        mount(null, target, null, flags, "propagation of " + target);
    }

    /** {@code mount(source, target, fstype, flags, NULL)}; null strings pass as NULL. */
    public static void mount(String source, String target, String fstype, long flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = cString(arena, source), tgt = cString(arena, target), type = cString(arena, fstype);
            Ffi.checked("mount", what, st -> (int) Mount.H.invokeExact(st, src, tgt, type, flags, MemorySegment.NULL));
        }
    }

    /** {@code umount2(target, flags)}, e.g. with MountFlags.MNT_DETACH. */
    public static void umount(String target, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tgt = arena.allocateFrom(target);
            Ffi.checked("umount2", target, st -> (int) Umount2.H.invokeExact(st, tgt, flags));
        }
    }

    private static MemorySegment cString(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }
}
