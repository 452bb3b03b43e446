package dev.jns.cli;

import dev.jns.ids.IdMap;
import dev.jns.mount.Propagation;
import dev.jns.ns.NamespaceType;
import dev.jns.spec.Setgroups;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Everything {@code jns unshare} was asked to do, with util-linux's implications and id
 * lookups already applied: the value {@link UnshareParser} makes from the command line and
 * {@link UnshareCommand} turns into a launch. Nothing here is left to interpret later.
 *
 * @param namespaces      the namespaces to create (implied ones included: {@code --mount-proc}
 *                        adds mnt, every map option adds user)
 * @param persistAt       bind-mount targets that keep a namespace alive after the program ends
 * @param procMount       where to mount a fresh /proc inside, if anywhere
 * @param propagation     the propagation to set on / in a new mount namespace
 * @param root            the directory to chroot to before running the program
 * @param workDir         the directory to run the program in ({@code /} when only a root is given)
 * @param setuid          the uid to switch to inside, after setup
 * @param setgid          the gid to switch to inside (supplementary groups are then cleared)
 * @param uidMap          the lines of the new user namespace's uid_map (empty: none written)
 * @param gidMap          the lines of its gid_map
 * @param uidMapViaShadowUtils write the uid map with the setuid newuidmap, as an unprivileged
 *                        caller must for anything beyond its own single id
 * @param gidMapViaShadowUtils the same for the gid map and newgidmap
 * @param setgroups       what to write to its setgroups file before the gid map, if anything
 * @param owner           the credentials to take before creating the namespaces, so the new
 *                        user namespace is owned by them
 * @param fork            run the program as a child and wait for it, instead of becoming it
 * @param killChildSignal the signal the program gets if jns dies, if asked for
 * @param forwardSignals  pass SIGTERM and SIGINT on to the program instead of ignoring them
 * @param keepCaps        copy the permitted capabilities into the ambient set before exec
 *                        (only ever true with a new user namespace, as in util-linux)
 * @param monotonicOffset seconds added to CLOCK_MONOTONIC in the new time namespace
 * @param boottimeOffset  seconds added to CLOCK_BOOTTIME in the new time namespace
 * @param environment     the program's whole environment, or empty to inherit jns's own
 * @param binfmtMount     where to mount the user namespace's binfmt_misc, if anywhere
 * @param loadInterp      a binfmt_misc definition to register there
 * @param command         the program and its arguments ({@code command.get(0)} is looked up in PATH)
 * @param argv0           the name the program sees as argv[0] when it differs from the command's
 *                        first word (the default shell runs as a login shell, {@code -sh})
 */
public record UnshareOptions(
        Set<NamespaceType> namespaces,
        Map<NamespaceType, String> persistAt,
        Optional<String> procMount,
        Propagation propagation,
        Optional<String> root,
        Optional<String> workDir,
        OptionalLong setuid,
        OptionalLong setgid,
        List<IdMap> uidMap,
        List<IdMap> gidMap,
        boolean uidMapViaShadowUtils,
        boolean gidMapViaShadowUtils,
        Optional<Setgroups> setgroups,
        Optional<Owner> owner,
        boolean fork,
        OptionalInt killChildSignal,
        boolean forwardSignals,
        boolean keepCaps,
        OptionalLong monotonicOffset,
        OptionalLong boottimeOffset,
        Optional<Map<String, String>> environment,
        Optional<String> binfmtMount,
        Optional<String> loadInterp,
        List<String> command,
        Optional<String> argv0) {

    public UnshareOptions {
        namespaces = Set.copyOf(namespaces);
        persistAt = Map.copyOf(persistAt);
        uidMap = List.copyOf(uidMap);
        gidMap = List.copyOf(gidMap);
        environment = environment.map(env -> Collections.unmodifiableMap(new LinkedHashMap<>(env))); // in order, as given
        command = List.copyOf(command);
    }

    /** {@code --owner UID:GID}. */
    public record Owner(long uid, long gid) {}
}
