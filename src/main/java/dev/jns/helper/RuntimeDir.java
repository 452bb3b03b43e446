package dev.jns.helper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory only this user can enter (mode 0700), created once per JVM, for the helper
 * executable when it has to be unpacked from the jar (jns used as a library).
 *
 * <p>Named by pid and a counter rather than by {@code Files.createTempDirectory}, whose
 * SecureRandom costs a cold CLI tens of milliseconds. {@code mkdir} is atomic and fails on
 * anything already there, so the directory is surely this JVM's own.
 */
final class RuntimeDir {
    private RuntimeDir() {}

    private static final class Created {
        static final Path PATH = create();
    }

    static Path path() {
        return Created.PATH;
    }

    private static Path create() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
        removeThoseOfDeadJvms(tmp);
        String prefix = "jns-" + ProcessHandle.current().pid() + "-";
        for (int attempt = 0; ; attempt++) {
            Path dir = tmp.resolve(prefix + attempt);
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                dir.toFile().deleteOnExit();
                return dir;
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 1000) throw new UncheckedIOException("jns: no free runtime directory " + dir, taken);
            } catch (IOException e) {
                throw new UncheckedIOException("jns: cannot create a private runtime directory in " + tmp, e);
            }
        }
    }

    /** A JVM killed outright (SIGKILL) leaves its directory behind; the next one clears it. */
    private static void removeThoseOfDeadJvms(Path tmp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "jns-*-*")) {
            for (Path dir : dirs) {
                String[] parts = dir.getFileName().toString().split("-");
                if (parts.length != 3 || !parts[1].chars().allMatch(Character::isDigit) || parts[1].isEmpty()) continue;
                if (ProcessHandle.of(Long.parseLong(parts[1])).isPresent()) continue;
                try (DirectoryStream<Path> left = Files.newDirectoryStream(dir)) {
                    for (Path f : left) Files.deleteIfExists(f);
                    Files.deleteIfExists(dir);
                } catch (IOException | RuntimeException e) {
                    // another user's directory, or one that just went: not ours to clear
                }
            }
        } catch (IOException e) {
            // no listing: nothing to clear
        }
    }
}
