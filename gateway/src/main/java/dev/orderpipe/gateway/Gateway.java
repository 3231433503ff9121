package dev.orderpipe.gateway;

import com.paritytrading.philadelphia.FIXConfig;
import com.paritytrading.philadelphia.FIXMessage;
import com.paritytrading.philadelphia.FIXValue;
import com.paritytrading.philadelphia.FIXVersion;
import com.paritytrading.philadelphia.fix44.FIX44Tags;
import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.api.ExecutionFeed;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.OrderStatus;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.infra.DataDirLock;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import net.openhft.chronicle.queue.RollCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;


/**
 * A FIX 4.4 gateway in front of a pipeline's data directory: it accepts the configured sessions over TCP, turns
 * NewOrderSingle(D), OrderCancelRequest(F) and OrderCancelReplaceRequest(G) into orders through {@link OrderEntry},
 * and sends each execution report it reads through {@link ExecutionFeed} to the session of the order's account and
 * to every drop-copy session, as ExecutionReport(8) or OrderCancelReject(9).
 *
 * <p>One thread does everything (accept, read, parse, write orders, read reports, send), polling non-blocking
 * sockets; after Logon nothing is allocated per message. State lives in {@code <dataDir>/gateway}: per session the
 * next inbound MsgSeqNum and every outbound message (so a restarted gateway resumes the numbers and answers a
 * ResendRequest), and the journal of accepted requests (the ClOrdID mapping). On start the gateway reads the
 * executions queue from its beginning to rebuild its orders, and sends a session only the reports beyond the last
 * one it stored for it: a report is never sent twice as new.
 */
