package dev.orderpipe.pipeline.util;

/**
 * A fixed-capacity open-addressing map from a non-zero {@code long} key to a dense slot number {@code 0..capacity-1}:
 * a {@link FixedPairIndex} whose keys have a first half of 0 (same table, same slot order, same costs). It never
 * resizes: when {@link #capacity()} keys are held, {@link #slotOf(long, boolean)} answers {@link #FULL} for a new key,
 * which callers turn into a clear rejection. Nothing is allocated after construction. Removal uses backward-shift
 * deletion, so there are no tombstones and lookups stay short. Not thread-safe.
 */
public final class FixedLongIndex {
    /** Returned by {@link #slotOf} when the key is absent and not added. */
    public static final int ABSENT = FixedPairIndex.ABSENT;
    /** Returned by {@link #slotOf} when the key is absent and the index is full. */
    public static final int FULL = FixedPairIndex.FULL;

    private final FixedPairIndex index;

    /** @param capacity most keys held at once */
    public FixedLongIndex(int capacity) {
        index = new FixedPairIndex(capacity);
    }

    public int capacity() {
        return index.capacity();
    }

    public int size() {
        return index.size();
    }

    /**
     * The slot of {@code key}; when absent and {@code add}, a new slot is taken.
     *
     * @return the slot, {@link #ABSENT} (absent, not added) or {@link #FULL} (absent, no room)
     */
    public int slotOf(long key, boolean add) {
        if (key == 0)
            throw new IllegalArgumentException("key 0 is reserved");
        return index.slotOf(0, key, add);
    }

    /** Whether {@code key} is held. */
    public boolean contains(long key) {
        return slotOf(key, false) >= 0;
    }

    /** Removes {@code key}, freeing its slot; returns the slot or {@link #ABSENT}. */
    public int remove(long key) {
        return index.remove(0, key);
    }

    /** Table positions, for a walk over the held keys ({@link FixedPairIndex#positions()}). */
    public int positions() {
        return index.positions();
    }

    /** The slot of the key held at table {@code position}, or {@link #ABSENT}. */
    public int slotAt(int position) {
        return index.slotAt(position);
    }

    /** The key held in {@code slot} (meaningful only while the slot is in use). */
    public long key(int slot) {
        return index.second(slot);
    }

    /** Removes every key. */
    public void clear() {
        index.clear();
    }

    /** About the heap an index of {@code capacity} keys allocates. */
    public static long heapBytes(int capacity) {
        return FixedPairIndex.heapBytes(capacity);
    }

    /** Open-addressing table size for {@code capacity} keys: a power of two, load factor at most 0.5. */
    static int tableSizeFor(int capacity) {
        return Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
    }

    /** Spreads a key over the table (Fibonacci hashing): the hash of the pair (0, key). */
    static int hash(long key) {
        return FixedPairIndex.hash(0, key);
    }
}
