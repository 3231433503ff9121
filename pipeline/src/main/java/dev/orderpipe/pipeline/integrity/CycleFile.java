package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.DamagedRecordException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.CycleFiles;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.RollCycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.LongAdder;

/**
 * One Chronicle Queue cycle file ({@code .cq4}) read as plain bytes, never mapped: a file cut short is a short read
 * here, not a SIGBUS. It walks the file's framing the way Chronicle lays it out and says where it is broken.
 *
 * <p>The layout (Chronicle Queue 5 and 2026.x, binary wire): every document starts with a 4-byte little-endian header
 * word at a 4-byte-aligned position: bit 31 "not complete" (being written), bit 30 "metadata", 30 bits of length.
 * The first document is the queue's own header ({@code header: !SCQStore}, read here field by field in the order
 * Chronicle writes and reads them, so that a damaged byte in it is named, not met later as a parse failure inside
 * Chronicle), which holds {@code writePosition}: the
 * position of the last data record's header and, in a second long, that record's sequence number in the cycle
 * (packed with the position's low bits, so that a stale value can be told from a current one). Chronicle's index
 * arrays are metadata documents between the data records, checked against them as the walk passes
 * ({@link CycleIndex}). A word of 0 is where nothing has been written yet (or a record is being
 * written: Chronicle sets the word when the record is complete); the word {@link #END_OF_DATA} closes a cycle once the
 * queue has rolled to the next one. The file itself is created sparse
 * and larger than its data, so a walk that reaches the end of the file without meeting the end of the data means the
 * file was cut short.
 *
 * <p>Not thread-safe; one walk per instance.
 */
final class CycleFile implements AutoCloseable {
    static final int NOT_COMPLETE = 0x80000000;
    static final int META_DATA = 0x40000000;
    static final int LENGTH_MASK = 0x3FFFFFFF;
    /** The word that closes a cycle file once the queue has rolled to the next cycle. */
    static final int END_OF_DATA = NOT_COMPLETE | META_DATA;
    private static final int WINDOW = 1 << 20;
    /** Data records walked by every instance closed so far: what a test counts to prove a walk's bound. */
    private static final LongAdder WALKED = new LongAdder();

    private final String queue;
    private final Path path;
    private final int cycle;
    private final RollCycle rollCycle;
    private final boolean newest;
    private final RecordKind.Check kinds;
    private final FileChannel channel;
    private long size;
    private final ByteBuffer window = ByteBuffer.allocateDirect(WINDOW).order(ByteOrder.LITTLE_ENDIAN);
    private long windowStart = -1;
    private int windowLength;

    private long dataStart = -1;
    private long writePosition = -1;
    private long writeSequence = -1;
    /** Chronicle's index in the file, null when the header names none; checked as the walk passes the records. */
    private CycleIndex index;
    /** Whether the walk checks the index (not when it only looks for what lies at a byte, for a message). */
    private boolean checkIndex = true;

    private long position;
    private long records;
    /** Data records this walk passed (not those {@link #skipTo} moved over). */
    private long walked;
    private long recordPosition = -1;
    private int recordLength;
    private final byte[] recordBytes = new byte[OrderInfo.BINARY_LENGTH];
    private final Bytes<byte[]> recordIn = Bytes.wrapForRead(recordBytes);
    private final OrderInfo scratch = new OrderInfo();

