package dev.jns.cli;

/** What {@code -V} prints for a subcommand: {@code jns lsns from jns 0.1.0}, as util-linux names itself. */
final class Version {
    private Version() {}

    static String line(String subcommand) {
        String v = Version.class.getPackage().getImplementationVersion();
        return "jns " + subcommand + " from jns " + (v != null ? v : "(unpackaged build)");
    }
}
