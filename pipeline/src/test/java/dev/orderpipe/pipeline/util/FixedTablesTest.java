package dev.orderpipe.pipeline.util;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
