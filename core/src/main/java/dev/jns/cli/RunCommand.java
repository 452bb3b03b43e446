package dev.jns.cli;

import dev.jns.caps.Capability;
import dev.jns.ns.NamespaceType;
import dev.jns.sandbox.Sandbox;
import dev.jns.spawn.NamespacedProcess;
import dev.jns.spawn.SpawnException;
import dev.jns.spawn.Termination;
import dev.jns.spec.SeccompProgram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code jns run}: bubblewrap's command line over {@link Sandbox}. Options are read in
 * order, as bwrap reads them (each filesystem option is a step, {@code --perms} and
 * {@code --size} modify the next one); the first argument that is no option, or the one
 * after {@code --}, starts the command. Errors are bwrap's words under {@code jns run:} and
 * exit 1; the program's exit status is passed on (128+N for a signal death, as bwrap does).
 *
 * <p>Not here: the SELinux labels {@code --exec-label} and {@code --file-label}; without SELinux
 * they are refused in bwrap's words (bwrap refuses them there too), with it by name.
 */
public final class RunCommand implements Command {
    /** The options as read so far. */
    private static final class Options {
        Sandbox sandbox;
        final Set<NamespaceType> unshare = EnumSet.noneOf(NamespaceType.class);
        boolean userTry, cgroupTry, asPid1;
        Long uid, gid;
        String hostname;
        final Set<Capability> caps = EnumSet.noneOf(Capability.class);
        boolean capsChanged;
        String seccompFlag; // the first of --seccomp and --add-seccomp-fd given
        String seccompFd; // the last --seccomp's descriptor, the only one read
        final java.util.Set<Integer> seccompFds = new java.util.HashSet<>(); // read, so taken from the program as bwrap closes them
        int perms = -1;
        long size;
        int infoFd = -1, jsonStatusFd = -1;
        /** Arguments before this index came from an {@code --args} file (none may be {@code --args} itself). */
        int fromArgsFileUntil;
        /** {@code --overlay-src} sources waiting for the overlay they make. */
        final List<String> overlaySources = new java.util.ArrayList<>();
        /** Descriptors on namespaces: {@code --userns}, {@code --userns2}, {@code --pidns}; -1 if not given. */
        int usernsFd = -1, userns2Fd = -1, pidnsFd = -1, blockFd = -1, syncFd = -1;
        /** {@code --userns-block-fd}: the caller maps the new user namespace, and lets it go by this descriptor; -1 if not given. */
        int usernsBlockFd = -1;
        boolean chdirGiven, disableUserns, assertUsernsDisabled, lockFiles;
        /** Where warnings go ({@code jns run:} and, with {@code --level-prefix}, syslog's level first). */
        PrintStream err;
        boolean levelPrefix;

