package dev.jns.os;

import dev.jns.sys.LibC;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Linux errno numbers and their symbolic names (x86_64 / generic numbering).
 * The human text comes from the C library's {@code strerror}, so messages match
 * what util-linux prints.
 */
public final class Errno {
    /** {@code EPERM}: operation not permitted. */
    public static final int EPERM = 1;
    /** {@code ENOENT}: no such file or directory. */
    public static final int ENOENT = 2;
    /** {@code ESRCH}: no such process. */
    public static final int ESRCH = 3;
    /** {@code EINTR}: interrupted system call. */
    public static final int EINTR = 4;
    /** {@code EIO}: input/output error. */
    public static final int EIO = 5;
    /** {@code EBADF}: bad file descriptor. */
    public static final int EBADF = 9;
    /** {@code ECHILD}: no child processes. */
    public static final int ECHILD = 10;
    /** {@code EAGAIN}: resource temporarily unavailable. */
    public static final int EAGAIN = 11;
    /** {@code ENOMEM}: cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** {@code EACCES}: permission denied. */
    public static final int EACCES = 13;
    /** {@code EFAULT}: bad address. */
    public static final int EFAULT = 14;
    /** {@code EBUSY}: device or resource busy. */
    public static final int EBUSY = 16;
    /** {@code EEXIST}: file exists. */
    public static final int EEXIST = 17;
    /** {@code EXDEV}: invalid cross-device link. */
    public static final int EXDEV = 18;
    /** {@code ENODEV}: no such device. */
    public static final int ENODEV = 19;
    /** {@code ENOTDIR}: not a directory. */
    public static final int ENOTDIR = 20;
    /** {@code EISDIR}: is a directory. */
    public static final int EISDIR = 21;
    /** {@code EINVAL}: invalid argument. */
    public static final int EINVAL = 22;
    /** {@code EMFILE}: too many open files. */
    public static final int EMFILE = 24;
    /** {@code ENOTTY}: inappropriate ioctl for device. */
    public static final int ENOTTY = 25;
    /** {@code ENOSPC}: no space left on device. */
    public static final int ENOSPC = 28;
    /** {@code EROFS}: read-only file system. */
    public static final int EROFS = 30;
    /** {@code ERANGE}: numerical result out of range. */
    public static final int ERANGE = 34;
    /** {@code ENOSYS}: function not implemented. */
    public static final int ENOSYS = 38;
    /** {@code ENOTEMPTY}: directory not empty. */
    public static final int ENOTEMPTY = 39;
    /** {@code ELOOP}: too many levels of symbolic links. */
    public static final int ELOOP = 40;
    /** {@code ENODATA}: no data available. */
    public static final int ENODATA = 61;
    /** {@code EOPNOTSUPP}: operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** {@code EADDRINUSE}: address already in use. */
    public static final int EADDRINUSE = 98;
    /** {@code EADDRNOTAVAIL}: cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** {@code ENETUNREACH}: network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** {@code ECONNREFUSED}: connection refused. */
    public static final int ECONNREFUSED = 111;
    /** {@code EUSERS}: too many users. */
    public static final int EUSERS = 87;

    private static final String[] NAMES = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV",
        "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE",
        "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
        "ELOOP", null, "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH",
        "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", null, "EBFONT",
        "ENOSTR", "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT",
        "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC",
        "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ",
        "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL",
        "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS",
        "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL",
        "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED",
        "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
    };

    private Errno() {}

    /**
     * The symbolic name, e.g. {@code ENOSPC}; {@code E<n>} for numbers without one.
     *
     * @param errno the errno
     * @return the name
     */
    public static String name(int errno) {
        return errno > 0 && errno < NAMES.length && NAMES[errno] != null ? NAMES[errno] : "E" + errno;
    }

    /**
     * The number for a symbolic name, or -1.
     *
     * @param name the name
     * @return the number, or -1 if unknown
     */
    public static int byName(String name) {
        for (int i = 1; i < NAMES.length; i++) {
            if (name.equals(NAMES[i])) return i;
        }
        return -1;
    }

    /**
     * The C library's text for the errno, e.g. "No space left on device".
     *
     * @param errno the errno
     * @return the text
     */
    public static String describe(int errno) {
        return LibC.strerror(errno);
    }

    /**
     * The C library's text for a failed NIO call: NIO keeps it as the exception's reason,
     * except for the errors it turns into exception types of their own. No native call, so
     * it costs nothing at start-up.
     *
     * @param e the exception a NIO call threw
     * @return the text
     */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof DirectoryNotEmptyException) return "Directory not empty";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return String.valueOf(e.getMessage());
    }
}
