package dev.jns.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Each test (of the annotated class, or the annotated test) runs in a network namespace of
 * its own, made for it and gone after it: only {@code lo}, up. Sockets the test opens,
 * its {@code @BeforeEach} and {@code @AfterEach} methods included, bind and connect there,
 * so tests running at the same time can all use the same port. A {@link NetHost} parameter
 * is the namespace; {@link dev.jns.ns.Namespace} too.
 *
 * <p>Needs CAP_SYS_ADMIN (root): without it the tests are skipped, saying why.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(NetworkNamespaceExtension.class)
public @interface IsolatedNetwork {
}
