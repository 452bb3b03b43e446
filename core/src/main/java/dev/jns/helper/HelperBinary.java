package dev.jns.helper;

import dev.jns.os.Descriptors;
import dev.jns.sys.LibC;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the native helper executable is. The build puts it at {@code core/target/jns-helper},
 * beside {@code core/target/jns.jar} and {@code target/classes}, so it is found next to the code
 * that runs (or under the {@code jns.home} the launcher names). A jar used elsewhere, as a
 * library, carries it as a resource, unpacked once into a sealed memfd of this JVM.
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
            Path p = Path.of(home, "core", "target", NAME);
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

    /**
     * Copies the helper from the jar into a sealed memfd and names it through this JVM's
     * {@code /proc/PID/fd}, which a child can exec. Nothing lands on disk, so a JVM killed
     * outright leaves nothing behind, and the seal means nobody can change the code the next
     * spawn runs (the helper then needs no sealed re-exec of its own).
     */
    private static Path unpack() {
        try (InputStream in = HelperBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("jns: the native helper is missing: no " + RESOURCE
                    + " on the class path and no executable " + NAME + " beside the code");
            int fd = LibC.memfdCreate(NAME);
            Path memfd = Descriptors.procPath(fd);
            try (OutputStream out = Files.newOutputStream(memfd)) {
                in.transferTo(out);
            }
            LibC.sealForGood(fd);
            // The fd stays open for the JVM's life: it is the helper.
            return memfd;
        } catch (IOException e) {
            throw new UncheckedIOException("jns: cannot unpack the native helper", e);
        }
    }
}
