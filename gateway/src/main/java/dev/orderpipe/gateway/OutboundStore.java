package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
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
 * <p>Records: seq, executions-queue index of the report (-1 for none), kind (admin or application, with the bit
 * {@link #ANSWERS} when the message answers an inbound one: then the inbound MsgSeqNum follows as a long), then the
 * message's fields from MsgType(35) on as FIX bytes (none for admin messages: a resend gap-fills them). A restarted
 * gateway takes an inbound message answered here as handled ({@link #lastAnswered()}), so one answered just before a
 * crash is not handled, and answered, a second time when the counterparty sends it again.
 */
final class OutboundStore extends StateQueue {
    static final byte APP = 0;
    static final byte ADMIN = 1;
    /** Kind bit: the inbound MsgSeqNum the message answers follows the kind. */
    static final byte ANSWERS = 0x10;

    private long lastSeq;
    private long lastExecIndex = -1;
    private long lastAnswered;

    /** The record {@link #next()} read. */
    long readSeq;
    long readExecIndex;
    /** {@link #APP} or {@link #ADMIN}. */
    byte readKind;
    /** The inbound MsgSeqNum the message answers, 0 for none. */
    long readAnswers;
    int readLength;
    final byte[] readBody = new byte[Gateway.MAX_MESSAGE];

    OutboundStore(Path dir, RollCycle rollCycle, DiskSpaceGuard guard) {
        super(dir, rollCycle, guard);
        while (next()) {
            lastSeq = readSeq;
            if (readAnswers > lastAnswered)
                lastAnswered = readAnswers;
            if (readExecIndex > lastExecIndex)
                lastExecIndex = readExecIndex;
        }
    }

    /** MsgSeqNum of the last message stored, 0 for none. */
    long lastSeq() {
        return lastSeq;
    }

    /** The highest inbound MsgSeqNum a stored message answers, 0 for none. */
    long lastAnswered() {
        return lastAnswered;
    }

    /** Executions-queue index of the last report stored, -1 for none. */
    long lastExecIndex() {
        return lastExecIndex;
    }

    /** Stores message {@code seq}; {@code answers}: the inbound MsgSeqNum it answers, 0 for none. */
    void append(long seq, long execIndex, byte kind, long answers, byte[] body, int length) {
        requireRoom();
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeLong(seq);
            b.writeLong(execIndex);
            if (answers > 0) {
                b.writeByte((byte) (kind | ANSWERS));
                b.writeLong(answers);
            } else {
                b.writeByte(kind);
            }
            b.writeInt(length);
            b.write(body, 0, length);
        }
        lastSeq = seq;
        if (answers > lastAnswered)
            lastAnswered = answers;
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
            byte kind = b.readByte();
            readKind = (byte) (kind & ~ANSWERS);
            readAnswers = (kind & ANSWERS) != 0 ? b.readLong() : 0;
            readLength = b.readInt();
            b.read(readBody, 0, readLength);
            return true;
        }
    }
}
