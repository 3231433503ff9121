package dev.orderpipe.gateway;

import com.paritytrading.philadelphia.FIXConfig;
import com.paritytrading.philadelphia.FIXConnection;
import com.paritytrading.philadelphia.FIXMessage;
import com.paritytrading.philadelphia.FIXMessageListener;
import com.paritytrading.philadelphia.FIXValue;
import com.paritytrading.philadelphia.FIXVersion;
import com.paritytrading.philadelphia.fix44.FIX44Tags;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * A FIX 4.4 initiator for one order-entry session of a {@link Gateway}, on Philadelphia: what {@code replay --via fix}
 * drives a capture through. It sends NewOrderSingle(D), OrderCancelRequest(F) and OrderCancelReplaceRequest(G) with
 * numeric ClOrdIDs, answers Heartbeat and TestRequest, and hands every report to its {@link Listener}.
 *
 * <p>Two threads use it: one sends ({@link #connect}, the requests, {@link #keepAlive()}, {@link #close()}), one
 * receives ({@link #receive()}, which blocks in the socket's read until bytes arrive, so a report is decoded as soon
 * as it lands, without a thread spinning on a poll); they share nothing but the blocking socket, which Java lets one
 * thread read while another writes. The receiving side never sends: a TestRequest is answered by the sending side's
 * next {@link #keepAlive()}. After Logon nothing is allocated per message: messages are built in one reused
 * {@link FIXMessage}, received into Philadelphia's preallocated containers, and SendingTime is formatted by
 * {@link FixClock}.
 */
public final class FixOrderClient implements AutoCloseable, FIXMessageListener {
    /** What the client hands on. Called on the polling thread, from {@link #poll()}. */
    public interface Listener {
        /**
         * An ExecutionReport(8), or an OrderCancelReject(9) that carries a report of the pipeline's (its Text is a
         * reject reason's name), for the request or order of ClOrdID {@code clOrdId}.
         */
        void onReport(long clOrdId);

        /**
         * The gateway refused a request itself (a Reject(3), a BusinessMessageReject(j) or its own
         * OrderCancelReject(9)): nothing reached the pipeline. {@code clOrdId} is -1 when the message does not name
         * it (a Reject names the MsgSeqNum {@code refSeqNum}).
         */
        void onRefused(long clOrdId, long refSeqNum, CharSequence text);
    }

    private static final int FIELD_CAPACITY = 128;
    private static final int MAX_FIELDS = 64;
    private static final RejectReason[] REASONS = RejectReason.values();

    private final SocketChannel channel;
    private final FIXConnection fix;
    private final Listener listener;
    private final String senderCompId;
    private final String targetCompId;
    private final FixClock clock = new FixClock();
    private final FIXMessage message = new FIXMessage(MAX_FIELDS, FIELD_CAPACITY);
    private final long heartbeatMillis;
    private long nextOut = 1;
    private long lastTxMillis;
    private volatile boolean loggedOn;
    private volatile boolean testRequested;
    private volatile String closedBecause;

    private FixOrderClient(SocketChannel channel, String senderCompId, String targetCompId, int heartbeatSeconds,
                           Listener listener) {
        this.channel = channel;
        this.senderCompId = senderCompId;
        this.targetCompId = targetCompId;
        this.heartbeatMillis = heartbeatSeconds * 1000L;
        this.listener = listener;
        clock.update(System.currentTimeMillis());
        FIXConfig config = FIXConfig.newBuilder().setVersion(FIXVersion.FIX_4_4).setMaxFieldCount(MAX_FIELDS)
                .setFieldCapacity(FIELD_CAPACITY).setRxBufferCapacity(4 * Gateway.MAX_MESSAGE)
                .setTxBufferCapacity(Gateway.MAX_MESSAGE).build();
        // no status listener: every message, admin ones too, comes to message()
        this.fix = new FIXConnection(channel, config, this, System.currentTimeMillis());
    }

    /**
     * Connects and logs on; returns once the gateway answered the Logon.
     *
     * @param senderCompId the client's comp id (the gateway session's {@code targetCompId})
     * @param targetCompId the gateway's comp id (the session's {@code senderCompId})
     * @throws IOException when the connection fails, the gateway refuses the Logon (it answers a Logon or closes the
     *                     connection), or {@code timeoutMillis} passed between two reads without an answer
     */
    public static FixOrderClient connect(InetAddress address, int port, String senderCompId, String targetCompId,
                                         String password, int heartbeatSeconds, long timeoutMillis,
                                         Listener listener) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(address, port));
        FixOrderClient c;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c = new FixOrderClient(channel, senderCompId, targetCompId, heartbeatSeconds, listener);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        try {
            FIXMessage logon = c.begin('A');
            logon.addField(FIX44Tags.EncryptMethod).setInt(0);
            logon.addField(FIX44Tags.HeartBtInt).setInt(heartbeatSeconds);
            logon.addField(FIX44Tags.Password).setString(password);
            c.send();
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (!c.loggedOn) {
                if (c.closedBecause != null)
                    throw new IOException("session " + senderCompId + " logged out: " + c.closedBecause);
                if (System.currentTimeMillis() > deadline)
                    throw new IOException("session " + senderCompId + ": no answer to its Logon in " + timeoutMillis
                            + " ms");
                if (c.fix.receive() < 0) // blocking: the gateway answers a Logon or closes
                    throw new IOException("session " + senderCompId + ": the gateway closed the connection");
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Sends a NewOrderSingle(D); the price only for a LIMIT order. */
    public void newOrder(long clOrdId, long account, long symbol, Side side, OrderType type, TimeInForce tif,
                         long price, long quantity) throws IOException {
        FIXMessage m = begin('D');
        m.addField(FIX44Tags.ClOrdID).setInt(clOrdId);
        m.addField(FIX44Tags.Account).setInt(account);
        order(m, symbol, side, quantity, type, price);
        m.addField(FIX44Tags.TimeInForce).setChar(Gateway.tifChar(tif));
        send();
    }

    /** Sends an OrderCancelRequest(F) for the order first sent as {@code origClOrdId}. */
    public void cancel(long clOrdId, long origClOrdId, long account, Side side) throws IOException {
        FIXMessage m = begin('F');
        m.addField(FIX44Tags.ClOrdID).setInt(clOrdId);
        m.addField(FIX44Tags.OrigClOrdID).setInt(origClOrdId);
        m.addField(FIX44Tags.Account).setInt(account);
        m.addField(FIX44Tags.Side).setChar(side == Side.SELL ? '2' : '1');
        clock.set(m.addField(FIX44Tags.TransactTime), clock.millis());
        send();
    }

    /** Sends an OrderCancelReplaceRequest(G) of a resting LIMIT order first sent as {@code origClOrdId}. */
    public void replace(long clOrdId, long origClOrdId, long account, long symbol, Side side, long price,
                        long quantity) throws IOException {
        FIXMessage m = begin('G');
        m.addField(FIX44Tags.ClOrdID).setInt(clOrdId);
        m.addField(FIX44Tags.OrigClOrdID).setInt(origClOrdId);
        m.addField(FIX44Tags.Account).setInt(account);
        order(m, symbol, side, quantity, OrderType.LIMIT, price);
        send();
    }

    private final byte[] symbolBytes = new byte[8];
    private final ByteChars chars = new ByteChars();

    private void order(FIXMessage m, long symbol, Side side, long quantity, OrderType type, long price) {
        int n = 0;
        for (int shift = 56; shift >= 0; shift -= 8) {
            int b = (int) (symbol >>> shift) & 0xFF;
            if (b != 0)
                symbolBytes[n++] = (byte) b;
        }
        m.addField(FIX44Tags.Symbol).setString(chars.wrap(symbolBytes, 0, n));
        m.addField(FIX44Tags.Side).setChar(side == Side.SELL ? '2' : '1');
        clock.set(m.addField(FIX44Tags.TransactTime), clock.millis());
        m.addField(FIX44Tags.OrderQty).setInt(quantity);
        m.addField(FIX44Tags.OrdType).setChar(type == OrderType.MARKET ? '1' : '2');
        if (type != OrderType.MARKET)
            FixDecimal.set(m.addField(FIX44Tags.Price), price, Prices.DECIMALS);
    }

    /**
     * On the receiving thread: waits for bytes, then hands every message in them on (reports to the listener);
     * returns the bytes read.
     *
     * @throws IOException when the connection failed or was closed, or the gateway logged the session out
     */
    public int receive() throws IOException {
        int n = fix.receive();
        if (n < 0)
            throw new IOException("session " + senderCompId + ": the gateway closed the connection");
        if (closedBecause != null)
            throw new IOException("session " + senderCompId + " logged out by the gateway: " + closedBecause);
        return n;
    }

    /**
     * On the sending thread: a Heartbeat when the session has sent nothing for its interval or the gateway sent a
     * TestRequest (any message answers it).
     */
    public void keepAlive() throws IOException {
        long now = clock.update(System.currentTimeMillis());
        if (testRequested || now - lastTxMillis >= heartbeatMillis) {
            testRequested = false;
            begin('0');
            send();
        }
    }

    /** Why the gateway ended the session (its Logout's Text), null while it goes on. */
    public String closedBecause() {
        return closedBecause;
    }

    /** Philadelphia's callback for every message received. */
    @Override
    public void message(FIXMessage m) throws IOException {
        FIXValue type = m.getMsgType();
        char t = type != null && type.length() == 1 ? (char) type.byteAt(0) : 0;
        switch (t) {
            case '8':
                listener.onReport(clOrdId(m));
                break;
            case '9': {
                FIXValue text = m.valueOf(FIX44Tags.Text);
                if (text != null && isReasonName(text))
                    listener.onReport(clOrdId(m));
                else
                    listener.onRefused(clOrdId(m), -1, text == null ? "OrderCancelReject" : text.asString());
                break;
            }
            case '3':
            case 'j': {
                FIXValue ref = m.valueOf(FIX44Tags.RefSeqNum);
                FIXValue text = m.valueOf(FIX44Tags.Text);
                FIXValue id = m.valueOf(FIX44Tags.BusinessRejectRefID);
                listener.onRefused(id == null ? -1 : id.asInt(), ref == null ? -1 : ref.asInt(),
                        (t == '3' ? "Reject: " : "BusinessMessageReject: ") + (text == null ? "" : text.asString()));
                break;
            }
            case '1':
                testRequested = true; // answered by the sending thread: this one never sends
                break;
            case 'A':
                loggedOn = true;
                break;
            case '5': {
                FIXValue text = m.valueOf(FIX44Tags.Text);
                closedBecause = text == null ? "Logout" : text.asString().toString();
                break;
            }
            case '2':
                // the gateway saw a gap it asks to be resent: on loopback with nothing lost, a bug to report
                closedBecause = "the gateway asked for a resend (ResendRequest): messages were lost";
                break;
            default:
                break; // Heartbeat, SequenceReset: nothing to do
        }
    }

    private static long clOrdId(FIXMessage m) {
        FIXValue v = m.valueOf(FIX44Tags.ClOrdID);
        if (v == null)
            return -1;
        for (int i = 0; i < v.length(); i++) {
            int b = v.byteAt(i);
            if (b < '0' || b > '9')
                return -1;
        }
        return v.asInt();
    }

    /** Whether a Text(58) is a pipeline reject reason's name: an OrderCancelReject carrying one is its report. */
    private static boolean isReasonName(FIXValue text) {
        for (RejectReason r : REASONS)
            if (text.contentEquals(r.name()))
                return true;
        return false;
    }

    private FIXMessage begin(char msgType) {
        clock.update(System.currentTimeMillis()); // formats only when the millisecond changed
        FIXMessage m = message;
        m.reset();
        m.addField(FIX44Tags.MsgType).setChar(msgType);
        m.addField(FIX44Tags.SenderCompID).setString(senderCompId);
        m.addField(FIX44Tags.TargetCompID).setString(targetCompId);
        m.addField(FIX44Tags.MsgSeqNum).setInt(nextOut);
        m.addField(FIX44Tags.SendingTime).set(clock.now());
        return m;
    }

    private void send() throws IOException {
        fix.send(message);
        nextOut++;
        lastTxMillis = clock.millis();
    }

    /** Sends a Logout (best effort) and closes the connection. */
    @Override
    public void close() {
        try {
            if (channel.isOpen() && loggedOn && closedBecause == null) {
                begin('5');
                send();
            }
        } catch (IOException ignored) {
            // the gateway is gone: nothing to say goodbye to
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
