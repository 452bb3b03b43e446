package dev.jns.cli;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import static org.assertj.core.api.Assertions.assertThat;

/** The last-resort error line: C-tool words, never a Java class name. */
class MainTest {
    @Test
    void anUnexpectedIoErrorNamesTheFileAndTheReason() {
        assertThat(Main.describe(new UncheckedIOException(new AccessDeniedException("/etc/passwd"))))
                .isEqualTo("/etc/passwd: Permission denied");
        assertThat(Main.describe(new NoSuchFileException("/etc/subuid"))).isEqualTo("/etc/subuid: No such file or directory");
        assertThat(Main.describe(new FileSystemException("/x", null, "Is a directory"))).isEqualTo("/x: Is a directory");
    }

    @Test
    void anythingElseGivesItsMessageOrSaysInternalError() {
        assertThat(Main.describe(new IllegalStateException("helper went away"))).isEqualTo("helper went away");
        assertThat(Main.describe(new NullPointerException())).isEqualTo("internal error").doesNotContain("java.");
        assertThat(Main.describe(new UncheckedIOException("reading x", new java.io.IOException((String) null))))
                .doesNotContain("java.");
    }
}
