package dev.jns.plan;

import dev.jns.caps.Capability;
import dev.jns.spec.Capabilities;
import dev.jns.spec.Clock;
import dev.jns.spec.Credentials;
import dev.jns.spec.Joins;
import dev.jns.spec.LaunchSpec;
import dev.jns.spec.PerTypeSetup;
import dev.jns.spec.Program;
import dev.jns.spec.UserNamespace;
import dev.jns.spec.ResourceLimit;
import dev.jns.spec.SeccompProgram;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.jns.ns.NamespaceType.NET;
import static dev.jns.ns.NamespaceType.PID;
import static dev.jns.ns.NamespaceType.TIME;
import static dev.jns.ns.NamespaceType.USER;

/**
 * The child inside its new namespaces: first the namespaces it makes or enters itself (a pid
 * namespace for its children, the time namespace and its offsets); after the filesystem, its
 * root and working directory, per-type settings, and credentials last but one (the death
 * signal comes after them, in the hand-over).
 */
final class InsideStage {
    private InsideStage() {}

    static void appendNamespaces(PlanDraft d, BeforeClone.Pins pins) {
        LaunchSpec s = d.spec;
        if (pins.pidNamespace() >= 0) d.add(Side.CHILD, new Op.Setns(pins.pidNamespace(), PID.cloneFlag()), s.join());
        if (s.create().pidForChildren()) d.add(Side.CHILD, new Op.Unshare(PID.cloneFlag()), s.create());
        if (BeforeClone.pidNestedInJoined(s)) {
            // The child is in the joined pid namespace: it makes the new one, and a fork enters it;
            // the child stays behind as the new process's reaper (and it, PID 1, carries on with the plan).
            d.add(Side.CHILD, new Op.Unshare(PID.cloneFlag()), s.create());
            d.add(Side.CHILD, new Op.ForkReaper(forwardedSignals(s)), s.create());
        }
        if (s.create().contains(TIME)) {
            d.add(Side.CHILD, new Op.Unshare(TIME.cloneFlag()), s.create());
            if (!s.setup().clockOffsets().isEmpty()) {
                Duration mono = s.setup().clockOffsets().getOrDefault(Clock.MONOTONIC, Duration.ZERO);
                Duration boot = s.setup().clockOffsets().getOrDefault(Clock.BOOTTIME, Duration.ZERO);
                d.add(Side.CHILD, new Op.WriteFile(Op.CHILD_PROC + "timens_offsets", "monotonic " + mono.getSeconds()
                        + " " + mono.getNano() + "\nboottime " + boot.getSeconds() + " " + boot.getNano() + "\n"), s.setup());
            }
        }
    }

