package dev.jns.net;

import dev.jns.os.Errno;

import java.util.Optional;

/**
 * The kernel refused a netlink request. Carries what was asked, the errno, and the
 * kernel's own explanation from the extended ACK when it sent one (it often says more than
 * the errno: "Peer netns already has a nsid assigned", "Invalid prefix for given prefix length").
 */
public final class NetlinkException extends RuntimeException {
    /** What was asked. */
    private final String request;
    /** The errno the kernel answered with. */
    private final int errno;
    /** The extended ACK's text, or null. */
    private final String kernelMessage;

    /**
     * A refused request; the message reads {@code request: reason}.
     *
     * @param errno the errno
     * @param request what was asked
     * @param kernelMessage the extended ACK's text, or null
     */
    public NetlinkException(String request, int errno, String kernelMessage) {
        super(format(request, errno, kernelMessage));
        this.request = request;
        this.errno = errno;
        this.kernelMessage = kernelMessage;
    }

    private static String format(String request, int errno, String kernelMessage) {
        String why = kernelMessage != null ? kernelMessage : Errno.describe(errno);
        return request + ": " + why + " (" + Errno.name(errno) + ")";
    }

    /**
     * What was asked, e.g. {@code add address 10.77.0.1/24 to veth0}.
     *
     * @return the request
     */
    public String request() { return request; }

    /**
     * The errno the kernel answered with.
     *
     * @return the errno
     */
    public int errno() { return errno; }

    /**
     * The symbolic errno, e.g. {@code EEXIST}.
     *
     * @return the name
     */
    public String errnoName() { return Errno.name(errno); }

    /**
     * The extended-ack text ({@code NLMSGERR_ATTR_MSG}), if the kernel gave one.
     *
     * @return the text, or empty
     */
    public Optional<String> kernelMessage() { return Optional.ofNullable(kernelMessage); }

    /**
     * The kernel's text if it gave one, else the C library's text for the errno: what {@code ip} would show.
     *
     * @return the text
     */
    public String reason() { return kernelMessage != null ? kernelMessage : Errno.describe(errno); }
}
