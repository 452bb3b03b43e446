package dev.jns.junit;

import dev.jns.net.Link;
import dev.jns.net.NetworkConfig;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What a test's network may leave behind on the machine: names, links, mounts, holders. */
record MachineView(List<String> netnsNames, List<String> hostLinks, List<String> mounts) {

    static MachineView capture() throws IOException {
        List<String> names;
        Path runNetns = Path.of("/run/netns");
        if (Files.isDirectory(runNetns)) {
            try (Stream<Path> s = Files.list(runNetns)) {
                names = s.map(p -> p.getFileName().toString()).sorted().toList();
            }
        } else {
            names = List.of();
        }
        List<String> links;
        try (NetworkConfig host = NetworkConfig.current()) {
            links = host.links().stream().map(Link::name).sorted().toList();
        }
        // Mount ids and the mount points (the rest changes with propagation peers).
        List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")[4]).sorted().toList();
        return new MachineView(names, links, mounts);
    }

    /** Every task namespace link and open fd on the machine that refers to {@code nsLink} ("net:[N]"). */
    static List<String> holdersOf(String nsLink) throws IOException {
        List<String> holders = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                scan(proc.resolve("fd"), nsLink, holders);
                try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
                    for (Path task : tasks) scan(task.resolve("ns"), nsLink, holders);
                } catch (NoSuchFileException | AccessDeniedException gone) {
                    // ended while we looked
                }
            }
        }
        return holders;
    }

    /** Waits (up to 5 s: a thread's task leaves /proc a moment after it ends) until nothing holds it. */
    static List<String> holdersAfterSettling(String nsLink) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> h;
        while (!(h = holdersOf(nsLink)).isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        return h;
    }

    private static void scan(Path dir, String nsLink, List<String> holders) throws IOException {
        try (DirectoryStream<Path> links = Files.newDirectoryStream(dir)) {
            for (Path l : links) {
                try {
                    if (Files.readSymbolicLink(l).toString().equals(nsLink)) holders.add(l.toString());
                } catch (NoSuchFileException gone) {
                    // closed while we looked
                }
            }
        } catch (NoSuchFileException | AccessDeniedException gone) {
            // ended while we looked
        }
    }

    static String threadNet() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }
}
