package dev.orderpipe.replay;

import dev.orderpipe.gateway.FixOrderClient;
import dev.orderpipe.gateway.Gateway;
import dev.orderpipe.gateway.GatewayConfig;
import dev.orderpipe.gateway.SessionConfig;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.util.ThreadAllocation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

/**
 * A replay through the wire ({@code replay --via fix}): a {@link Gateway} on an ephemeral loopback port in front of the
 * replay's pipeline and a {@link OrderSender} for the {@link ReplayDriver} that sends each captured NEW, CANCEL and
 * REPLACE as NewOrderSingle(D), OrderCancelRequest(F) and OrderCancelReplaceRequest(G) ({@link FixOrderClient},
 * Philadelphia), each naming its account in Account(1).
 *
 * <p>One order-entry session carries every account (the gateway's any-account session, {@code account: 0}): one TCP
 * stream keeps the capture's order, so the pipeline takes the orders exactly in the capture's order. Sessions per
 * account would not: the gateway reads its connections in turn, and two orders sent on two connections within one of
 * its turns land in the order of the connections, not of the sends, which changes the executions.
 *
 * <p>ClOrdIDs are the send sequence (0-based); a cancel or replace names its order by the ClOrdID of the NEW that
 * placed it (the gateway knows an order by every ClOrdID it had). The session has a receiving thread blocked in the
 * socket's read: it stamps the moment it has decoded the first ExecutionReport answering each request. The
 * {@link LatencyRecorder} on the pipeline's egress thread hands the stage stamps of each order's first report to
 * {@link FirstReportStamps}; the replay's watching thread records each order, once both are in, into the run's
 * {@link LatencyHistograms#viaFix()} ({@link #record}), the one writer of the histograms.
 *
 * <p>Exactness: the gateway gives orders ids of its own ({@code writerId} x 10^9 + n, n counting its NEWs in the order
 * it takes them); {@link #captureIds()} maps them back to the capture's for {@link Verification}. A request the
 * gateway refuses itself (a Reject, a BusinessMessageReject, its own OrderCancelReject: a cancel of an order it saw
 * done, a replace it cannot take) never reaches the pipeline: the replay fails, naming it.
 *
 * <p>The per-order arrays (send stamps, decode stamps, the first reports' stage stamps) are sized for the run: 7
 * longs and an int per order.
 */
public final class FixRoute implements AutoCloseable {
    /** The gateway's comp id in every session. */
    static final String GATEWAY_COMP_ID = "ORDERPIPE";
    private static final String PASSWORD = "replay";
    private static final int HEARTBEAT_SECONDS = 30;
    private static final long LOGON_TIMEOUT_MILLIS = 10_000;
    /** The client's comp id: the one session's targetCompId. */
    static final String CLIENT_COMP_ID = "REPLAY";
    private static final long ORDER_ID_BASE = 1_000_000_000L;
    /** The most cancels and replaces of one order the replay's gateway lets wait (the config key's maximum). */
    static final int MAX_PENDING_REQUESTS = 64;

    private final long count;
    /** Per send: the send sequence of the NEW a CANCEL or REPLACE names, -1 for a NEW. */
    private final int[] target;
    /** The capture's order ids of the NEWs, in send order: gateway order n is newIds[n - 1]. */
    private final long[] newIds;
    private final long[] sendNanos;
    private final AtomicLongArray decoded;
    private final AtomicLong answers = new AtomicLong();
    private final FirstReportStamps stamps;
    private volatile String refusal;
    private volatile long clientAllocatedBytes = -1;
    private long allocatedAtFirstAnswer = Long.MIN_VALUE;
    private GatewayConfig gatewayConfig;
    /** The most cancels and replaces the capture has of one order: as many may wait at the gateway at once. */
    private int maxRequestsOfOneOrder;
    /** The gateway's free-space mark: the pipeline config's, so both stop at the same one. */
    private long minFreeDiskMb = new GatewayConfig().minFreeDiskMb;
    private Gateway gateway;
    private Sender sender;
    private long recorded;

