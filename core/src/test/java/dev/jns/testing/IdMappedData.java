package dev.jns.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test data for id-mapped binds. */
public final class IdMappedData {
    private IdMappedData() {}

    /**
     * A directory {@code dir/data} stored as uid/gid 1000 (so that a map of 1000 to 0 shows it
     * as root's), holding {@code thousands}, a file of 1000's, and {@code roots}, one of root's.
     */
    public static Path create(Path dir) throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.writeString(data.resolve("thousands"), "t");
        Files.writeString(data.resolve("roots"), "r");
        for (Path p : List.of(data, data.resolve("thousands"))) {
            Files.setAttribute(p, "unix:uid", 1000);
            Files.setAttribute(p, "unix:gid", 1000);
        }
        return data;
    }
}
