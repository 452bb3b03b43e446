package dev.jns.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The README's JUnit examples cannot rot: every {@code java} block that uses
 * {@code dev.jns.junit} (core's ReadmeTest leaves those to this module) is compiled against
 * this build and run through a nested launcher, and each of its tests must pass.
 */
class ReadmeBlocksTest {
    private static final Pattern BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
    private static final Pattern CLASS = Pattern.compile("(?m)^(?:public )?class (\\w+)");

    @Test
    void everyJunitExampleInTheReadmeCompilesAndPasses(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root: the README's examples run in network namespaces, which an unprivileged JVM skips");
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> blocks = new ArrayList<>();
        for (Matcher m = BLOCK.matcher(readme); m.find(); ) {
            if (m.group(1).contains("dev.jns.junit")) blocks.add(m.group(1));
        }
        assertThat(blocks).as("README java blocks that use dev.jns.junit").isNotEmpty();

        String classPath = String.join(File.pathSeparator, codeSources(NetworkNamespaceExtension.class,
                dev.jns.ns.Namespace.class, org.junit.jupiter.api.Test.class, org.apiguardian.api.API.class,
                org.opentest4j.TestAbortedException.class));
        for (String block : blocks) {
            Matcher name = CLASS.matcher(block);
            assertThat(name.find()).as("a top-level class in\n%s", block).isTrue();
            Path source = dir.resolve(name.group(1) + ".java");
            Files.writeString(source, block);
            ByteArrayOutputStream messages = new ByteArrayOutputStream();
            int status = ToolProvider.getSystemJavaCompiler().run(null, messages, messages,
                    "-cp", classPath, "-d", dir.toString(), source.toString());
            assertThat(status).as("javac %s:\n%s", source.getFileName(), messages.toString(StandardCharsets.UTF_8)).isZero();

            try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
                Class<?> example = loader.loadClass(name.group(1));
                SummaryGeneratingListener listener = new SummaryGeneratingListener();
                LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(example))
                        .configurationParameter("junit.jupiter.execution.parallel.enabled", "false").build(), listener);
                TestExecutionSummary summary = listener.getSummary();
                assertThat(summary.getTestsSucceededCount()).as("%s: %s", name.group(1), summary.getFailures()).isPositive();
                assertThat(summary.getTotalFailureCount()).as("%s: %s", name.group(1), summary.getFailures()).isZero();
            }
        }
    }

    private static List<String> codeSources(Class<?>... classes) throws Exception {
        List<String> paths = new ArrayList<>();
        for (Class<?> c : classes) paths.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        return paths;
    }
}
