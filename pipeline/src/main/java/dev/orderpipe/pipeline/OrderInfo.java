package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.OrderStatus;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The one record on every orderpipe queue: an inbound order event on {@code orders} and {@code checked}, an execution
 * report on {@code executions}.
 *
 * <p>A stage keeps one instance for reading and one for writing and calls {@link #reset()} between messages, so no
 * order's data can leak into the next and nothing is allocated per message. Marshalling is hand-written binary:
 * a format byte followed by fixed-width primitives ({@link #BINARY_LENGTH} bytes in all), no allocation to write or
 * read; a CRC32C of the record's bytes follows them and is checked on every read ({@link DamagedRecordException}).
 * Prices are fixed-point with 4 decimals ({@link Prices}), symbols are {@code long} ({@link Symbols}), enums are
 * bytes (package {@code codes}).
 *
 * <p>Every record carries {@link #sourceIndex()}: the index of the input record that caused it (the queue index the
 * stage read, or the line number of an order file for ingress). Restart and per-stage latency rely on it.
 *
 * <p>Not thread-safe: an instance belongs to one thread.
 */
public final class OrderInfo implements BytesMarshallable {
    /** Format of the binary record; bump it when the layout changes (2: a CRC32C trailer). */
    public static final byte FORMAT = 2;
    // each field's offset in the payload, after the format byte at 0 (docs/formats.md)
    private static final int ORDER_ID = 1;
    private static final int ACCOUNT = ORDER_ID + 8;
    private static final int SYMBOL = ACCOUNT + 8;
    private static final int ACTION = SYMBOL + 8;
    private static final int SIDE = ACTION + 1;
    private static final int ORDER_TYPE = SIDE + 1;
    private static final int TIME_IN_FORCE = ORDER_TYPE + 1;
    private static final int PRICE = TIME_IN_FORCE + 1;
    private static final int QUANTITY = PRICE + 8;
    private static final int SEQ = QUANTITY + 8;
    private static final int LEAVES_QTY = SEQ + 8;
    private static final int CUM_QTY = LEAVES_QTY + 8;
    private static final int LAST_PX = CUM_QTY + 8;
    private static final int LAST_QTY = LAST_PX + 8;
    private static final int EXEC_TYPE = LAST_QTY + 8;
    private static final int STATUS = EXEC_TYPE + 1;
    private static final int REJECT_REASON = STATUS + 1;
    private static final int LINE_ERROR = REJECT_REASON + 1;
    private static final int CONTRA_ORDER_ID = LINE_ERROR + 1;
    private static final int EVENT_TIME = CONTRA_ORDER_ID + 8;
    private static final int SOURCE_LINE = EVENT_TIME + 8;
    private static final int SOURCE_INDEX = SOURCE_LINE + 8;
    private static final int FLAGS = SOURCE_INDEX + 8;
    private static final int WRITER_ID = FLAGS + 4;
    private static final int WRITER_SEQ = WRITER_ID + 8;
    private static final int INGRESS_NANOS = WRITER_SEQ + 8;
    private static final int RISK_NANOS = INGRESS_NANOS + 8;
    private static final int MATCH_NANOS = RISK_NANOS + 8;
    private static final int EGRESS_NANOS = MATCH_NANOS + 8;
    /** Bytes of the format byte and the fields, which the checksum covers. */
    static final int PAYLOAD_LENGTH = EGRESS_NANOS + 8;
    /** Bytes written by {@link #writeMarshallable(BytesOut)}: the payload and its CRC32C. */
    public static final int BINARY_LENGTH = PAYLOAD_LENGTH + 4;

    /** Little-endian views of the codec's array, so a field is one load or store at its offset. */
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Marshalling state, not message data: the one final instance field (reset() leaves it alone). */
    private final Codec codec = new Codec();

    // identity
    private long orderId;
    private long account;
    private long symbol;
    // the order
    private byte action;
    private byte side;
    private byte orderType;
    private byte timeInForce;
    private long price;
    private long quantity;
    // execution report
    private long seq;
    private long leavesQty;
    private long cumQty;
    private long lastPx;
    private long lastQty;
    private long contraOrderId;
    private long eventTime;
    private byte execType;
    private byte status;
    private byte rejectReason;
    private byte lineError;
    // provenance
    private long sourceLine;
    private long sourceIndex;
    private long writerId;
    private long writerSeq;
    private int flags;
    // one timestamp per stage, System.nanoTime() (CLOCK_MONOTONIC: comparable across processes on one host)
    private long ingressNanos;
    private long riskNanos;
    private long matchNanos;
    private long egressNanos;

    /**
     * Flag: the last report a stage wrote for one input record (lets a restarted stage detect an input whose reports
     * were cut short).
     */
    public static final int FLAG_LAST_FOR_INPUT = 1;
    /**
     * Flags of a checked record that passed risk: the self-trade prevention mode of the order's account, as risk's
     * config gave it (the ordinal of {@code book.SelfTradePrevention}, 0 none) in bits 1-2. Risk stamps the rules
     * that depend on its config into the record, with a MARKET order's protection limit in {@code price}, so that
     * matching applies what the record says: its output stays a pure function of its input across config changes.
     */
    public static final int STP_SHIFT = 1;
    /** The bits of {@link #STP_SHIFT}. */
    public static final int STP_MASK = 3 << STP_SHIFT;

    /** Returns every field to its default; call before filling an instance for a new message. */
    public OrderInfo reset() {
        orderId = 0;
        account = 0;
        symbol = 0;
        action = 0;
        side = 0;
        orderType = 0;
        timeInForce = 0;
        price = 0;
        quantity = 0;
        seq = 0;
        leavesQty = 0;
        cumQty = 0;
        lastPx = 0;
        lastQty = 0;
        contraOrderId = 0;
        eventTime = 0;
        execType = 0;
        status = 0;
        rejectReason = 0;
        lineError = 0;
        sourceLine = 0;
        sourceIndex = 0;
        writerId = 0;
        writerSeq = 0;
        flags = 0;
        ingressNanos = 0;
        riskNanos = 0;
        matchNanos = 0;
        egressNanos = 0;
        return this;
    }

    /** Copies every field of {@code other} into this instance. */
    public OrderInfo copyFrom(OrderInfo other) {
        orderId = other.orderId;
        account = other.account;
        symbol = other.symbol;
        action = other.action;
        side = other.side;
        orderType = other.orderType;
        timeInForce = other.timeInForce;
        price = other.price;
        quantity = other.quantity;
        seq = other.seq;
        leavesQty = other.leavesQty;
        cumQty = other.cumQty;
        lastPx = other.lastPx;
        lastQty = other.lastQty;
        contraOrderId = other.contraOrderId;
        eventTime = other.eventTime;
        execType = other.execType;
        status = other.status;
        rejectReason = other.rejectReason;
        lineError = other.lineError;
        sourceLine = other.sourceLine;
        sourceIndex = other.sourceIndex;
        writerId = other.writerId;
        writerSeq = other.writerSeq;
        flags = other.flags;
        ingressNanos = other.ingressNanos;
        riskNanos = other.riskNanos;
        matchNanos = other.matchNanos;
        egressNanos = other.egressNanos;
        return this;
    }

    /** Writes the record: each field at its offset of docs/formats.md's table, then the payload's CRC32C. */
    @Override
    public void writeMarshallable(BytesOut<?> out) {
        byte[] a = codec.array;
        a[0] = FORMAT;
        LONG.set(a, ORDER_ID, orderId);
        LONG.set(a, ACCOUNT, account);
        LONG.set(a, SYMBOL, symbol);
        a[ACTION] = action;
        a[SIDE] = side;
        a[ORDER_TYPE] = orderType;
        a[TIME_IN_FORCE] = timeInForce;
        LONG.set(a, PRICE, price);
        LONG.set(a, QUANTITY, quantity);
        LONG.set(a, SEQ, seq);
        LONG.set(a, LEAVES_QTY, leavesQty);
        LONG.set(a, CUM_QTY, cumQty);
        LONG.set(a, LAST_PX, lastPx);
        LONG.set(a, LAST_QTY, lastQty);
        a[EXEC_TYPE] = execType;
        a[STATUS] = status;
        a[REJECT_REASON] = rejectReason;
        a[LINE_ERROR] = lineError;
        LONG.set(a, CONTRA_ORDER_ID, contraOrderId);
        LONG.set(a, EVENT_TIME, eventTime);
        LONG.set(a, SOURCE_LINE, sourceLine);
        LONG.set(a, SOURCE_INDEX, sourceIndex);
        INT.set(a, FLAGS, flags);
        LONG.set(a, WRITER_ID, writerId);
        LONG.set(a, WRITER_SEQ, writerSeq);
        LONG.set(a, INGRESS_NANOS, ingressNanos);
        LONG.set(a, RISK_NANOS, riskNanos);
        LONG.set(a, MATCH_NANOS, matchNanos);
        LONG.set(a, EGRESS_NANOS, egressNanos);
        out.write(a, 0, PAYLOAD_LENGTH);
        out.writeInt(codec.checksum());
    }

    /**
     * Reads a record written by {@link #writeMarshallable(BytesOut)}, overwriting every field, after checking its
     * length, format byte and checksum.
     *
     * @throws DamagedRecordException if the record is not an OrderInfo of this format or its bytes do not match its
     *                                checksum (a foreign, older or damaged queue); the exceptions are pre-allocated,
     *                                so reading stays garbage-free
     */
    @Override
    public void readMarshallable(BytesIn<?> in) {
        if (in.readRemaining() < BINARY_LENGTH)
            throw in.readRemaining() > 0 && in.peekUnsignedByte() != FORMAT ? DamagedRecordException.FORMAT
                    : DamagedRecordException.LENGTH;
        Codec c = codec;
        in.read(c.array, 0, PAYLOAD_LENGTH);
        int crc = in.readInt();
        if (c.array[0] != FORMAT)
            throw DamagedRecordException.FORMAT;
        if (c.checksummed && c.checksum() != crc)
            throw DamagedRecordException.CHECKSUM;
        byte[] a = c.array;
        orderId = (long) LONG.get(a, ORDER_ID);
        account = (long) LONG.get(a, ACCOUNT);
        symbol = (long) LONG.get(a, SYMBOL);
        action = a[ACTION];
        side = a[SIDE];
        orderType = a[ORDER_TYPE];
        timeInForce = a[TIME_IN_FORCE];
        price = (long) LONG.get(a, PRICE);
        quantity = (long) LONG.get(a, QUANTITY);
        seq = (long) LONG.get(a, SEQ);
        leavesQty = (long) LONG.get(a, LEAVES_QTY);
        cumQty = (long) LONG.get(a, CUM_QTY);
        lastPx = (long) LONG.get(a, LAST_PX);
        lastQty = (long) LONG.get(a, LAST_QTY);
        execType = a[EXEC_TYPE];
        status = a[STATUS];
        rejectReason = a[REJECT_REASON];
        lineError = a[LINE_ERROR];
        contraOrderId = (long) LONG.get(a, CONTRA_ORDER_ID);
        eventTime = (long) LONG.get(a, EVENT_TIME);
        sourceLine = (long) LONG.get(a, SOURCE_LINE);
        sourceIndex = (long) LONG.get(a, SOURCE_INDEX);
        flags = (int) INT.get(a, FLAGS);
        writerId = (long) LONG.get(a, WRITER_ID);
        writerSeq = (long) LONG.get(a, WRITER_SEQ);
        ingressNanos = (long) LONG.get(a, INGRESS_NANOS);
        riskNanos = (long) LONG.get(a, RISK_NANOS);
        matchNanos = (long) LONG.get(a, MATCH_NANOS);
        egressNanos = (long) LONG.get(a, EGRESS_NANOS);
    }

    /**
     * For the bench only: writes 0 instead of the checksum and reads without checking it, to measure what checksums
     * cost. Every orderpipe stage and tool reads and writes checksummed records.
     */
    public OrderInfo withoutChecksum() {
        codec.checksummed = false;
        return this;
    }

    /**
     * The fields are encoded into a reused array so that CRC32C (an intrinsic) can cover them; nothing allocated. Each
     * field is read and written at its fixed offset through a little-endian view of the array ({@link #LONG},
     * {@link #INT}): one bounds-checked load or store each, where a heap {@code ByteBuffer} also moved and checked its
     * position and its memory scope per field (about 145 ns of an order's 1.6 µs flat out in a profile).
     */
    private static final class Codec {
        final byte[] array = new byte[PAYLOAD_LENGTH];
        final CRC32C crc32c = new CRC32C();
        boolean checksummed = true;

        /** CRC32C of the encoded payload, or 0 when checksums are off. */
        int checksum() {
            if (!checksummed)
                return 0;
            crc32c.reset();
            crc32c.update(array, 0, PAYLOAD_LENGTH);
            return (int) crc32c.getValue();
        }
    }

    @Override
    public boolean usesSelfDescribingMessage() {
        return false;
    }

    // ---- accessors: fluent setters return this, so a stage can fill a record in one expression ----

    public long orderId() { return orderId; }
    public OrderInfo orderId(long v) { orderId = v; return this; }
    public long account() { return account; }
    public OrderInfo account(long v) { account = v; return this; }
    /** Symbol encoded by {@link Symbols}. */
    public long symbol() { return symbol; }
    public OrderInfo symbol(long v) { symbol = v; return this; }
    public Action action() { return Action.of(action); }
    public OrderInfo action(Action v) { action = v.code(); return this; }
    public Side side() { return Side.of(side); }
    public OrderInfo side(Side v) { side = v.code(); return this; }
    public OrderType orderType() { return OrderType.of(orderType); }
    public OrderInfo orderType(OrderType v) { orderType = v.code(); return this; }
    public TimeInForce timeInForce() { return TimeInForce.of(timeInForce); }
    public OrderInfo timeInForce(TimeInForce v) { timeInForce = v.code(); return this; }
    /** Limit price, fixed-point 4 decimals; 0 for none. */
    public long price() { return price; }
    public OrderInfo price(long v) { price = v; return this; }
    /** Order quantity; for REPLACE the new total quantity. */
    public long quantity() { return quantity; }
    public OrderInfo quantity(long v) { quantity = v; return this; }
    /**
     * The trading date of a session event and its report, {@code YYYYMMDD} ({@link TradingDates}; 0 for a
     * SESSION_CLOSE that names none): the {@code quantity} field, which a session event has no other use for.
     */
    public long tradingDate() { return quantity; }
    public OrderInfo tradingDate(long yyyymmdd) { quantity = yyyymmdd; return this; }
    /** Sequence number of an execution report, 1-based and dense on the executions queue. */
    public long seq() { return seq; }
    public OrderInfo seq(long v) { seq = v; return this; }
    public long leavesQty() { return leavesQty; }
    public OrderInfo leavesQty(long v) { leavesQty = v; return this; }
    public long cumQty() { return cumQty; }
    public OrderInfo cumQty(long v) { cumQty = v; return this; }
    /** Price of the last fill (the resting order's price), fixed-point. */
    public long lastPx() { return lastPx; }
    public OrderInfo lastPx(long v) { lastPx = v; return this; }
    public long lastQty() { return lastQty; }
    public OrderInfo lastQty(long v) { lastQty = v; return this; }
    public long contraOrderId() { return contraOrderId; }
    public OrderInfo contraOrderId(long v) { contraOrderId = v; return this; }
    /** When the event happened at the source, epoch nanoseconds ({@code ts_nanos} of the order file). */
    public long eventTime() { return eventTime; }
    public OrderInfo eventTime(long v) { eventTime = v; return this; }
    public ExecType execType() { return ExecType.of(execType); }
    public OrderInfo execType(ExecType v) { execType = v.code(); return this; }
    public OrderStatus status() { return OrderStatus.of(status); }
    public OrderInfo status(OrderStatus v) { status = v.code(); return this; }
    public RejectReason rejectReason() { return RejectReason.of(rejectReason); }
    public OrderInfo rejectReason(RejectReason v) { rejectReason = v.code(); return this; }
    /** Which format rule a BAD_LINE broke. */
    public LineError lineError() { return LineError.of(lineError); }
    public OrderInfo lineError(LineError v) { lineError = v.code(); return this; }
    /** Line number in the order file, 1-based; 0 when the order did not come from a file. */
    public long sourceLine() { return sourceLine; }
    public OrderInfo sourceLine(long v) { sourceLine = v; return this; }
    /** Index of the input record that caused this one. */
    public long sourceIndex() { return sourceIndex; }
    public OrderInfo sourceIndex(long v) { sourceIndex = v; return this; }
    /** Who wrote the order into the pipeline: 0 the file ingress, otherwise an order-entry writer id. */
    public long writerId() { return writerId; }
    public OrderInfo writerId(long v) { writerId = v; return this; }
    /** The writer's own sequence number for the order. */
    public long writerSeq() { return writerSeq; }
    public OrderInfo writerSeq(long v) { writerSeq = v; return this; }
    public int flags() { return flags; }
    public OrderInfo flags(int v) { flags = v; return this; }
    public boolean lastForInput() { return (flags & FLAG_LAST_FOR_INPUT) != 0; }
    public long ingressNanos() { return ingressNanos; }
    public OrderInfo ingressNanos(long v) { ingressNanos = v; return this; }
    public long riskNanos() { return riskNanos; }
    public OrderInfo riskNanos(long v) { riskNanos = v; return this; }
    public long matchNanos() { return matchNanos; }
    public OrderInfo matchNanos(long v) { matchNanos = v; return this; }
    public long egressNanos() { return egressNanos; }
    public OrderInfo egressNanos(long v) { egressNanos = v; return this; }

    /**
     * Whether this record is a rejection (from ingress, risk or matching): an order record with a reason, or a REJECTED
     * report. A CANCELED or EXPIRED report may carry a reason too (self-trade prevention, market protection, a DAY
     * order's {@link RejectReason#END_OF_DAY}): it ends an accepted order and is no rejection.
     */
    public boolean isRejected() {
        return rejectReason != 0 && (execType == 0 || execType == ExecType.REJECTED.code());
    }


    /** A readable one-line form for tools and logs (allocates). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{orderId: ").append(orderId)
                .append(", account: ").append(account)
                .append(", symbol: ").append(Symbols.toString(symbol))
                .append(", action: ").append(action())
                .append(", side: ").append(side())
                .append(", type: ").append(orderType())
                .append(", tif: ").append(timeInForce())
                .append(", price: ").append(Prices.format(price))
                .append(", qty: ").append(quantity);
        if (execType != 0) {
            sb.append(", seq: ").append(seq)
                    .append(", execType: ").append(execType())
                    .append(", status: ").append(status())
                    .append(", lastPx: ").append(Prices.format(lastPx))
                    .append(", lastQty: ").append(lastQty)
                    .append(", leavesQty: ").append(leavesQty)
                    .append(", cumQty: ").append(cumQty)
                    .append(", contraOrderId: ").append(contraOrderId);
        }
        if (rejectReason != 0) {
            sb.append(", reason: ").append(rejectReason());
            if (lineError != 0)
                sb.append(", lineError: ").append(lineError());
        }
        sb.append(", eventTime: ").append(eventTime)
                .append(", sourceLine: ").append(sourceLine)
                .append(", sourceIndex: 0x").append(Long.toHexString(sourceIndex))
                .append(", writerId: ").append(writerId)
                .append(", writerSeq: ").append(writerSeq)
                .append(", flags: ").append(flags)
                .append(", ingressNanos: ").append(ingressNanos)
                .append(", riskNanos: ").append(riskNanos)
                .append(", matchNanos: ").append(matchNanos)
                .append(", egressNanos: ").append(egressNanos)
                .append('}');
        return sb.toString();
    }
}
