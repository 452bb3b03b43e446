package dev.jns.spec;

import java.util.List;

/**
 * An immutable description of one launch: what the program is and what it should see. Front
 * ends produce it ({@code NamespacedProcessBuilder}, and the sandbox and OCI runtime after
 * it), the plan compiler turns it into the helper's ops. It says nothing about how: the
 * order of system calls and the side that makes each is the compiler's business.
 *
 * @param program       what runs, with its arguments, environment and working directory
 * @param create        the namespaces the program gets new instances of
 * @param join          the existing namespaces it enters
 * @param user          the new user namespace's maps and owner
 * @param filesystem    the mount namespace's propagation and filesystem steps, in order
 * @param setup         host name, domain name, loopback, clock offsets
 * @param credentials   the ids the program runs with
 * @param capabilities  what remains of its capabilities
 * @param supervision   whether it is leashed to the caller or detached
 * @param descriptors   files the program finds open at chosen numbers
 * @param seccomp       seccomp filters, in order: last before exec under no_new_privs, else before the credential change
 * @param waitForCaller whether the program waits before exec until the caller has acted on
 *                      its namespaces (before-exec steps, namespace handles)
 * @param limits        resource limits it starts with
 */
public record LaunchSpec(Program program, NewNamespaces create, Joins join, UserNamespace user, Filesystem filesystem,
                         PerTypeSetup setup, Credentials credentials, Capabilities capabilities, Supervision supervision,
                         List<Descriptor> descriptors, List<SeccompProgram> seccomp, boolean waitForCaller,
                         List<ResourceLimit> limits) {
    /** Copies the lists. */
    public LaunchSpec {
        descriptors = List.copyOf(descriptors);
        seccomp = List.copyOf(seccomp);
        limits = List.copyOf(limits);
    }

    /**
     * With the limits the program inherits from the caller.
     *
     * @param program the program
     * @param create the new namespaces
     * @param join the joins
     * @param user the user namespace's setup
     * @param filesystem the mount namespace's setup
     * @param setup hostname, loopback and clocks
     * @param credentials the ids
     * @param capabilities the capabilities
     * @param supervision how the program is supervised
     * @param descriptors the descriptors the program gets
     * @param seccomp the seccomp filters, in order
     * @param waitForCaller whether the program waits before exec for the caller
     */
    public LaunchSpec(Program program, NewNamespaces create, Joins join, UserNamespace user, Filesystem filesystem,
                      PerTypeSetup setup, Credentials credentials, Capabilities capabilities, Supervision supervision,
                      List<Descriptor> descriptors, List<SeccompProgram> seccomp, boolean waitForCaller) {
        this(program, create, join, user, filesystem, setup, credentials, capabilities, supervision, descriptors, seccomp,
                waitForCaller, List.of());
    }
}
