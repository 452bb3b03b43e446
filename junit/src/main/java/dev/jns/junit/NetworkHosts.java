package dev.jns.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Each test gets named hosts, each a network namespace of its own, on one wire: host
 * number {@code i} (from 1, in the order given) has {@code eth0} with address
 * {@code 10.0.0.i/24}, and {@code lo}, both up. Two hosts are joined by one veth; more by a
 * veth each to a bridge in a switch namespace of their own. The test method (and its
 * {@code @BeforeEach}/{@code @AfterEach} methods) runs in the first host; a parameter
 * {@code @Host("name") NetHost} runs code in any of them. Everything is torn down after the
 * test, also when it fails or times out.
 *
 * <p>Needs CAP_SYS_ADMIN (root): without it the tests are skipped, saying why.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(NetworkNamespaceExtension.class)
public @interface NetworkHosts {
    /**
     * The host names, two or more (up to 200), distinct, each usable as an interface name.
     *
     * @return the names
     */
    String[] value();
}
