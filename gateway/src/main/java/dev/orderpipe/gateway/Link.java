package dev.orderpipe.gateway;

import com.paritytrading.philadelphia.FIXConfig;
import com.paritytrading.philadelphia.FIXConnection;
import com.paritytrading.philadelphia.FIXMessage;
import com.paritytrading.philadelphia.FIXMessageListener;

import java.io.IOException;
import java.nio.ByteBuffer;
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

    /** {@code backlog} ({@link #OUTBOX_CAPACITY} bytes) is the connection's until {@link Outbox#release()}. */
    Link(SocketChannel channel, ByteBuffer backlog, FIXConfig config, Gateway gateway, long nowMillis) {
        this.channel = channel;
        this.gateway = gateway;
        this.acceptedMillis = nowMillis;
        // no status listener: every message, admin ones too, comes to message(), which keeps the sequence numbers
        this.outbox = new Outbox(channel, backlog);
        this.fix = new FIXConnection(channel, outbox, config, this, null, nowMillis);
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
