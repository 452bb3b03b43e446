package dev.jns.junit;

import dev.jns.ns.Namespace;
import dev.jns.os.SyscallException;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;

/**
 * The extension behind {@link IsolatedNetwork} and {@link NetworkHosts}: makes the test's
 * network when the test (or a parameter) first needs it, runs the test method and its
 * {@code @BeforeEach}/{@code @AfterEach} methods inside its first host, resolves
 * {@link NetHost}, {@link TestSandbox} and {@link Namespace} parameters, and leaves the network in the test's
 * store, which JUnit closes after the test whatever its outcome (failed, timed out, aborted).
 *
 * <p>Each of those methods runs on a thread born in the namespace (the first host's
 * {@link NetHost#threadFactory()}) while JUnit's thread waits; an interrupt of JUnit's
 * thread, as JUnit's {@code @Timeout} does, is passed on to it.
 */
public final class NetworkNamespaceExtension implements ExecutionCondition, ParameterResolver, InvocationInterceptor {
    /** The extension, as JUnit makes it for {@code @ExtendWith}. */
    public NetworkNamespaceExtension() {}

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NetworkNamespaceExtension.class);
    private static final String NETWORK = "network";

    /** Why this JVM cannot run tests in network namespaces, or empty if it can; asked once. */
    private static final class Capability {
        static final Optional<String> MISSING = probe();

        private static Optional<String> probe() {
            try (Namespace ignored = Namespace.newNetwork()) {
                return Optional.empty();
            } catch (SyscallException e) {
                return Optional.of("jns: cannot make a network namespace for this test (" + e.getMessage()
                        + "): running Java code inside one needs CAP_SYS_ADMIN, which an unprivileged JVM never has"
                        + " (it cannot join a user namespace: the kernel allows that to single-threaded processes only);"
                        + " run the tests as root");
            }
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return Capability.MISSING.map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("network namespaces can be made"));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == NetHost.class || type == TestSandbox.class
                || (type == Namespace.class && !parameter.isAnnotated(Host.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestNetwork net = network(context);
        NetHost host = parameter.findAnnotation(Host.class).map(h -> net.host(h.value())).orElseGet(net::main);
        Class<?> type = parameter.getParameter().getType();
        if (type == TestSandbox.class) return new TestSandbox(host);
        return type == Namespace.class ? host.namespace() : host;
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        runInside(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                            ExtensionContext context) throws Throwable {
        runInside(invocation, context);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                          ExtensionContext context) throws Throwable {
        runInside(invocation, context);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                         ExtensionContext context) throws Throwable {
        runInside(invocation, context);
    }

    /**
     * Runs the invocation on a thread of the host's {@link NetHost#threadFactory()}, born
     * inside, while JUnit's thread waits and passes interrupts on. JUnit's own thread never
     * enters: a thread its pool made while one of its workers was inside (to stand in for a
     * worker blocked in the test) would be born there and run later tests there.
     */
    private static void runInside(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        Throwable[] failure = new Throwable[1];
        Thread inside = network(context).main().threadFactory().newThread(() -> {
            try {
                invocation.proceed();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        inside.start();
        boolean interrupted = false;
        while (inside.isAlive()) {
            try {
                inside.join();
            } catch (InterruptedException e) { // JUnit's @Timeout, or a cancelled run
                interrupted = true;
                inside.interrupt();
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure[0] != null) throw failure[0];
    }

    /** The test's network, made on first use and kept in the test's store, which closes it. */
    private static TestNetwork network(ExtensionContext context) {
        return context.getStore(STORE).computeIfAbsent(NETWORK, key -> create(context), TestNetwork.class);
    }

    private static TestNetwork create(ExtensionContext context) {
        String name = context.getTestMethod().map(Method::getName).orElse("isolated");
        // The nearest annotation decides: the method's over its class's, a class's over the enclosing one's.
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            Optional<? extends AnnotatedElement> element = c.get().getElement();
            if (element.isEmpty()) continue;
            Optional<NetworkHosts> hosts = AnnotationSupport.findAnnotation(element.get(), NetworkHosts.class);
            if (hosts.isPresent()) return TestNetwork.wired(List.of(hosts.get().value()));
            if (AnnotationSupport.isAnnotated(element.get(), IsolatedNetwork.class)) return TestNetwork.isolated(name);
        }
        return TestNetwork.isolated(name);
    }
}
