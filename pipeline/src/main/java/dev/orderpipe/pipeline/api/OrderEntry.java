package dev.orderpipe.pipeline.api;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.CycleFiles;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.TradingDates;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;

import java.nio.file.Path;

/**
 * Appends orders, and session events ({@link #openSession}, {@link #closeSession}), to a pipeline's {@code orders}
 * queue from any process: the pipeline's inbox for feed handlers and
 * gateways. Several writers, in several processes, may append to one data directory at once (Chronicle's
 * cross-process write lock orders them); each record carries this writer's id and its own sequence number, 1, 2, 3...
 * without a gap, so support staff can tell where an order came from ({@code orderpipe dump} shows {@code writerId} and
 * {@code writerSeq}) and every reader can tell a lost or repeated record. One writer id belongs to one open
 * {@code OrderEntry} at a time: two with one id would repeat each other's numbers, which readers refuse as damage.
 *
 * <p>Arguments are primitives and nothing is allocated per call. A call checks what is a programming error
 * (a non-positive order id, quantity or account, a symbol that is not an encoded symbol, a LIMIT without a price...)
 * and throws {@link IllegalArgumentException}; business checks (known symbol, price band, notional, duplicates) are
 * the risk stage's, and end as REJECTED execution reports.
 *
 * <p>A full disk: while the filesystem of the queue has less free than the config's {@code minFreeDiskMb} (64 MB by
 * default), every call throws {@link DiskSpaceGuard.DiskFullException} and writes nothing (the pipeline's stages stop
 * at the same mark); once space is freed the same call succeeds. {@link #refusal()} tells before a call.
 *
 * <p>Threading: an instance, like the Chronicle appender inside it, belongs to one thread. Use one per thread, each
 * with its own writer id.
 *
 * <pre>{@code
 * try (OrderEntry entry = OrderEntry.open(Path.of("data/pipeline"), 42)) {
 *     long aapl = Symbols.encode("AAPL");                  // once, not per order
 *     entry.newOrder(1001, 7, aapl, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, Prices.parse("189.25"), 300);
 *     entry.replace(1001, 7, aapl, Side.BUY, Prices.parse("189.30"), 200);
 *     entry.cancel(1001, 7);
 * }
 * }</pre>
 */
public final class OrderEntry implements AutoCloseable {
    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    private final OrderInfo record = new OrderInfo();
    private final long writerId;
    private long writerSeq;

    /** Closed with this writer: false when the queue is the pipeline's own ({@link #on}). */
    private final boolean ownsQueue;
    /** Acknowledged durability: null unless the config asks replicas to acknowledge each write. */
    private final ReplicaAcks acks;
    /**
     * Refuses each write while the disk is nearly full (a write into a mapped page the filesystem cannot back is a
     * SIGBUS, which left a damaged record on the queue); null on the pipeline's own queue, whose guard stops it.
     */
    private final DiskSpaceGuard diskGuard;
    private final String name;

    private OrderEntry(String name, ChronicleQueue queue, long writerId, boolean ownsQueue, ReplicaAcks acks,
                       DiskSpaceGuard diskGuard) {
        this.name = name;
        this.queue = queue;
        this.writerId = writerId;
        this.ownsQueue = ownsQueue;
        this.acks = acks;
        this.diskGuard = diskGuard;
        this.appender = queue.createAppender();
        this.writerSeq = lastWritten(name, queue, writerId, record);
    }

    /**
     * A writer on an {@code orders} queue already open in this process (the pipeline's own, for the session calendar
     * that ingress drives); {@link #close()} leaves the queue open. Create it on the thread that writes.
     *
     * @param name the queue's name, for messages
     */
    public static OrderEntry on(String name, ChronicleQueue queue, long writerId) {
        requireWriterId(writerId);
        return new OrderEntry(name, queue, writerId, false, null, null);
    }

    /**
     * Opens the {@code orders} queue of a data directory laid out by the default config.
     *
     * @param writerId this writer's id, > 0 (0 is the pipeline's own file ingress); used by one open OrderEntry at a
     *                 time
     */
    public static OrderEntry open(Path dataDir, long writerId) {
        PipelineConfig defaults = PipelineConfig.loadDefault();
        return open(dataDir.resolve(defaults.ingress.queue), defaults, writerId);
    }

