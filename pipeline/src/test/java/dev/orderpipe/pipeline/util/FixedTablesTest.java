package dev.orderpipe.pipeline.util;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
    void fixedPairIndexBehavesLikeAMapOfPairsAndNeverGrows() {
        SplittableRandom r = new SplittableRandom(5);
        int capacity = 500;
        FixedPairIndex index = new FixedPairIndex(capacity);
        Map<List<Long>, Integer> reference = new HashMap<>();
        Set<Integer> slotsInUse = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            // few accounts and ids, so that one id lives on several accounts at once; 0 is a key like any other
            long a = r.nextInt(4);
            long b = r.nextInt(600);
            List<Long> key = List.of(a, b);
            if (r.nextBoolean()) {
                int slot = index.slotOf(a, b, true);
                Integer known = reference.get(key);
                if (known != null) {
                    assertEquals((int) known, slot);
                } else if (reference.size() == capacity) {
                    assertEquals(FixedPairIndex.FULL, slot);
                } else {
                    assertTrue(slot >= 0 && slot < capacity && slotsInUse.add(slot), "a free slot: " + slot);
                    reference.put(key, slot);
                }
            } else {
                int slot = index.remove(a, b);
                Integer known = reference.remove(key);
                assertEquals(known == null ? FixedPairIndex.ABSENT : known, slot);
                if (known != null)
                    slotsInUse.remove(known);
            }
            assertEquals(reference.size(), index.size());
        }
        for (Map.Entry<List<Long>, Integer> e : reference.entrySet()) {
            int slot = index.slotOf(e.getKey().get(0), e.getKey().get(1), false);
            assertEquals((int) e.getValue(), slot);
            assertEquals(e.getKey(), List.of(index.first(slot), index.second(slot)), "the pair is stored whole");
        }
    }

    /** Pairs whose halves are swapped, or whose hashes collide, are still different keys: the whole pair is compared. */
    @Test
    void fixedPairIndexNeverTakesOnePairForAnother() {
        FixedPairIndex index = new FixedPairIndex(8);
        int slot = index.slotOf(7, 1, true);
        assertEquals(FixedPairIndex.ABSENT, index.slotOf(1, 7, false));
        assertEquals(FixedPairIndex.ABSENT, index.slotOf(9, 1, false));
        assertEquals(FixedPairIndex.ABSENT, index.slotOf(7, 2, false));
        // a pair of another account whose hash lands on the same table position
        long a = 7;
        long b = 1;
        long other = 0;
        int mask = FixedLongIndex.tableSizeFor(8) - 1;
        while ((FixedPairIndex.hash(a + 1, other) & mask) != (FixedPairIndex.hash(a, b) & mask))
            other++;
        int collider = index.slotOf(a + 1, other, true);
        assertTrue(collider >= 0 && collider != slot);
        assertEquals(slot, index.slotOf(7, 1, false));
        assertEquals(collider, index.slotOf(a + 1, other, false));
        assertEquals(slot, index.remove(7, 1));
        assertFalse(index.contains(7, 1));
        assertEquals(collider, index.slotOf(a + 1, other, false), "backward shift kept the colliding key reachable");
    }

    @Test
    void capacityOneHoldsOneKeyAndZeroIsRefused() {
        FixedPairIndex pairs = new FixedPairIndex(1);
        assertEquals(1, pairs.capacity());
        assertEquals(0, pairs.slotOf(7, 7, true));
        assertEquals(FixedPairIndex.FULL, pairs.slotOf(7, 8, true));
        assertFalse(pairs.contains(7, 8));
        assertThrows(IllegalArgumentException.class, () -> new FixedPairIndex(0));
        assertThrows(IllegalArgumentException.class, () -> new FixedPairIndex(new long[2], new long[3]));

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
            assertEquals(TableBytes.of(new FixedPairIndex(capacity)), FixedPairIndex.heapBytes(capacity),
                    "pair index of " + capacity);
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
