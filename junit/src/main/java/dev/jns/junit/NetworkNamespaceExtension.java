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
 * {@link NetHost} and {@link Namespace} parameters, and leaves the network in the test's
 * store, which JUnit closes after the test whatever its outcome (failed, timed out, aborted).
 *
 * <p>The test runs on JUnit's own thread, moved into the namespace for the length of the
 * call ({@link Namespace#run}); JUnit's {@code @Timeout} interrupts it there as usual.
 */
public final class NetworkNamespaceExtension implements ExecutionCondition, ParameterResolver, InvocationInterceptor {
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
        return type == NetHost.class || (type == Namespace.class && !parameter.isAnnotated(Host.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestNetwork net = network(context);
        NetHost host = parameter.findAnnotation(Host.class).map(h -> net.host(h.value())).orElseGet(net::main);
        return parameter.getParameter().getType() == Namespace.class ? host.namespace() : host;
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

    private static void runInside(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        Throwable failure = network(context).main().run(() -> {
            try {
                invocation.proceed();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        if (failure != null) throw failure;
    }

    /** The test's network, made on first use and kept in the test's store, which closes it. */
    private static TestNetwork network(ExtensionContext context) {
        return context.getStore(STORE).computeIfAbsent(NETWORK, key -> create(context), TestNetwork.class);
    }

    private static TestNetwork create(ExtensionContext context) {
        Optional<NetworkHosts> hosts = find(context, NetworkHosts.class);
        if (hosts.isPresent()) return TestNetwork.wired(List.of(hosts.get().value()));
        return TestNetwork.isolated(context.getTestMethod().map(Method::getName).orElse("isolated"));
    }

    /** On the test method first, then on its class (and the classes around a nested one). */
    private static <A extends java.lang.annotation.Annotation> Optional<A> find(ExtensionContext context, Class<A> type) {
        for (Optional<? extends AnnotatedElement> e = context.getElement(); ; ) {
            Optional<A> found = e.flatMap(el -> AnnotationSupport.findAnnotation(el, type));
            if (found.isPresent()) return found;
            Optional<ExtensionContext> parent = context.getParent();
            if (parent.isEmpty()) return Optional.empty();
            context = parent.get();
            e = context.getElement();
        }
    }
}
