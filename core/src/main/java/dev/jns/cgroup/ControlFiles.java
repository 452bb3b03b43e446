package dev.jns.cgroup;

import dev.jns.os.Errno;
import dev.jns.os.SyscallException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading and writing cgroup control files; failures name the file and the errno. */
final class ControlFiles {
    private ControlFiles() {}

    /** Writes {@code value} to the existing file in one {@code write}, as control files take a value. */
    static void write(Path file, String value) {
        ByteBuffer bytes = ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            int written = ch.write(bytes);
            if (bytes.hasRemaining()) {
                throw new SyscallException("write", file + " \"" + value + "\" (short write: " + written + " bytes)", Errno.EIO);
            }
        } catch (IOException e) {
            throw new SyscallException("write", file + " \"" + value + "\"", IoErrno.of(e));
        }
    }

    static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (IOException e) {
            throw new SyscallException("read", file.toString(), IoErrno.of(e));
        }
    }

    static boolean exists(Path file) {
        return java.nio.file.Files.exists(file);
    }

    /** The file's first line, trimmed. */
    static String readLine(Path file) {
        String text = read(file);
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).trim();
    }

    /** A number file; {@code max} (and v1's page-rounded largest value) read as {@link CgroupStats#UNLIMITED}. */
    static long readNumber(Path file) {
        return number(readLine(file));
    }

    /** A number file, or 0 if the file is not there (a controller or kernel that does not keep it). */
    static long readNumberOr0(Path file) {
        return exists(file) ? readNumber(file) : 0;
    }

    static long number(String value) {
        if (value.equals("max")) return CgroupStats.UNLIMITED;
        long n = Long.parseUnsignedLong(value);
        // v1 reports "no limit" as the largest page-aligned value, not as a word.
        return n < 0 || n >= 0x7FFFFFFFFFFFF000L ? CgroupStats.UNLIMITED : n;
    }

    /** A flat-keyed file ({@code key value} per line), the values as numbers; missing file: empty. */
    static Map<String, Long> readKeyed(Path file) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!exists(file)) return out;
        for (String line : read(file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                try {
                    out.put(kv[0], number(kv[1]));
                } catch (NumberFormatException ignored) {
                    // a non-numeric value (none in the files read this way today) is not a counter
                }
            }
        }
        return out;
    }

    /** The pids in a {@code cgroup.procs} file. */
    static List<Long> readPids(Path file) {
        List<Long> out = new ArrayList<>();
        for (String line : read(file).split("\n")) {
            if (!line.isBlank()) out.add(Long.parseLong(line.trim()));
        }
        return out;
    }

    /** Makes a directory; {@code false} if it was already there. */
    static boolean mkdir(Path dir) {
        try {
            java.nio.file.Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new SyscallException("mkdir", dir.toString(), IoErrno.of(e));
        }
    }

    static void rmdir(Path dir) {
        try {
            java.nio.file.Files.delete(dir);
        } catch (IOException e) {
            // Files.delete reads rmdir's EBUSY on a cgroup with tasks as "Device or resource busy"
            throw new SyscallException("rmdir", dir.toString(), IoErrno.of(e));
        }
    }

    /** The cgroup directories below {@code dir}, deepest first. */
    static List<Path> descendants(Path dir) {
        List<Path> out = new ArrayList<>();
        collect(dir, out);
        return out;
    }

    private static void collect(Path dir, List<Path> out) {
        try (var children = java.nio.file.Files.newDirectoryStream(dir, java.nio.file.Files::isDirectory)) {
            for (Path child : children) {
                collect(child, out);
                out.add(child);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // removed meanwhile: nothing below it any more
        } catch (IOException e) {
            throw new SyscallException("opendir", dir.toString(), IoErrno.of(e));
        }
    }
}
