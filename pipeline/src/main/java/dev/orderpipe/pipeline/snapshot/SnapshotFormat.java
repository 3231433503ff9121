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
    /**
     * The payload layout's version: 2 added matching's carried-over orders (a byte per resting order, the finished
     * ones' ids) and writes risk's ids in the order they were first seen. A snapshot of another version is not
     * restored (a WARN says so) and the one before it is tried: after an upgrade the first restart re-feeds the
     * whole input once.
     */
    static final int VERSION = 2;
    /**
     * Most payload bytes in one chunk document ({@code snapshots.chunkBytes} is at most this): a large book spans many,
     * each well within a queue's block.
     */
    static final int CHUNK_BYTES = 1 << 20;

    private SnapshotFormat() {
    }
}