    private FixRoute(long count, int[] target, long[] newIds) {
        this.count = count;
        this.target = target;
        this.newIds = newIds;
        this.sendNanos = new long[(int) count];
        this.decoded = new AtomicLongArray((int) count);
        this.stamps = new FirstReportStamps((int) count);
    }

    /**
     * Reads the first {@code count} orders once: their accounts, and for each cancel and replace the NEW it names.
     *
     * @throws ReplayException naming the first record a FIX session cannot carry as the capture has it (a bad line,
     *                         a session event, a cancel or replace of an order no NEW before it placed or of another
     *                         account's), or more accounts than the gateway takes sessions
     */
    static FixRoute plan(Supplier<? extends RecordSource> source, long count) {
        if (count > Integer.MAX_VALUE - 16)
            throw ReplayException.usage("replay --via fix takes at most " + (Integer.MAX_VALUE - 16)
                    + " orders: replay a part of the capture (--limit)");
        Map<String, Integer> placedBy = new HashMap<>(); // by account and order id: ids are per account
        int[] target = new int[(int) count];
        long[] newIds = new long[(int) count];
        int[] requestsOf = new int[(int) count]; // cancels and replaces of each NEW, by its send sequence
        int maxRequests = 0;
        int news = 0;
        OrderInfo r = new OrderInfo();
        try (RecordSource records = source.get()) {
            for (int seq = 0; seq < count; seq++) {
                if (!records.next(r))
                    throw new IllegalStateException("capture ended after " + seq + " of " + count + " records");
                String where = "capture record " + (seq + 1) + (r.sourceLine() > 0 ? " (line " + r.sourceLine() + ")" : "");
                if (r.lineError() != LineError.NONE)
                    throw cannot(where + " is a bad line (" + r.lineError() + ")");
                Action action = r.action();
                if (action != Action.NEW && action != Action.CANCEL && action != Action.REPLACE)
                    throw cannot(where + " is a " + action + " event, which no FIX session sends");
                if (action == Action.NEW) {
                    target[seq] = -1;
                    newIds[news++] = r.orderId();
                    placedBy.put(r.account() + ":" + r.orderId(), seq);
                    continue;
                }
                Integer placed = placedBy.get(r.account() + ":" + r.orderId());
                if (placed == null)
                    throw cannot(where + " is a " + action + " of order " + r.orderId() + " of account " + r.account()
                            + ", which no NEW before it placed: the gateway answers it itself");
                if (action == Action.REPLACE && r.orderType() == OrderType.MARKET)
                    throw cannot(where + " replaces an order with a MARKET one, which FIX 4.4 cannot ask");
                target[seq] = placed;
                maxRequests = Math.max(maxRequests, ++requestsOf[placed]);
            }
        }
        FixRoute route = new FixRoute(count, target, Arrays.copyOf(newIds, news));
        route.maxRequestsOfOneOrder = maxRequests;
        return route;
    }

    private static ReplayException cannot(String why) {
        return ReplayException.usage("cannot replay through FIX: " + why + "; replay it without --via fix");
    }

    /** Gives the gateway the pipeline config's {@code minFreeDiskMb}; call before the gateway starts. Returns this. */
    FixRoute minFreeDiskMb(long mb) {
        minFreeDiskMb = mb;
        return this;
    }