        /** bwrap's warning for an option whose earlier use is overridden. */
        void onlyLast(String option) {
            err.println((levelPrefix ? "<4>" : "") + "jns run: Only the last " + option + " option will take effect");
        }
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            err.print(RunHelp.TEXT);
            return 1;
        }
        Options o = new Options();
        o.err = err;
        try {
            return run(o, args, out, err);
        } catch (CliException e) {
            if (!o.levelPrefix) throw e;
            err.println("<3>jns run: " + e.getMessage()); // bwrap's die(): LOG_ERR
            return e.exitCode();
        }
    }

    private int run(Options o, String[] args, PrintStream out, PrintStream err) throws Exception {
        // As bwrap: root keeps its capabilities unless told to drop them; anyone else starts with none.
        if (uid() == 0) o.caps.addAll(Capability.effectiveOfThisProcess());
        List<Runnable> steps = new java.util.ArrayList<>();
        int i = 0;
        for (; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help")) {
                out.print(RunHelp.TEXT);
                return 0;
            }
            if (arg.equals("--version")) {
                out.println(Version.line("run"));
                return 0;
            }
            if (arg.equals("--")) {
                i++;
                break;
            }
            if (!arg.startsWith("-")) break;
            if (arg.equals("--args")) {
                args = spliceArgs(o, args, i);
                i--;
                continue;
            }
            int used = option(o, steps, args, i);
            if (!isModifier(arg) && o.perms >= 0) throw new CliException("--perms must be followed by an option that creates a file");
            if (!isModifier(arg) && o.size != 0) throw new CliException("--size must be followed by --tmpfs");
            if (!arg.equals("--overlay-src")) requireNoPendingOverlaySource(o);
            i += used;
        }
        requireNoPendingOverlaySource(o);
        if (i >= args.length) {
            err.print(RunHelp.TEXT);
            return 1;
        }
        return launch(o, steps, Arrays.asList(args).subList(i, args.length));
    }

    private static void requireNoPendingOverlaySource(Options o) {
        if (!o.overlaySources.isEmpty()) {
            throw new CliException("--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay");
        }
    }

    private static boolean isModifier(String arg) {
        return arg.equals("--perms") || arg.equals("--size");
    }

    /** Reads one option; returns how many arguments it took beyond itself. */
    private static int option(Options o, List<Runnable> steps, String[] args, int i) throws IOException {
        String arg = args[i];
        int left = args.length - i - 1;
        switch (arg) {
            case "--unshare-user" -> o.unshare.add(NamespaceType.USER);
            case "--unshare-user-try" -> o.userTry = true;
            case "--unshare-ipc" -> o.unshare.add(NamespaceType.IPC);
            case "--unshare-pid" -> o.unshare.add(NamespaceType.PID);
            case "--unshare-net" -> o.unshare.add(NamespaceType.NET);
            case "--unshare-uts" -> o.unshare.add(NamespaceType.UTS);
            case "--unshare-cgroup" -> o.unshare.add(NamespaceType.CGROUP);
            case "--unshare-cgroup-try" -> o.cgroupTry = true;
            case "--unshare-all" -> {
                o.userTry = o.cgroupTry = true;
                o.unshare.addAll(List.of(NamespaceType.IPC, NamespaceType.PID, NamespaceType.NET, NamespaceType.UTS));
            }
            case "--share-net" -> o.unshare.remove(NamespaceType.NET);
            case "--clearenv", "--new-session", "--die-with-parent", "--as-pid-1" -> steps.add(flag(o, arg));
            case "--uid" -> o.uid = id(one(arg, left, args, i), "uid");
            case "--gid" -> o.gid = id(one(arg, left, args, i), "gid");
            case "--hostname" -> o.hostname = one(arg, left, args, i);
            case "--exec-label", "--file-label" -> {
                String label = one(arg, left, args, i);
                // bwrap checks a label as it reads it, and without SELinux refuses any
                if (!Files.exists(Path.of("/sys/fs/selinux/enforce"))) throw new CliException("labeling not supported on this system");
                throw new CliException(arg + " " + label + ": SELinux labels are not supported by jns run; run without it or use bwrap");
            }
            case "--chdir" -> {
                String dir = one(arg, left, args, i);
                if (o.chdirGiven) o.onlyLast(arg);
                o.chdirGiven = true;
                steps.add(() -> o.sandbox.directory(dir));
            }
            case "--argv0" -> {
                String name = one(arg, left, args, i);
                steps.add(() -> o.sandbox.argv0(name));
            }
            case "--unsetenv" -> {
                String name = one(arg, left, args, i);
                steps.add(() -> o.sandbox.environment().remove(name));
            }
            case "--setenv" -> {
                String name = two(arg, left, args, i)[0], value = args[i + 2];
                steps.add(() -> o.sandbox.environment().put(name, value));
                return 2;
            }
            case "--bind", "--bind-try", "--ro-bind", "--ro-bind-try", "--dev-bind", "--dev-bind-try" -> {
                String[] st = two(arg, left, args, i);
                steps.add(() -> bind(o.sandbox, arg, st[0], st[1]));
                return 2;
            }
            case "--file", "--bind-data", "--ro-bind-data" -> {
                String[] fdDest = two(arg, left, args, i);
                byte[] data = dataOf(fd(fdDest[0]), fdDest[1]);
                int mode = o.perms >= 0 ? o.perms : arg.equals("--file") ? 0666 : 0600;
                o.perms = -1;
                steps.add(() -> {
                    switch (arg) {
                        case "--file" -> o.sandbox.file(data, fdDest[1], mode);
                        case "--bind-data" -> o.sandbox.bindData(data, fdDest[1], mode);
                        default -> o.sandbox.roBindData(data, fdDest[1], mode);
                    }
                });
                return 2;
            }
            case "--bind-fd", "--ro-bind-fd" -> {
                String[] fdDest = two(arg, left, args, i);
                int fd = fd(fdDest[0]);
                steps.add(() -> {
                    // bwrap's way: the descriptor's magic link, resolved (and named so in its message)
                    String source = realSource("/proc/self/fd/" + fd, false);
                    if (arg.equals("--bind-fd")) o.sandbox.bind(source, fdDest[1]);
                    else o.sandbox.roBind(source, fdDest[1]);
                });
                return 2;
            }
            case "--overlay-src" -> {
                o.overlaySources.add(realSource(one(arg, left, args, i), false));
                return 1;
            }
            case "--overlay" -> {
                if (left < 3) throw new CliException(arg + " takes three arguments");
                if (o.overlaySources.isEmpty()) throw new CliException("--overlay requires at least one --overlay-src");
                List<String> sources = List.copyOf(o.overlaySources);
                String upper = realSource(args[i + 1], false), work = realSource(args[i + 2], false), dest = args[i + 3];
                o.overlaySources.clear();
                steps.add(() -> o.sandbox.overlay(sources, upper, work, dest));
                return 3;
            }
            case "--tmp-overlay", "--ro-overlay" -> {
                String dest = one(arg, left, args, i);
                boolean tmp = arg.equals("--tmp-overlay");
                if (o.overlaySources.size() < (tmp ? 1 : 2)) {
                    throw new CliException(arg + " requires at least " + (tmp ? "one" : "two") + " --overlay-src");
                }
                List<String> sources = List.copyOf(o.overlaySources);
                o.overlaySources.clear();
                steps.add(() -> {
                    if (tmp) o.sandbox.tmpOverlay(sources, dest);
                    else o.sandbox.roOverlay(sources, dest);
                });
                return 1;
            }
            case "--symlink" -> {
                String[] st = two(arg, left, args, i);
                steps.add(() -> o.sandbox.symlink(st[0], st[1]));
                return 2;
            }
            case "--chmod" -> {
                String[] mp = two(arg, left, args, i);
                int mode = octal(mp[0], "--chmod takes an octal argument <= 07777");
                steps.add(() -> o.sandbox.chmod(mode, mp[1]));
                return 2;
            }
            case "--remount-ro" -> {
                String dest = one(arg, left, args, i);
                steps.add(() -> o.sandbox.remountReadOnly(dest));
            }
            case "--proc" -> {
                String dest = one(arg, left, args, i);
                steps.add(() -> o.sandbox.proc(dest));
            }
            case "--dev" -> {
                String dest = one(arg, left, args, i);
                steps.add(() -> o.sandbox.dev(dest));
            }
            case "--mqueue" -> {
                String dest = one(arg, left, args, i);
                steps.add(() -> o.sandbox.mqueue(dest));
            }
            case "--tmpfs" -> {
                String dest = one(arg, left, args, i);
                int mode = o.perms >= 0 ? o.perms : 0755;
                OptionalLong size = o.size != 0 ? OptionalLong.of(o.size) : OptionalLong.empty();
                o.perms = -1;
                o.size = 0;
                steps.add(() -> o.sandbox.tmpfs(dest, mode, size));
            }
            case "--dir" -> {
                String dest = one(arg, left, args, i);
                int mode = o.perms >= 0 ? o.perms : 0755;
                o.perms = -1;
                steps.add(() -> o.sandbox.dir(dest, mode));
            }
            case "--perms" -> {
                String value = one(arg, left, args, i);
                if (o.perms != -1) throw new CliException("--perms given twice for the same action");
                o.perms = octal(value, "--perms takes an octal argument <= 07777");
            }
            case "--size" -> {
                String value = one(arg, left, args, i);
                if (o.size != 0) throw new CliException("--size given twice for the same action");
                o.size = size(value);
            }
            case "--cap-add", "--cap-drop" -> {
                String name = one(arg, left, args, i);
                Set<Capability> named = name.equalsIgnoreCase("ALL") ? EnumSet.allOf(Capability.class)
                        : EnumSet.of(Capability.byName(name).orElseThrow(() -> new CliException("unknown cap: " + name)));
                if (arg.equals("--cap-add")) o.caps.addAll(named);
                else o.caps.removeAll(named);
                o.capsChanged = true;
            }
            case "--info-fd", "--json-status-fd" -> {
                String fd = one(arg, left, args, i);
                int n = fd(fd);
                if (arg.equals("--info-fd")) o.infoFd = n;
                else o.jsonStatusFd = n;
            }
            case "--block-fd", "--sync-fd", "--userns-block-fd" -> {
                int fd = fd(one(arg, left, args, i));
                int previous = switch (arg) {
                    case "--block-fd" -> o.blockFd;
                    case "--sync-fd" -> o.syncFd;
                    default -> o.usernsBlockFd;
                };
                if (previous != -1) o.onlyLast(arg);
                switch (arg) {
                    case "--block-fd" -> o.blockFd = fd;
                    case "--sync-fd" -> o.syncFd = fd;
                    default -> o.usernsBlockFd = fd;
                }
            }
            case "--userns", "--userns2", "--pidns" -> {
                int fd = fd(one(arg, left, args, i));
                int previous = switch (arg) {
                    case "--userns" -> o.usernsFd;
                    case "--userns2" -> o.userns2Fd;
                    default -> o.pidnsFd;
                };
                if (previous != -1) o.onlyLast(arg);
                switch (arg) {
                    case "--userns" -> o.usernsFd = fd;
                    case "--userns2" -> o.userns2Fd = fd;
                    default -> o.pidnsFd = fd;
                }
            }
            case "--level-prefix" -> o.levelPrefix = true;
            case "--lock-file" -> {
                String dest = one(arg, left, args, i);
                o.lockFiles = true;
                steps.add(() -> o.sandbox.lockFile(dest));
            }
            case "--disable-userns" -> o.disableUserns = true;
            case "--assert-userns-disabled" -> o.assertUsernsDisabled = true;
            case "--seccomp", "--add-seccomp-fd" -> {
                String fd = one(arg, left, args, i);
                // bwrap: --seccomp, or any number of --add-seccomp-fd, never both (checked before the fd)
                if (o.seccompFlag != null && !o.seccompFlag.equals(arg)) {
                    throw new CliException(arg.equals("--seccomp") ? "--seccomp cannot be combined with --add-seccomp-fd"
                            : "--add-seccomp-fd cannot be combined with --seccomp");
                }
                o.seccompFlag = arg;
                if (arg.equals("--seccomp")) {
                    // bwrap keeps only the last --seccomp: an earlier one's descriptor is never read, and
                    // so stays open for the program like any other
                    if (o.seccompFd != null) {
                        o.onlyLast(arg);
                        o.seccompFds.remove(fd(o.seccompFd));
                    } else {
                        steps.add(() -> o.sandbox.seccomp(seccompFrom(o.seccompFd)));
                    }
                    o.seccompFd = fd;
                    o.seccompFds.add(fd(fd));
                } else {
                    // bwrap reads (and closes) each one as it comes: a second use of one cannot read it
                    if (!o.seccompFds.add(fd(fd))) throw new CliException("Can't read seccomp data: Bad file descriptor");
                    // read once every option is parsed, as bwrap does: a misuse of the options is told first
                    steps.add(() -> o.sandbox.seccomp(seccompFrom(fd)));
                }
            }
            default -> throw new CliException("Unknown option " + arg);
        }
        return switch (arg) {
            case "--uid", "--gid", "--hostname", "--exec-label", "--file-label", "--chdir", "--argv0", "--unsetenv", "--remount-ro", "--proc", "--dev",
                 "--mqueue", "--tmpfs", "--dir", "--perms", "--size", "--cap-add", "--cap-drop", "--seccomp",
                 "--add-seccomp-fd", "--info-fd", "--json-status-fd", "--userns", "--userns2", "--pidns",
                 "--block-fd", "--sync-fd", "--userns-block-fd", "--lock-file" -> 1;
            default -> 0;
        };
    }

    private static Runnable flag(Options o, String arg) {
        return switch (arg) {
            case "--clearenv" -> () -> o.sandbox.environment().clear();
            case "--new-session" -> () -> o.sandbox.newSession();
            case "--as-pid-1" -> () -> {
                o.asPid1 = true;
                o.sandbox.asPid1();
            };
            // The sandbox always dies with jns; --die-with-parent makes jns die with its parent, as
            // bwrap's monitor does, and so the sandbox (its helper sees this JVM go). The parent is a
            // process (a shell, say): any thread's death signal fires when it exits.
            default -> () -> dev.jns.os.Processes.signalOnParentDeath(dev.jns.os.Signals.SIGKILL);
        };
    }

    private static void bind(Sandbox s, String arg, String given, String dest) {
        String source = realSource(given, arg.endsWith("-try"));
        switch (arg) {
            case "--bind" -> s.bind(source, dest);
            case "--bind-try" -> s.bindTry(source, dest);
            case "--ro-bind" -> s.roBind(source, dest);
            case "--ro-bind-try" -> s.roBindTry(source, dest);
            case "--dev-bind" -> s.devBind(source, dest);
            default -> s.devBindTry(source, dest);
        }
    }

    /**
     * As bwrap: a bind's source is made absolute and free of symlinks in the caller's view
     * (realpath, from the working directory) before anything is set up; a missing one of a
     * {@code -try} form is left as given, to be skipped.
     */
    static String realSource(String source, boolean optional) {
        try {
            return Path.of(source).toRealPath().toString();
        } catch (java.nio.file.NoSuchFileException e) {
            if (optional) return source;
            throw new CliException("Can't find source path " + source + ": No such file or directory");
        } catch (IOException e) {
            throw new CliException("Can't find source path " + source + ": " + dev.jns.os.Errno.describe(e));
        }
    }

    private static String one(String arg, int left, String[] args, int i) {
        if (left < 1) throw new CliException(arg + " takes an argument");
        return args[i + 1];
    }

    private static String[] two(String arg, int left, String[] args, int i) {
        if (left < 2) throw new CliException(arg + " takes two arguments");
        return new String[] {args[i + 1], args[i + 2]};
    }

    /** bwrap reads ids with strtol: digits only, not negative. */
    private static long id(String value, String what) {
        if (value.isEmpty() || !value.chars().allMatch(Character::isDigit)) throw new CliException("Invalid " + what + ": " + value);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CliException("Invalid " + what + ": " + value);
        }
    }

    private static int octal(String value, String message) {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '7')) throw new CliException(message);
        long v = Long.parseLong(value, 8);
        if (v > 07777) throw new CliException(message);
        return (int) v;
    }

    private static long size(String value) {
        String message = "--size takes a non-zero number of bytes";
        if (value.isEmpty() || !Character.isDigit(value.charAt(0))) throw new CliException(message);
        try {
            long v = value.startsWith("0x") || value.startsWith("0X") ? Long.parseUnsignedLong(value.substring(2), 16)
                    : value.startsWith("0") && value.length() > 1 ? Long.parseUnsignedLong(value.substring(1), 8)
                    : Long.parseUnsignedLong(value);
            if (v == 0) throw new CliException(message);
            return v;
        } catch (NumberFormatException e) {
            throw new CliException(message);
        }
    }

    /**
     * bwrap's {@code --args FD}: the NUL-separated arguments read from the descriptor take
     * the option's place (not from within such a file).
     */
    private static String[] spliceArgs(Options o, String[] args, int i) throws IOException {
        if (i < o.fromArgsFileUntil) throw new CliException("--args not supported in arguments file");
        if (i + 1 >= args.length) throw new CliException("--args takes an argument");
        int fd = fd(args[i + 1]);
        byte[] data;
        try {
            data = Files.readAllBytes(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            throw new CliException("Can't read --args data: " + dev.jns.os.Errno.describe(e));
        }
        List<String> inserted = new java.util.ArrayList<>();
        int start = 0;
        for (int k = 0; k < data.length; k++) {
            if (data[k] == 0) {
                inserted.add(new String(data, start, k - start, java.nio.charset.StandardCharsets.UTF_8));
                start = k + 1;
            }
        }
        o.fromArgsFileUntil = i + inserted.size();
        List<String> out = new java.util.ArrayList<>(Arrays.asList(args).subList(0, i));
        out.addAll(inserted);
        out.addAll(Arrays.asList(args).subList(i + 2, args.length));
        return out.toArray(String[]::new);
    }

    private static int fd(String value) {
        // strtol as bwrap reads it: an optional sign, digits, nothing after; negative refused
        if (!value.matches("[+]?[0-9]+")) throw new CliException("Invalid fd: " + value);
        try {
            return Integer.parseInt(value.startsWith("+") ? value.substring(1) : value);
        } catch (NumberFormatException e) {
            throw new CliException("Invalid fd: " + value);
        }
    }

    /** Whether {@code fd} is one this process was given by its caller (the launcher's {@code jns.inheritedFds}). */
    private static boolean inherited(int fd) {
        return Arrays.asList(System.getProperty("jns.inheritedFds", "").split(",")).contains(Integer.toString(fd));
    }

    /**
     * Whether the caller handed this process descriptor {@code fd}: the launcher's list when it
     * gave one (the JVM opens descriptors of its own, which a number the caller never passed
     * could name), else whether it is open at all.
     */
    private static boolean isOpen(int fd) {
        if (System.getProperty("jns.inheritedFds") != null) return inherited(fd);
        return Files.exists(Path.of("/proc/self/fd/" + fd), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** bwrap's namespace report: the inodes of the namespaces the program was given (user left out, as bwrap does). */
    private static String namespaceReport(java.util.Map<NamespaceType, dev.jns.ns.Namespace> namespaces, String separator) {
        StringBuilder out = new StringBuilder();
        for (NamespaceType t : List.of(NamespaceType.CGROUP, NamespaceType.IPC, NamespaceType.MNT, NamespaceType.NET,
                NamespaceType.PID, NamespaceType.UTS)) {
            dev.jns.ns.Namespace ns = namespaces.get(t);
            if (ns != null) out.append(",").append(separator).append('"').append(t.procName()).append("-namespace\": ").append(ns.inode());
        }
        return out.toString();
    }

    /** Writes to a descriptor jns inherited; closing it lets a reader see the end while the sandbox runs. */
    private static void writeTo(int fd, String text, boolean close) {
        try (var out = new java.io.FileOutputStream("/proc/self/fd/" + fd, true)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException("Write to info_fd: " + dev.jns.os.Errno.describe(e));
        }
        if (close) dev.jns.os.Descriptors.close(fd);
    }

    /** What a descriptor of bwrap's {@code --file}/{@code --bind-data} holds, read to its end. */
    private static byte[] dataOf(int fd, String dest) {
        try {
            return Files.readAllBytes(Path.of("/proc/self/fd/" + fd));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CliException("Can't write data to file " + dest + ": Bad file descriptor");
        } catch (IOException e) {
            throw new CliException("Can't write data to file " + dest + ": " + dev.jns.os.Errno.describe(e));
        }
    }

    /** The BPF program an inherited descriptor holds (bwrap's {@code --seccomp FD}). */
    private static SeccompProgram seccompFrom(String fd) {
        if (fd.isEmpty() || !fd.chars().allMatch(Character::isDigit)) throw new CliException("Invalid fd: " + fd);
        byte[] bpf;
        try {
            bpf = Files.readAllBytes(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            throw new CliException("Can't read seccomp data: " + dev.jns.os.Errno.describe(e));
        }
        if (bpf.length == 0 || bpf.length % 8 != 0) throw new CliException("Invalid seccomp data, must be multiple of 8");
        return new SeccompProgram(ByteBuffer.wrap(bpf).order(ByteOrder.nativeOrder()));
    }

    private static int launch(Options o, List<Runnable> steps, List<String> command) throws IOException, InterruptedException {
        // bwrap's checks, in its order (it asks for --unshare-user itself, before it adds one for a non-root caller)
        if (o.usernsBlockFd != -1 && !o.unshare.contains(NamespaceType.USER)) throw new CliException("--userns-block-fd requires --unshare-user");
        if (o.usernsBlockFd != -1 && o.infoFd == -1) throw new CliException("--userns-block-fd requires --info-fd");
        if (o.usernsFd != -1 && o.unshare.contains(NamespaceType.USER)) throw new CliException("--userns not compatible --unshare-user");
        if (o.usernsFd != -1 && o.userTry) throw new CliException("--userns not compatible --unshare-user-try");
        if (o.disableUserns && !o.unshare.contains(NamespaceType.USER)) throw new CliException("--disable-userns requires --unshare-user");
        if (o.disableUserns && o.usernsBlockFd != -1) {
            throw new CliException("--disable-userns is not compatible with  --userns-block-fd"); // sic: bwrap's two spaces
        }
        boolean root = uid() == 0;
        // as bwrap: anyone but root gets a user namespace of its own, unless it joins one
        if (!root && o.usernsFd == -1) o.unshare.add(NamespaceType.USER);
        if (o.userTry && Files.exists(Path.of("/proc/self/ns/user")) && userNamespacesAllowed()) o.unshare.add(NamespaceType.USER);
        if (o.cgroupTry && Files.exists(Path.of("/proc/self/ns/cgroup"))) o.unshare.add(NamespaceType.CGROUP);
        boolean userNs = o.unshare.contains(NamespaceType.USER) || o.usernsFd != -1;
        long realUid = uid(), realGid = gid();
        if (!userNs && o.uid != null && o.uid != realUid) throw new CliException("Specifying --uid requires --unshare-user or --userns");
        if (!userNs && o.gid != null && o.gid != realGid) throw new CliException("Specifying --gid requires --unshare-user or --userns");
        if (!o.unshare.contains(NamespaceType.UTS) && o.hostname != null) {
            throw new CliException("Specifying --hostname requires --unshare-uts");
        }
        Sandbox s = Sandbox.command(command).unshare(o.unshare.toArray(NamespaceType[]::new)).inheritIO();
        o.sandbox = s;
        for (Runnable step : steps) step.run();
        if (o.asPid1 && !o.unshare.contains(NamespaceType.PID)) throw new CliException("Specifying --as-pid-1 requires --unshare-pid");
        if (o.asPid1 && o.lockFiles) throw new CliException("Specifying --as-pid-1 and --lock-file is not permitted");
        if (o.uid != null) s.uid(o.uid);
        if (o.gid != null) s.gid(o.gid);
        // bwrap's words for a descriptor that is not open (setns's EBADF)
        if (o.usernsFd != -1 && !isOpen(o.usernsFd)) throw new CliException("Joining specified user namespace failed: Bad file descriptor");
        if (o.pidnsFd != -1 && !isOpen(o.pidnsFd)) throw new CliException("Setting pidns failed: Bad file descriptor");
        if (o.userns2Fd != -1 && !isOpen(o.userns2Fd)) throw new CliException("Setting userns2 failed: Bad file descriptor");
        if (o.usernsFd != -1) s.joinUserNamespace(o.usernsFd);
        if (o.pidnsFd != -1) s.joinPidNamespace(o.pidnsFd);
        if (o.userns2Fd != -1) s.switchUserNamespace(o.userns2Fd);
        if (o.disableUserns) s.disableUserNamespaces();
        if (o.blockFd != -1 && isOpen(o.blockFd)) s.blockOn(o.blockFd); // bwrap ignores a failed read
        if (o.usernsBlockFd != -1) {
            // bwrap's read of a descriptor that is not open fails, and it goes on with no maps at all;
            // this JVM may hold that number itself (checking it is open would not do): told instead
            if (!isOpen(o.usernsBlockFd)) throw new CliException("--userns-block-fd " + o.usernsBlockFd + ": Bad file descriptor");
            // As bwrap: the pid is told as soon as the process exists, for the caller to map its namespace.
            s.userNamespaceMappedByCaller(o.usernsBlockFd, (pid, namespaces) -> report(o, pid, namespaces));
        }
        if (o.assertUsernsDisabled) s.requireUserNamespacesDisabled();
        if (o.hostname != null) s.hostname(o.hostname);
        // As bwrap: without --cap-add/--cap-drop a root caller's capabilities are left as they are.
        if (!o.capsChanged && uid() == 0) s.keepCallerCapabilities();
        else s.capabilities(o.caps.toArray(Capability[]::new));
        for (String fd : System.getProperty("jns.inheritedFds", "").split(",")) {
            // the report descriptors are jns run's, not the program's
            if (fd.isEmpty()) continue;
            int n = Integer.parseInt(fd);
            if (n == o.infoFd || n == o.jsonStatusFd || o.seccompFds.contains(n)) continue;
            // bwrap closes these before exec: the block fd once read; the sync fd is held by the
            // sandbox's outside (here this process, alive as long as the sandbox) unless the program is PID 1
            // (the userns block fd only its monitor closes: the program gets it, as bwrap's does)
            if (n == o.blockFd || (n == o.syncFd && !o.asPid1)) continue;
            s.inheritFd(n, n);
        }
        if ((o.infoFd >= 0 || o.jsonStatusFd >= 0) && o.usernsBlockFd == -1) {
            // Told before the program waits on --block-fd: a caller may read the pid first (to wire
            // its network, say), then let it go. bwrap tells it right after the clone, before the
            // set-up; here the program is set up by then, and its namespaces are all made.
            s.beforeExec((pid, namespaces) -> {
                report(o, pid, namespaces);
                return null;
            });
        }
        NamespacedProcess program;
        try {
            program = s.start();
        } catch (SpawnException e) {
            if (e.call().equals("execve")) throw new CliException("execvp " + command.getFirst() + ": " + e.strerror());
            throw new CliException(RunMessages.of(e));
        }
        Termination end = program.termination();
        int status = end instanceof Termination.Killed k ? 128 + k.signal() : ((Termination.Exited) end).code();
        if (o.jsonStatusFd >= 0) writeTo(o.jsonStatusFd, "{ \"exit-code\": " + status + " }\n", true);
        return status;
    }

    /** The child's pid and namespaces, on {@code --info-fd} (then closed) and {@code --json-status-fd}. */
    private static void report(Options o, long pid, java.util.Map<NamespaceType, dev.jns.ns.Namespace> namespaces) {
        if (o.infoFd >= 0) {
            writeTo(o.infoFd, "{\n    \"child-pid\": " + pid + namespaceReport(namespaces, "\n    ") + "\n}\n", true);
        }
        if (o.jsonStatusFd >= 0) {
            writeTo(o.jsonStatusFd, "{ \"child-pid\": " + pid + namespaceReport(namespaces, " ") + " }\n", false);
        }
    }

    private static boolean userNamespacesAllowed() {
        try {
            return !Files.readString(Path.of("/proc/sys/user/max_user_namespaces")).strip().equals("0");
        } catch (IOException e) {
            return true;
        }
    }

    private static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long gid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue();
        } catch (IOException e) {
            return -1;
        }
    }
}
