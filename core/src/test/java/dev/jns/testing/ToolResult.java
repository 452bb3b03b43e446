package dev.jns.testing;

/**
 * How one command ended and what it printed. {@code signal} is the signal that killed it
 * (0 if it exited), so "exited 143" and "killed by SIGTERM" stay distinguishable, as a
 * shell's {@code wait} distinguishes them.
 */
public record ToolResult(int exit, int signal, String stdout, String stderr) {
    /** The status as a shell reports it in {@code $?}. */
    public int shellStatus() {
        return signal != 0 ? 128 + signal : exit;
    }

    @Override
    public String toString() {
        return (signal != 0 ? "killed by signal " + signal : "exit " + exit)
                + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
}
