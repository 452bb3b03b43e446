package dev.jns.net;

import dev.jns.os.Errno;

import java.util.Optional;

/**
 * The kernel refused a netlink request. Carries what was asked, the errno, and the
 * kernel's own explanation from the extended ACK when it sent one (it often says more than
 * the errno: "Peer netns already has a nsid assigned", "Invalid prefix for given prefix length").
 */
public final class NetlinkException extends RuntimeException {
    private final String request;
    private final int errno;
    private final String kernelMessage;

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

    /** What was asked, e.g. {@code add address 10.77.0.1/24 to veth0}. */
    public String request() { return request; }

    public int errno() { return errno; }

    public String errnoName() { return Errno.name(errno); }

    /** The extended-ack text ({@code NLMSGERR_ATTR_MSG}), if the kernel gave one. */
    public Optional<String> kernelMessage() { return Optional.ofNullable(kernelMessage); }

    /** The kernel's text if it gave one, else the C library's text for the errno: what {@code ip} would show. */
    public String reason() { return kernelMessage != null ? kernelMessage : Errno.describe(errno); }
}
