package dev.jns.consumer;

import dev.jns.testing.ExternalCommand;
import dev.jns.testing.Privilege;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged library as a user's program meets it: {@code target/jns.jar}, copied alone into
 * a temporary directory (no {@code target/classes}, no helper beside it: the helper must come
 * out of the jar), a small program compiled against it with every lint on and run by the
 * JDK's own {@code javac} and {@code java} on the module path, on the class path and as an
 * executable jar, each way with the native-access grant the README gives for it, and as a
 * Maven project's dependency named by its coordinates (built offline against a local repository
 * laid out as {@code install} lays it out). Each run
 * must do real work (a program spawned in a new UTS namespace, Java code run inside a new
 * network namespace) and print no warning at all, above all not the JDK's "restricted method"
 * one; the class path run without the grant shows that the check would see it.
 *
 * <p>A failsafe test ({@code *IT}): it runs in {@code integration-test}, after {@code package}
 * has made the jar and its sources and javadoc jars, and before {@code install}, so it uses
 * the jars in {@code target/}, the very files {@code install} copies to the local repository
 * (the user's own is only read).
 */
class ConsumerIT {
    private static final Path JAR = Path.of("target/jns.jar");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String JAVAC = Path.of(System.getProperty("java.home"), "bin", "javac").toString();
    private static final String JARTOOL = Path.of(System.getProperty("java.home"), "bin", "jar").toString();

    /** The user's program: the API's two halves, a spawned program and Java code in a namespace. */
    private static final String MAIN = """
            package app;

            import dev.jns.ns.Namespace;
            import dev.jns.ns.NamespaceType;
            import dev.jns.spawn.NamespacedProcessBuilder;

            import java.nio.charset.StandardCharsets;

            public final class Main {
                private Main() {}

                public static void main(String[] args) throws Exception {
                    Process p = new NamespacedProcessBuilder("hostname")
                            .newNamespaces(NamespaceType.UTS).hostname("consumer").start();
                    String name = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    System.out.println("hostname " + name + ", exit " + p.waitFor());
                    try (Namespace net = Namespace.newNetwork(); Namespace own = Namespace.current(NamespaceType.NET)) {
                        boolean inside = net.run(() -> {
                            try (Namespace here = Namespace.current(NamespaceType.NET)) {
                                return here.equals(net);
                            }
                        });
                        System.out.println("inside " + inside + ", outside " + own.equals(net));
                    }
                }
            }
            """;
    private static final String MODULE_INFO = "module app { requires dev.jns; }\n";
    private static final String EXPECTED = "hostname consumer, exit 0\ninside true, outside false\n";

    private static Path dir;
    private static Path jar;

    @BeforeAll
    static void copyTheJarAlone() throws IOException {
        dir = Files.createTempDirectory("jns-consumer");
        jar = Files.copy(JAR, dir.resolve("jns.jar"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    @AfterAll
    static void remove() throws IOException {
        if (dir == null) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    void onTheModulePathWithNativeAccessForTheModule() throws IOException {
        Privilege.requireRoot("make a network namespace");
        Path out = compile("modular", true, "--module-path", jar.toString());
        ExternalCommand run = ExternalCommand.run(JAVA, "--module-path", jar + ":" + out,
                "--enable-native-access=dev.jns", "-m", "app/app.Main");
        assertRanClean(run);
    }

    @Test
    void onTheClassPathWithNativeAccessForTheUnnamedModule() throws IOException {
        Privilege.requireRoot("make a network namespace");
        Path out = compile("classpath", false, "-cp", jar.toString());
        assertRanClean(ExternalCommand.run(JAVA, "--enable-native-access=ALL-UNNAMED", "-cp", jar + ":" + out, "app.Main"));
    }

    @Test
    void withoutTheGrantTheJdkWarnsOnStandardError() throws IOException {
        Privilege.requireRoot("make a network namespace");
        Path out = compile("ungranted", false, "-cp", jar.toString());
        ExternalCommand run = ExternalCommand.run(JAVA, "-cp", jar + ":" + out, "app.Main");
        assertThat(run.stdout()).isEqualTo(EXPECTED);
        assertThat(run.stderr()).contains("WARNING: A restricted method in java.lang.foreign");
    }

    @Test
    void asAnExecutableJarWhoseManifestGrantsNativeAccess() throws IOException {
        Privilege.requireRoot("make a network namespace");
        Path out = compile("executable", false, "-cp", jar.toString());
        Path manifest = Files.writeString(dir.resolve("executable.mf"), """
                Main-Class: app.Main
                Class-Path: jns.jar
                Enable-Native-Access: ALL-UNNAMED
                """);
        Path app = dir.resolve("app.jar");
        ExternalCommand packed = ExternalCommand.run(JARTOOL, "--create", "--file", app.toString(),
                "--manifest", manifest.toString(), "-C", out.toString(), ".");
        assertThat(packed.exitCode()).as(packed.stderr()).isZero();
        assertRanClean(ExternalCommand.run(JAVA, "-jar", app.toString()));
    }

    @Test
    void theLibraryJarItselfRunsAsTheJnsCommand() throws IOException {
        assertThat(manifestValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
        ExternalCommand run = ExternalCommand.run(JAVA, "-jar", jar.toString(),
                "unshare", "--user", "--map-root-user", "--uts", "sh", "-c", "hostname jar-run && hostname");
        assertThat(run.stderr()).isEmpty();
        assertThat(run.stdout()).isEqualTo("jar-run\n");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void theSourcesAndJavadocJarsAreBuiltBesideIt() throws IOException {
        try (JarFile sources = new JarFile("target/jns-sources.jar");
             JarFile javadoc = new JarFile("target/jns-javadoc.jar")) {
            assertThat(sources.getEntry("dev/jns/ns/Namespace.java")).isNotNull();
            assertThat(sources.getEntry("module-info.java")).isNotNull();
            assertThat(javadoc.getEntry("dev.jns/dev/jns/ns/Namespace.html")).isNotNull();
            // Only the exported packages are documented: the internals are not API.
            assertThat(javadoc.getEntry("dev.jns/dev/jns/sys/LibC.html")).isNull();
        }
    }

    @Test
    void asAMavenDependencyByItsCoordinates() throws IOException {
        Privilege.requireRoot("make a network namespace");
        String version = manifestValue("Implementation-Version");
        // The compiler plugin this build used, so that the offline build finds it where this one left it.
        Matcher plugin = Pattern.compile("maven-compiler-plugin</artifactId>\\s*<version>([^<]+)<").matcher(Files.readString(Path.of("../pom.xml")));
        assertThat(plugin.find()).as("the compiler plugin's version in ../pom.xml").isTrue();
        String compilerPlugin = plugin.group(1);
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Assumptions.assumeTrue(Files.isDirectory(m2.resolve("org/apache/maven/plugins/maven-compiler-plugin/" + compilerPlugin)),
                "no maven-compiler-plugin " + compilerPlugin + " in " + m2 + " to build a project offline with");
        // A local repository holding this build's artifact as install lays it out, beside links to
        // the user's for Maven's own plugins: offline, and nothing is written to the user's.
        Path repo = Files.createDirectories(dir.resolve("repository"));
        try (Stream<Path> top = Files.list(m2)) {
            for (Path p : top.filter(p -> !p.getFileName().toString().equals("dev")).toList()) {
                Files.createSymbolicLink(repo.resolve(p.getFileName().toString()), p);
            }
        }
        Path artifact = Files.createDirectories(repo.resolve("dev/jns/jns/" + version));
        Files.copy(jar, artifact.resolve("jns-" + version + ".jar"));
        Files.copy(Path.of("pom.xml"), artifact.resolve("jns-" + version + ".pom"));
        Path parent = Files.createDirectories(repo.resolve("dev/jns/jns-parent/" + version));
        Files.copy(Path.of("../pom.xml"), parent.resolve("jns-parent-" + version + ".pom"));

        Path project = dir.resolve("maven-app");
        Files.createDirectories(project.resolve("src/main/java/app"));
        Files.writeString(project.resolve("src/main/java/app/Main.java"), MAIN);
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>app</groupId>
                  <artifactId>app</artifactId>
                  <version>1</version>
                  <properties>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                    <maven.compiler.release>25</maven.compiler.release>
                  </properties>
                  <dependencies>
                    <dependency>
                      <groupId>dev.jns</groupId>
                      <artifactId>jns</artifactId>
                      <version>%s</version>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>%s</version>
                        <configuration><compilerArgs><arg>-Xlint:all</arg><arg>-Werror</arg></compilerArgs></configuration>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(version, compilerPlugin));
        ExternalCommand built = ExternalCommand.run("env", "JAVA_HOME=" + System.getProperty("java.home"),
                "MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow", "mvn", "-o", "-q", "-B", "-Dmaven.repo.local=" + repo,
                "-f", project.resolve("pom.xml").toString(), "compile");
        assertThat(built.exitCode()).as("mvn compile:%n%s%s", built.stdout(), built.stderr()).isZero();
        assertRanClean(ExternalCommand.run(JAVA, "--enable-native-access=ALL-UNNAMED", "-cp",
                artifact.resolve("jns-" + version + ".jar") + ":" + project.resolve("target/classes"), "app.Main"));
    }

    /** Compiles the program ({@code modular}: with its module-info) into {@code dir/name}; fails on any diagnostic. */
    private static Path compile(String name, boolean modular, String... libraryPath) throws IOException {
        Path src = dir.resolve(name + "-src");
        Files.createDirectories(src.resolve("app"));
        Files.writeString(src.resolve("app/Main.java"), MAIN);
        Path out = dir.resolve(name);
        List<String> javac = new ArrayList<>(List.of(JAVAC, "-Xlint:all", "-Werror", "-d", out.toString()));
        javac.addAll(List.of(libraryPath));
        javac.add(src.resolve("app/Main.java").toString());
        if (modular) javac.add(Files.writeString(src.resolve("module-info.java"), MODULE_INFO).toString());
        ExternalCommand compiled = ExternalCommand.run(javac);
        assertThat(compiled.exitCode()).as("javac:%n%s%s", compiled.stdout(), compiled.stderr()).isZero();
        assertThat(compiled.stdout() + compiled.stderr()).as("javac's diagnostics").isEmpty();
        return out;
    }

    private static String manifestValue(String name) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getManifest().getMainAttributes().getValue(name);
        }
    }

    private static void assertRanClean(ExternalCommand run) {
        assertThat(run.stderr()).as("standard error (no restricted-method or any other warning)").isEmpty();
        assertThat(run.stdout()).isEqualTo(EXPECTED);
        assertThat(run.exitCode()).isZero();
    }
}