    /**
     * @param newest whether this is the queue's newest file (the only one a crash can leave half-created)
     * @param kinds  checks the kind of every record decoded, across the files of one walk
     */
    CycleFile(String queue, Path path, int cycle, RollCycle rollCycle, boolean newest, RecordKind.Check kinds) {
        this.queue = queue;
        this.newest = newest;
        this.kinds = kinds;
        this.path = path;
        this.cycle = cycle;
        this.rollCycle = rollCycle;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            size = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the file is what a crash while Chronicle created it leaves: empty, or a first header still 0 or
     * marked "not complete" (what Chronicle's {@code Wires.isReady} calls not ready). The start-up repair of such a
     * file belongs to the pipeline's crash recovery ({@code CycleFiles}), which refuses one that holds records.
     */
    boolean notReady() {
        return size == 0 || size >= 4 && (wordAt(0) == 0 || (wordAt(0) & NOT_COMPLETE) != 0);
    }

    /**
     * Checks the queue header document, field by field as Chronicle reads it, and reads {@code writePosition} from
     * it; positions the walk after it.
     */
    void readHeader() {
        if (notReady())
            throw notReadyHeader();
        if (size < 4 + Queues.headerDocumentPrefix())
            throw damaged(0, -1, "the file is only " + size + " bytes long: its queue header is cut off");
        int word = wordAt(0);
        int length = word & LENGTH_MASK;
        byte[] start = new byte[Queues.headerDocumentPrefix()];
        read(4, start, start.length);
        if ((word & META_DATA) == 0 || length < start.length || !Queues.isHeaderDocument(start, 0))
            throw damaged(0, -1, "the file does not start with a queue header (not a Chronicle queue file, or its"
                    + " first bytes are damaged)");
        if (!within(4L + length))
            throw damaged(0, -1, "its queue header is " + length + " bytes long but the file ends at byte " + size
                    + " (cut short)");
        byte[] header = new byte[length];
        read(4, header, length);
        dataStart = align(4L + length);
        StoreHeader h;
        try {
            h = new StoreHeader(header);
        } catch (WireFields.Malformed e) {
            throw damaged(4L + e.offset, -1, "its queue header is damaged at byte " + (4 + e.offset) + ": "
                    + e.getMessage() + " (Chronicle cannot read the file)");
        }
        checkHeader(h);
        if (h.index2Index != 0)
            index = CycleIndex.of(this, h.index2Index, (int) h.indexCount, (int) h.indexSpacing);
        writePosition = h.writePosition[0];
        if (h.writePosition[1] != 0) {
            // the second long packs the position's low bits above the sequence: current only when they agree
            int shift = sequenceShift(h.indexCount, h.indexSpacing);
            long mask = (1L << shift) - 1;
            if ((h.writePosition[1] >>> shift) == ((writePosition << shift) >>> shift))
                writeSequence = h.writePosition[1] & mask;
        }
        position = dataStart;
    }

    /**
     * A first header that is not ready: what a crash while Chronicle created the file leaves when the file is the
     * queue's newest and holds no record ({@link CycleFiles#leftHalfCreated}: the start-up repair moves it aside),
     * else damage.
     */
    private QueueDamagedException notReadyHeader() {
        String state = size == 0 ? "the file is empty (0 bytes)" : size < 4 || wordAt(0) == 0
                ? "its queue header is missing (the first header word is 0)"
                : "its queue header is marked incomplete (0x" + Integer.toHexString(wordAt(0)) + ")";
        if (newest && CycleFiles.leftHalfCreated(path))
            return QueueDamagedException.repairable(queue, "byte 0 of " + path.getFileName(), state + ", no record in"
                    + " it: left by a crash while Chronicle created the file, which starting the pipeline repairs (it"
                    + " moves the file aside)" + (size == 0 ? ", or the file was emptied" : ""));
        return damaged(0, -1, state + (newest ? " but records follow it: no crash while the file was created left"
                + " it (damaged)" : ": only a queue's newest file can be left so by a crash (cut short or damaged)"));
    }

    /**
     * The values of a well-formed queue header that Chronicle relies on: the index layout must be the roll cycle's
     * (orderpipe never sets another; the index's root, once written, must be an index document of this file:
     * {@link CycleIndex#of}).
     */
    private void checkHeader(StoreHeader h) {
        if (h.indexCount != rollCycle.defaultIndexCount() || h.indexSpacing != rollCycle.defaultIndexSpacing())
            throw damaged(0, -1, "its queue header gives indexCount " + h.indexCount + " and indexSpacing "
                    + h.indexSpacing + " where the queue's roll cycle " + rollCycle + " has "
                    + rollCycle.defaultIndexCount() + " and " + rollCycle.defaultIndexSpacing() + " (the header is"
                    + " damaged, or the file belongs to a queue of another roll cycle)");
        if (h.lastIndex < 0)
            throw damaged(0, -1, "its queue header gives lastIndex " + h.lastIndex + " (damaged)");
        if (h.index2Index != 0 && h.index2Index < dataStart)
            throw damaged(0, -1, "its queue header places the index at byte " + h.index2Index + ", where there is"
                    + " no index (the header is damaged)");
    }

    /** The fields of a queue header ({@code !SCQStore}), in the order Chronicle writes and reads them. */
    private static final class StoreHeader {
        final long[] writePosition;
        final long indexCount;
        final long indexSpacing;
        final long index2Index;
        final long lastIndex;

        StoreHeader(byte[] doc) {
            WireFields.Reader r = new WireFields.Reader(doc);
            int store = r.field("header").type("SCQStore").nested();
            writePosition = r.field("writePosition").longs("writePosition");
            if (writePosition.length != 2)
                throw new WireFields.Malformed(r.position(), "writePosition holds " + writePosition.length
                        + " values, not 2");
            int indexing = r.field("indexing").type("SCQSIndexing").nested();
            indexCount = r.field("indexCount").integer("indexCount");
            indexSpacing = r.field("indexSpacing").integer("indexSpacing");
            index2Index = r.field("index2Index").integer("index2Index");
            lastIndex = r.field("lastIndex").integer("lastIndex");
            r.end(indexing);
            r.field("dataFormat").integer("dataFormat");
            r.end(store);
            r.end(doc.length);
        }
    }

    /** Chronicle's RollCycleEncodeSequence: max(32, 2 * log2(indexCount) + log2(indexSpacing)). */
    private static int sequenceShift(long count, long spacing) {
        if (count <= 0 || spacing <= 0)
            return 32;
        int log2Count = 63 - Long.numberOfLeadingZeros(count);
        int log2Spacing = 63 - Long.numberOfLeadingZeros(spacing);
        return Math.max(32, log2Count * 2 + log2Spacing);
    }

    /**
     * Moves the walk (after {@link #readHeader}) to the last record at or before number {@code seq} of the cycle that
     * Chronicle's index has an entry for, so that the walk checks only the records from there to the end: what a
     * crash can damage in a file Chronicle appends to lies after its last complete, indexed record. The records before
     * it are left to a full walk ({@code orderpipe verify}). Stays at the start when the file has no index or no entry
     * at or before {@code seq}, or when the entry does not point at a record header (the walk from the start names it).
     *
     * @return the number of the record the walk now starts at (0 when it did not move)
     */
    long skipTo(long seq) {
        if (index == null || seq <= 0 || records != 0)
            return 0;
        long[] at = index.lastIndexedAtOrBefore(seq);
        if (at == null || at[0] == 0 || at[1] < dataStart || (at[1] & 3) != 0 || !within(at[1] + 4))
            return 0;
        int word = wordAt(at[1]);
        if (word == 0 || (word & (NOT_COMPLETE | META_DATA)) != 0)
            return 0;
        position = at[1];
        records = at[0];
        return at[0];
    }

    /**
     * Walks on (after {@link #skipTo}) to the record the queue header names as the last one ({@code writePosition},
     * which {@link #lastSequence()} numbers), checking the framing and Chronicle's index entries it passes, and checks
     * that the record the walk counts there has the number the header gives it. The header's pair is written by
     * Chronicle with every record and never through the index, so it is what makes a walk that started at an index
     * entry a proof: an entry that pointed at another record would count every record after it wrong. Records a live
     * writer appended after the header was read are not walked.
     *
     * @throws QueueDamagedException when the walk does not reach that record, or reaches it with another number
     */
    void walkToLastRecord() {
        String from = "counted from Chronicle's index entry for record " + records + " of the cycle";
        while (next()) {
            if (recordPosition == writePosition) {
                if (sequence() != writeSequence)
                    throw damaged(recordPosition, -1, "the queue header names the record at byte " + writePosition
                            + " as record " + writeSequence + " of the cycle, but " + from + " it is record "
                            + sequence() + ": an index entry points at another record (a reader that moves to an"
                            + " index would read the wrong record)");
                return;
            }
            if (recordPosition > writePosition)
                throw damaged(recordPosition, -1, "the walk " + from + " passes byte " + writePosition + ", where the"
                        + " queue header places the last record, without a record header there: an index entry"
                        + " points into another record, or the header is damaged");
        }
    }

    /** The number of the last record the queue header names (its {@code writePosition}), -1 when it does not say. */
    long lastSequence() {
        return writeSequence;
    }

    /**
     * The records the queue header says the file holds (after {@link #readHeader}), without reading them: 0 when none
     * was written, -1 when the header does not say (retention's count, for any queue).
     */
    long recordsFromHeader() {
        if (writePosition < dataStart)
            return 0;
        return writeSequence >= 0 ? writeSequence + 1 : -1;
    }

    /**
     * Moves to the next data record, checking the framing on the way.
     *
     * <p>The end of the data is a zero header word (nothing written yet: Chronicle writes a record's bytes first and
     * its header word last, so bytes after a zero word are a record being written, or one a writer killed mid-write
     * left, which the next writer overwrites), a word marked incomplete, or the end-of-data mark. It must lie after
     * the last record the queue header names ({@code writePosition}, moved only once a record is complete): else a
     * header was zeroed or cut off and the records after it are hidden.
     *
     * @return false at the end of the data
     * @throws QueueDamagedException where the framing is broken: the file ends inside the data, a header was zeroed,
     *                               a length runs past the end of the file
     */
    boolean next() {
        while (true) {
            long pos = position;
            if (!within(pos + 4))
                throw damaged(pos, records, "the file ends at byte " + size + " with no end of data after its last"
                        + " record (cut short)");
            int word = wordAt(pos);
            if (word == 0 || (word & NOT_COMPLETE) != 0) {
                checkEnd(pos, word);
                if (index != null && checkIndex)
                    index.end(records, pos, word == END_OF_DATA);
                return false;
            }
            int length = word & LENGTH_MASK;
            long end = pos + 4 + length;
            if (!within(end))
                throw damaged(pos, (word & META_DATA) == 0 ? records : -1, "the record header at byte " + pos
                        + " gives a length of " + length + " bytes but the file ends at byte " + size
                        + " (cut short, or the header is damaged)");
            position = align(end);
            if ((word & META_DATA) == 0) {
                recordPosition = pos;
                recordLength = length;
                if (index != null && checkIndex)
                    index.record(records, pos);
                records++;
                walked++;
                return true;
            }
            if (length == OrderInfo.BINARY_LENGTH && isRecord(pos))
                throw damaged(pos, records, "the record's header at byte " + pos + " has the metadata bit set (0x"
                        + Integer.toHexString(word) + "): readers skip it as Chronicle metadata (a damaged header)");
        }
    }

    /**
     * Whether the document at {@code pos} holds an intact orderpipe record (format, CRC32C): Chronicle's own metadata
     * (index pages) never does, so a metadata document that does is a record whose header has the metadata bit set.
     */
    private boolean isRecord(long pos) {
        read(pos + 4, recordBytes, OrderInfo.BINARY_LENGTH);
        recordIn.readPositionRemaining(0, OrderInfo.BINARY_LENGTH);
        try {
            scratch.readMarshallable(recordIn);
            return true;
        } catch (DamagedRecordException e) {
            return false;
        }
    }

    private void checkEnd(long pos, int word) {
        if (writePosition >= dataStart && pos <= writePosition)
            throw damaged(pos, records, "the data ends at byte " + pos + " (" + describeWord(word) + ") but the"
                    + " queue header says records were written up to byte " + writePosition
                    + ": the records in between cannot be read");
        if (writeSequence >= 0 && records < writeSequence + 1)
            // which record is hidden is not known here (a damaged header that reads as metadata): no index to name
            throw damaged(pos, -1, "the file holds " + records + " readable records but its queue header counts "
                    + (writeSequence + 1) + ": " + (writeSequence + 1 - records) + " record(s) before byte " + pos
                    + " cannot be read (a record header is damaged)");
    }

    private static String describeWord(int word) {
        if (word == 0)
            return "a zero header";
        if (word == END_OF_DATA)
            return "the end-of-data mark";
        return "a header marked incomplete";
    }

    /**
     * The start-up check of a cycle file that is not the newest: O(1), it reads the last record that the queue
     * header names ({@code writePosition}), checks its checksum into {@code into} and that the end-of-data mark (or
     * nothing yet) follows it, and the entries of Chronicle's index that a reader follows into and out of the file:
     * the first record's (a tailer enters a cycle at its first index), the last one's and those past it (a tailer
     * moving to the end, or waiting for the next index).
     *
     * @return the number of records in the file, or -1 when the header does not say
     */
    long checkLastRecord(OrderInfo into) {
        if (writePosition < dataStart)
            return 0; // writePosition moves with every record: none was written
        if (!within(writePosition + 4))
            throw damaged(writePosition, writeSequence, "the file ends at byte " + size + ", before its last record"
                    + " at byte " + writePosition + " (cut short)");
        int word = wordAt(writePosition);
        int length = word & LENGTH_MASK;
        long seq = writeSequence;
        if (word == 0 || (word & (NOT_COMPLETE | META_DATA)) != 0)
            throw damaged(writePosition, seq, "the last record, at byte " + writePosition + ", has no valid record"
                    + " header (0x" + Integer.toHexString(word) + "): damaged");
        if (!within(writePosition + 4 + length))
            throw damaged(writePosition, seq, "the last record, at byte " + writePosition + ", runs past the end of"
                    + " the file at byte " + size + " (cut short)");
        recordPosition = writePosition;
        recordLength = length;
        decode(into, seq);
        long after = align(writePosition + 4 + length);
        if (!within(after + 4))
            throw damaged(after, -1, "the file ends at byte " + size + " right after its last record, with no end of"
                    + " data (cut short)");
        int next = wordAt(after);
        if (next != 0 && next != END_OF_DATA)
            throw damaged(after, -1, "a header follows the record that the queue header names as the last one"
                    + " (the queue header is damaged)");
        if (index != null && seq >= 0) {
            next(); // the first record, after the index documents Chronicle writes when it creates the file
            index.record(seq, writePosition);
            index.end(seq + 1, after, next == END_OF_DATA);
        }
        return seq >= 0 ? seq + 1 : -1;
    }

    /**
     * Decodes the current record into {@code into}, checked (length, format, CRC32C).
     *
     * @param seq the record's sequence number in the cycle, for the message
     */
    void decode(OrderInfo into, long seq) {
        if (recordLength != OrderInfo.BINARY_LENGTH)
            throw damaged(recordPosition, seq, "the record is " + recordLength + " bytes long: it is not an orderpipe"
                    + " record (" + OrderInfo.BINARY_LENGTH + " bytes; a foreign queue, or damaged)");
        read(recordPosition + 4, recordBytes, recordLength);
        recordIn.readPositionRemaining(0, recordLength);
        try {
            into.readMarshallable(recordIn);
        } catch (DamagedRecordException e) {
            throw damaged(recordPosition, seq, e.getMessage());
        }
        String wrongKind = kinds.check(into);
        if (wrongKind != null)
            throw damaged(recordPosition, seq, wrongKind);
    }

    /**
     * Records the walk passed that Chronicle's index leaves out (an entry of 0, with a later record indexed: what a
     * writer killed between completing a record and indexing it leaves; readers scan past them from an earlier
     * entry). 0 when the file has no index.
     */
    long unindexed() {
        return index == null ? 0 : index.unindexed();
    }

    /** The index of the first of the {@link #unindexed()} records, -1 when none. */
    long firstUnindexed() {
        return index == null || index.firstUnindexed() < 0 ? -1 : rollCycle.toIndex(cycle, index.firstUnindexed());
    }

    /**
     * What lies at byte {@code target} of the file, for a message about an index entry pointing there: a record (its
     * index), the inside of one, Chronicle's metadata between records, or nothing (past the end of the data). It walks
     * the framing from the start in a second instance (only when a message needs it).
     */
    String describe(long target) {
        if (target < dataStart)
            return "inside the queue header";
        try (CycleFile f = new CycleFile(queue, path, cycle, rollCycle, newest, kinds)) {
            f.checkIndex = false;
            f.readHeader();
            while (f.next()) {
                long at = f.recordPosition;
                String record = "the record at index " + Queues.describeIndex(rollCycle, f.index());
                if (target == at)
                    return record;
                if (target < at)
                    return "no record header (Chronicle metadata before " + record + ")";
                if (target < at + 4 + f.recordLength)
                    return "inside " + record;
            }
            return target < f.position ? "no record header (Chronicle metadata after the last record)"
                    : "past the end of the data (byte " + f.position + ")";
        } catch (QueueDamagedException e) {
            return "which the framing does not reach (" + e.what() + ")";
        }
    }

    /** Sequence number in the cycle of the record the walk is on. */
    long sequence() {
        return records - 1;
    }

    /** Data records walked so far. */
    long records() {
        return records;
    }

    /** The index of the record the walk is on. */
    long index() {
        return rollCycle.toIndex(cycle, records - 1);
    }

    int cycle() {
        return cycle;
    }

    Path path() {
        return path;
    }

    /**
     * The failure at byte {@code pos} of this file; {@code seq} is the sequence number in the cycle of the record
     * that cannot be read (-1 when the damage is not in a record).
     */
    QueueDamagedException damaged(long pos, long seq, String what) {
        String file = path.getFileName().toString();
        String where = seq >= 0
                ? "index " + Queues.describeIndex(rollCycle, rollCycle.toIndex(cycle, seq)) + ", byte " + pos + " of "
                + file
                : "byte " + pos + " of " + file;
        return new QueueDamagedException(queue, seq >= 0 ? rollCycle.toIndex(cycle, seq) : -1, where, what);
    }

    /**
     * Whether the file reaches {@code end}. A live appender grows the file as it writes (Chronicle maps it chunk by
     * chunk), so the size is read again before anything is called cut short.
     */
    private boolean within(long end) {
        if (end <= size)
            return true;
        try {
            size = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return end <= size;
    }

    private static long align(long position) {
        return (position + 3) & ~3L;
    }

    /**
     * Reads from byte {@code pos} into {@code into} as far as the file goes, beside the walk's window (the index
     * arrays lie elsewhere in the file than the walk).
     *
     * @return the bytes read
     */
    int readAt(long pos, ByteBuffer into) {
        int start = into.position();
        try {
            while (into.hasRemaining()) {
                int n = channel.read(into, pos + into.position() - start);
                if (n < 0)
                    break;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return into.position() - start;
    }

    private int wordAt(long pos) {
        fill(pos, 4);
        return window.getInt((int) (pos - windowStart));
    }

    private void read(long pos, byte[] into, int length) {
        fill(pos, length);
        window.get((int) (pos - windowStart), into, 0, length);
    }

    /** Makes [pos, pos + length) readable in the window; the caller has checked it lies within the file. */
    private void fill(long pos, int length) {
        if (pos >= windowStart && pos + length <= windowStart + windowLength && windowStart >= 0)
            return;
        if (!within(pos + length))
            throw damaged(pos, -1, "the file ends at byte " + size + " inside the data (cut short)");
        window.clear();
        try {
            while (window.hasRemaining()) {
                int n = channel.read(window, pos + window.position());
                if (n < 0)
                    break;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        windowStart = pos;
        windowLength = window.position();
        if (windowLength < length)
            throw damaged(pos, -1, "the file ends at byte " + (pos + windowLength) + " inside the data (cut short"
                    + " while it was being read)");
    }

    /** The data records walked by every walk closed so far in this JVM (across threads). */
    static long recordsWalked() {
        return WALKED.sum();
    }

    @Override
    public void close() {
        WALKED.add(walked);
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
