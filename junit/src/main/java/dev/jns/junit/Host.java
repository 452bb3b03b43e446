package dev.jns.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Which of the {@link NetworkHosts} a {@link NetHost} parameter is. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Host {
    /**
     * The host's name, as given in {@link NetworkHosts}.
     *
     * @return the name
     */
    String value();
}
