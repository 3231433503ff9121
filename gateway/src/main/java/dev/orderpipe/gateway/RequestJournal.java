package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * The order requests the gateway accepted, written before each becomes an order on the pipeline's orders queue: the
 * ClOrdIDs and the order ids they were given (the ClOrdID mapping is rebuilt from here on restart), the inbound
 * MsgSeqNum(34) that carried each, and the writer sequence number its order record has or will have. A restarted
 * gateway whose last request has a writer sequence number beyond the last order it wrote writes that order then,
 * so a crash between the two loses nothing.
 */
final class RequestJournal extends StateQueue {
    static final byte NEW = 1;
    static final byte CANCEL = 2;
    static final byte REPLACE = 3;

    private boolean peeked;

    // the request being written, or the one read
    long writerSeq;
    long inSeq;
    byte action;
    long account;
    long orderId;
    long symbol;
    byte side;
    byte orderType;
    byte timeInForce;
    long price;
    long quantity;
    final byte[] clOrdId = new byte[GatewayConfig.MAX_CL_ORD_ID];
    int clOrdIdLength;
    /**
     * Index on the executions queue of the last report the gateway had handled when it took the request (-1: none),
     * so a restarted gateway applies the request between the same two reports as the live one did (one taken while
     * a close's reports were on their way must be waiting on its order when the close is handled). Long.MAX_VALUE
     * when read from a record written before this was kept.
     */
    long seenExecIndex;

    RequestJournal(Path dir, RollCycle rollCycle, DiskSpaceGuard guard) {
        super(dir, rollCycle, guard);
    }

    /** Appends the request in the fields. */
    void append() {
        requireRoom();
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeLong(writerSeq);
            b.writeLong(inSeq);
            b.writeByte(action);
            b.writeLong(account);
            b.writeLong(orderId);
            b.writeLong(symbol);
            b.writeByte(side);
            b.writeByte(orderType);
            b.writeByte(timeInForce);
            b.writeLong(price);
            b.writeLong(quantity);
            b.writeByte((byte) clOrdIdLength);
            b.write(clOrdId, 0, clOrdIdLength);
            b.writeLong(seenExecIndex);
        }
    }

    /**
     * Reads the next request into the fields if its writer sequence number is at most {@code upTo} or it was taken
     * before the report at executions index {@code execIndex} was handled; a request read and not taken is kept for
     * the next call.
     */
    boolean next(long upTo, long execIndex) {
        if (!peeked && !read())
            return false;
        peeked = writerSeq > upTo && seenExecIndex >= execIndex;
        return !peeked;
    }

    private boolean read() {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent())
                return false;
            Bytes<?> b = dc.wire().bytes();
            writerSeq = b.readLong();
            inSeq = b.readLong();
            action = b.readByte();
            account = b.readLong();
            orderId = b.readLong();
            symbol = b.readLong();
            side = b.readByte();
            orderType = b.readByte();
            timeInForce = b.readByte();
            price = b.readLong();
            quantity = b.readLong();
            clOrdIdLength = b.readByte();
            b.read(clOrdId, 0, clOrdIdLength);
            seenExecIndex = b.readRemaining() >= Long.BYTES ? b.readLong() : Long.MAX_VALUE;
            return true;
        }
    }
}
