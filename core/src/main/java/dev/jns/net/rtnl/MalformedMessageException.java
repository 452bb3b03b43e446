package dev.jns.net.rtnl;

/** Bytes from the kernel that do not parse as the netlink message they claim to be. */
public final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message);
    }
}
