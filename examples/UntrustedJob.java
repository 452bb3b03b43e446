// Story 2 of SCENARIOS.md: a Java service runs untrusted commands, rootless.
//
// Each job gets new user, pid, mount, uts, ipc and net namespaces: it is root inside and
// this service's uid outside, PID 1 of its own process tree, on its own hostname, with a
// /proc that shows only its processes and a network with nothing but a loopback. A job
// that overruns its time is destroyed, and everything it started goes with it. Runs as any
// user; no setuid helper is involved.

import dev.jns.spawn.NamespacedProcessBuilder;

import static dev.jns.ns.NamespaceType.*;

void main() throws Exception {
    Path workDir = Files.createTempDirectory("job-42");
    try {
        Process job = sandboxed(workDir, "echo \"uid $(id -u) on $(hostname) as pid $$ in $(pwd)\";"
                + " echo \"processes: $(ls /proc | grep -c '^[0-9]')\";"
                + " echo \"links: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ' ')\"").start();
        IO.print(new String(job.getInputStream().readAllBytes()));
        IO.println("job exited " + job.waitFor());

        // A job that never ends (and started a second process): destroyForcibly() takes both
        // down. (destroy() sends SIGTERM, which a PID 1 such as sh ignores unless it traps it.)
        Process stuck = sandboxed(workDir, "sleep 987654 & sleep 987654").start();
        if (!stuck.waitFor(1, TimeUnit.SECONDS)) {
            stuck.destroyForcibly();
            IO.println("stuck job destroyed, exit " + stuck.waitFor());
        }
        IO.println("its sleeps left running: " + ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> List.of(args).equals(List.of("987654"))).orElse(false))
                .count());
    } finally {
        Files.delete(workDir);
    }
}

NamespacedProcessBuilder sandboxed(Path workDir, String script) {
    return new NamespacedProcessBuilder("sh", "-c", script)
            .newNamespaces(PID, MNT, UTS, IPC, NET)
            .mapRootToCurrentUser()          // adds USER: root inside is this uid outside
            .hostname("job-42")
            .mountProc(Path.of("/proc"))
            .directory(workDir)
            .redirectErrorStream(true);
}
