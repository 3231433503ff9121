package dev.orderpipe.pipeline.util;

/**
 * A fixed-capacity open-addressing set of non-zero {@code long}s that never resizes and never removes: the table
 * of order ids seen, where memory per id matters (8 bytes per slot at load factor 0.5, against 28 for a
 * {@link FixedLongIndex}). When {@link #capacity()} keys are held, {@link #add(long)} answers {@link #FULL}.
 * Nothing is allocated after construction. Not thread-safe.
 */
public final class FixedLongSet {
    /** {@link #add} result: the key was not held and now is. */
    public static final int ADDED = 0;
    /** {@link #add} result: the key was already held. */
    public static final int PRESENT = 1;
    /** {@link #add} result: the key was not held and there is no room. */
    public static final int FULL = 2;

    private final long[] keys;
    private final int mask;
    private final int capacity;
    private int size;

    public FixedLongSet(int capacity) {
        if (capacity < 1)
            throw new IllegalArgumentException("capacity must be >= 1");
        this.capacity = capacity;
        int tableSize = FixedLongIndex.tableSizeFor(capacity);
        keys = new long[tableSize];
        mask = tableSize - 1;
    }

    /** About the heap a set of {@code capacity} keys allocates. */
    public static long heapBytes(int capacity) {
        return (long) FixedLongIndex.tableSizeFor(capacity) * Long.BYTES;
    }

    /** Adds {@code key} (non-zero) unless held; says which happened. */
    public int add(long key) {
        if (key == 0)
            throw new IllegalArgumentException("key 0 is reserved");
        int i = FixedLongIndex.hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key)
                return PRESENT;
            if (k == 0)
                break;
            i = (i + 1) & mask;
        }
        if (size == capacity)
            return FULL;
        keys[i] = key;
        size++;
        return ADDED;
    }

    /** Whether {@code key} is held. */
    public boolean contains(long key) {
        int i = FixedLongIndex.hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key)
                return key != 0;
            if (k == 0)
                return false;
            i = (i + 1) & mask;
        }
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }
}
