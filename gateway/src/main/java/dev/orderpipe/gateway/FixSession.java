package dev.orderpipe.gateway;

import com.paritytrading.philadelphia.FIXMessage;
import com.paritytrading.philadelphia.FIXValue;
import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import net.openhft.chronicle.queue.RollCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.UncheckedIOException;

import static com.paritytrading.philadelphia.fix44.FIX44Tags.*;

/**
 * One configured FIX session: its persisted sequence numbers and outbound messages, and the connection it is logged
 * on through, if any. Every message the session sends goes through {@link #sendAdmin()} or {@link #sendApp(long)}:
 * numbered, stored, then written, so what a counterparty missed (while disconnected, or in a crash) is sent again
 * on its ResendRequest(2) with PossDupFlag(43)=Y, and admin messages are gap-filled.
 */
final class FixSession implements AutoCloseable {
    /** Room a resend leaves in the connection's {@link Outbox} for what is sent meanwhile. */
    private static final int RESEND_ROOM = Link.OUTBOX_CAPACITY / 2;
    /**
     * Stored messages a resend goes through per turn of the gateway's loop: a peer that reads fast must not keep the
     * loop on its resend while the other sessions' messages wait (each turn serves every connection once).
     */
    static final int RESEND_PER_TURN = 64;
    /** Stored messages before the range a resend skips per turn (reading one is cheap; sending one is not). */
    private static final int RESEND_SKIP_PER_TURN = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(FixSession.class);
    final SessionConfig config;
    final boolean dropCopy;
    final long account;
    final OutboundStore out;
    private final SeqFile inSeqFile;
    private final FixClock clock;
    private final FIXMessage message;
    private final FIXMessage stored;
    private final ByteBuffer storeBuffer = ByteBuffer.allocate(Gateway.MAX_MESSAGE);
    private final ByteBuffer readBuffer;

    /** Next inbound MsgSeqNum expected. */
    long nextIn;
    /** The inbound MsgSeqNum being handled, which what is sent meanwhile answers; 0 between messages. */
    private long answering;
    /** MsgSeqNum of the next message sent. */
    long nextOut;
    /** The connection the session is logged on through, or null. */
    Link link;
    long heartbeatMillis;
    long lastRxMillis;
    long lastTxMillis;
    long testRequestSentMillis;
    /** While a ResendRequest(2) of ours is outstanding: the MsgSeqNum that showed the gap; else 0. */
    long gapUpTo;
    boolean logoutSent;
    /** The highest inbound MsgSeqNum seen beyond the next expected (dropped, to be resent). */
    long highestSeen;
    /** The resend in progress: its range (resendEnd 0: none) and where the run of admin messages being skipped began. */
    private long resendBegin;
    private long resendEnd;
    private long resendGapStart;

    FixSession(SessionConfig config, Path dir, RollCycle rollCycle, FixClock clock, DiskSpaceGuard diskGuard) {
        this.config = config;
        this.dropCopy = config.sessionType() == SessionConfig.Type.DROP_COPY;
        this.account = config.account;
        this.clock = clock;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        this.out = new OutboundStore(dir.resolve("out"), rollCycle, diskGuard);
        this.inSeqFile = new SeqFile(dir.resolve("in.seq"));
        this.message = Gateway.newMessage();
        this.stored = Gateway.newMessage();
        this.readBuffer = ByteBuffer.wrap(out.readBody);
        // an inbound message answered but not yet recorded handled when the gateway stopped was handled
        this.nextIn = Math.max(Math.max(1, inSeqFile.get()), out.lastAnswered() + 1);
        this.nextOut = out.lastSeq() + 1;
    }

    /**
     * Inbound message {@code seq}, the next expected, is being handled: what is sent until {@link #persistIn()} is
     * stored as its answer, and a restart takes it as handled once an answer is stored.
     */
    void answering(long seq) {
        answering = seq;
    }

    /** Records that inbound messages up to {@code nextIn - 1} were handled. */
    void persistIn() {
        inSeqFile.set(nextIn);
        answering = 0;
    }

    /** The message being built by {@link #begin(char)}. */
    FIXMessage message() {
        return message;
    }

    /** Starts the next message of this session: the standard header, MsgSeqNum the next outbound number. */
    FIXMessage begin(char msgType) {
        FIXMessage m = message;
        m.reset();
        m.addField(MsgType).setChar(msgType);
        header(m, nextOut);
        return m;
    }

    private void header(FIXMessage m, long seq) {
        m.addField(SenderCompID).setString(config.senderCompId);
        m.addField(TargetCompID).setString(config.targetCompId);
        m.addField(MsgSeqNum).setInt(seq);
        m.addField(SendingTime).set(clock.now());
    }

    /** Numbers, stores and sends the admin message begun. */
    void sendAdmin() {
        out.append(nextOut, -1, OutboundStore.ADMIN, answering, storeBuffer.array(), 0);
        nextOut++;
        CrashPoints.hit(CrashPoints.Point.GATEWAY_STORED_NOT_SENT);
        write(message);
    }

