// Story 3 of SCENARIOS.md: an operator asks "what is keeping this namespace alive?"
//
// A namespace outlives its last process while anything else holds it: an open nsfs file
// descriptor, a bind mount of its nsfs file (what `ip netns add` makes), a socket created in
// it (for a network namespace), or a child namespace. Inventory.scan() finds each holder,
// as `jns lsns` shows them. As any user: a network namespace whose process has ended, held
// by this JVM's handle. As root also: a named namespace, held by its /run/netns mount and by
// a socket, and still alive after its name is gone, until the socket closes.

import dev.jns.inventory.Holder;
import dev.jns.inventory.Inventory;
import dev.jns.net.NetNamespace;
import dev.jns.ns.Namespace;
import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.NamespacedProcessBuilder;

import static dev.jns.ns.NamespaceType.*;

void main() throws Exception {
    // The JDK makes one socket on the first use of any socket channel or socket (sun.nio.ch's
    // pre-close socket, kept for the JVM's life). Made inside a namespace, it would keep that
    // namespace alive after close: have it made here, in the JVM's own network namespace.
    ServerSocketChannel.open().close();
    NamespacedProcess done = new NamespacedProcessBuilder("true")
            .newNamespaces(NET).mapRootToCurrentUser()
            .openNamespaceHandles(true)        // handles on its new namespaces, opened before it ran
            .start();
    done.waitFor();
    done.namespaces().forEach((type, handle) -> { if (type != NET) handle.close(); });
    long inode;
    try (Namespace orphan = done.namespaces().get(NET)) {
        inode = orphan.inode();
        IO.println("the process has ended; " + describe(inode));
    }
    IO.println("handle closed; " + describe(inode));

    if (ProcessHandle.current().info().user().orElse("").equals("root")) {
        NetNamespace named = NetNamespace.create("kept-" + ProcessHandle.current().pid());
        inode = named.namespace().inode();
        ServerSocketChannel socket = named.run(ServerSocketChannel::open);   // a socket made in there
        IO.println("named; " + describe(inode));
        named.close();                                                       // the name and mount go
        IO.println("name deleted; " + describe(inode));
        socket.close();
        IO.println("socket closed; " + describe(inode));
    }
}

/** What the inventory says about one namespace, this JVM's pid written as "this JVM". */
String describe(long inode) {
    Inventory inventory = Inventory.scan();
    return inventory.namespace(inode).map(ns -> ns.name() + " has " + ns.processCount() + " processes, held by "
            + String.join(", ", ns.holders().stream().map(h -> describe(h, inventory)).toList()))
            .orElse("net:[" + inode + "] is gone");
}

String describe(Holder holder, Inventory inventory) {
    return switch (holder) {
        case Holder.OpenFd(int pid, int fd) -> "fd " + fd + " of " + process(pid);
        case Holder.Socket(int pid, int fd) -> "a socket, fd " + fd + " of " + process(pid);
        case Holder.BindMount(long mountNs, String mountPoint) -> "a bind mount at " + mountPoint
                + (inventory.ownMountNamespace().equals(OptionalLong.of(mountNs)) ? "" : " in mnt:[" + mountNs + "]");
        case Holder.Dependent(long inode, var type, var relation) -> type.procName() + ":[" + inode + "]"
                + (relation == Holder.Relation.PARENT ? " below it" : " it owns");
    };
}

String process(int pid) {
    return pid == ProcessHandle.current().pid() ? "this JVM" : "pid " + pid;
}
