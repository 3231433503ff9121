package dev.orderpipe.gateway;

import com.paritytrading.philadelphia.FIXConfig;
import com.paritytrading.philadelphia.FIXConnection;
import com.paritytrading.philadelphia.FIXMessage;
import com.paritytrading.philadelphia.FIXMessageListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;

/**
 * One accepted TCP connection: Philadelphia's {@link FIXConnection} frames, checksums and parses its bytes (a
 * garbled message, one with a wrong CheckSum(10) or BodyLength(9), is skipped) and hands each message to the
 * gateway, which binds the connection to its session at Logon.
 */
final class Link implements FIXMessageListener {
    /** Bytes a connection may have waiting for its peer to read before the gateway disconnects it. */
    static final int OUTBOX_CAPACITY = 1 << 20;
    final SocketChannel channel;
    final FIXConnection fix;
    /** What Philadelphia sends goes through it: the socket never stalls the gateway (see {@link Outbox}). */
    final Outbox outbox;
    private final Gateway gateway;
    final long acceptedMillis;
    /** The session logged on through this connection, null before Logon. */
    FixSession session;
    /** Set when the connection is to be closed by the loop (after what was written). */
    boolean closing;
    private static final byte[] FIX44 = "8=FIX.4.4\u0001".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The connection's first bytes, up to one more than {@link #FIX44} (BeginString(8) and what follows). */
    private final byte[] first = new byte[16];
    private int firstCount;

    /** {@code backlog} ({@link #OUTBOX_CAPACITY} bytes) is the connection's until {@link Outbox#release()}. */
    Link(SocketChannel channel, ByteBuffer backlog, FIXConfig config, Gateway gateway, long nowMillis) {
        this.channel = channel;
        this.gateway = gateway;
        this.acceptedMillis = nowMillis;
        // no status listener: every message, admin ones too, comes to message(), which keeps the sequence numbers
        this.outbox = new Outbox(channel, backlog);
        this.fix = new FIXConnection(new Inbound(), outbox, config, this, null, nowMillis);
    }

    /**
     * Philadelphia's receiving channel: the socket, whose first bytes are kept for {@link #beginStringIs44()}
     * (Philadelphia skips BeginString(8) without looking at it).
     */
    private final class Inbound implements ReadableByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            int at = dst.position();
            int n = channel.read(dst);
            for (int i = 0; i < n && firstCount < first.length; i++)
                first[firstCount++] = dst.get(at + i);
            return n;
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

    /** Whether the connection's first message begins with BeginString(8) FIX.4.4 (asked at its Logon). */
    boolean beginStringIs44() {
        if (firstCount < FIX44.length)
            return false;
        for (int i = 0; i < FIX44.length; i++)
            if (first[i] != FIX44[i])
                return false;
        return true;
    }

    /** BeginString(8) of the connection's first message as text, for the refusal (up to its first SOH). */
    String beginString() {
        int end = 2;
        while (end < firstCount && first[end] != 1)
            end++;
        return firstCount <= 2 ? "" : new String(first, 2, end - 2, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public void message(FIXMessage message) throws IOException {
        if (!closing)
            gateway.onMessage(this, message);
    }

    /** Marks the connection to be closed by the loop. */
    void fail() {
        closing = true;
    }
}
