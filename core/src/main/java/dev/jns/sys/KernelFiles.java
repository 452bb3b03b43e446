package dev.jns.sys;

import dev.jns.os.Errno;
import dev.jns.os.SyscallException;

import java.io.ByteArrayOutputStream;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Reading and writing the small control files of kernel filesystems (cgroupfs, procfs) and
 * making and removing their directories, with the errno kept: the kernel answers a bad value
 * written to such a file with an errno on that one {@code write} (EINVAL, EBUSY...), which
 * Java's file API reduces to a message text. Each value goes in one {@code write}, as these
 * files expect.
 */
public final class KernelFiles {
    private static final long SYS_READ = 0, SYS_WRITE = 1, SYS_MKDIR = 83, SYS_RMDIR = 84;
    private static final int READ_CHUNK = 16 * 1024;

    private KernelFiles() {}

    /** Writes {@code value} to the existing file {@code path} in one {@code write}. */
    public static void write(String path, String value) {
        int fd = LibC.open(path, LibC.O_WRONLY | LibC.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            MemorySegment buf = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, buf, JAVA_BYTE, 0, bytes.length);
            long written = LibC.syscall(SYS_WRITE, "write", path + " \"" + value + "\"", fd, buf.address(), bytes.length, 0);
            if (written != bytes.length) {
                throw new SyscallException("write", path + " \"" + value + "\" (short write: " + written + " bytes)", Errno.EIO);
            }
        } finally {
            LibC.close(fd);
        }
    }

    /** The whole content of {@code path}. */
    public static String read(String path) {
        int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(READ_CHUNK);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (true) {
                long n = LibC.syscall(SYS_READ, "read", path, fd, buf.address(), READ_CHUNK, 0);
                if (n == 0) break;
                bytes.write(buf.asSlice(0, n).toArray(JAVA_BYTE), 0, (int) n);
            }
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            LibC.close(fd);
        }
    }

    /** {@code mkdir(path, mode)}. */
    public static void mkdir(String path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            LibC.syscall(SYS_MKDIR, "mkdir", path, arena.allocateFrom(path).address(), mode, 0, 0);
        }
    }

    /** {@code rmdir(path)}. */
    public static void rmdir(String path) {
        try (Arena arena = Arena.ofConfined()) {
            LibC.syscall(SYS_RMDIR, "rmdir", path, arena.allocateFrom(path).address(), 0, 0, 0);
        }
    }
}
