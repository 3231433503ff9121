package dev.orderpipe.pipeline.util;

import java.util.Arrays;

/**
 * A fixed-capacity map from a pair of {@code long}s, a 128-bit key such as (account, order id), to a dense slot number
 * {@code 0..capacity-1}. The pair is stored whole by slot ({@link #first(int)}, {@link #second(int)}) and compared
 * whole on every probe, so two different pairs are never taken for one, whatever their hash. The open-addressing
 * table holds only slot numbers (4 bytes an entry at load factor at most 0.5), which keeps a table of millions of
 * keys small: 28 bytes per key of capacity with the pair itself.
 *
 * <p>It never resizes: when {@link #capacity()} keys are held, {@link #slotOf(long, long, boolean)} answers
 * {@link #FULL} for a new key. Nothing is allocated after construction. Removal uses backward-shift deletion (no
 * tombstones); freed slots are handed out again last-freed first, so the same operations give the same slots on every
 * run. Not thread-safe.
 */
public final class FixedPairIndex {
    /** Returned by {@link #slotOf} when the key is absent and not added. */
    public static final int ABSENT = -1;
    /** Returned by {@link #slotOf} when the key is absent and the index is full. */
    public static final int FULL = -2;

    private final long[] first;
    private final long[] second;
    /** Slot + 1 of the key at each table position; 0 is an empty position. */
    private final int[] table;
    private final int mask;
    private final int capacity;
    private final int[] freeSlots;
    private int freeTop;
    private int size;

    /** @param capacity most keys held at once */
    public FixedPairIndex(int capacity) {
        this(new long[Math.max(0, capacity)], new long[Math.max(0, capacity)]);
    }

    /**
     * An index whose keys live in the caller's arrays, indexed by slot: the index writes a key there when it adds it
     * and reads it on every probe, and the caller reads its keys from them too (a store of rows keeps one copy). The
     * caller must not change a key while its slot is in use: the index would no longer find it, which is what
     * a consistency check can catch.
     *
     * @param first the first halves of the keys; its length is the capacity
     * @param second the second halves, as long as {@code first}
     */
    public FixedPairIndex(long[] first, long[] second) {
        int capacity = first.length;
        if (capacity < 1 || second.length != capacity)
            throw new IllegalArgumentException("capacity must be >= 1 and both key arrays as long");
        this.capacity = capacity;
        this.first = first;
        this.second = second;
        int tableSize = FixedLongIndex.tableSizeFor(capacity);
        table = new int[tableSize];
        mask = tableSize - 1;
        freeSlots = new int[capacity];
        resetFreeSlots();
    }

    private void resetFreeSlots() {
        for (int i = 0; i < capacity; i++)
            freeSlots[i] = capacity - 1 - i;
        freeTop = capacity;
    }

    /** About the heap an index of {@code capacity} keys allocates: its pairs, its table and its free list. */
    public static long heapBytes(int capacity) {
        return (long) capacity * (2 * Long.BYTES + Integer.BYTES)
                + (long) FixedLongIndex.tableSizeFor(capacity) * Integer.BYTES;
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return size;
    }

    /**
     * Table positions: a walk over the held keys without allocation or iterator goes {@code 0..positions()-1} and
     * asks {@link #slotAt} (O(capacity), for a snapshot).
     */
    public int positions() {
        return table.length;
    }

    /** The slot of the key held at table {@code position}, or {@link #ABSENT} for an empty position. */
    public int slotAt(int position) {
        return table[position] - 1;
    }

    /** The first half of the key held in {@code slot} (meaningful only while the slot is in use). */
    public long first(int slot) {
        return first[slot];
    }

    /** The second half of the key held in {@code slot} (meaningful only while the slot is in use). */
    public long second(int slot) {
        return second[slot];
    }

    /**
     * The slot of the key ({@code a}, {@code b}); when absent and {@code add}, a new slot is taken.
     *
     * @return the slot, {@link #ABSENT} (absent, not added) or {@link #FULL} (absent, no room)
     */
    public int slotOf(long a, long b, boolean add) {
        int i = position(a, b);
        int held = table[i];
        if (held != 0)
            return held - 1;
        if (!add)
            return ABSENT;
        if (size == capacity)
            return FULL;
        int slot = freeSlots[--freeTop];
        first[slot] = a;
        second[slot] = b;
        table[i] = slot + 1;
        size++;
        return slot;
    }

    /** Whether the key ({@code a}, {@code b}) is held. */
    public boolean contains(long a, long b) {
        return table[position(a, b)] != 0;
    }

    /** The table position holding ({@code a}, {@code b}), or the empty position where it would go. */
    private int position(long a, long b) {
        int i = hash(a, b) & mask;
        while (true) {
            int held = table[i];
            if (held == 0 || (second[held - 1] == b && first[held - 1] == a))
                return i;
            i = (i + 1) & mask;
        }
    }

    /** Removes the key ({@code a}, {@code b}), freeing its slot; returns the slot or {@link #ABSENT}. */
    public int remove(long a, long b) {
        int i = position(a, b);
        int held = table[i];
        if (held == 0)
            return ABSENT;
        int slot = held - 1;
        freeSlots[freeTop++] = slot;
        size--;
        // backward-shift deletion
        int gap = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int moved = table[j];
            if (moved == 0)
                break;
            int home = hash(first[moved - 1], second[moved - 1]) & mask;
            // move the entry into the gap if its home is not cyclically in (gap, j]
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                table[gap] = moved;
                gap = j;
            }
        }
        table[gap] = 0;
        return slot;
    }

    /** Removes every key; slots are handed out again from 0, as after construction. */
    public void clear() {
        Arrays.fill(table, 0);
        resetFreeSlots();
        size = 0;
    }

    /**
     * Spreads a pair over the table: each half multiplied by its own odd constant, folded to 32 bits. A pair (0, key)
     * hashes as Fibonacci hashing of the key alone.
     */
    static int hash(long a, long b) {
        long h = a * 0xC2B2AE3D27D4EB4FL + b * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
