package dev.jns.spawn;

import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;

import java.util.Map;

/**
 * Work done from outside on a new process right after it is made, while it waits in its new
 * user namespace for the caller to write that namespace's maps (bubblewrap's
 * {@code --userns-block-fd}): telling someone its pid, say, so that they can write them. The
 * process waits until the caller's word comes on the descriptor it was given, not until this
 * step returns.
 *
 * <p>If a step throws, the start is aborted: the helper undoes what it made and the start rethrows.
 */
@FunctionalInterface
public interface AfterClone {
    /**
     * Runs the step.
     *
     * @param pid        the new process's pid as this JVM sees it
     * @param namespaces handles on each of its new namespaces, open during this call
     * @throws java.lang.Exception to abort the start
     */
    void run(long pid, Map<NamespaceType, Namespace> namespaces) throws Exception;
}