    /**
     * Opens the orders queue of the pipeline that {@code config} describes. With {@code replication.ackedReplicas}
     * N > 0 every write returns only once N replicas acknowledged it, and throws
     * {@link NotAcknowledgedException} after {@code replication.ackTimeoutMs} (the record is then on this
     * host's queue, not known to be on a standby).
     */
    public static OrderEntry open(PipelineConfig config, long writerId) {
        return open(config.dataPath().resolve(config.ingress.queue), config, writerId);
    }

    private static OrderEntry open(Path ordersQueue, PipelineConfig config, long writerId) {
        requireWriterId(writerId);
        ReplicaAcks acks = config.replication.ackedReplicas == 0 ? null : new ReplicaAcks(ordersQueue.getParent(),
                config.ingress.queue, config.rollCycle(), config.replication.ackedReplicas,
                config.replication.ackTimeoutMs);
        CycleFiles.requireTableStoreUsable(config.ingress.queue, ordersQueue);
        ChronicleQueue queue = Queues.open(ordersQueue, config.rollCycle());
        DiskSpaceGuard guard = null;
        try {
            guard = new DiskSpaceGuard(ordersQueue, config.minFreeDiskMb);
            return new OrderEntry(config.ingress.queue, queue, writerId, true, acks, guard);
        } catch (RuntimeException e) {
            if (guard != null)
                guard.close();
            queue.close();
            throw e;
        }
    }

    private static void requireWriterId(long writerId) {
        if (writerId <= 0)
            throw new IllegalArgumentException("writerId must be > 0 (0 is the pipeline's file ingress), was " + writerId);
    }

    /**
     * The highest sequence number this writer id wrote before, so numbering continues across restarts; its record is
     * read into {@code last} (reset when there is none).
     */
    private static long lastWritten(String name, ChronicleQueue queue, long writerId, OrderInfo last) {
        try (QueueInput back = new QueueInput(name, queue).openBackward()) {
            while (back.read(last))
                if (last.writerId() == writerId)
                    return last.writerSeq();
        }
        last.reset();
        return 0;
    }

    /**
     * The last record this writer id appended, in this run or an earlier one (every field 0 when none): what a writer
     * that must know its own last event (the session calendar) reads at its start. A view, valid until the next call.
     */
    public OrderInfo lastAppended() {
        return record;
    }

    /**
     * Appends a NEW order.
     *
     * @param symbol encoded with {@link Symbols#encode(CharSequence)}
     * @param price  fixed-point, 4 decimals ({@link dev.orderpipe.pipeline.Prices}); 0 for MARKET
     * @return the order's index on the orders queue
     */
    public long newOrder(long orderId, long account, long symbol, Side side, OrderType type, TimeInForce tif,
                         long price, long quantity) {
        requirePositive(orderId, "orderId");
        requirePositive(account, "account");
        requireSymbol(symbol);
        if (side == null || side == Side.NONE)
            throw new IllegalArgumentException("side must be BUY or SELL");
        if (type == null || type == OrderType.NONE)
            throw new IllegalArgumentException("type must be LIMIT or MARKET");
        if (tif == null || tif == TimeInForce.NONE)
            throw new IllegalArgumentException("tif must be GTC, IOC, FOK or DAY");
        if (type == OrderType.LIMIT)
            requirePositive(price, "price of a LIMIT order");
        else if (price != 0)
            throw new IllegalArgumentException("a MARKET order takes no price (pass 0), was " + price);
        requirePositive(quantity, "quantity");
        requireRoom();
        record.reset().action(Action.NEW).orderId(orderId).account(account).symbol(symbol).side(side).orderType(type)
                .timeInForce(tif).price(price).quantity(quantity);
        return append();
    }

    /**
     * Appends a CANCEL of a live order. Order ids are unique per account, so the order is named by its account and id
     * together; a CANCEL naming another account's id is rejected {@code UNKNOWN_ORDER}, as for an id never used.
     */
    public long cancel(long orderId, long account) {
        requirePositive(orderId, "orderId");
        requirePositive(account, "account");
        requireRoom();
        record.reset().action(Action.CANCEL).orderId(orderId).account(account);
        return append();
    }

    /**
     * Appends a REPLACE: a new limit price and a new total quantity for a live LIMIT GTC order.
     *
     * <p>Account, symbol and side must be those of the live order: the matching engine rejects a mismatch.
     */
    public long replace(long orderId, long account, long symbol, Side side, long newPrice, long newQuantity) {
        return replace(orderId, account, symbol, side, TimeInForce.GTC, newPrice, newQuantity);
    }

