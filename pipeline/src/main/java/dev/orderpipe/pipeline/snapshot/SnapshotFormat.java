package dev.orderpipe.pipeline.snapshot;

/**
 * The documents of a snapshot queue (docs/formats.md, Snapshots): a snapshot is a HEADER, CHUNKs of its payload in
 * order, and a TRAILER with the payload's CRC32C; one without a valid trailer is absent. Every document starts with
 * its kind byte; numbers are little-endian.
 */
final class SnapshotFormat {
    static final byte HEADER = 'H';
    static final byte CHUNK = 'C';
    static final byte TRAILER = 'T';
    /** "OPSN", the first int of a header. */
    static final int MAGIC = 0x4E53504F;
    static final int VERSION = 1;
    /**
     * Most payload bytes in one chunk document ({@code snapshots.chunkBytes} is at most this): a large book spans many,
     * each well within a queue's block.
     */
    static final int CHUNK_BYTES = 1 << 20;

    private SnapshotFormat() {
    }
}