public final class Gateway implements AutoCloseable {
    /** Largest FIX message the gateway sends or stores, in bytes. */
    static final int MAX_MESSAGE = 4096;
    private static final int FIELD_CAPACITY = 128;
    private static final int MAX_FIELDS = 64;
    private static final int MAX_LINKS = 64;
    /** Longest HeartBtInt(108) a Logon may ask for: a peer silent longer than an hour is taken for gone. */
    static final long MAX_HEARTBEAT_SECONDS = 3600;
    private static final long ORDER_ID_BASE = 1_000_000_000L;
    /** How long the executions queue must be quiet before the feed checks where it ends, and how often. */
    private static final long END_CHECK_IDLE_MILLIS = 2_000;
    private static final String LOCK_FILE = "gateway.lock";
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final FixClock clock = new FixClock();
    private final FixSession[] sessions;
    private final FixSession[] dropCopies;
    private final OrderEntry entry;
    private final ExecutionFeed feed;
    private final RequestJournal journal;
    private final OrderTable table;
    private final OrderInfo report = new OrderInfo();
    private final FIXConfig fixConfig;
    private final FIXMessage refusal = newMessage();
    private final Link[] links = new Link[MAX_LINKS];
    private int linkCount;
    /**
     * Outbound backlogs of closed connections, for the next ones: a backlog is 1 MB of direct memory, which only a
     * garbage collection gives back, and the gateway makes almost none, so one allocated per connection grew the
     * process by 1 MB a connection (until the JVM's direct limit forced a full collection). At most MAX_LINKS exist.
     */
    private final ByteBuffer[] spareBacklogs = new ByteBuffer[MAX_LINKS];
    private int spareBacklogCount;
    /** Backlogs allocated so far (at most MAX_LINKS), for a test to tell the gateway's direct memory from others'. */
    private volatile int backlogsAllocated;
    private final ServerSocketChannel server;
    /** Says when a connection waits: accept() itself allocates on every call, even when none does. */
    private Selector acceptSelector;
    /** One gateway per data directory: its state (sequence numbers, journal) has one writer. */
    private final DataDirLock lock;
    private final byte[] clOrdId = new byte[FIELD_CAPACITY];
    private final byte[] origClOrdId = new byte[FIELD_CAPACITY];
    private final ByteChars chars = new ByteChars();
    private final long idleParkNanos;
    /** Text(58) of the OrderCancelReject for one cancel or replace more than may wait: it names the key. */
    private final String tooManyWaiting;
    /** Text(58) of the BusinessMessageReject of a request the order table has no room for: it names the key. */
    private final String tableFull;
    private long lastOrderId;
    private long lastJournalWriterSeq;
    /** Executions index of the last report handled, -1 before the first: journaled with each request. */
    private long lastExecIndexHandled = -1;
    private long lastHousekeeping;
    private long lastAcceptCheck;
    private long lastReportMillis;
    private long lastEndCheck;
    private volatile boolean running = true;
    private boolean closed;
    private volatile Thread runThread;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Parsed from a request by {@link #parseOrder}: what is valid is in these fields. */
    private long symbol;
    private byte side;
    private byte orderType;
    private byte tif;
    private long price;
    private long quantity;
    private int clOrdIdLength;
    private int origClOrdIdLength;
    /** The account of the request being handled: its session's, or for an any-account session its Account(1). */
    private long account;
    /** The order-entry session with account 0, which takes every account without a session of its own, or null. */
    private final FixSession anyAccount;
    /** Watches the free space of the gateway's files: below a quarter of minFreeDiskMb it stops (StateQueue). */
    private final DiskSpaceGuard diskGuard;

    private Gateway(GatewayConfig config, Path dataDir) {
        checkHeap(config, Runtime.getRuntime().maxMemory()); // before anything is opened or allocated
        this.config = config;
        if (!Files.isDirectory(dataDir))
            throw new BadFileException("data directory " + dataDir + " does not exist: start the pipeline first"
                    + " (orderpipe run --data " + dataDir + ")");
        // a path that exists but no pipeline ever ran on (mistyped, or another program's): the gateway would make an
        // orders queue there that nothing reads and take orders that no report ever answers
        if (!Files.exists(dataDir.resolve(DataDirLock.FILE)))
            throw new BadFileException("data directory " + dataDir + " was never used by a pipeline (it has no "
                    + DataDirLock.FILE + "): start the pipeline on it first (orderpipe run --data " + dataDir
                    + "), or check the path");
        Path state = dataDir.resolve("gateway");
        lock = DataDirLock.tryAcquire(state, LOCK_FILE); // null also when this JVM holds it
        if (lock == null) {
            String owner = DataDirLock.owner(state.resolve(LOCK_FILE));
            throw new BadFileException("a gateway is already running on " + dataDir + " (" + state.resolve(LOCK_FILE)
                    + " is locked" + (owner.isEmpty() ? "" : " by " + owner) + "): stop it first");
        }
        this.diskGuard = new DiskSpaceGuard(state, config.minFreeDiskMb);
        if (diskGuard.freeBytes() < StateQueue.floorBytes(diskGuard)) {
            diskGuard.close();
            lock.close();
            throw new DiskSpaceGuard.DiskFullException("gateway not started: " + state + " has "
                    + (diskGuard.freeBytes() >> 20) + " MB free, below a quarter of minFreeDiskMb "
                    + config.minFreeDiskMb + ": free space and start it again");
        }
        PipelineConfig layout = PipelineConfig.loadDefault();
        RollCycle rollCycle = layout.rollCycle();
        this.fixConfig = FIXConfig.newBuilder().setVersion(FIXVersion.FIX_4_4).setMaxFieldCount(MAX_FIELDS)
                .setFieldCapacity(FIELD_CAPACITY).setRxBufferCapacity(4 * MAX_MESSAGE).setTxBufferCapacity(MAX_MESSAGE)
                .build();
        this.idleParkNanos = config.idleParkMicros * 1000L;
        this.table = new OrderTable(config.orderCapacity, config.maxPendingRequests);
        this.tooManyWaiting = "too many cancels and replaces of the order waiting (maxPendingRequests "
                + config.maxPendingRequests + ")";
        // Text(58) holds 128 bytes at most (FIELD_CAPACITY): this is about 100
        this.tableFull = "order table full: orderCapacity " + config.orderCapacity + " orders and ClOrdIDs of this"
                + " trading session, freed when the session closes";
        this.sessions = new FixSession[config.sessions.size()];
        int copies = 0;
        for (int i = 0; i < sessions.length; i++) {
            SessionConfig s = config.sessions.get(i);
            sessions[i] = new FixSession(s, state.resolve("sessions").resolve(s.directoryName()), rollCycle, clock,
                    diskGuard);
            if (sessions[i].dropCopy)
                copies++;
        }
        FixSession any = null;
        for (FixSession s : sessions)
            if (!s.dropCopy && s.account == 0)
                any = s;
        this.anyAccount = any;
        this.dropCopies = new FixSession[copies];
        for (int i = 0, c = 0; i < sessions.length; i++)
            if (sessions[i].dropCopy)
                dropCopies[c++] = sessions[i];
        this.journal = new RequestJournal(state.resolve("requests"), rollCycle, diskGuard);
        layout.dataDir = dataDir.toString();
        layout.minFreeDiskMb = config.minFreeDiskMb; // the orders it takes stop at the gateway's own mark
        this.entry = OrderEntry.open(layout, config.writerId);
        this.lastOrderId = config.writerId * ORDER_ID_BASE;
        this.feed = ExecutionFeed.open(dataDir, null, ExecutionFeed.Start.BEGINNING);
        clock.update(System.currentTimeMillis());
        // rebuild: every report so far (a session gets only those beyond the last it stored), then the requests
        // with no report yet
        while (feed.next(report))
            onReport(report, feed.lastIndex());
        applyJournal(Long.MAX_VALUE, Long.MAX_VALUE);
        if (lastJournalWriterSeq > entry.writerSeq())
            reissueLastRequest();
        try {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(config.inetAddress(), config.port));
            server.configureBlocking(false);
            acceptSelector = Selector.open();
            server.register(acceptSelector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            close();
            throw new ConfigException("cannot listen on " + config.address + ":" + config.port + ": "
                    + e.getMessage() + " (is another gateway or program using the port?)");
        }
    }

    /**
     * The order table is allocated whole at start: one the heap cannot hold would end, after seconds of garbage
     * collection, in an OutOfMemoryError's stack trace. It may take three quarters of the maximum heap; else this
     * throws a one-line {@link ConfigException} naming the keys.
     */
    static void checkHeap(GatewayConfig config, long maxHeapBytes) {
        long bytes = OrderTable.heapBytes(config.orderCapacity, config.maxPendingRequests);
        if (bytes > maxHeapBytes / 4 * 3)
            throw new ConfigException("orderCapacity " + config.orderCapacity + " with maxPendingRequests "
                    + config.maxPendingRequests + " needs about " + (bytes >> 20) + " MB of heap for the order table,"
                    + " the JVM has " + (maxHeapBytes >> 20) + " MB (-Xmx) and the table may use 3/4 of it: lower"
                    + " orderCapacity or raise -Xmx (ORDERPIPE_JAVA_OPTS=-Xmx...)");
    }

    /** Opens the gateway's state, catches up with the executions queue and listens; {@link #run()} serves. */
    public static Gateway open(GatewayConfig config, Path dataDir) {
        return new Gateway(config, dataDir);
    }

    /** The port listened on. */
    public int port() {
        return server.socket().getLocalPort();
    }

    /** Serves until {@link #stop()}, then closes; call on the thread that opened the gateway. */
    public void run() {
        runThread = Thread.currentThread();
        try {
            while (running) {
                if (!poll() && idleParkNanos > 0)
                    LockSupport.parkNanos(idleParkNanos);
            }
        } finally {
            for (int i = 0; i < linkCount; i++)
                closeLink(links[i]);
            linkCount = 0;
            close();
            stopped.countDown();
        }
    }

    /**
     * Opens a gateway on a new thread called {@code gateway} and serves on it (Chronicle's appenders and tailers
     * belong to the thread that made them); returns once it listens. {@link #stop()} ends it.
     *
     * @throws RuntimeException what {@link #open} threw
     */
    public static Gateway start(GatewayConfig config, Path dataDir) {
        CompletableFuture<Gateway> opened = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            Gateway g;
            try {
                g = open(config, dataDir);
            } catch (Throwable e) {
                opened.completeExceptionally(e);
                return;
            }
            opened.complete(g);
            g.run();
        }, "gateway");
        thread.start();
        try {
            return opened.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException)
                throw (RuntimeException) e.getCause();
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the gateway opened", e);
        }
    }

    /** The thread serving, or null before {@link #run()}. */
    public Thread thread() {
        return runThread;
    }

    /** Asks {@link #run()} to return and waits for it (at most 10 s). */
    public void stop() {
        running = false;
        if (runThread == null || runThread == Thread.currentThread())
            return;
        try {
            stopped.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One pass of the loop; true when it did something. */
    boolean poll() {
        long now = clock.update(System.currentTimeMillis());
        boolean work = false;
        if (now != lastAcceptCheck) { // at most once a millisecond: a select is a system call
            lastAcceptCheck = now;
            work = accept(now);
        }
        for (int i = 0; i < linkCount; i++) {
            Link l = links[i];
            if (l.closing)
                continue;
            try {
                if (l.outbox.flush())
                    work = true;
                int n = l.fix.receive();
                if (n < 0)
                    l.fail();
                else if (n > 0)
                    work = true;
                FixSession s = l.session;
                if (s != null && s.link == l && s.continueResend())
                    work = true;
            } catch (IOException e) {
                // a message too long for the buffer, a field too long or too many fields: this connection only
                l.fail();
            }
        }
        for (int i = 0; i < 64 && feed.poll(report); i++) {
            onReport(report, feed.lastIndex());
            lastReportMillis = now;
            work = true;
        }
        if (now - lastHousekeeping >= 100) {
            lastHousekeeping = now;
            housekeeping(now);
        }
        return work;
    }

    private boolean accept(long now) {
        SocketChannel c;
        try {
            if (acceptSelector.selectNow() == 0)
                return false;
            acceptSelector.selectedKeys().clear();
            c = server.accept();
        } catch (IOException e) {
            LOG.warn("accept failed: {}", e.getMessage());
            return false;
        }
        if (c == null)
            return false;
        try {
            int at = linkCount;
            if (at == MAX_LINKS) {
                at = oldestNotLoggedOn();
                if (at < 0) { // every connection is a session's
                    c.close();
                    return true;
                }
                closeLink(links[at]); // it waited longest for a Logon: the new one may be a session's
            }
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer backlog = spareBacklogCount > 0 ? spareBacklogs[--spareBacklogCount] : newBacklog();
            spareBacklogs[spareBacklogCount] = null;
            links[at] = new Link(c, backlog, fixConfig, this, now);
            if (at == linkCount)
                linkCount++;
        } catch (IOException e) {
            LOG.warn("cannot set up a connection: {}", e.getMessage());
        }
        return true;
    }

    /** The index in {@link #links} of the connection accepted first of those not logged on, or -1. */
    private int oldestNotLoggedOn() {
        int oldest = -1;
        for (int i = 0; i < linkCount; i++) {
            Link l = links[i];
            if ((l.session == null || l.closing) && (oldest < 0 || l.acceptedMillis < links[oldest].acceptedMillis))
                oldest = i;
        }
        return oldest;
    }

    /** Heartbeats, test requests, timeouts, and closing the connections marked for it. */
    private void housekeeping(long now) {
        // the feed's check that the executions queue ends where it can read (it allocates): when idle, now and then
        if (now - lastReportMillis >= END_CHECK_IDLE_MILLIS && now - lastEndCheck >= END_CHECK_IDLE_MILLIS) {
            lastEndCheck = now;
            if (feed.next(report)) {
                onReport(report, feed.lastIndex());
                lastReportMillis = now;
            }
        }
        for (FixSession s : sessions) {
            Link l = s.link;
            if (l == null || l.closing)
                continue;
            long grace = s.heartbeatMillis + s.heartbeatMillis / 5;
            if (now - s.lastTxMillis >= s.heartbeatMillis) {
                s.begin('0');
                s.sendAdmin();
            }
            if (s.testRequestSentMillis == 0) {
                if (now - s.lastRxMillis > grace) {
                    s.begin('1').addField(FIX44Tags.TestReqID).set(clock.now());
                    s.sendAdmin();
                    s.testRequestSentMillis = now;
                }
            } else if (now - s.testRequestSentMillis > grace) {
                LOG.warn("session {}: no answer to a TestRequest, disconnecting", s.config.directoryName());
                l.fail();
            }
        }
        int kept = 0;
        for (int i = 0; i < linkCount; i++) {
            Link l = links[i];
            if (l.session == null && now - l.acceptedMillis > config.logonTimeoutMillis)
                l.fail();
            if (l.closing)
                closeLink(l);
            else
                links[kept++] = l;
        }
        for (int i = kept; i < linkCount; i++)
            links[i] = null;
        linkCount = kept;
    }

    private void closeLink(Link l) {
        l.closing = true;
        if (l.session != null && l.session.link == l)
            l.session.unbind();
        try {
            l.outbox.flush(); // a Logout with its reason, if the socket takes it
        } catch (IOException e) {
            LOG.debug("close: {}", e.getMessage());
        }
        try {
            l.channel.close();
        } catch (IOException e) {
            LOG.debug("close: {}", e.getMessage());
        }
        ByteBuffer backlog = l.outbox.release(); // null when closed before (a link replaced, then its accept failed)
        if (backlog != null)
            spareBacklogs[spareBacklogCount++] = backlog;
    }

    private ByteBuffer newBacklog() {
        backlogsAllocated++; // only the gateway's thread writes it
        return ByteBuffer.allocateDirect(Link.OUTBOX_CAPACITY);
    }

    /** Outbound backlogs allocated since start: never more than the connections the gateway holds at once (64). */
    int backlogsAllocated() {
        return backlogsAllocated;
    }

    // ---------------------------------------------------------------- inbound

    /** Every message parsed from a connection. */
    void onMessage(Link link, FIXMessage m) throws IOException {
        FixSession s = link.session;
        if (s == null) {
            onLogon(link, m);
            return;
        }
        s.lastRxMillis = clock.millis();
        s.testRequestSentMillis = 0;
        FIXValue seqValue = m.valueOf(FIX44Tags.MsgSeqNum);
        FIXValue type = m.getMsgType();
        if (seqValue == null || type == null) {
            logoutAndClose(s, "MsgSeqNum(34) or MsgType(35) missing");
            return;
        }
        long seq;
        try {
            seq = seqValue.asInt();
        } catch (RuntimeException e) {
            logoutAndClose(s, "MsgSeqNum(34) is not a number");
            return;
        }
        FIXValue sender = m.valueOf(FIX44Tags.SenderCompID);
        FIXValue target = m.valueOf(FIX44Tags.TargetCompID);
        if (sender == null || target == null || !sender.contentEquals(s.config.targetCompId)
                || !target.contentEquals(s.config.senderCompId)) {
            reject(s, seq, 9, 0, "CompID problem");
            logoutAndClose(s, "CompID problem");
            return;
        }
        char t = type.length() == 1 ? (char) type.byteAt(0) : 0;
        FIXValue possDupValue = m.valueOf(FIX44Tags.PossDupFlag);
        boolean possDup = possDupValue != null && possDupValue.length() == 1 && possDupValue.byteAt(0) == 'Y';
        if (t == '4') {
            sequenceReset(s, m, seq);
            return;
        }
        if (seq < s.nextIn) {
            if (!possDup)
                logoutAndClose(s, "MsgSeqNum too low, expecting " + s.nextIn + " but received " + seq);
            return;
        }
        if (seq > s.nextIn) {
            if (t == '2') {
                try {
                    resendRequest(s, m, seq);
                } catch (RuntimeException e) {
                    malformed(s, seq, e);
                }
            }
            if (t == '5') {
                logoutReceived(s);
                return;
            }
            if (seq > s.highestSeen)
                s.highestSeen = seq;
            if (s.gapUpTo == 0)
                requestResend(s, seq);
            return;
        }
        s.nextIn++;
        gapClosed(s);
        s.answering(seq);
        try {
            dispatch(s, m, t, type, seq);
        } catch (DiskSpaceGuard.DiskFullException e) {
            throw e; // the gateway stops, in its one line (see writeRequest and StateQueue#requireRoom)
        } catch (RuntimeException e) {
            malformed(s, seq, e);
        }
        s.persistIn();
    }

    /**
     * A value Philadelphia cannot read as its type (a letter in a number...) threw: the message is refused, the
     * session goes on.
     */
    private void malformed(FixSession s, long seq, RuntimeException e) {
        reject(s, seq, 6, 0, "Incorrect data format for value");
        LOG.debug("session {}: message {} refused: {}", s.config.directoryName(), seq, e.toString());
    }

    private void dispatch(FixSession s, FIXMessage m, char t, FIXValue type, long seq) {
        switch (t) {
            case '0': // Heartbeat
            case '3': // Reject: nothing to do but count it
                break;
            case '1': {
                FIXValue id = m.valueOf(FIX44Tags.TestReqID);
                if (id == null) {
                    reject(s, seq, 1, FIX44Tags.TestReqID, "Required tag missing");
                    break;
                }
                s.begin('0').addField(FIX44Tags.TestReqID).set(id);
                s.sendAdmin();
                break;
            }
            case '2':
                resendRequest(s, m, seq);
                break;
            case '5':
                logoutReceived(s);
                break;
            case 'A':
                reject(s, seq, 99, 0, "already logged on");
                break;
            case 'D':
            case 'F':
            case 'G':
                if (s.dropCopy)
                    businessReject(s, seq, type, 3, "a drop-copy session takes no orders");
                else if (t == 'D')
                    newOrder(s, m, seq);
                else
                    cancelOrReplace(s, m, seq, t == 'G');
                break;
            default:
                businessReject(s, seq, type, 3, "Unsupported Message Type");
        }
    }

    /**
     * A SequenceReset(4). GapFill mode (GapFillFlag(123)=Y) is numbered like any message: one beyond the next
     * expected shows a gap, one below it was applied already; Reset mode ignores its MsgSeqNum. NewSeqNo(36) missing,
     * not a number or below the next expected number is refused with a Reject(3) (FIX 4.4: SessionRejectReason 1, 6
     * or 5) and changes nothing but, in GapFill mode at the expected number, that the message itself was received.
     */
    private void sequenceReset(FixSession s, FIXMessage m, long seq) {
        FIXValue newSeqNo = m.valueOf(FIX44Tags.NewSeqNo);
        FIXValue gapFillValue = m.valueOf(FIX44Tags.GapFillFlag);
        boolean gapFill = gapFillValue != null && gapFillValue.length() == 1 && gapFillValue.byteAt(0) == 'Y';
        if (gapFill && seq != s.nextIn) {
            if (seq > s.nextIn) {
                if (seq > s.highestSeen)
                    s.highestSeen = seq;
                if (s.gapUpTo == 0)
                    requestResend(s, seq);
            }
            return; // a gap fill already applied (too low) is ignored
        }
        if (gapFill)
            s.answering(seq); // the expected number: a Reject stored for it makes it handled (Reset mode has none)
        long next = -1;
        if (newSeqNo == null) {
            reject(s, seq, 1, FIX44Tags.NewSeqNo, "Required tag missing");
        } else {
            try {
                next = newSeqNo.asInt();
            } catch (RuntimeException e) {
                malformed(s, seq, e); // thrown by Philadelphia: out of the loop it would end the gateway
            }
            if (next >= 0 && next < s.nextIn) {
                reject(s, seq, 5, FIX44Tags.NewSeqNo, "NewSeqNo(36) is below the next expected MsgSeqNum(34)");
                next = -1;
            }
        }
        if (next < 0) {
            if (gapFill) { // the refused gap fill was the expected message: the next one follows it
                s.nextIn++;
                gapClosed(s);
                s.persistIn();
            }
            return;
        }
        s.nextIn = next;
        gapClosed(s);
        s.persistIn();
    }

    /** Asks the counterparty for everything from the next expected number on: {@code seq} showed a gap. */
    private static void requestResend(FixSession s, long seq) {
        s.gapUpTo = seq;
        s.begin('2');
        s.message().addField(FIX44Tags.BeginSeqNo).setInt(s.nextIn);
        s.message().addField(FIX44Tags.EndSeqNo).setInt(0);
        s.sendAdmin();
    }

    /**
     * Once the resend asked for is in: messages dropped meanwhile beyond its range (sent after the counterparty
     * answered) are asked for at once, rather than when the next message shows the gap.
     */
    private static void gapClosed(FixSession s) {
        if (s.gapUpTo == 0 || s.nextIn <= s.gapUpTo)
            return;
        s.gapUpTo = 0;
        if (s.highestSeen >= s.nextIn)
            requestResend(s, s.highestSeen);
    }

    private void resendRequest(FixSession s, FIXMessage m, long seq) {
        FIXValue begin = m.valueOf(FIX44Tags.BeginSeqNo);
        FIXValue end = m.valueOf(FIX44Tags.EndSeqNo);
        if (begin == null || end == null) {
            reject(s, seq, 1, begin == null ? FIX44Tags.BeginSeqNo : FIX44Tags.EndSeqNo, "Required tag missing");
            return;
        }
        long from = begin.asInt();
        long to = end.asInt();
        if (from < 1 || to < 0 || (to != 0 && to < from)) {
            // a range that is none: gap-filling "from 1" for it would skip messages the peer never had
            incorrect(s, seq, from < 1 ? FIX44Tags.BeginSeqNo : FIX44Tags.EndSeqNo);
            return;
        }
        s.resend(from, to);
    }

    private void logoutReceived(FixSession s) {
        if (!s.logoutSent) {
            s.begin('5');
            s.sendAdmin();
        }
        s.link.fail();
    }

    private void logoutAndClose(FixSession s, String text) {
        s.begin('5').addField(FIX44Tags.Text).setString(fit(text));
        s.sendAdmin();
        s.logoutSent = true;
        s.link.fail();
    }

    /** A session-level Reject(3). */
    private void reject(FixSession s, long refSeq, int reason, int refTag, String text) {
        FIXMessage r = s.begin('3');
        r.addField(FIX44Tags.RefSeqNum).setInt(refSeq);
        if (refTag != 0)
            r.addField(FIX44Tags.RefTagID).setInt(refTag);
        r.addField(FIX44Tags.SessionRejectReason).setInt(reason);
        r.addField(FIX44Tags.Text).setString(fit(text));
        s.sendApp(-1); // a Reject is resent, not gap-filled
    }

    /** A Text(58) cut to what a field holds ({@value #FIELD_CAPACITY} bytes; the gateway's texts are ASCII). */
    private static String fit(String text) {
        return text.length() <= FIELD_CAPACITY ? text : text.substring(0, FIELD_CAPACITY);
    }

    private void businessReject(FixSession s, long refSeq, FIXValue refMsgType, int reason, String text) {
        FIXMessage r = s.begin('j');
        r.addField(FIX44Tags.RefSeqNum).setInt(refSeq);
        r.addField(FIX44Tags.RefMsgType).set(refMsgType);
        if (clOrdIdLength > 0)
            r.addField(FIX44Tags.BusinessRejectRefID).setString(chars.wrap(clOrdId, 0, clOrdIdLength));
        r.addField(FIX44Tags.BusinessRejectReason).setInt(reason);
        r.addField(FIX44Tags.Text).setString(fit(text));
        s.sendApp(-1);
    }

    private void onLogon(Link link, FIXMessage m) {
        FIXValue type = m.getMsgType();
        if (type == null || !type.contentEquals('A')) {
            link.fail(); // the first message must be a Logon: nothing is answered to anything else
            return;
        }
        if (!link.beginStringIs44()) {
            refuse(link, m, "BeginString(8) must be FIX.4.4, was " + link.beginString());
            return;
        }
        FIXValue sender = m.valueOf(FIX44Tags.SenderCompID);
        FIXValue target = m.valueOf(FIX44Tags.TargetCompID);
        FixSession s = null;
        for (FixSession candidate : sessions)
            if (sender != null && target != null && sender.contentEquals(candidate.config.targetCompId)
                    && target.contentEquals(candidate.config.senderCompId))
                s = candidate;
        if (s == null) {
            refuse(link, m, "unknown SenderCompID/TargetCompID");
            return;
        }
        FIXValue password = m.valueOf(FIX44Tags.Password);
        if (password == null || !password.contentEquals(s.config.password)) {
            refuse(link, m, "bad password");
            return;
        }
        if (s.link != null && !s.link.closing) {
            refuse(link, m, "session already logged on");
            return;
        }
        FIXValue reset = m.valueOf(FIX44Tags.ResetSeqNumFlag);
        if (reset != null && reset.length() == 1 && reset.byteAt(0) == 'Y') {
            refuse(link, m, "ResetSeqNumFlag(141) not supported: sequence numbers persist");
            return;
        }
        FIXValue heartBtInt = m.valueOf(FIX44Tags.HeartBtInt);
        FIXValue seqValue = m.valueOf(FIX44Tags.MsgSeqNum);
        long heartbeat;
        long seq;
        try {
            heartbeat = heartBtInt == null ? 0 : heartBtInt.asInt();
            seq = seqValue == null ? 0 : seqValue.asInt();
        } catch (RuntimeException e) {
            heartbeat = 0;
            seq = 0;
        }
        if (seq <= 0) {
            refuse(link, m, "MsgSeqNum(34) must be a positive number");
            return;
        }
        if (heartbeat <= 0 || heartbeat > MAX_HEARTBEAT_SECONDS) {
            refuse(link, m, "HeartBtInt(108) must be 1 to " + MAX_HEARTBEAT_SECONDS + " seconds"
                    + (heartBtInt == null ? " (missing)" : ", was " + heartBtInt.asString()));
            return;
        }
        if (seq < s.nextIn) {
            refuse(link, m, "MsgSeqNum too low, expecting " + s.nextIn + " but received " + seq);
            return;
        }
        link.session = s;
        s.link = link;
        s.logoutSent = false;
        s.heartbeatMillis = heartbeat * 1000;
        s.lastRxMillis = clock.millis();
        s.testRequestSentMillis = 0;
        FIXMessage logon = s.begin('A');
        logon.addField(FIX44Tags.EncryptMethod).setInt(0);
        logon.addField(FIX44Tags.HeartBtInt).setInt(heartbeat);
        s.sendAdmin();
        LOG.info("session {} logged on (next in {}, next out {})", s.config.directoryName(), seq, s.nextOut);
        if (seq == s.nextIn) {
            s.nextIn++;
            s.persistIn();
        } else {
            s.highestSeen = seq;
            requestResend(s, seq);
        }
    }

    /** A Logout(5) with the reason, outside any session's numbering (the connection is not logged on), then close. */
    private void refuse(Link link, FIXMessage m, String reason) {
        LOG.warn("logon refused: {}", reason);
        FIXMessage r = refusal;
        r.reset();
        r.addField(FIX44Tags.MsgType).setChar('5');
        FIXValue sender = m.valueOf(FIX44Tags.SenderCompID);
        FIXValue target = m.valueOf(FIX44Tags.TargetCompID);
        r.addField(FIX44Tags.SenderCompID).set(target != null ? target : m.getMsgType());
        r.addField(FIX44Tags.TargetCompID).set(sender != null ? sender : m.getMsgType());
        r.addField(FIX44Tags.MsgSeqNum).setInt(1);
        r.addField(FIX44Tags.SendingTime).set(clock.now());
        r.addField(FIX44Tags.Text).setString(reason);
        try {
            link.fix.send(r);
        } catch (IOException e) {
            LOG.debug("refusal not sent: {}", e.getMessage());
        }
        link.fail();
    }

    // ---------------------------------------------------------------- orders

    private void newOrder(FixSession s, FIXMessage m, long seq) {
        if (!readClOrdId(s, m, seq, FIX44Tags.ClOrdID, clOrdId) || !readAccount(s, m, seq)
                || !parseOrder(s, m, seq, true))
            return;
        clOrdIdLength = m.valueOf(FIX44Tags.ClOrdID).length();
        if (table.orderIdOf(account, clOrdId, clOrdIdLength) >= 0) {
            // refused even with PossDupFlag(43)=Y: a message is handled only at the next expected MsgSeqNum, and one
            // whose request was journaled is below it (on restart too), so a resent request reaching here was never
            // taken; it is a new use of a ClOrdID (it was ignored, and the peer got no answer at all)
            businessReject(s, seq, m.getMsgType(), 0, "duplicate ClOrdID");
            clOrdIdLength = 0;
            return;
        }
        if (!table.orderRoom() || !table.clOrdIdRoom()) {
            businessReject(s, seq, m.getMsgType(), 0, tableFull);
            clOrdIdLength = 0;
            return;
        }
        if (refusedForDisk(s, m, seq)) {
            clOrdIdLength = 0;
            return;
        }
        RequestJournal j = journal;
        j.action = RequestJournal.NEW;
        j.orderId = lastOrderId + 1;
        j.symbol = symbol;
        j.side = side;
        j.orderType = orderType;
        j.timeInForce = tif;
        j.price = price;
        j.quantity = quantity;
        writeRequest(s, seq, clOrdId, clOrdIdLength);
        clOrdIdLength = 0;
    }

    private void cancelOrReplace(FixSession s, FIXMessage m, long seq, boolean replace) {
        if (!readClOrdId(s, m, seq, FIX44Tags.ClOrdID, clOrdId)
                || !readClOrdId(s, m, seq, FIX44Tags.OrigClOrdID, origClOrdId) || !readAccount(s, m, seq))
            return;
        if (replace && !parseOrder(s, m, seq, false))
            return;
        clOrdIdLength = m.valueOf(FIX44Tags.ClOrdID).length();
        origClOrdIdLength = m.valueOf(FIX44Tags.OrigClOrdID).length();
        try {
            if (table.orderIdOf(account, clOrdId, clOrdIdLength) >= 0) {
                businessReject(s, seq, m.getMsgType(), 0, "duplicate ClOrdID"); // PossDupFlag too: see newOrder
                return;
            }
            long orderId = table.orderIdOf(account, origClOrdId, origClOrdIdLength);
            int slot = orderId < 0 ? OrderTable.ABSENT : table.slotOf(account, orderId);
            if (slot < 0 || table.finishedAt(slot)) {
                // a finished order of this session is still in the table: the reject carries its final status
                cancelReject(s, orderId, slot, replace, orderId < 0 ? 1 : 0,
                        orderId < 0 ? "unknown OrigClOrdID" : "order is no longer live");
                return;
            }
            if (replace && (orderType != OrderType.LIMIT.code()
                    || !TimeInForce.of(table.timeInForce(slot)).rests())) {
                cancelReject(s, orderId, slot, true, 99, "only a resting LIMIT order can be replaced, as a LIMIT");
                return;
            }
            if (!table.pendingRoom(slot)) {
                cancelReject(s, orderId, slot, replace, 3, tooManyWaiting);
                return;
            }
            if (!table.clOrdIdRoom()) {
                businessReject(s, seq, m.getMsgType(), 0, tableFull);
                return;
            }
            if (refusedForDisk(s, m, seq))
                return;
            RequestJournal j = journal;
            j.action = replace ? RequestJournal.REPLACE : RequestJournal.CANCEL;
            j.orderId = orderId;
            j.symbol = replace ? symbol : 0;
            j.side = replace ? side : 0;
            j.orderType = replace ? orderType : 0;
            j.timeInForce = table.timeInForce(slot);
            j.price = replace ? price : 0;
            j.quantity = replace ? quantity : 0;
            writeRequest(s, seq, clOrdId, clOrdIdLength);
        } finally {
            clOrdIdLength = 0;
        }
    }

    /**
     * A request taken while the disk holding the orders queue is nearly full would be refused by the queue's writer
     * after it was journaled: it is answered now with a BusinessMessageReject(j), BusinessRejectReason(380) 4
     * (application not available) and the reason, and nothing is journaled or written; the same request sent again
     * once space is freed is taken.
     */
    private boolean refusedForDisk(FixSession s, FIXMessage m, long seq) {
        String why = entry.refusal();
        if (why == null)
            return false;
        businessReject(s, seq, m.getMsgType(), 4, why + "; nothing taken: send again later");
        LOG.warn("session {}: request {} refused: {}", s.config.directoryName(), seq, why);
        return true;
    }

    /**
     * An OrderCancelReject(9) the gateway decides itself (the order is unknown, finished or cannot be replaced).
     * OrdStatus(39) is the order's current status when the table holds it ({@code slot}: live, or finished in this
     * trading session: 2 filled, 4 canceled, C expired, 8 rejected), else 8 (FIX 4.4: Rejected for an unknown order).
     */
    private void cancelReject(FixSession s, long orderId, int slot, boolean replace, int reason, String text) {
        FIXMessage r = s.begin('9');
        if (orderId > 0)
            r.addField(FIX44Tags.OrderID).setInt(orderId);
        else
            r.addField(FIX44Tags.OrderID).setString("NONE");
        r.addField(FIX44Tags.ClOrdID).setString(chars.wrap(clOrdId, 0, clOrdIdLength));
        r.addField(FIX44Tags.OrigClOrdID).setString(chars.wrap(origClOrdId, 0, origClOrdIdLength));
        r.addField(FIX44Tags.OrdStatus).setChar(slot >= 0 ? ordStatus(OrderStatus.of(table.status(slot))) : '8');
        r.addField(FIX44Tags.CxlRejResponseTo).setChar(replace ? '2' : '1');
        r.addField(FIX44Tags.CxlRejReason).setInt(reason);
        r.addField(FIX44Tags.Text).setString(fit(text));
        s.sendApp(-1);
    }

    /**
     * Journals the request in the journal's fields, applies it to the order table and writes the order: journal
     * first, so a crash between the two is finished on restart ({@link #reissueLastRequest()}).
     */
    private void writeRequest(FixSession s, long seq, byte[] id, int length) {
        RequestJournal j = journal;
        j.writerSeq = entry.writerSeq() + 1;
        j.inSeq = seq;
        j.account = account;
        System.arraycopy(id, 0, j.clOrdId, 0, length);
        j.clOrdIdLength = length;
        j.seenExecIndex = lastExecIndexHandled;
        j.append();
        applyJournal(Long.MAX_VALUE, Long.MAX_VALUE);
        try {
            writeOrder(j);
        } catch (DiskSpaceGuard.DiskFullException e) {
            // the disk fell below the mark in the instant between the check and the write, after the request was
            // journaled: the gateway stops as a crash there would, and writes the order when it starts again
            throw new DiskSpaceGuard.DiskFullException("gateway stopped: " + e.getMessage() + "; the request it had"
                    + " taken (MsgSeqNum " + seq + ") is written when it starts again");
        }
        CrashPoints.hit(CrashPoints.Point.GATEWAY_ORDER_WRITTEN);
    }

    private void writeOrder(RequestJournal j) {
        switch (j.action) {
            case RequestJournal.NEW:
                entry.newOrder(j.orderId, j.account, j.symbol, Side.of(j.side), OrderType.of(j.orderType),
                        TimeInForce.of(j.timeInForce), j.price, j.quantity);
                break;
            case RequestJournal.CANCEL:
                entry.cancel(j.orderId, j.account);
                break;
            default:
                entry.replace(j.orderId, j.account, j.symbol, Side.of(j.side), TimeInForce.of(j.timeInForce),
                        j.price, j.quantity);
        }
    }

    /** The gateway died between journaling its last request and writing its order: the order is written now. */
    private void reissueLastRequest() {
        LOG.info("writing the order of the last request journaled before the gateway stopped (writer seq {})",
                lastJournalWriterSeq);
        writeOrder(journal);
    }

    /**
     * Applies the journaled requests whose orders have writer sequence numbers up to {@code writerSeq}, and those
     * taken before the report at executions index {@code execIndex} was handled.
     */
    private void applyJournal(long writerSeq, long execIndex) {
        RequestJournal j = journal;
        while (j.next(writerSeq, execIndex)) {
            if (j.action == RequestJournal.NEW) {
                table.addOrder(j.account, j.orderId, j.clOrdId, j.clOrdIdLength, j.timeInForce);
            } else {
                int slot = table.slotOf(j.account, j.orderId);
                if (slot >= 0)
                    table.addPending(slot, j.clOrdId, j.clOrdIdLength); // room was checked before journaling
            }
            table.addClOrdId(j.account, j.clOrdId, j.clOrdIdLength, j.orderId);
            if (j.orderId > lastOrderId)
                lastOrderId = j.orderId;
            lastJournalWriterSeq = j.writerSeq;
            FixSession s = sessionOf(j.account);
            if (s != null && s.nextIn <= j.inSeq)
                s.nextIn = j.inSeq + 1;
        }
    }

    /** Reads ClOrdID-like tag {@code tag} into {@code into}; false (and a Reject sent) when missing or too long. */
    private boolean readClOrdId(FixSession s, FIXMessage m, long seq, int tag, byte[] into) {
        FIXValue v = m.valueOf(tag);
        if (v == null) {
            reject(s, seq, 1, tag, "Required tag missing");
            return false;
        }
        if (v.length() < 1 || v.length() > GatewayConfig.MAX_CL_ORD_ID) {
            reject(s, seq, 5, tag, "Value is incorrect (1 to 32 characters)");
            return false;
        }
        v.copyTo(into);
        return true;
    }

    /**
     * Reads the order fields of a D or G into this gateway's fields; false (and a Reject sent) when one is missing
     * or wrong.
     */
    private boolean parseOrder(FixSession s, FIXMessage m, long seq, boolean isNew) {
        FIXValue v = m.valueOf(FIX44Tags.Symbol);
        if (v == null)
            return missing(s, seq, FIX44Tags.Symbol);
        if (v.length() < 1 || v.length() > Symbols.MAX_LENGTH)
            return incorrect(s, seq, FIX44Tags.Symbol);
        long sym = 0;
        for (int i = 0; i < v.length(); i++) {
            int b = v.byteAt(i);
            if (!Symbols.isSymbolByte(b))
                return incorrect(s, seq, FIX44Tags.Symbol);
            sym = Symbols.append(sym, b);
        }
        symbol = sym;
        v = m.valueOf(FIX44Tags.Side);
        if (v == null)
            return missing(s, seq, FIX44Tags.Side);
        if (v.contentEquals('1'))
            side = Side.BUY.code();
        else if (v.contentEquals('2'))
            side = Side.SELL.code();
        else
            return incorrect(s, seq, FIX44Tags.Side);
        v = m.valueOf(FIX44Tags.OrderQty);
        if (v == null)
            return missing(s, seq, FIX44Tags.OrderQty);
        long qty = FixDecimal.parse(v, 0);
        if (qty <= 0)
            return incorrect(s, seq, FIX44Tags.OrderQty);
        quantity = qty;
        v = m.valueOf(FIX44Tags.OrdType);
        if (v == null)
            return missing(s, seq, FIX44Tags.OrdType);
        if (v.contentEquals('1'))
            orderType = OrderType.MARKET.code();
        else if (v.contentEquals('2'))
            orderType = OrderType.LIMIT.code();
        else
            return incorrect(s, seq, FIX44Tags.OrdType);
        v = m.valueOf(FIX44Tags.Price);
        if (orderType == OrderType.LIMIT.code()) {
            if (v == null)
                return missing(s, seq, FIX44Tags.Price);
            long p = FixDecimal.parse(v, Prices.DECIMALS);
            if (p <= 0)
                return incorrect(s, seq, FIX44Tags.Price);
            price = p;
        } else {
            if (v != null)
                return incorrect(s, seq, FIX44Tags.Price);
            price = 0;
        }
        v = m.valueOf(FIX44Tags.TimeInForce);
        if (isNew) {
            if (v == null || v.contentEquals('0'))
                tif = TimeInForce.DAY.code();
            else if (v.contentEquals('1'))
                tif = TimeInForce.GTC.code();
            else if (v.contentEquals('3'))
                tif = TimeInForce.IOC.code();
            else if (v.contentEquals('4'))
                tif = TimeInForce.FOK.code();
            else
                return incorrect(s, seq, FIX44Tags.TimeInForce);
        }
        return true;
    }

    /**
     * The request's account into {@link #account}: the session's; for the any-account session Account(1), which it
     * must carry. False (and a Reject sent) when it is missing there or names another account than the session's.
     */
    private boolean readAccount(FixSession s, FIXMessage m, long seq) {
        FIXValue v = m.valueOf(FIX44Tags.Account);
        if (s.account == 0) {
            if (v == null)
                return missing(s, seq, FIX44Tags.Account);
            long a = FixDecimal.parse(v, 0);
            FixSession own = a > 0 ? sessionOf(a) : null;
            if (a <= 0 || own != s)
                return incorrect(s, seq, FIX44Tags.Account); // an account with a session of its own takes it there
            account = a;
            return true;
        }
        if (v != null && FixDecimal.parse(v, 0) != s.account)
            return incorrect(s, seq, FIX44Tags.Account);
        account = s.account;
        return true;
    }

    private boolean missing(FixSession s, long seq, int tag) {
        reject(s, seq, 1, tag, "Required tag missing");
        return false;
    }

    private boolean incorrect(FixSession s, long seq, int tag) {
        reject(s, seq, 5, tag, "Value is incorrect (out of range) for this tag");
        return false;
    }

    // ---------------------------------------------------------------- reports

    /** The order-entry session of an account: its own, else the any-account session (null when neither). */
    private FixSession sessionOf(long account) {
        if (account <= 0)
            return null; // a report of no account (a session event's): no order-entry session's
        for (FixSession s : sessions)
            if (!s.dropCopy && s.account == account)
                return s;
        return anyAccount;
    }

    /** One report of the executions queue: to the order's session and every drop copy, then the order's state. */
    private void onReport(OrderInfo r, long execIndex) {
        // on restart, the requests taken before this report live (a no-op live: each is applied when taken)
        applyJournal(r.writerId() == config.writerId ? r.writerSeq() : 0, execIndex);
        lastExecIndexHandled = execIndex;
        if (r.execType() == ExecType.SESSION_CLOSE || r.execType() == ExecType.SESSION_OPEN) {
            // a trading session ended (a SESSION_OPEN ends the implicit one; after a close it frees only the orders
            // refused between the sessions): its ClOrdIDs may be used again. Reached at the same report live and when
            // the table is rebuilt on start, so both hold the same ClOrdIDs. The event's own report is no
            // account's execution report: no session is sent one (the DAY orders' EXPIRED reports before it are).
            table.sessionEnded();
            CrashPoints.hit(CrashPoints.Point.GATEWAY_SESSION_ENDED);
            return;
        }
        if (r.execType() == ExecType.REJECTED && r.action().isSession())
            return; // a session event refused: no order, no account, nothing ended
        int slot = table.slotOf(r.account(), r.orderId());
        ExecType execType = r.execType();
        Action action = r.action();
        boolean request = action == Action.CANCEL || action == Action.REPLACE;
        boolean answersPending = slot >= 0 && request && table.hasPending(slot)
                && (execType == ExecType.CANCELED || execType == ExecType.REPLACED || execType == ExecType.REJECTED);
        if (slot >= 0 && execType == ExecType.TRADE)
            table.addFill(slot, r.lastPx(), r.lastQty());
        FixSession owner = sessionOf(r.account());
        if (owner != null && execIndex > owner.out.lastExecIndex())
            sendReport(owner, r, execIndex, slot, answersPending);
        for (FixSession copy : dropCopies)
            if (execIndex > copy.out.lastExecIndex())
                sendReport(copy, r, execIndex, slot, answersPending);
        if (slot < 0)
            return;
        if (answersPending) {
            if (execType == ExecType.REPLACED)
                table.promotePending(slot);
            else
                table.popPending(slot);
        }
        if (execType == ExecType.REJECTED && request)
            return; // the request was refused, not the order
        table.status(slot, r.status().code()); // a finished order stays until its trading session ends
    }

    private void sendReport(FixSession s, OrderInfo r, long execIndex, int slot, boolean answersPending) {
        ExecType execType = r.execType();
        boolean refusedRequest = execType == ExecType.REJECTED
                && (r.action() == Action.CANCEL || r.action() == Action.REPLACE);
        FIXMessage m = s.begin(refusedRequest ? '9' : '8');
        m.addField(FIX44Tags.OrderID).setInt(r.orderId());
        clOrdIds(m, r, slot, answersPending);
        if (refusedRequest) {
            m.addField(FIX44Tags.OrdStatus).setChar(slot >= 0 ? ordStatus(OrderStatus.of(table.status(slot))) : '8');
            m.addField(FIX44Tags.Account).setInt(r.account());
            m.addField(FIX44Tags.CxlRejResponseTo).setChar(r.action() == Action.CANCEL ? '1' : '2');
            m.addField(FIX44Tags.CxlRejReason).setInt(r.rejectReason() == RejectReason.UNKNOWN_ORDER ? 1 : 99);
            m.addField(FIX44Tags.Text).setString(r.rejectReason().name());
            s.sendApp(execIndex);
            return;
        }
        m.addField(FIX44Tags.ExecID).setInt(execIndex);
        m.addField(FIX44Tags.ExecType).setChar(execTypeChar(execType));
        m.addField(FIX44Tags.OrdStatus).setChar(ordStatus(r.status()));
        if (execType == ExecType.REJECTED) {
            m.addField(FIX44Tags.OrdRejReason).setInt(ordRejReason(r.rejectReason()));
            m.addField(FIX44Tags.Text).setString(r.rejectReason().name());
        }
        m.addField(FIX44Tags.Account).setInt(r.account());
        if (r.symbol() != 0)
            m.addField(FIX44Tags.Symbol).setString(chars.wrap(symbolBytes(r.symbol()), 0, symbolLength));
        m.addField(FIX44Tags.Side).setChar(r.side() == Side.SELL ? '2' : '1');
        m.addField(FIX44Tags.OrdType).setChar(r.orderType() == OrderType.MARKET ? '1' : '2');
        if (r.orderType() == OrderType.LIMIT && r.price() > 0)
            FixDecimal.set(m.addField(FIX44Tags.Price), r.price(), Prices.DECIMALS);
        m.addField(FIX44Tags.TimeInForce).setChar(tifChar(r.timeInForce()));
        m.addField(FIX44Tags.OrderQty).setInt(r.quantity());
        if (execType == ExecType.TRADE) {
            m.addField(FIX44Tags.LastQty).setInt(r.lastQty());
            FixDecimal.set(m.addField(FIX44Tags.LastPx), r.lastPx(), Prices.DECIMALS);
        }
        m.addField(FIX44Tags.LeavesQty).setInt(r.leavesQty());
        m.addField(FIX44Tags.CumQty).setInt(r.cumQty());
        FixDecimal.set(m.addField(FIX44Tags.AvgPx), slot >= 0 ? table.averagePrice(slot, r.cumQty()) : 0,
                Prices.DECIMALS);
        if (r.eventTime() > 0)
            clock.set(m.addField(FIX44Tags.TransactTime), r.eventTime() / 1_000_000);
        s.sendApp(execIndex);
    }

    private void clOrdIds(FIXMessage m, OrderInfo r, int slot, boolean answersPending) {
        if (slot < 0) {
            // not entered here: the pipeline's id stands for the ClOrdID (and for the OrigClOrdID an OrderCancelReject
            // must carry: without it QuickFIX/J refuses the message and its application never sees it)
            m.addField(FIX44Tags.ClOrdID).setInt(r.orderId());
            if (r.execType() == ExecType.REJECTED && (r.action() == Action.CANCEL || r.action() == Action.REPLACE))
                m.addField(FIX44Tags.OrigClOrdID).setInt(r.orderId());
            return;
        }
        int at = OrderTable.offset(slot);
        if (answersPending) {
            int p = table.pendingIndex(slot);
            m.addField(FIX44Tags.ClOrdID).setString(chars.wrap(table.pendingBytes(), OrderTable.pendingOffset(p),
                    table.pendingLength(p)));
            m.addField(FIX44Tags.OrigClOrdID)
                    .setString(chars.wrap(table.currentBytes(), at, table.currentLength(slot)));
        } else {
            m.addField(FIX44Tags.ClOrdID).setString(chars.wrap(table.currentBytes(), at, table.currentLength(slot)));
        }
    }

    private final byte[] symbolBuffer = new byte[Symbols.MAX_LENGTH];
    private int symbolLength;

    private byte[] symbolBytes(long sym) {
        int n = 0;
        for (int shift = 56; shift >= 0; shift -= 8) {
            int b = (int) (sym >>> shift) & 0xFF;
            if (b != 0)
                symbolBuffer[n++] = (byte) b;
        }
        symbolLength = n;
        return symbolBuffer;
    }

    private static char execTypeChar(ExecType t) {
        switch (t) {
            case NEW: return '0';
            case TRADE: return 'F';
            case CANCELED: return '4';
            case REPLACED: return '5';
            case EXPIRED: return 'C';
            default: return '8';
        }
    }

    /** OrdStatus(39) of a pipeline status; NONE (an order the gateway wrote with no report yet) is A, pending new. */
    private static char ordStatus(OrderStatus s) {
        switch (s) {
            case NONE: return 'A';
            case NEW: return '0';
            case PARTIALLY_FILLED: return '1';
            case FILLED: return '2';
            case CANCELED: return '4';
            case EXPIRED: return 'C';
            default: return '8';
        }
    }

    /** TimeInForce(59) of a pipeline time in force. */
    static char tifChar(TimeInForce t) {
        switch (t) {
            case GTC: return '1';
            case IOC: return '3';
            case FOK: return '4';
            default: return '0';
        }
    }

    /**
     * OrdRejReason(103) of a pipeline reject reason; one FIX 4.4 has no code for is 99 (Other), and Text(58) always
     * carries the reason's name, so reasons added later reach the client by name.
     */
    static int ordRejReason(RejectReason reason) {
        switch (reason) {
            case UNKNOWN_SYMBOL: return 1;
            case MAX_NOTIONAL: return 3;
            case UNKNOWN_ORDER: return 5;
            case DUPLICATE_ORDER_ID: return 6;
            case BAD_QTY: return 13;
            default: return 99;
        }
    }

    static FIXMessage newMessage() {
        return new FIXMessage(MAX_FIELDS, FIELD_CAPACITY);
    }

    /** Closes sockets and state; call after {@link #run()} returned (or instead of it). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed)
            return;
        closed = true;
        running = false;
        try {
            if (acceptSelector != null)
                acceptSelector.close();
            if (server != null)
                server.close();
        } catch (IOException e) {
            LOG.debug("close: {}", e.getMessage());
        }
        feed.close();
        entry.close();
        journal.close();
        for (FixSession s : sessions)
            s.close();
        diskGuard.close();
        lock.close();
    }
}
