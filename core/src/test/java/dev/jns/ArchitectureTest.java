package dev.jns;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of DESIGN.md, checked on the sources: the command line only parses, calls the
 * library and prints (it reaches neither the FFM bindings nor the plan internals), only the
 * bindings package touches {@code java.lang.foreign}, and the spawner's front stays small.
 * And the module's boundary, checked on the compiled classes: module {@code dev.jns} exports
 * exactly the API packages, and no public signature in them names a type from a package it
 * keeps inside (a user could not name such a type, and it would pin the internals as API).
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/jns");

    private static List<Path> sources(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }

    /** Files under {@code dir} whose text contains {@code needle}, as paths relative to the source root. */
    private static List<String> filesContaining(Path dir, String needle) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : sources(dir)) {
            if (Files.readString(f).contains(needle)) out.add(MAIN.relativize(f).toString());
        }
        return out;
    }

    @Test
    void theCommandLineUsesNeitherTheBindingsNorThePlan() throws IOException {
        assertThat(filesContaining(MAIN.resolve("cli"), "dev.jns.sys")).isEmpty();
        assertThat(filesContaining(MAIN.resolve("cli"), "dev.jns.plan")).isEmpty();
    }

    @Test
    void onlyTheBindingsTouchTheForeignFunctionApi() throws IOException {
        List<String> users = filesContaining(MAIN, "java.lang.foreign");
        assertThat(users).isNotEmpty().allMatch(f -> f.startsWith("sys/"));
    }

    @Test
    void theBuilderIsAFrontNotAnEngine() throws IOException {
        // Code lines only: the API's documentation must not count against it.
        String text = Files.readString(MAIN.resolve("spawn/NamespacedProcessBuilder.java"));
        List<String> code = text.replaceAll("(?s)/\\*.*?\\*/", "").lines()
                .filter(l -> !l.isBlank() && !l.strip().startsWith("//")).toList();
        assertThat(code).hasSizeLessThan(200);
    }

    private static final Path CLASSES = Path.of("target/classes");

    /** The packages a user of the library may name; everything else in the module stays inside. */
    private static final Set<String> API = Set.of(
            "dev.jns.caps", "dev.jns.cgroup", "dev.jns.ids", "dev.jns.inventory", "dev.jns.limits",
            "dev.jns.mount", "dev.jns.net", "dev.jns.ns", "dev.jns.os", "dev.jns.sandbox",
            "dev.jns.seccomp", "dev.jns.spawn", "dev.jns.spec");

    /** The compiled module as an exploded directory: the finder lists its packages from the files. */
    private static ModuleDescriptor module() {
        return ModuleFinder.of(CLASSES).find("dev.jns").orElseThrow().descriptor();
    }

    @Test
    void theModuleExportsExactlyTheApiPackagesToEveryone() throws IOException {
        ModuleDescriptor module = module();
        assertThat(module.name()).isEqualTo("dev.jns");
        assertThat(module.exports()).allMatch(e -> !e.isQualified(), "unqualified");
        assertThat(module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .isEqualTo(API);
        assertThat(module.opens()).isEmpty();
        // The internals the brief names are really in the module, and really kept inside.
        assertThat(module.packages()).contains("dev.jns.sys", "dev.jns.plan", "dev.jns.helper", "dev.jns.cli",
                "dev.jns.net.rtnl", "dev.jns.oci", "dev.jns.json");
    }

    @Test
    void noExportedSignatureNamesAnInternalType() throws IOException, ClassNotFoundException {
        Set<String> internal = new HashSet<>(module().packages());
        internal.removeAll(API);
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        for (Class<?> c : exportedClasses()) {
            if (!visible(c)) continue;
            checked++;
            String where = c.getName();
            check(leaks, internal, where + " extends", c.getGenericSuperclass());
            for (Type t : c.getGenericInterfaces()) check(leaks, internal, where + " implements", t);
            for (TypeVariable<?> v : c.getTypeParameters()) check(leaks, internal, where + " <" + v + ">", v);
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) check(leaks, internal, where + "." + rc.getName(), rc.getGenericType());
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers(), c)) check(leaks, internal, where + "." + f.getName(), f.getGenericType());
            }
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isSynthetic() && visible(m.getModifiers(), c)) {
                    check(leaks, internal, where + "." + m.getName() + "() returns", m.getGenericReturnType());
                    checkExecutable(leaks, internal, where + "." + m.getName() + "()", m);
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (!k.isSynthetic() && visible(k.getModifiers(), c)) checkExecutable(leaks, internal, where + ".<init>", k);
            }
        }
        assertThat(checked).as("public types checked").isGreaterThan(100);
        assertThat(leaks).isEmpty();
    }

    private static List<Class<?>> exportedClasses() throws IOException, ClassNotFoundException {
        List<Class<?>> out = new ArrayList<>();
        for (String pkg : new TreeSet<>(API)) {
            Path dir = CLASSES.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                    String simple = f.getFileName().toString().replace(".class", "");
                    if (simple.equals("package-info")) continue;
                    out.add(Class.forName(pkg + "." + simple.replace('/', '.'), false, ArchitectureTest.class.getClassLoader()));
                }
            }
        }
        return out;
    }

    /** A type a user outside the package can name: public, and so is every type it is nested in. */
    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) return false;
        }
        return true;
    }

    /** A member a user can reach: public, or protected in a class they can extend. */
    private static boolean visible(int modifiers, Class<?> owner) {
        return Modifier.isPublic(modifiers)
                || (Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers()) && !owner.isSealed());
    }

    private static void checkExecutable(List<String> leaks, Set<String> internal, String where, Executable e) {
        for (Type t : e.getGenericParameterTypes()) check(leaks, internal, where + " takes", t);
        for (Type t : e.getGenericExceptionTypes()) check(leaks, internal, where + " throws", t);
        for (TypeVariable<?> v : e.getTypeParameters()) check(leaks, internal, where + " <" + v + ">", v);
    }

    private static void check(List<String> leaks, Set<String> internal, String where, Type type) {
        check(leaks, internal, where, type, new HashSet<>());
    }

    private static void check(List<String> leaks, Set<String> internal, String where, Type type, Set<Type> seen) {
        if (type == null || !seen.add(type)) return;
        switch (type) {
            case Class<?> c -> {
                Class<?> base = c;
                while (base.isArray()) base = base.getComponentType();
                if (!base.isPrimitive() && internal.contains(base.getPackageName())) leaks.add(where + " " + base.getName());
            }
            case ParameterizedType p -> {
                check(leaks, internal, where, p.getRawType(), seen);
                for (Type a : p.getActualTypeArguments()) check(leaks, internal, where, a, seen);
            }
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) check(leaks, internal, where, b, seen);
                for (Type b : w.getLowerBounds()) check(leaks, internal, where, b, seen);
            }
            case TypeVariable<?> v -> {
                for (Type b : v.getBounds()) check(leaks, internal, where, b, seen);
            }
            case GenericArrayType a -> check(leaks, internal, where, a.getGenericComponentType(), seen);
            default -> throw new AssertionError("unknown kind of type: " + type);
        }
    }
}