    /**
     * The gateway's config: one ORDER_ENTRY session for every account, a free loopback port, room for every order,
     * the pipeline's free-space mark.
     */
    GatewayConfig gatewayConfig() {
        if (gatewayConfig != null)
            return gatewayConfig;
        GatewayConfig c = new GatewayConfig();
        c.address = "127.0.0.1";
        c.port = 0;
        c.minFreeDiskMb = minFreeDiskMb;
        // every cancel and replace of an order may be waiting at once at max pacing: room for all of them (up to
        // the key's maximum; beyond it the gateway refuses one and the run fails naming it), then for every order
        c.maxPendingRequests = Math.min(MAX_PENDING_REQUESTS, Math.max(c.maxPendingRequests, maxRequestsOfOneOrder));
        int most = Integer.MAX_VALUE / GatewayConfig.MAX_CL_ORD_ID / c.maxPendingRequests;
        c.orderCapacity = (int) Math.min(Integer.highestOneBit(most),
                Math.max(c.orderCapacity, Long.highestOneBit(count * 2 + 16) << 1));
        if (c.orderCapacity < count)
            throw ReplayException.usage("replay --via fix of " + count + " orders with up to " + c.maxPendingRequests
                    + " cancels and replaces of one order needs a gateway order table larger than one array holds"
                    + " (at most " + c.orderCapacity + " orders): replay a part of the capture (--limit)");
        SessionConfig s = new SessionConfig();
        s.senderCompId = GATEWAY_COMP_ID;
        s.targetCompId = CLIENT_COMP_ID;
        s.password = PASSWORD;
        s.type = SessionConfig.Type.ORDER_ENTRY.name();
        s.account = 0; // every account
        c.sessions.add(s);
        gatewayConfig = c.validate();
        return gatewayConfig;
    }

    /** Starts the gateway on the replay's data directory (a thread of its own); {@link #close()} stops it. */
    void startGateway(Path dataDir) {
        gateway = Gateway.start(gatewayConfig(), dataDir);
    }

    /** The gateway's writer id: its orders' writerId on the orders queue. */
    long writerId() {
        return gatewayConfig().writerId;
    }

    /** Where the recorder puts the stamps of each order's first report. */
    FirstReportStamps stamps() {
        return stamps;
    }

    /**
     * Connects the client and logs it on (before the schedule starts: the Logon is not part of the run); its
     * receiving thread inherits the caller's CPUs.
     */
    void connect() {
        if (gateway == null)
            throw new IllegalStateException("start the gateway first");
        sender = new Sender(gateway.port());
    }

    /** The sender for the driver, connected by {@link #connect()}; the driver closes it. */
    OrderSender sender() {
        if (sender == null)
            throw new IllegalStateException("connect first");
        return sender;
    }

    /**
     * On the watching thread: records every order that has both its first report's stamps and its client's decode
     * stamp, in send order, into {@code h} (orders below {@code warmup} are skipped); returns the orders recorded so
     * far.
     *
     * @param sent orders the driver has sent (its count, read before the arrays it published)
     */
    long record(LatencyHistograms h, SendSchedule schedule, long startNanos, long warmup, long sent) {
        long limit = Math.min(sent, stamps.published());
        boolean paced = schedule.isPaced();
        FirstReportStamps s = stamps;
        while (recorded < limit) {
            int i = (int) recorded;
            long d = decoded.get(i);
            if (d == 0)
                break;
            if (recorded >= warmup) {
                long intended = paced ? startNanos + schedule.offset(recorded) : sendNanos[i];
                h.recordViaFix(intended, sendNanos[i], s.ingress[i], s.risk[i], s.match[i], s.read[i], d);
            }
            recorded++;
        }
        return recorded;
    }

    /** Orders recorded (or skipped as warm-up) so far. */
    long recorded() {
        return recorded;
    }

    /** Requests whose first answer the clients have decoded. */
    long answers() {
        return answers.get();
    }

    /** What the gateway refused (the replay fails with it), or null. */
    String refusal() {
        return refusal;
    }

    /** When the first order was sent (System.nanoTime()): the start of a max run. */
    long firstSendNanos() {
        return sendNanos.length == 0 ? 0 : sendNanos[0];
    }

    /**
     * The capture's id of an order id on the replay's executions: the gateway's n-th order is the capture's n-th
     * NEW (ids of no gateway order unchanged).
     */
    LongUnaryOperator captureIds() {
        long base = writerId() * ORDER_ID_BASE;
        return id -> {
            long n = id - base;
            return n >= 1 && n <= newIds.length ? newIds[(int) (n - 1)] : id;
        };
    }

    /** Closes the session (when the driver has not) and stops the gateway. */
    @Override
    public void close() {
        if (sender != null)
            sender.close();
        if (gateway != null)
            gateway.stop();
    }

