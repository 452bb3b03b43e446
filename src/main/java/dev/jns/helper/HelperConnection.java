package dev.jns.helper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * The socket to a helper whose target runs. While it is open the helper knows this JVM is
 * alive; the helper's last frame on it says how the target ended. Read (and closed) once
 * the helper has exited.
 */
public final class HelperConnection {
    /** How the target ended, as the helper's {@code waitid} saw it. */
    public record Ended(int siCode, int status) {
        public static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
    }

    private final SocketChannel channel;
    private boolean read;
    private Ended ended;

    HelperConnection(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * The helper's report of the target's end, read on first call and the socket closed.
     * Call only after the helper exited (the read would wait for it otherwise). Empty if the
     * helper died without reporting (killed, say).
     */
    public synchronized Optional<Ended> lastWords() {
        if (!read) {
            read = true;
            try (channel) {
                ByteBuffer frame = ByteBuffer.allocate(HelperLauncher.FRAME).order(ByteOrder.nativeOrder());
                while (frame.hasRemaining() && channel.read(frame) >= 0) {
                    // fill the frame or reach EOF
                }
                if (!frame.hasRemaining() && frame.getInt(0) == 'X') ended = new Ended(frame.getInt(4), frame.getInt(8));
            } catch (IOException e) {
                // no last words
            }
        }
        return Optional.ofNullable(ended);
    }
}
