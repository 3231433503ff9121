package dev.orderpipe.pipeline.snapshot;

import dev.orderpipe.pipeline.config.ConfigException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The rest of a snapshot's payload after its snapshot point: an engine puts what is small at that point, captures
 * what it needs to write the rest exactly as the state was then (a copy, or a part of its tables that stays as it is
 * until the snapshot is written), and hands this over to {@link SnapshotStore#stepwise}, which writes it an item at a
 * time, a step between two inputs or on an idle turn ({@link SnapshotStore#writeOn}). The stage thus pauses for the
 * capture and for one step at a time, never for the whole encoding and its queue writes. Implementations are
 * allocated once and reused by every snapshot: nothing allocated per item.
 */
public interface SnapshotSteps {
    /** Puts the next item of the payload into {@code out}; false (nothing put) once all is put. */
    boolean advance(SnapshotWriter out);

    /** Puts all that is left at once (a snapshot written without pauses). */
    default void writeAll(SnapshotWriter out) {
        while (advance(out)) {
            // an item at a time
        }
    }

    /**
     * An off-heap buffer in native order of {@code count} values of {@code bytes} each, for a capture allocated once
     * at a stage's start: the preallocated tables stay within the heap budget the capacities are sized for, and the
     * collector never scans or moves it.
     *
     * @param keys the config keys the count comes from, named in the one line a user gets when it is too large
     */
    static ByteBuffer offHeap(long count, int bytes, String keys) {
        long n = Math.max(1, count) * bytes;
        if (n > Integer.MAX_VALUE)
            throw new ConfigException(keys + " is too large for a snapshot's copy (" + n + " bytes in one buffer):"
                    + " lower it, or set snapshots.enabled: false");
        return ByteBuffer.allocateDirect((int) n).order(ByteOrder.nativeOrder());
    }
}
