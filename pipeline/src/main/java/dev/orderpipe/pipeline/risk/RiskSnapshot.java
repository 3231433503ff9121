package dev.orderpipe.pipeline.risk;

import dev.orderpipe.pipeline.snapshot.SnapshotSteps;
import dev.orderpipe.pipeline.snapshot.SnapshotWriter;
import dev.orderpipe.pipeline.util.FixedLongIndex;
import dev.orderpipe.pipeline.util.FixedPairIndex;

import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * What a risk snapshot writes after its snapshot point ({@link RiskEngine#beginSave}), a step at a time between
 * inputs: the (account, id) pairs of the id table in the order first seen, then the rate windows.
 *
 * <p>The ids are not copied: they are read from the live table, slots 0..ids-1. The id table is only added to within
 * a session (a NEW's pair takes the next free slot, handed out 0, 1, 2... after a clear, and nothing is removed from
 * it: an order that ends does not free its id) and is emptied whole at a session's end, carried-over GTC orders'
 * ids too (matching keeps those, not risk). So the pairs of the first {@code ids} slots stay as they were at the
 * snapshot point until the session ends; a session's end while a snapshot is under way is refused
 * ({@link RiskEngine}): the stage finishes the snapshot before it hands the engine a session event.
 *
 * <p>The rate windows change with every order: the ones held (slots 0..accounts-1, only added to and emptied whole,
 * as the ids) are copied at the snapshot point, flat bulk copies into off-heap buffers allocated once at the stage's
 * start: O(accounts held x ring), small next to the ids.
 */
final class RiskSnapshot implements SnapshotSteps {
    private static final int IDS = 0;
    private static final int RATE_COUNT = 1;
    private static final int RATES = 2;
    private static final int DONE = 3;

    private final FixedPairIndex seenOrderIds;
    private final FixedLongIndex rateAccounts;
    private final long[] rateWindow;
    private final int[] rateCount;
    private final int[] rateRingNext;
    private final long[] rateRing;
    private final int ringLength;
    // the copy of the rate windows held at the snapshot point
    private final LongBuffer copyAccount;
    private final LongBuffer copyWindow;
    private final IntBuffer copyCount;
    private final IntBuffer copyRingNext;
    private final LongBuffer copyRing;
    private int ids;
    private int accounts;
    // where the writing is
    private int phase = DONE;
    private int next;

    /**
     * Over the engine's own tables (final arrays, never reallocated).
     *
     * @param ringLength times per account in {@code rateRing} ({@code maxOrdersPerSecond}), 0 without a rolling window
     */
    RiskSnapshot(FixedPairIndex seenOrderIds, FixedLongIndex rateAccounts, long[] rateWindow, int[] rateCount,
                 int[] rateRingNext, long[] rateRing, int ringLength) {
        this.seenOrderIds = seenOrderIds;
        this.rateAccounts = rateAccounts;
        this.rateWindow = rateWindow;
        this.rateCount = rateCount;
        this.rateRingNext = rateRingNext;
        this.rateRing = rateRing;
        this.ringLength = ringLength;
        String keys = "risk.accountCapacity x risk.maxOrdersPerSecond";
        copyAccount = SnapshotSteps.offHeap(rateWindow.length, Long.BYTES, keys).asLongBuffer();
        copyWindow = SnapshotSteps.offHeap(rateWindow.length, Long.BYTES, keys).asLongBuffer();
        copyCount = SnapshotSteps.offHeap(rateCount.length, Integer.BYTES, keys).asIntBuffer();
        copyRingNext = SnapshotSteps.offHeap(rateRingNext.length, Integer.BYTES, keys).asIntBuffer();
        copyRing = SnapshotSteps.offHeap(rateRing.length, Long.BYTES, keys).asLongBuffer();
    }

    /**
     * At the snapshot point, after the engine put its session and the id count: notes the ids held and copies the
     * rate windows held. Allocation-free.
     */
    void capture() {
        ids = seenOrderIds.size();
        int n = rateAccounts.size();
        accounts = n;
        for (int slot = 0; slot < n; slot++)
            copyAccount.put(slot, rateAccounts.key(slot));
        copyWindow.put(0, rateWindow, 0, n);
        copyCount.put(0, rateCount, 0, n);
        if (ringLength > 0) {
            copyRingNext.put(0, rateRingNext, 0, n);
            copyRing.put(0, rateRing, 0, n * ringLength);
        }
        next = 0;
        phase = IDS;
    }

    /** Whether part of the snapshot is still to be written: the id table's first slots must stay as they are. */
    boolean writing() {
        return phase != DONE;
    }

    /** Writes the next item of the layout: an (account, id) pair, the rate windows' count, a rate window. */
    @Override
    public boolean advance(SnapshotWriter out) {
        switch (phase) {
            case IDS:
                if (next == ids) {
                    phase = RATE_COUNT;
                    return true;
                }
                out.putLong(seenOrderIds.first(next));
                out.putLong(seenOrderIds.second(next));
                next++;
                return true;
            case RATE_COUNT:
                out.putInt(accounts);
                next = 0;
                phase = RATES;
                return true;
            case RATES:
                if (next == accounts) {
                    phase = DONE;
                    return false;
                }
                int slot = next++;
                out.putLong(copyAccount.get(slot));
                out.putLong(copyWindow.get(slot));
                out.putInt(copyCount.get(slot));
                if (ringLength > 0) {
                    out.putInt(copyRingNext.get(slot));
                    for (int i = 0, base = slot * ringLength; i < ringLength; i++)
                        out.putLong(copyRing.get(base + i));
                }
                return true;
            default:
                return false;
        }
    }
}
