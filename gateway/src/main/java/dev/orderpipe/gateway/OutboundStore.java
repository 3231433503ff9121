package dev.orderpipe.gateway;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * Every message a session sent or will send, by MsgSeqNum(34), on a Chronicle queue in the session's directory: the
 * session's next outbound number is the last stored one + 1, a ResendRequest(2) is answered from it, and the index of
 * the last execution report stored tells a restarted gateway which reports the session has had. A message is stored
 * before it is written to the socket, so one that was sent is always here.
 *
 * <p>Records: seq, executions-queue index of the report (-1 for none), kind (admin or application), then the
 * message's fields from MsgType(35) on as FIX bytes (none for admin messages: a resend gap-fills them).
 */
final class OutboundStore extends StateQueue {
    static final byte APP = 0;
    static final byte ADMIN = 1;

    private long lastSeq;
    private long lastExecIndex = -1;

    /** The record {@link #next()} read. */
    long readSeq;
    long readExecIndex;
    byte readKind;
    int readLength;
    final byte[] readBody = new byte[Gateway.MAX_MESSAGE];

    OutboundStore(Path dir, RollCycle rollCycle) {
        super(dir, rollCycle);
        while (next()) {
            lastSeq = readSeq;
            if (readExecIndex > lastExecIndex)
                lastExecIndex = readExecIndex;
        }
    }

    /** MsgSeqNum of the last message stored, 0 for none. */
    long lastSeq() {
        return lastSeq;
    }

    /** Executions-queue index of the last report stored, -1 for none. */
    long lastExecIndex() {
        return lastExecIndex;
    }

    void append(long seq, long execIndex, byte kind, byte[] body, int length) {
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeLong(seq);
            b.writeLong(execIndex);
            b.writeByte(kind);
            b.writeInt(length);
            b.write(body, 0, length);
        }
        lastSeq = seq;
        if (execIndex > lastExecIndex)
            lastExecIndex = execIndex;
    }

    /** Makes {@link #next()} start again from the first message. */
    void rewind() {
        tailer.toStart();
    }

    /** Reads the next stored message into the read fields; false at the end. */
    boolean next() {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent())
                return false;
            Bytes<?> b = dc.wire().bytes();
            readSeq = b.readLong();
            readExecIndex = b.readLong();
            readKind = b.readByte();
            readLength = b.readInt();
            b.read(readBody, 0, readLength);
            return true;
        }
    }
}