    /** On the receiving thread, for every report decoded. */
    private void onAnswer(long clOrdId) {
        long now = System.nanoTime();
        if (allocatedAtFirstAnswer == Long.MIN_VALUE)
            allocatedAtFirstAnswer = ThreadAllocation.current();
        if (clOrdId < 0 || clOrdId >= count)
            return;
        int i = (int) clOrdId;
        if (decoded.get(i) != 0)
            return; // a later report of the same order: only the first answers the request
        decoded.lazySet(i, now);
        if (answers.incrementAndGet() == count && allocatedAtFirstAnswer >= 0)
            clientAllocatedBytes = ThreadAllocation.current() - allocatedAtFirstAnswer;
    }

    /**
     * Bytes the client's receiving thread allocated from its first report decoded to the last answer (receiving,
     * decoding, stamping), -1 if unknown or unfinished.
     */
    long clientAllocatedBytes() {
        return clientAllocatedBytes;
    }

    private void onRefused(long clOrdId, long refSeqNum, CharSequence text) {
        if (refusal != null)
            return;
        // MsgSeqNum 1 is the Logon, then one request per send
        long record = clOrdId >= 0 ? clOrdId + 1 : refSeqNum - 1;
        // a refusal for the disk is the machine's state, not the capture's (the gateway's BusinessMessageReject 4)
        boolean disk = text.toString().startsWith("disk nearly full");
        refusal = "the gateway refused capture record " + record + " itself (" + text + "), so the pipeline never"
                + " saw it: " + (disk ? "free space and replay again" : "replay this capture without --via fix");
    }

    /** The sending side: the client, and its receiving thread. */
    private final class Sender implements OrderSender {
        private final FixOrderClient client;
        private final Thread reader;
        private volatile boolean closing;

        Sender(int port) {
            FixOrderClient.Listener listener = new FixOrderClient.Listener() {
                @Override
                public void onReport(long clOrdId) {
                    onAnswer(clOrdId);
                }

                @Override
                public void onRefused(long clOrdId, long refSeqNum, CharSequence text) {
                    FixRoute.this.onRefused(clOrdId, refSeqNum, text);
                }
            };
            try {
                client = FixOrderClient.connect(InetAddress.getLoopbackAddress(), port, CLIENT_COMP_ID,
                        GATEWAY_COMP_ID, PASSWORD, HEARTBEAT_SECONDS, LOGON_TIMEOUT_MILLIS, listener);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot log on to the replay's gateway on port " + port + ": "
                        + e.getMessage(), e);
            }
            reader = new Thread(this::receive, "orderpipe-replay-fix-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void receive() {
            try {
                while (!closing)
                    client.receive();
            } catch (IOException e) {
                if (!closing && refusal == null)
                    refusal = "the FIX session to the replay's gateway failed: " + e.getMessage();
            }
        }

        @Override
        public void send(OrderInfo r, long seq) {
            int i = (int) seq;
            sendNanos[i] = System.nanoTime(); // before encoding: gateway-in covers the client's FIX encoding
            try {
                switch (r.action()) {
                    case NEW:
                        client.newOrder(seq, r.account(), r.symbol(), r.side(), r.orderType(), r.timeInForce(),
                                r.price(), r.quantity());
                        break;
                    case CANCEL:
                        client.cancel(seq, target[i], r.account(), r.side());
                        break;
                    default:
                        client.replace(seq, target[i], r.account(), r.symbol(), r.side(), r.price(), r.quantity());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("sending to the replay's gateway failed: " + e.getMessage(), e);
            }
        }

        @Override
        public boolean answered() {
            return answers.get() >= count || refusal != null;
        }

        @Override
        public void idle() {
            try {
                client.keepAlive();
            } catch (IOException e) {
                if (refusal == null)
                    refusal = "the FIX session to the replay's gateway failed: " + e.getMessage();
            }
        }

        @Override
        public synchronized void close() {
            if (closing)
                return;
            closing = true;
            client.close(); // closing the socket ends the reader's blocked read
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
