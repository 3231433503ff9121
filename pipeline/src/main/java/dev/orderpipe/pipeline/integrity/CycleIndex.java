package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.infra.QueueDamagedException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Chronicle's own index inside one cycle file, checked against the data records as the framing walk of
 * {@link CycleFile} finds them: what {@code moveToIndex} follows (a tailer that starts at an index, reads backwards,
 * moves to the end or to the next cycle), so that an entry pointing at the wrong record is named instead of read.
 *
 * <p>The layout (Chronicle Queue 5 and 2026.x, {@code SCQIndexing}): the queue header's {@code index2Index} is the
 * position of a metadata document {@code index2index: [indexCount longs]}; its entry k is the position of the k-th
 * index document {@code index: [indexCount longs]} (0 until it is created), whose entry i is the position of the
 * header of data record number {@code (k * indexCount + i) * indexSpacing} of the cycle (0 while not indexed). Both
 * arrays are binary-wire {@code I64_ARRAY}s: capacity (indexCount), used (entries set so far), then the values. The
 * appender writes index 0 with the index2index when it creates the file, and index k (k > 0) right after the first
 * record of its block that it indexes; it completes a record's header before it sets the record's entry.
 *
 * <p>What is checked: every index document named is one (its name, capacity, used count) and, for k > 0, lies after
 * the first record of its block (an earlier one indexes other records); every entry of an existing record points at
 * exactly that record's header; and no entry past the last record points into the data (in a file the queue has rolled
 * from, none is set at all; in the newest file a live appender's entries lie at or after the end the walk found).
 * An entry of 0 where a record exists is not damage: Chronicle leaves one when a writer is killed between completing a
 * record and indexing it, and its readers step back to an earlier entry and scan forward from there (slower, not
 * wrong); they are counted ({@link #unindexed()}) when a later record is indexed, so a live appender's not-yet-indexed
 * newest record is not.
 *
 * <p>Cost: one 8-byte read per indexed record (one in {@code indexSpacing}) and per block, apart from the walk's
 * window, and one read of an index array at the end; nothing when the walk passes other records.
 */
final class CycleIndex {
    private static final int DOCUMENT_HEAD = 64;

    private final CycleFile file;
    private final long root;
    private final long rootEntries;
    private final int count;
    private final int spacing;
    private final int spacingBits;
    private final int blockBits;
    private final ByteBuffer head = ByteBuffer.allocate(4 + DOCUMENT_HEAD).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer entry = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** Why the last document looked at is not an index array; set by {@link #entriesOf}. */
    private String notAnArray;

    /** The block of records whose index array is in use, -1 before the first indexed record. */
    private long block = -1;
    /** Its index document, 0 while index2index names none. */
    private long array;
    private long arrayEntries;
    /** Where the block's first record is, -1 when the walk did not pass it. */
    private long blockStart = -1;

    /** Records with an entry of 0 since the last indexed one, and the first of them. */
    private long pending;
    private long pendingFirst = -1;
    private long unindexed;
    private long firstUnindexed = -1;

    private CycleIndex(CycleFile file, long root, int count, int spacing) {
        this.file = file;
        this.root = root;
        this.count = count;
        this.spacing = spacing;
        this.spacingBits = Integer.numberOfTrailingZeros(spacing);
        this.blockBits = spacingBits + Integer.numberOfTrailingZeros(count);
        this.rootEntries = entriesOf(root, "index2index");
    }

    /**
     * The index whose index2index document the queue header places at {@code root}.
     *
     * @throws QueueDamagedException when there is no index2index document there
     */
    static CycleIndex of(CycleFile file, long root, int count, int spacing) {
        CycleIndex index = new CycleIndex(file, root, count, spacing);
        if (index.rootEntries < 0)
            throw file.damaged(0, -1, "its queue header places the index at byte " + root + ", where there is no"
                    + " index (the header is damaged)");
        return index;
    }

    /**
     * Checks the index entry of the data record number {@code seq} of the cycle, whose header the walk found at
     * {@code pos}; records in between indexed ones return at once.
     */
    void record(long seq, long pos) {
        if ((seq & (spacing - 1)) != 0)
            return;
        long k = seq >>> blockBits;
        if (k >= count)
            return; // more records than the roll cycle can index: Chronicle refuses to write them
        if (k != block) {
            block = k;
            array = 0;
            blockStart = seq == k << blockBits ? pos : -1;
        }
        if (array == 0)
            loadArray(seq); // also again while index2index names none: a live appender creates it after the record
        long at = arrayEntries + 8 * slot(seq);
        long e = array == 0 ? 0 : longAt(at);
        if (e == pos) {
            unindexed += pending;
            if (firstUnindexed < 0)
                firstUnindexed = pendingFirst;
            pending = 0;
            pendingFirst = -1;
            return;
        }
        if (e == 0) {
            if (pending++ == 0)
                pendingFirst = seq;
            return;
        }
        throw file.damaged(at, seq, "Chronicle's index entry for this record (index array at byte " + array + ")"
                + " points at byte " + e + ", " + file.describe(e) + ", instead of byte " + pos + ", this record's"
                + " header: a reader that moves to this index reads the wrong record");
    }

    /** Reads and checks the index array index2index names for the block of {@code seq}, when it names one. */
    private void loadArray(long seq) {
        long at = rootEntries + 8 * block;
        long p = longAt(at);
        if (p == 0)
            return;
        long entries = entriesOf(p, "index");
        if (entries < 0)
            throw file.damaged(at, seq, "Chronicle's index2index entry for the records from this index on points at"
                    + " byte " + p + ", where there is no index array (" + notAnArray + "): Chronicle cannot find these"
                    + " records by index");
        long after = block == 0 ? root : blockStart;
        if (after >= 0 && p <= after)
            throw file.damaged(at, seq, "Chronicle's index2index entry for the records from this index on points at"
                    + " the index array at byte " + p + ", written before " + (block == 0 ? "the index2index at byte "
                    + root : "this record at byte " + after) + ": it indexes other records, so a reader that moves to"
                    + " these indexes reads the wrong records");
        array = p;
        arrayEntries = entries;
    }

    /**
     * At the end of the data (byte {@code end}, after {@code records} records): no entry for a record not written
     * points into the data. In a file the queue rolled from ({@code rolled}) none is set at all; in the newest one a
     * live appender's entries lie at or after {@code end}.
     */
    void end(long records, long end, boolean rolled) {
        long next = (records + spacing - 1) & -spacing; // the first indexed record not written
        long k = next >>> blockBits;
        if (k >= count)
            return;
        if (k == 0 || records > k << blockBits) {
            // the block of the last records (or the first block, whose array the appender creates with the file):
            // its entries from the next indexed record on
            if (k != block) {
                block = k;
                array = 0;
                blockStart = -1;
            }
            if (array == 0)
                loadArray(next);
            if (array != 0)
                checkUnset(arrayEntries, slot(next), count, next, spacingBits, records, end, rolled, "index");
            k++;
        }
        if (k < count)
            checkUnset(rootEntries, (int) k, count, k << blockBits, blockBits, records, end, rolled, "index2index");
    }

    /**
     * Entries {@code from} to {@code to - 1} of the array at {@code entries}, for the records numbered
     * {@code firstSeq}, then every {@code 1 << bits} records, none of which is written, must be unset.
     */
    private void checkUnset(long entries, int from, int to, long firstSeq, int bits, long records, long end,
                            boolean rolled, String arrayName) {
        ByteBuffer values = ByteBuffer.allocate(8 * (to - from)).order(ByteOrder.LITTLE_ENDIAN);
        int read = file.readAt(entries + 8L * from, values) / 8; // entries past the end of the file read as unset
        for (int i = from; i < from + read; i++) {
            long e = values.getLong(8 * (i - from));
            if (e == 0 || !rolled && e >= end)
                continue;
            long seq = firstSeq + ((long) (i - from) << bits);
            throw file.damaged(entries + 8L * i, seq, "Chronicle's " + arrayName + " entry for this index, past the last"
                    + " record (the file holds " + records + "), points at byte " + e + ", " + file.describe(e)
                    + (rolled ? ", in a file the queue has rolled from, where no entry is set past the last record"
                    : ", before the end of the data at byte " + end) + ": a reader waiting for this index would read"
                    + " that instead");
        }
    }

    /**
     * The last record at or before number {@code seq} of the cycle that the index has an entry for, as
     * {@code {sequence, position}}, or null when none is indexed (then a walk starts at the first record). It reads
     * the index2index and one index array backwards from {@code seq}'s block: a few reads, whatever the file holds.
     * The entry is trusted here (Chronicle trusts it too); the walk from it checks the framing from there on.
     */
    long[] lastIndexedAtOrBefore(long seq) {
        if (seq < 0)
            return null;
        long k = Math.min(seq >>> blockBits, count - 1L);
        long s = Math.min(seq & -spacing, ((k + 1) << blockBits) - spacing);
        for (; k >= 0; k--) {
            long p = longAt(rootEntries + 8 * k);
            long entries = p == 0 ? -1 : entriesOf(p, "index");
            if (entries >= 0) {
                for (; s >= k << blockBits; s -= spacing) {
                    long e = longAt(entries + 8L * slot(s));
                    if (e != 0)
                        return new long[]{s, e};
                }
            }
            s = (k << blockBits) - spacing;
        }
        return null;
    }

    /** Records the walk passed whose index entry is 0 with a later record indexed (what a killed writer leaves). */
    long unindexed() {
        return unindexed;
    }

    /** The sequence number in the cycle of the first of them, -1 when none. */
    long firstUnindexed() {
        return firstUnindexed;
    }

    private int slot(long seq) {
        return (int) ((seq >>> spacingBits) & (count - 1));
    }

    /**
     * Where the values of the index array called {@code name} at {@code pos} start, or -1 (and why in
     * {@link #notAnArray}) when there is none: a complete metadata document, the event name, an array of longs of
     * the roll cycle's indexCount with room for all of them, its used count within it.
     */
    private long entriesOf(long pos, String name) {
        notAnArray = null;
        if (pos < root || (pos & 3) != 0) {
            notAnArray = pos < root ? "before the index2index" : "not a document boundary";
            return -1;
        }
        head.clear();
        int n = file.readAt(pos, head);
        if (n < 4) {
            notAnArray = "past the end of the file";
            return -1;
        }
        int word = head.getInt(0);
        if ((word & (CycleFile.NOT_COMPLETE | CycleFile.META_DATA)) != CycleFile.META_DATA) {
            notAnArray = word == 0 ? "nothing written there" : "no Chronicle metadata there (header 0x"
                    + Integer.toHexString(word) + ")";
            return -1;
        }
        int length = word & CycleFile.LENGTH_MASK;
        byte[] doc = new byte[Math.min(Math.min(length, DOCUMENT_HEAD), n - 4)];
        head.get(4, doc);
        long[] capacityUsed;
        int values;
        try {
            WireFields.Reader r = new WireFields.Reader(doc).field(name);
            capacityUsed = r.arrayHead(name);
            values = r.position();
        } catch (WireFields.Malformed e) {
            notAnArray = "a metadata document that is not Chronicle's '" + name + "' array: " + e.getMessage();
            return -1;
        }
        if (capacityUsed[0] != count || capacityUsed[1] < 0 || capacityUsed[1] > count
                || values + 8L * count > length) {
            notAnArray = "an '" + name + "' array of " + capacityUsed[0] + " entries (" + capacityUsed[1] + " used) in"
                    + " " + length + " bytes where the roll cycle's indexCount is " + count + " (damaged)";
            return -1;
        }
        return pos + 4 + values;
    }

    private long longAt(long pos) {
        entry.clear();
        return file.readAt(pos, entry) == Long.BYTES ? entry.getLong(0) : 0;
    }
}
