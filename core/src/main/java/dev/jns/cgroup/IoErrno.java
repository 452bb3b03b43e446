package dev.jns.cgroup;

import dev.jns.os.Errno;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Map;

/**
 * The errno behind a failed Java file call. Java's file API keeps the C library's text of the
 * errno (or an exception type for a few), not its number; cgroup files answer with a handful
 * of errnos, read back here from glibc's texts. Going through Java instead of FFM keeps the
 * native linker out of every cgroup read and write: it costs a cold start 100 ms and more.
 */
final class IoErrno {
    private static final Map<String, Integer> GLIBC_TEXTS = Map.ofEntries(
            Map.entry("Operation not permitted", Errno.EPERM),
            Map.entry("No such file or directory", Errno.ENOENT),
            Map.entry("No such process", Errno.ESRCH),
            Map.entry("Interrupted system call", Errno.EINTR),
            Map.entry("Input/output error", Errno.EIO),
            Map.entry("Argument list too long", 7),
            Map.entry("Bad file descriptor", Errno.EBADF),
            Map.entry("Resource temporarily unavailable", Errno.EAGAIN),
            Map.entry("Cannot allocate memory", Errno.ENOMEM),
            Map.entry("Permission denied", Errno.EACCES),
            Map.entry("Device or resource busy", Errno.EBUSY),
            Map.entry("File exists", Errno.EEXIST),
            Map.entry("No such device", Errno.ENODEV),
            Map.entry("Not a directory", Errno.ENOTDIR),
            Map.entry("Is a directory", Errno.EISDIR),
            Map.entry("Invalid argument", Errno.EINVAL),
            Map.entry("No space left on device", Errno.ENOSPC),
            Map.entry("Read-only file system", Errno.EROFS),
            Map.entry("Numerical result out of range", Errno.ERANGE),
            Map.entry("Directory not empty", Errno.ENOTEMPTY),
            Map.entry("Operation not supported", Errno.EOPNOTSUPP),
            Map.entry("No data available", Errno.ENODATA));

    private IoErrno() {}

    /** The errno of {@code e}; EIO when its text is not one of those above. */
    static int of(IOException e) {
        if (e instanceof NoSuchFileException) return Errno.ENOENT;
        if (e instanceof AccessDeniedException) return Errno.EACCES;
        if (e instanceof FileAlreadyExistsException) return Errno.EEXIST;
        if (e instanceof DirectoryNotEmptyException) return Errno.ENOTEMPTY;
        String text = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return text == null ? Errno.EIO : GLIBC_TEXTS.getOrDefault(text, Errno.EIO);
    }
}