    /**
     * Appends a REPLACE: a new limit price and a new total quantity for a live LIMIT order whose time in force is
     * {@code tif} (GTC or DAY: a replace never changes it).
     *
     * <p>Account, symbol, side and time in force must be those of the live order: the matching engine rejects a
     * mismatch.
     */
    public long replace(long orderId, long account, long symbol, Side side, TimeInForce tif, long newPrice,
                        long newQuantity) {
        if (tif == null || !tif.rests())
            throw new IllegalArgumentException("the tif of a replaced order is GTC or DAY, was " + tif);
        requirePositive(orderId, "orderId");
        requirePositive(account, "account");
        requireSymbol(symbol);
        if (side == null || side == Side.NONE)
            throw new IllegalArgumentException("side must be BUY or SELL");
        requirePositive(newPrice, "newPrice");
        requirePositive(newQuantity, "newQuantity");
        requireRoom();
        record.reset().action(Action.REPLACE).orderId(orderId).account(account).symbol(symbol).side(side)
                .orderType(OrderType.LIMIT).timeInForce(tif).price(newPrice).quantity(newQuantity);
        return append();
    }

    /**
     * Appends a SESSION_OPEN of the trading day {@code tradingDate} ({@code YYYYMMDD},
     * {@link dev.orderpipe.pipeline.TradingDates}): risk accepts it when no session is open and the date is after the
     * last session's (else REJECTED {@code SESSION_STATE} on executions).
     */
    public long openSession(long tradingDate) {
        if (!TradingDates.isValid(tradingDate))
            throw new IllegalArgumentException("tradingDate must be a date YYYYMMDD, was " + tradingDate);
        requireRoom();
        record.reset().action(Action.SESSION_OPEN).tradingDate(tradingDate);
        return append();
    }

    /**
     * Appends a SESSION_CLOSE of the open session: {@code tradingDate} names it ({@code YYYYMMDD}), or 0 for whichever
     * is open. At the close DAY orders expire, GTC orders stay, and NEW and REPLACE orders are REJECTED
     * {@code SESSION_CLOSED} until the next SESSION_OPEN.
     */
    public long closeSession(long tradingDate) {
        if (tradingDate != 0 && !TradingDates.isValid(tradingDate))
            throw new IllegalArgumentException("tradingDate must be a date YYYYMMDD or 0, was " + tradingDate);
        requireRoom();
        record.reset().action(Action.SESSION_CLOSE).tradingDate(tradingDate);
        return append();
    }

    /**
     * Why a write would be refused now, in a few words ("disk nearly full: 31 MB free, below minFreeDiskMb 64"), or
     * null when it would not (a gateway checks before it takes a request, so it can answer it). Allocates only when it
     * refuses.
     */
    public String refusal() {
        return diskGuard != null && diskGuard.isLow() ? diskGuard.shortReason() : null;
    }

    /** Refuses a write on a nearly full disk, before the record changes (so lastAppended() stays the last one). */
    private void requireRoom() {
        if (diskGuard != null && diskGuard.isLow())
            throw diskGuard.refuse(name);
    }

    private long append() {
        record.eventTime(SystemTimeProvider.CLOCK.currentTimeNanos())
                .writerId(writerId)
                .writerSeq(writerSeq + 1)
                .ingressNanos(System.nanoTime());
        appender.writeBytes(record);
        writerSeq++; // only once written: readers refuse a writer's numbers with a gap as records lost
        long index = appender.lastIndexAppended();
        if (acks != null)
            acks.await(index);
        return index;
    }

    private static void requirePositive(long value, String what) {
        if (value <= 0)
            throw new IllegalArgumentException(what + " must be > 0, was " + value);
    }

    private static void requireSymbol(long symbol) {
        if (!Symbols.isValid(symbol))
            throw new IllegalArgumentException("symbol must be encoded with Symbols.encode, was " + symbol);
    }

    /** This writer's id. */
    public long writerId() {
        return writerId;
    }

    /** Sequence number of the last order this writer appended (continues across restarts). */
    public long writerSeq() {
        return writerSeq;
    }

    @Override
    public void close() {
        if (acks != null)
            acks.close();
        appender.close();
        if (diskGuard != null)
            diskGuard.close();
        if (ownsQueue)
            queue.close();
    }
}
