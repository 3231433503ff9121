package dev.orderpipe.pipeline.util;

import java.util.Arrays;

/**
 * A fixed-capacity open-addressing map from a non-zero {@code long} key to a dense slot number {@code 0..capacity-1}.
 * It never resizes: when {@link #capacity()} keys are held, {@link #slotOf(long, boolean)} answers {@link #FULL} for a
 * new key, which callers turn into a clear rejection. Nothing is allocated after construction. Removal uses
 * backward-shift deletion, so there are no tombstones and lookups stay short. Not thread-safe.
 */
public final class FixedLongIndex {
    /** Returned by {@link #slotOf} when the key is absent and not added. */
    public static final int ABSENT = -1;
    /** Returned by {@link #slotOf} when the key is absent and the index is full. */
    public static final int FULL = -2;

    private final long[] keys;
    private final int[] slots;
    private final int mask;
    private final int capacity;
    private final int[] freeSlots;
    private int freeTop;
    private int size;

    /** @param capacity most keys held at once */
    public FixedLongIndex(int capacity) {
        if (capacity < 1)
            throw new IllegalArgumentException("capacity must be >= 1");
        this.capacity = capacity;
        int tableSize = tableSizeFor(capacity);
        keys = new long[tableSize];
        slots = new int[tableSize];
        mask = tableSize - 1;
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
            freeSlots[i] = capacity - 1 - i;
        freeTop = capacity;
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return size;
    }

    /**
     * The slot of {@code key}; when absent and {@code add}, a new slot is taken.
     *
     * @return the slot, {@link #ABSENT} (absent, not added) or {@link #FULL} (absent, no room)
     */
    public int slotOf(long key, boolean add) {
        if (key == 0)
            throw new IllegalArgumentException("key 0 is reserved");
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key)
                return slots[i];
            if (k == 0)
                break;
            i = (i + 1) & mask;
        }
        if (!add)
            return ABSENT;
        if (size == capacity)
            return FULL;
        int slot = freeSlots[--freeTop];
        keys[i] = key;
        slots[i] = slot;
        size++;
        return slot;
    }

    /** Whether {@code key} is held. */
    public boolean contains(long key) {
        return slotOf(key, false) >= 0;
    }

    /** Removes {@code key}, freeing its slot; returns the slot or {@link #ABSENT}. */
    public int remove(long key) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == 0)
                return ABSENT;
            if (k == key)
                break;
            i = (i + 1) & mask;
        }
        int slot = slots[i];
        freeSlots[freeTop++] = slot;
        size--;
        // backward-shift deletion
        int gap = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long k = keys[j];
            if (k == 0)
                break;
            int home = hash(k) & mask;
            // move k into the gap if its home is not cyclically in (gap, j]
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                keys[gap] = k;
                slots[gap] = slots[j];
                gap = j;
            }
        }
        keys[gap] = 0;
        slots[gap] = 0;
        return slot;
    }

    /** Removes every key. */
    public void clear() {
        Arrays.fill(keys, 0);
        for (int i = 0; i < capacity; i++)
            freeSlots[i] = capacity - 1 - i;
        freeTop = capacity;
        size = 0;
    }

    /** About the heap an index of {@code capacity} keys allocates: its table of keys and slots, and its free list. */
    public static long heapBytes(int capacity) {
        return (long) tableSizeFor(capacity) * (Long.BYTES + Integer.BYTES) + (long) capacity * Integer.BYTES;
    }

    /** Open-addressing table size for {@code capacity} keys: a power of two, load factor at most 0.5. */
    static int tableSizeFor(int capacity) {
        return Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
    }

    /** Spreads a key over the table (Fibonacci hashing). */
    static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