    /** Numbers, stores and sends the application message begun; {@code execIndex} is its report's index or -1. */
    void sendApp(long execIndex) {
        storeBuffer.clear();
        message.put(storeBuffer);
        out.append(nextOut, execIndex, OutboundStore.APP, answering, storeBuffer.array(), storeBuffer.position());
        nextOut++;
        CrashPoints.hit(CrashPoints.Point.GATEWAY_STORED_NOT_SENT);
        write(message);
        if (answering != 0)
            CrashPoints.hit(CrashPoints.Point.GATEWAY_ANSWERED);
    }

    private void write(FIXMessage m) {
        Link l = link;
        if (l == null || l.closing)
            return;
        try {
            l.fix.send(m);
            lastTxMillis = clock.millis();
        } catch (IOException e) {
            l.fail(); // the peer is gone: the loop closes the link; the message stays stored for a resend
            return;
        }
        if (l.outbox.overflowed()) {
            // the peer stopped reading: disconnect it rather than wait (the message is stored; its resend brings it)
            LOG.warn("session {}: the peer does not read what is sent ({} bytes waiting), disconnecting",
                    config.directoryName(), l.outbox.waiting());
            l.fail();
        }
    }

    /**
     * Answers a ResendRequest(2): the stored application messages from {@code begin} to {@code end} (0: the last
     * sent) again, with PossDupFlag(43)=Y and OrigSendingTime(122), and a SequenceReset-GapFill(4) for each run of
     * admin messages among them. Nothing resent is numbered or stored again. A long range is sent as the connection
     * takes it, {@link #RESEND_PER_TURN} stored messages at most on each turn of the loop ({@link #continueResend()}),
     * so a resend never fills the connection's {@link Outbox} nor holds up the other sessions, whatever its size.
     */
    void resend(long begin, long end) {
        long last = nextOut - 1;
        if (end == 0 || end > last)
            end = last;
        if (begin < 1)
            begin = 1;
        if (begin > end) {
            resendEnd = 0;
            if (begin <= nextOut)
                gapFill(begin, nextOut); // nothing stored there (asked for beyond what was sent): move them on
            return;
        }
        resendBegin = begin;
        resendEnd = end;
        resendGapStart = 0;
        out.rewind();
        continueResend();
    }

    /** Sends more of the resend in progress while the connection has room for it; true when it sent something. */
    boolean continueResend() {
        Link l = link;
        if (resendEnd == 0 || l == null || l.closing)
            return false;
        boolean sent = false;
        int read = 0;
        int skipped = 0;
        while (read < RESEND_PER_TURN && skipped < RESEND_SKIP_PER_TURN && l.outbox.hasRoom(RESEND_ROOM)) {
            if (!out.next() || out.readSeq > resendEnd) {
                if (resendGapStart != 0)
                    gapFill(resendGapStart, resendEnd + 1);
                resendEnd = 0;
                return true;
            }
            long seq = out.readSeq;
            if (seq < resendBegin) {
                skipped++;
                continue;
            }
            read++;
            sent = true;
            if (out.readKind == OutboundStore.ADMIN) {
                if (resendGapStart == 0)
                    resendGapStart = seq;
                continue;
            }
            if (resendGapStart != 0) {
                gapFill(resendGapStart, seq);
                resendGapStart = 0;
            }
            resendStored(seq);
        }
        return sent;
    }

    /** Whether a resend is being sent. */
    boolean resending() {
        return resendEnd != 0;
    }

    private void gapFill(long seq, long newSeqNo) {
        FIXMessage m = message;
        m.reset();
        m.addField(MsgType).setChar('4');
        header(m, seq);
        m.addField(PossDupFlag).setChar('Y');
        m.addField(OrigSendingTime).set(clock.now());
        m.addField(GapFillFlag).setChar('Y');
        m.addField(NewSeqNo).setInt(newSeqNo);
        write(m);
    }

    private void resendStored(long seq) {
        readBuffer.clear().limit(out.readLength);
        try {
            if (!stored.get(readBuffer))
                return;
        } catch (IOException e) {
            return; // cannot happen for what this session stored; skipping it leaves a gap the peer asks for again
        }
        FIXValue origSendingTime = stored.valueOf(SendingTime);
        FIXMessage m = message;
        m.reset();
        m.addField(MsgType).set(stored.valueOf(MsgType));
        header(m, seq);
        m.addField(PossDupFlag).setChar('Y');
        if (origSendingTime != null)
            m.addField(OrigSendingTime).set(origSendingTime);
        for (int i = 0; i < stored.getFieldCount(); i++) {
            int tag = stored.tagAt(i);
            if (tag != MsgType && tag != SenderCompID && tag != TargetCompID && tag != MsgSeqNum
                    && tag != SendingTime)
                m.addField(tag).set(stored.valueAt(i));
        }
        write(m);
        CrashPoints.hit(CrashPoints.Point.GATEWAY_RESENT);
    }

    /** A connection for this session went away. */
    void unbind() {
        link = null;
        logoutSent = false;
        gapUpTo = 0;
        highestSeen = 0;
        testRequestSentMillis = 0;
        resendEnd = 0;
    }

    @Override
    public void close() {
        out.close();
        inSeqFile.close();
    }
}
