package dev.jns.helper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the native helper executable is. The build puts it at {@code target/jns-helper},
 * beside {@code target/jns.jar} and {@code target/classes}, so it is found next to the code
 * that runs (or under the {@code jns.home} the launcher names). A jar used elsewhere, as a
 * library, carries it as a resource, unpacked once into this JVM's private runtime directory.
 */
final class HelperBinary {
    static final String NAME = "jns-helper";
    private static final String RESOURCE = "/dev/jns/helper/" + NAME;

    private HelperBinary() {}

    private static final class Located {
        static final Path PATH = locate();
    }

    static Path path() {
        return Located.PATH;
    }

    private static Path locate() {
        String home = System.getProperty("jns.home");
        if (home != null) {
            Path p = Path.of(home, "target", NAME);
            if (Files.isExecutable(p)) return p;
        }
        Path beside = besideCode();
        if (beside != null && Files.isExecutable(beside)) return beside;
        return unpack();
    }

    private static Path besideCode() {
        try {
            var source = HelperBinary.class.getProtectionDomain().getCodeSource();
            if (source == null) return null;
            Path code = Path.of(source.getLocation().toURI());
            return code.getParent() == null ? null : code.getParent().resolve(NAME);
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    private static Path unpack() {
        try (InputStream in = HelperBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("jns: the native helper is missing: no " + RESOURCE
                    + " on the class path and no executable " + NAME + " beside the code");
            Path target = RuntimeDir.path().resolve(NAME);
            Path tmp = Files.createTempFile(RuntimeDir.path(), NAME, ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-x------"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            target.toFile().deleteOnExit();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("jns: cannot unpack the native helper", e);
        }
    }
}
