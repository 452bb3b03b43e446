package dev.jns.plan;

import dev.jns.ns.NamespaceType;
import dev.jns.spec.FsStep;
import dev.jns.spec.LaunchSpec;

import static dev.jns.ns.NamespaceType.MNT;
import static dev.jns.ns.NamespaceType.TIME;
import static dev.jns.ns.NamespaceType.USER;
import static dev.jns.ns.NamespaceType.UTS;

/** The rules a spec must keep before it is compiled: parts that need a namespace have it. */
final class SpecCheck {
    private SpecCheck() {}

    static void check(LaunchSpec s) {
        boolean mntNs = s.create().contains(MNT) || s.join().joins(MNT);
        boolean mounts = false;
        for (FsStep step : s.filesystem().steps()) {
            if (!(step instanceof FsStep.ChangeRoot)) mounts = true; // a chroot alone changes no mount table
        }
        if (!mntNs && mounts) {
            throw new IllegalStateException("mounts, mountProc and pivotRoot need a new or joined mount namespace;"
                    + " without one they would change the caller's");
        }
        boolean utsNs = s.create().contains(UTS) || s.join().joins(UTS);
        if (!utsNs && (s.setup().hostname().isPresent() || s.setup().domainname().isPresent())) {
            throw new IllegalStateException("hostname and domainname need a new or joined UTS namespace;"
                    + " without one they would change the caller's");
        }
        if (!s.setup().clockOffsets().isEmpty() && !s.create().contains(TIME)) {
            throw new IllegalStateException("time offsets need a new time namespace");
        }
        if ((!s.user().uidMap().isEmpty() || !s.user().gidMap().isEmpty()) && !s.create().contains(USER)) {
            throw new IllegalStateException("uid/gid maps need a new user namespace");
        }
        if (s.user().mapsByCaller().isPresent() && !s.create().contains(USER)) {
            throw new IllegalStateException("maps written by the caller need a new user namespace");
        }
        if (s.user().mapsByCaller().isPresent() && s.user().nested() == dev.jns.spec.UserNamespace.Nested.DISABLED) {
            throw new IllegalStateException("user namespaces are disabled from a namespace jns maps, not one the caller maps");
        }
        if (s.user().nested() == dev.jns.spec.UserNamespace.Nested.DISABLED
                && (!s.create().contains(USER) || s.user().uidMap().size() != 1 || s.user().gidMap().size() != 1)) {
            throw new IllegalStateException("user namespaces are disabled from a new user namespace mapping one uid and one gid");
        }
        for (NamespaceType t : s.create().persist().keySet()) {
            if (!s.create().contains(t)) throw new IllegalStateException("cannot persist " + t.procName()
                    + ": it is not a new namespace");
        }
        int rootChanges = 0;
        boolean building = false;
        for (FsStep step : s.filesystem().steps()) {
            if (step instanceof FsStep.ChangeRoot || step instanceof FsStep.PivotRoot || step instanceof FsStep.TmpfsRoot) {
                rootChanges++;
            }
            if (step instanceof FsStep.TmpfsRoot) building = true;
            if (step instanceof FsStep.BinfmtMisc && !(s.create().contains(USER) && s.create().contains(MNT))) {
                throw new IllegalStateException("mountBinfmtMisc needs a new user namespace (binfmt_misc is per user"
                        + " namespace) and a new mount namespace");
            }
            if (step instanceof FsStep.Dev && !building) {
                throw new IllegalStateException("a minimal /dev is built in a new root (TmpfsRoot): it binds the"
                        + " caller's device nodes, which the new /dev would hide");
            }
        }
        if (rootChanges > 1) throw new IllegalStateException("the root changes once: root, pivotRoot and a tmpfs root exclude each other");
    }
}
