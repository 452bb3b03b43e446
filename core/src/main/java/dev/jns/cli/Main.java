package dev.jns.cli;

import dev.jns.os.SyscallException;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;

/**
 * The {@code jns} command: picks the subcommand by its first argument. Only the chosen
 * command's classes are loaded, which keeps start-up short.
 */
public final class Main {
    private static final String USAGE = """
            Usage: jns COMMAND [options]

            Linux namespaces, from Java.

            Commands:
              lsns      list namespaces (util-linux lsns compatible)
              unshare   run a program in new namespaces (util-linux unshare compatible)
              nsenter   run a program in namespaces of other processes (util-linux nsenter compatible)
              limits    show or set the per-user namespace limits (/proc/sys/user)
              netns     named network namespaces (iproute2 ip netns compatible)
              run       run a program in a sandbox (bubblewrap bwrap compatible options)
              oci       an OCI container runtime (runc compatible command line)
            Run 'jns COMMAND --help' for a command's options.""";

    private Main() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        // System.exit starts the JDK's logging (it logs Runtime.exit), about 10 ms of a
        // start-up budget of 100: success, the common case, just returns from main.
        if (code != 0) System.exit(code);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 1 : 0;
        }
        String name = args[0];
        Command command = switch (name) {
            case "lsns" -> new LsnsCommand();
            case "unshare" -> new UnshareCommand();
            case "nsenter" -> new NsenterCommand();
            case "limits" -> new LimitsCommand();
            case "netns" -> new NetnsCommand();
            case "run" -> new RunCommand();
            case "oci" -> new OciCommand();
            default -> null;
        };
        if (command == null) {
            err.println("jns: unknown command '" + name + "'");
            err.println("Try 'jns --help' for more information.");
            return 1;
        }
        String prog = "jns " + name;
        try {
            return command.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        } catch (Getopt.UsageException e) {
            if (e.getMessage() != null) err.println(prog + ": " + e.getMessage());
            err.println("Try '" + prog + " --help' for more information.");
            return 1;
        } catch (CliException e) {
            err.println(prog + ": " + e.getMessage());
            return e.exitCode();
        } catch (SyscallException e) {
            err.println(prog + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            // Last resort for what no command turned into a tool error: still one line in the
            // "jns CMD: message" form, never a Java class name or a stack trace.
            err.println(prog + ": " + describe(e));
            return 1;
        }
    }

    /** What went wrong, in words a user of the C tools would recognise. */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null
                && (u.getCause() instanceof FileSystemException || u.getCause().getMessage() != null)) {
            return describe(u.getCause()); // its own message is the cause's class name and message
        }
        if (e instanceof FileSystemException f && f.getFile() != null) {
            // Like C's err(): the file, then strerror's text for the reasons Java names by type.
            String reason = switch (f) {
                case NoSuchFileException ignored -> "No such file or directory";
                case AccessDeniedException ignored -> "Permission denied";
                case NotDirectoryException ignored -> "Not a directory";
                case DirectoryNotEmptyException ignored -> "Directory not empty";
                case FileAlreadyExistsException ignored -> "File exists";
                default -> f.getReason() != null ? f.getReason() : "Input/output error";
            };
            return f.getFile() + ": " + reason;
        }
        String message = e.getMessage();
        return message != null && !message.isBlank() ? message : "internal error";
    }
}
