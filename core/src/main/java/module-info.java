/**
 * jns: Linux namespaces for Java through the Foreign Function and Memory API.
 *
 * <p>The exported packages are the library's API: namespace handles and types
 * ({@link dev.jns.ns}), the spawner ({@link dev.jns.spawn}) and the spec it runs
 * ({@link dev.jns.spec}), the sandbox ({@link dev.jns.sandbox}), the inventory of what
 * exists on the machine ({@link dev.jns.inventory}), limits, cgroups, mounts, network
 * namespaces, seccomp, capabilities, id maps and the small OS helpers they share.
 * The FFM bindings, the plan compiler, the native helper's protocol, the OCI front end
 * and the command line stay inside.
 *
 * <p>The library makes restricted FFM calls, so a program that uses it grants native
 * access: {@code --enable-native-access=dev.jns} on the module path,
 * {@code --enable-native-access=ALL-UNNAMED} on the class path, or
 * {@code Enable-Native-Access: ALL-UNNAMED} in an executable jar's manifest.
 */
module dev.jns {
    // Signals handles SIGTERM/SIGINT through sun.misc.Signal.
    requires jdk.unsupported;

    exports dev.jns.caps;
    exports dev.jns.cgroup;
    exports dev.jns.ids;
    exports dev.jns.inventory;
    exports dev.jns.limits;
    exports dev.jns.mount;
    exports dev.jns.net;
    exports dev.jns.ns;
    exports dev.jns.os;
    exports dev.jns.sandbox;
    exports dev.jns.seccomp;
    exports dev.jns.spawn;
    exports dev.jns.spec;
}
