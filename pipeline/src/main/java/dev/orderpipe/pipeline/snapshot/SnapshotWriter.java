package dev.orderpipe.pipeline.snapshot;

import dev.orderpipe.pipeline.infra.CrashPoints;
import net.openhft.chronicle.bytes.BytesOut;
import net.openhft.chronicle.bytes.WriteBytesMarshallable;
import net.openhft.chronicle.queue.ExcerptAppender;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Writes one snapshot at a time to a snapshot queue: {@link #begin} writes the header, the engine puts its state with
 * {@link #putLong}/{@link #putInt}/{@link #putByte} (into one reused chunk buffer, a chunk document written whenever
 * it fills), {@link #finish} writes the last chunk and the trailer with the CRC32C of the whole payload. Nothing is
 * allocated after construction: a snapshot of any size costs no garbage.
 *
 * <p>Crash points: {@link CrashPoints.Point#SNAPSHOT_CHUNK} after each chunk document,
 * {@link CrashPoints.Point#SNAPSHOT_BEFORE_TRAILER} before the trailer, {@link CrashPoints.Point#SNAPSHOT_WRITTEN}
 * after it.
 */
public final class SnapshotWriter implements WriteBytesMarshallable {
    private final byte[] buf;
    private final ByteBuffer view;
    private final CRC32C crc = new CRC32C();
    private ExcerptAppender appender;
    private byte kind;
    private int length;
    private int chunks;
    private long payload;
    private long headerIndex;
    // the header's fields
    private long coveredInput;
    private long outputLast;
    private long outputStamp;
    private long shape;
    private long takenMillis;
    private long sessionDate;
    private byte sessionState;
    private final String stage;
    private final byte[] stageBytes;

    SnapshotWriter(String stage, int chunkBytes) {
        this.stage = stage;
        this.stageBytes = stage.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.buf = new byte[chunkBytes];
        this.view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    }

    void appender(ExcerptAppender appender) {
        this.appender = appender;
    }

    /**
     * Writes the header of a snapshot of the state after input {@code coveredInput}, whose outputs end at output index
     * {@code outputLast} (-1: none yet), a record whose stage time is {@code outputStamp}.
     */
    void begin(long coveredInput, long outputLast, long outputStamp, long shape, long sessionDate, byte sessionState) {
        this.coveredInput = coveredInput;
        this.outputLast = outputLast;
        this.outputStamp = outputStamp;
        this.shape = shape;
        this.takenMillis = System.currentTimeMillis();
        this.sessionDate = sessionDate;
        this.sessionState = sessionState;
        crc.reset();
        length = 0;
        chunks = 0;
        payload = 0;
        write(SnapshotFormat.HEADER);
        headerIndex = appender.lastIndexAppended();
    }

    public void putLong(long v) {
        room(Long.BYTES);
        view.putLong(length, v);
        length += Long.BYTES;
    }

    public void putInt(int v) {
        room(Integer.BYTES);
        view.putInt(length, v);
        length += Integer.BYTES;
    }

    public void putByte(byte v) {
        room(1);
        buf[length++] = v;
    }

    /** Chunk documents written of the snapshot begun last: it grows by one each time the buffer fills. */
    public int chunksWritten() {
        return chunks;
    }

    /** Payload bytes put into the snapshot begun last so far, written in chunks or still buffered. */
    public long position() {
        return payload + length;
    }

    /** A value never straddles two chunks: the reader takes each from one. */
    private void room(int bytes) {
        if (length + bytes > buf.length)
            flush();
    }

    private void flush() {
        crc.update(buf, 0, length);
        payload += length;
        write(SnapshotFormat.CHUNK);
        chunks++;
        length = 0;
        CrashPoints.hit(CrashPoints.Point.SNAPSHOT_CHUNK);
    }

    /** Writes the last chunk and the trailer; the snapshot counts from then on. */
    void finish() {
        if (length > 0 || chunks == 0)
            flush();
        CrashPoints.hit(CrashPoints.Point.SNAPSHOT_BEFORE_TRAILER);
        write(SnapshotFormat.TRAILER);
        CrashPoints.hit(CrashPoints.Point.SNAPSHOT_WRITTEN);
    }

    private void write(byte kind) {
        this.kind = kind;
        appender.writeBytes(this);
    }

    @Override
    public void writeMarshallable(BytesOut<?> out) {
        out.writeByte(kind);
        if (kind == SnapshotFormat.HEADER) {
            out.writeInt(SnapshotFormat.MAGIC);
            out.writeInt(SnapshotFormat.VERSION);
            out.writeByte((byte) stageBytes.length);
            out.write(stageBytes, 0, stageBytes.length);
            out.writeLong(coveredInput);
            out.writeLong(outputLast);
            out.writeLong(outputStamp);
            out.writeLong(shape);
            out.writeLong(takenMillis);
            out.writeLong(sessionDate);
            out.writeByte(sessionState);
        } else if (kind == SnapshotFormat.CHUNK) {
            out.writeInt(chunks);
            out.writeInt(length);
            out.write(buf, 0, length);
        } else {
            out.writeLong(headerIndex);
            out.writeInt(chunks);
            out.writeLong(payload);
            out.writeInt((int) crc.getValue());
        }
    }

    String stage() {
        return stage;
    }
}
