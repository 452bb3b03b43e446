package dev.jns.spawn;

import dev.jns.ns.Namespace;
import dev.jns.ns.NamespaceType;

import java.util.Map;

/**
 * Work done from outside on a program's new namespaces while it waits just before exec:
 * wiring its network namespace, say, which needs the namespace to exist and must be finished
 * before the program's first connect. Given to {@link NamespacedProcessBuilder#beforeExec}.
 *
 * <p>If a step throws, the start is aborted: the helper undoes what it made, the steps that
 * already ran are released, and {@link NamespacedProcessBuilder#start()} rethrows.
 */
@FunctionalInterface
public interface BeforeExec {
    /**
     * Runs the step.
     *
     * @param pid        the program's pid as this JVM sees it
     * @param namespaces handles on each of the program's new namespaces, open during this call
     * @return what to release once the program has ended (a process this step started, say),
     *         or null when nothing outlives the step
     * @throws java.lang.Exception to abort the start
     */
    AutoCloseable run(long pid, Map<NamespaceType, Namespace> namespaces) throws Exception;
}