    static void appendProcess(PlanDraft d, BeforeClone.Pins pins) {
        LaunchSpec s = d.spec;
        // The root is built: the program may now move to a user namespace made for it (bubblewrap's --userns2).
        if (s.join().userAfterSetup().isPresent()) {
            Joins.UserAfterSetup u = s.join().userAfterSetup().get();
            d.add(Side.CHILD, new Op.Setns(d.received.get(u), USER.cloneFlag()), u);
        }
        nestedUserNamespace(d);
        enterPinnedDirectories(d, pins);
        if (s.program().directory().isPresent() && FilesystemStage.programDirectoryBefore(s) < 0) {
            enterDirectory(d, s.program());
        }
        // Into the joined cgroup ("0": the writer itself) once in place, before the ids change.
        if (pins.cgroupProcs() >= 0) {
            d.add(Side.CHILD, new Op.Write(pins.cgroupProcs(), "0"), s.join().cgroup().orElseThrow());
        }
        PerTypeSetup setup = s.setup();
        if (setup.hostname().isPresent()) d.add(Side.CHILD, new Op.SetHostname(setup.hostname().get()), setup);
        if (setup.domainname().isPresent()) d.add(Side.CHILD, new Op.SetDomainname(setup.domainname().get()), setup);
        if (setup.loopbackUp() && s.create().contains(NET)) d.add(Side.CHILD, new Op.LinkUp("lo"), setup);

        for (ResourceLimit l : s.limits()) d.add(Side.CHILD, new Op.SetRlimit(l.resource(), l.soft(), l.hard()), l);
        Credentials c = s.credentials();
        if (c.newSession()) d.add(Side.CHILD, new Op.NewSession(), c);
        if (seccompBeforeCredentials(s)) appendSeccomp(d, pins);
        // Groups dropped before the joins need not be dropped again (a joined namespace whose
        // setgroups is "deny" would refuse); if that failed, they must go now.
        if (pins.groupsDropped() >= 0) {
            d.add(new PlannedOp(Side.CHILD, new Op.SetGroups(List.of()), c, 0,
                    new PlannedOp.Condition(pins.groupsDropped(), false)));
        }
        if (c.groups().isPresent()) d.add(Side.CHILD, new Op.SetGroups(c.groups().get()), c);
        boolean becomeRoot = BeforeClone.becomesRootInJoinedUserNs(s);
        Long gid = c.gid().isPresent() ? c.gid().get() : becomeRoot ? Long.valueOf(0) : null;
        Long uid = c.uid().isPresent() ? c.uid().get() : becomeRoot ? Long.valueOf(0) : null;
        if (gid != null) d.add(Side.CHILD, new Op.SetGid(gid), c);
        boolean keepCaps = !(s.capabilities() instanceof Capabilities.Unchanged);
        if (keepCaps && uid != null) d.add(Side.CHILD, new Op.KeepCapsAcrossSetuid(), s.capabilities());
        if (uid != null) d.add(Side.CHILD, new Op.SetUid(uid), c);
        if (s.capabilities() instanceof Capabilities.KeepPermitted) {
            d.add(Side.CHILD, new Op.AmbientFromPermitted(), s.capabilities());
        } else if (s.capabilities() instanceof Capabilities.Exactly e) {
            long m = Capability.mask(e.kept());
            d.add(Side.CHILD, new Op.SetCapabilities(m, m, m, m, m), e);
        } else if (s.capabilities() instanceof Capabilities.Sets sets) {
            d.add(Side.CHILD, new Op.SetCapabilities(Capability.mask(sets.bounding()), Capability.mask(sets.effective()),
                    Capability.mask(sets.permitted()), Capability.mask(sets.inheritable()), Capability.mask(sets.ambient())), sets);
        } else if (s.capabilities() instanceof Capabilities.Bounded b) {
            long m = Capability.mask(b.bound());
            d.add(Side.CHILD, new Op.SetCapabilities(m, m, m, 0, 0), b);
        }
        if (c.noNewPrivileges()) d.add(Side.CHILD, new Op.NoNewPrivileges(), c);
        if (c.umask().isPresent()) d.add(Side.CHILD, new Op.SetUmask(c.umask().getAsInt()), c);
    }

    /**
     * Without no_new_privs the kernel lets only a holder of CAP_SYS_ADMIN install a filter
     * (EACCES otherwise), and the credential change may drop it (an OCI config's bounding set
     * usually does): then the filters go in before the credentials, as runc and crun do, and the
     * ops after them must get past the filter. With no_new_privs they go last, before exec, so
     * that as few of the helper's own calls as possible run under them.
     */
    static boolean seccompBeforeCredentials(LaunchSpec s) {
        return !s.seccomp().isEmpty() && !s.credentials().noNewPrivileges();
    }

    static void appendSeccomp(PlanDraft d, BeforeClone.Pins pins) {
        for (int i = 0; i < pins.seccompSlots().size(); i++) {
            SeccompProgram p = d.spec.seccomp().get(i);
            d.add(Side.CHILD, new Op.InstallSeccomp(pins.seccompSlots().get(i), p.notifies()), p);
        }
    }

