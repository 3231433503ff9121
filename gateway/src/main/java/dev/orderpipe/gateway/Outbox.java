package dev.orderpipe.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;

/**
 * The outbound side of one connection, given to Philadelphia as its transmit channel: it writes what the socket takes
 * at once and keeps the rest in a bounded backlog that the gateway's loop writes later ({@link #flush()}).
 * Philadelphia's own {@code send} loops on a non-blocking socket until every byte is written, so without this a peer
 * that stops reading (its receive buffer and ours full) would stall the gateway's one thread and with it every other
 * session. A peer that lets the backlog fill up is {@link #overflowed()}: the gateway disconnects it, and what it
 * missed is stored and resent when it logs on again and asks.
 */
final class Outbox implements GatheringByteChannel {
    private final SocketChannel channel;
    /** Bytes written by the gateway and not yet by the socket (write mode: position is how many). */
    private ByteBuffer backlog;
    private boolean overflowed;

    /** {@code backlog} is this connection's until {@link #release()} (the gateway reuses it for the next). */
    Outbox(SocketChannel channel, ByteBuffer backlog) {
        this.channel = channel;
        this.backlog = backlog;
        backlog.clear();
    }

    /**
     * Gives the backlog back once the connection is closed, for another connection; what was not written is
     * dropped, and a write after this fails instead of writing into another connection's backlog.
     */
    ByteBuffer release() {
        ByteBuffer b = backlog;
        backlog = null;
        return b;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++)
            total += srcs[i].remaining();
        if (backlog.position() == 0) // nothing waits: straight to the socket, which keeps the order
            channel.write(srcs, offset, length);
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer src = srcs[i];
            if (src.remaining() > backlog.remaining()) {
                overflowed = true; // the peer does not read: the rest is dropped, the connection is to be closed
                src.position(src.limit());
            } else {
                backlog.put(src);
            }
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (backlog.position() == 0)
            channel.write(src);
        if (src.remaining() > backlog.remaining()) {
            overflowed = true;
            src.position(src.limit());
        } else {
            backlog.put(src);
        }
        return n;
    }

    /** Writes what the socket takes of the backlog; true when something was written. */
    boolean flush() throws IOException {
        if (backlog.position() == 0)
            return false;
        backlog.flip();
        int n = channel.write(backlog);
        backlog.compact();
        return n > 0;
    }

    /** Bytes waiting for the socket. */
    int waiting() {
        return backlog.position();
    }

    /** Whether the backlog has room for {@code bytes} more (a resend goes on only while it has). */
    boolean hasRoom(int bytes) {
        return backlog.remaining() >= bytes;
    }

    /** Whether a write did not fit: the peer stopped reading and the connection is to be closed. */
    boolean overflowed() {
        return overflowed;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
