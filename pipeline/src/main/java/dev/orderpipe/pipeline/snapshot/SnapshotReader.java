package dev.orderpipe.pipeline.snapshot;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.ReadBytesMarshallable;
import net.openhft.chronicle.queue.ExcerptTailer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a snapshot's payload back, chunk after chunk, in the order {@link SnapshotWriter} put it: what an engine
 * restores itself from. Its checksum was checked before ({@link SnapshotStore}); a payload that ends early or a
 * value read across a chunk's end is a {@link IllegalStateException} (a bug, or a reader of another layout).
 */
public final class SnapshotReader implements ReadBytesMarshallable {
    private final ExcerptTailer tailer;
    private final byte[] buf = new byte[SnapshotFormat.CHUNK_BYTES];
    private final ByteBuffer view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    private final int chunks;
    private int chunk;
    private int length;
    private int pos;
    private byte kind;

    /** @param tailer positioned at the snapshot's first chunk */
    SnapshotReader(ExcerptTailer tailer, int chunks) {
        this.tailer = tailer;
        this.chunks = chunks;
    }

    public long getLong() {
        need(Long.BYTES);
        long v = view.getLong(pos);
        pos += Long.BYTES;
        return v;
    }

    public int getInt() {
        need(Integer.BYTES);
        int v = view.getInt(pos);
        pos += Integer.BYTES;
        return v;
    }

    public byte getByte() {
        need(1);
        return buf[pos++];
    }

    private void need(int bytes) {
        if (pos + bytes <= length)
            return;
        if (pos != length || chunk == chunks)
            throw new IllegalStateException("snapshot payload read past its end (chunk " + chunk + " of " + chunks
                    + ", at " + pos + " of " + length + ")");
        if (!tailer.readBytes(this) || kind != SnapshotFormat.CHUNK)
            throw new IllegalStateException("snapshot chunk " + chunk + " of " + chunks + " cannot be read again");
        chunk++;
        pos = 0;
        if (bytes > length)
            throw new IllegalStateException("snapshot chunk " + chunk + " holds " + length + " bytes");
    }

    /** Whether every chunk was read to its end: an engine that restored less than was saved is refused. */
    public boolean atEnd() {
        return chunk == chunks && pos == length;
    }

    @Override
    public void readMarshallable(BytesIn<?> in) {
        kind = in.readByte();
        if (kind != SnapshotFormat.CHUNK)
            return;
        in.readInt(); // its number, checked when the checksum was
        length = in.readInt();
        in.read(buf, 0, length);
    }
}