    /**
     * The working directory, or failing that each fallback in turn (each tried only if the one
     * before failed); with {@code setsPwd}, PWD names the one entered.
     */
    private static void enterDirectory(PlanDraft d, Program p) {
        List<Path> tried = new java.util.ArrayList<>();
        tried.add(p.directory().orElseThrow());
        tried.addAll(p.fallbacks());
        int previous = -1;
        for (int i = 0; i < tried.size(); i++) {
            boolean last = i == tried.size() - 1;
            String dir = tried.get(i).toString();
            PlannedOp.Condition afterFailure = previous < 0 ? null : new PlannedOp.Condition(previous, false);
            int cd = d.add(new PlannedOp(Side.CHILD, new Op.ChangeDirectory(dir), p, last ? 0 : PlannedOp.ANY_ERROR, afterFailure));
            if (p.setsPwd()) {
                d.add(new PlannedOp(Side.CHILD, new Op.SetEnv("PWD", dir), p, 0, new PlannedOp.Condition(cd, true)));
            }
            previous = cd;
        }
    }

    /**
     * bubblewrap's {@code --disable-userns}: the new user namespace allows one user namespace
     * below it, and the program moves into it at once (its ids mapped to themselves, written
     * through the /proc opened before the root change); then, either way, the check that it
     * can make none.
     */
    private static void nestedUserNamespace(PlanDraft d) {
        UserNamespace u = d.spec.user();
        if (u.nested() == UserNamespace.Nested.ALLOWED) return;
        if (u.nested() == UserNamespace.Nested.DISABLED) {
            int proc = d.received.get(u);
            long uid = u.uidMap().getFirst().inside(), gid = u.gidMap().getFirst().inside();
            writeThrough(d, proc, "sys/user/max_user_namespaces", "1", u);
            d.add(Side.CHILD, new Op.Unshare(USER.cloneFlag()), u);
            writeThrough(d, proc, "self/uid_map", uid + " " + uid + " 1\n", u);
            writeThrough(d, proc, "self/gid_map", gid + " " + gid + " 1\n", u);
        }
        d.add(Side.CHILD, new Op.UnshareRefused(USER.cloneFlag()), u);
    }

    private static void writeThrough(PlanDraft d, int dir, String path, String text, UserNamespace u) {
        int slot = d.slot();
        d.add(Side.CHILD, new Op.Open(slot, dir, path, Op.Open.O_WRONLY, 0, 0), u);
        d.add(Side.CHILD, new Op.Write(slot, text), u);
    }

    private static List<Integer> forwardedSignals(LaunchSpec s) {
        List<Integer> forwarded = new java.util.ArrayList<>();
        if (s.supervision() instanceof dev.jns.spec.Supervision.Leashed l) {
            for (int sig : l.forwarded()) if (!l.ignored().contains(sig)) forwarded.add(sig);
        }
        return forwarded;
    }

    /**
     * The root and working directory pinned before the joins. With a root but no pinned
     * working directory and none asked for, the program keeps the directory it was in
     * (nsenter's {@code -r} alone); otherwise its cwd is the new root.
     */
    private static void enterPinnedDirectories(PlanDraft d, BeforeClone.Pins pins) {
        if (pins.root() < 0 && pins.workDir() < 0) return;
        Joins j = d.spec.join();
        Joins.PinnedWorkingDirectory wd = new Joins.PinnedWorkingDirectory(j.directory());
        int workDir = pins.workDir();
        if (workDir < 0 && pins.root() >= 0 && d.spec.program().directory().isEmpty()) {
            workDir = d.slot();
            d.add(Side.CHILD, Op.Open.path(workDir, ".", Op.Open.O_RDONLY | Op.Open.O_DIRECTORY), wd);
        }
        if (pins.root() >= 0) {
            Joins.PinnedRoot root = new Joins.PinnedRoot(j.root().orElseThrow());
            d.add(Side.CHILD, new Op.ChangeDirectoryTo(pins.root()), root);
            d.add(Side.CHILD, new Op.ChangeRoot("."), root);
            d.add(Side.CHILD, new Op.ChangeDirectory("/"), root);
        }
        if (workDir >= 0) d.add(Side.CHILD, new Op.ChangeDirectoryTo(workDir), wd);
    }
}
