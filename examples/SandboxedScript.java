// A new capability, the Sandbox (bubblewrap's model): an untrusted script with a read-only
// /usr, a tmpfs home, no network and a container runtime's seccomp profile.
//
// The script sees an empty root holding only what is given: /usr read-only (and the usual
// links into it), a fresh /proc, a minimal /dev, a writable tmpfs home. It has new
// namespaces of every kind (its network holds only a loopback), no capabilities, no way to
// gain privilege by exec, and a seccomp filter that, among others, forbids making user
// namespaces. Runs as any user.

import dev.jns.sandbox.Sandbox;
import dev.jns.seccomp.ContainerProfile;

void main() throws Exception {
    String script = """
            echo "root: $(ls / | tr '\\n' ' ')"
            touch /usr/planted 2>/dev/null || echo "/usr is read-only"
            echo notes > notes && echo "home is writable: $(pwd)/$(cat notes)"
            echo "links: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ')"
            unshare --user true 2>/dev/null || echo "no new user namespaces"
            """;
    Process p = Sandbox.command("sh", "-c", script)
            .unshareAll()
            .roBind("/usr", "/usr").symlink("usr/bin", "/bin").symlink("usr/lib", "/lib").symlink("usr/lib64", "/lib64")
            .proc("/proc").dev("/dev")
            .tmpfs("/home/job").directory("/home/job")
            .seccomp(ContainerProfile.filter(true))
            .redirectErrorStream(true)
            .start();
    IO.print(new String(p.getInputStream().readAllBytes()));
    IO.println("exit " + p.waitFor());
}
