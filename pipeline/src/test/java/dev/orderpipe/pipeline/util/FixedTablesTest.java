package dev.orderpipe.pipeline.util;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixed-capacity tables against java.util collections, with adds, removes and a full table. */
class FixedTablesTest {

    @Test
    void fixedLongIndexBehavesLikeAMapAndNeverGrows() {
        SplittableRandom r = new SplittableRandom(3);
        int capacity = 500;
        FixedLongIndex index = new FixedLongIndex(capacity);
        Map<Long, Integer> reference = new HashMap<>();
        Set<Integer> slotsInUse = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            long key = 1 + r.nextInt(2_000); // many collisions and reuses
            if (r.nextBoolean()) {
                int slot = index.slotOf(key, true);
                Integer known = reference.get(key);
                if (known != null) {
                    assertEquals((int) known, slot);
                } else if (reference.size() == capacity) {
                    assertEquals(FixedLongIndex.FULL, slot);
                } else {
                    assertTrue(slot >= 0 && slot < capacity && slotsInUse.add(slot), "a free slot: " + slot);
                    reference.put(key, slot);
                }
            } else {
                int slot = index.remove(key);
                Integer known = reference.remove(key);
                assertEquals(known == null ? FixedLongIndex.ABSENT : known, slot);
                if (known != null)
                    slotsInUse.remove(known);
            }
            assertEquals(reference.size(), index.size());
        }
        for (Map.Entry<Long, Integer> e : reference.entrySet())
            assertEquals((int) e.getValue(), index.slotOf(e.getKey(), false));
    }

    @Test
    void fixedLongSetAddsUntilFull() {
        FixedLongSet set = new FixedLongSet(1000);
        SplittableRandom r = new SplittableRandom(5);
        Set<Long> reference = new HashSet<>();
        while (reference.size() < 1000) {
            long key = 1 + r.nextLong(5_000);
            assertEquals(reference.add(key) ? FixedLongSet.ADDED : FixedLongSet.PRESENT, set.add(key));
        }
        assertEquals(FixedLongSet.PRESENT, set.add(reference.iterator().next()));
        long absent = 10_000;
        assertEquals(FixedLongSet.FULL, set.add(absent));
        assertFalse(set.contains(absent));
        assertEquals(1000, set.size());
        for (long k : reference)
            assertTrue(set.contains(k));
    }

    @Test
    void capacityOneHoldsOneKeyAndZeroIsRefused() {
        FixedLongSet set = new FixedLongSet(1);
        assertEquals(1, set.capacity());
        assertEquals(FixedLongSet.ADDED, set.add(7));
        assertEquals(FixedLongSet.FULL, set.add(8));
        assertFalse(set.contains(0), "0 is the empty marker, never a member");
        assertThrows(IllegalArgumentException.class, () -> set.add(0));
        assertThrows(IllegalArgumentException.class, () -> new FixedLongSet(0));

        FixedLongIndex index = new FixedLongIndex(1);
        assertEquals(1, index.capacity());
        assertEquals(0, index.slotOf(7, true));
        assertTrue(index.contains(7), "slot 0 is a slot");
        assertEquals(FixedLongIndex.FULL, index.slotOf(8, true));
        assertFalse(index.contains(8));
        assertThrows(IllegalArgumentException.class, () -> index.slotOf(0, false));
        assertThrows(IllegalArgumentException.class, () -> new FixedLongIndex(0));
    }

    @Test
    void clearEmptiesTheIndexAndHandsOutEverySlotAgainInTheSameOrder() {
        FixedLongIndex index = new FixedLongIndex(3);
        for (long key = 1; key <= 3; key++)
            assertEquals((int) key - 1, index.slotOf(key * 100, true));
        index.remove(200);
        index.clear();
        assertEquals(0, index.size());
        for (long key = 1; key <= 3; key++)
            assertFalse(index.contains(key * 100), "key " + key * 100 + " survived clear()");
        // the free list is rebuilt whole: slots 0, 1, 2 in order, then full
        for (long key = 1; key <= 3; key++)
            assertEquals((int) key - 1, index.slotOf(key, true));
        assertEquals(FixedLongIndex.FULL, index.slotOf(4, true));
    }

    @Test
    void heapBytesIsWhatTheTablesHold() {
        for (int capacity : new int[]{1, 3, 500, 4096, 100_000}) {
            assertEquals(TableBytes.of(new FixedLongIndex(capacity)), FixedLongIndex.heapBytes(capacity),
                    "index of " + capacity);
            assertEquals(TableBytes.of(new FixedLongSet(capacity)), FixedLongSet.heapBytes(capacity),
                    "set of " + capacity);
        }
    }

    /**
     * Lookups stay short only if keys spread over the table: dense ids (1, 2, 3...) and ids that differ only in their
     * high bits (a sender's prefix, a shifted counter) must both land in many buckets, not in a few long runs.
     */
    @Test
    void hashSpreadsDenseAndHighBitKeys() {
        int keys = 1024;
        int mask = FixedLongIndex.tableSizeFor(keys) - 1;
        assertEquals(2047, mask);
        for (int shift : new int[]{0, 20, 32}) {
            Set<Integer> buckets = new HashSet<>();
            for (long k = 1; k <= keys; k++)
                buckets.add(FixedLongIndex.hash(k << shift) & mask);
            // random placement of 1024 keys in 2048 buckets fills about 800; a weak hash fills a handful
            assertTrue(buckets.size() > 700, "keys << " + shift + " fill only " + buckets.size() + " buckets");
        }
    }
}
