package dev.jns.sys;

import dev.jns.os.SyscallException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few {@code bpf(2)} commands that device rules on cgroup v2 need: load a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, attach it to a cgroup, list and detach the ones
 * attached before (x86_64; {@code union bpf_attr} offsets from linux/bpf.h).
 */
public final class Bpf {
    private static final long SYS_BPF = 321;
    private static final int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_DETACH = 9, BPF_PROG_GET_FD_BY_ID = 13,
            BPF_PROG_QUERY = 16;
    private static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15, BPF_CGROUP_DEVICE = 6;
    /** Several programs may sit on one cgroup; a device must pass them all. */
    public static final int BPF_F_ALLOW_MULTI = 2;
    private static final int ATTR_SIZE = 128, LOG_SIZE = 64 * 1024, MAX_QUERIED = 64;

    private Bpf() {}

    /**
     * Loads a cgroup device program ({@code instructions}: 8-byte {@code struct bpf_insn}s)
     * and returns its fd; a program the verifier refuses throws with the verifier's last line.
     */
    public static int loadCgroupDeviceProgram(byte[] instructions, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(instructions.length, 8);
            MemorySegment.copy(instructions, 0, insns, JAVA_BYTE, 0, instructions.length);
            MemorySegment license = arena.allocateFrom("GPL");
            MemorySegment log = arena.allocate(LOG_SIZE);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, BPF_PROG_TYPE_CGROUP_DEVICE);
            attr.set(JAVA_INT, 4, instructions.length / 8);
            attr.set(JAVA_LONG, 8, insns.address());
            attr.set(JAVA_LONG, 16, license.address());
            attr.set(JAVA_INT, 24, 1); // log_level: the verifier explains a refusal
            attr.set(JAVA_INT, 28, LOG_SIZE);
            attr.set(JAVA_LONG, 32, log.address());
            try {
                return (int) LibC.syscall(SYS_BPF, "bpf", "BPF_PROG_LOAD " + what, BPF_PROG_LOAD, attr.address(), ATTR_SIZE, 0);
            } catch (SyscallException e) {
                String verifier = log.getString(0).strip();
                if (verifier.isEmpty()) throw e;
                // The last line is a summary ("processed N insns..."); the reason is the line before it.
                String last = verifier.lines().filter(l -> !l.startsWith("processed ")).reduce((a, b) -> b).orElse(verifier);
                throw new SyscallException("bpf", "BPF_PROG_LOAD " + what + " (verifier: " + last + ")", e.errno());
            }
        }
    }

    /** Attaches the device program {@code programFd} to the cgroup open as {@code cgroupFd}. */
    public static void attachCgroupDevice(int cgroupFd, int programFd, int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, cgroupFd);
            attr.set(JAVA_INT, 4, programFd);
            attr.set(JAVA_INT, 8, BPF_CGROUP_DEVICE);
            attr.set(JAVA_INT, 12, flags);
            LibC.syscall(SYS_BPF, "bpf", "BPF_PROG_ATTACH " + what, BPF_PROG_ATTACH, attr.address(), ATTR_SIZE, 0);
        }
    }

    /** Detaches the device program {@code programFd} from the cgroup open as {@code cgroupFd}. */
    public static void detachCgroupDevice(int cgroupFd, int programFd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, cgroupFd);
            attr.set(JAVA_INT, 4, programFd);
            attr.set(JAVA_INT, 8, BPF_CGROUP_DEVICE);
            LibC.syscall(SYS_BPF, "bpf", "BPF_PROG_DETACH " + what, BPF_PROG_DETACH, attr.address(), ATTR_SIZE, 0);
        }
    }

    /** The ids of the device programs attached to the cgroup open as {@code cgroupFd} itself (not inherited). */
    public static int[] attachedCgroupDevicePrograms(int cgroupFd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ids = arena.allocate(JAVA_INT, MAX_QUERIED);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, cgroupFd);
            attr.set(JAVA_INT, 4, BPF_CGROUP_DEVICE);
            attr.set(JAVA_LONG, 16, ids.address());
            attr.set(JAVA_INT, 24, MAX_QUERIED);
            LibC.syscall(SYS_BPF, "bpf", "BPF_PROG_QUERY " + what, BPF_PROG_QUERY, attr.address(), ATTR_SIZE, 0);
            int count = attr.get(JAVA_INT, 24);
            int[] out = new int[count];
            for (int i = 0; i < count; i++) out[i] = ids.getAtIndex(JAVA_INT, i);
            return out;
        }
    }

    /** An fd on the loaded program with id {@code id}. */
    public static int programFd(int id) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, id);
            return (int) LibC.syscall(SYS_BPF, "bpf", "BPF_PROG_GET_FD_BY_ID " + id, BPF_PROG_GET_FD_BY_ID, attr.address(), ATTR_SIZE, 0);
        }
    }
}
