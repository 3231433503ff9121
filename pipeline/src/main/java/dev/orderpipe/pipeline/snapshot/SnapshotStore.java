package dev.orderpipe.pipeline.snapshot;

import dev.orderpipe.pipeline.config.SnapshotConfig;
import dev.orderpipe.pipeline.infra.Queues;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.ReadBytesMarshallable;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * One stage's snapshots: its queue {@code snapshots/<stage>} in the data directory, when the next one is due
 * ({@link SnapshotConfig}), writing one ({@link #begin}, the engine's puts, then {@link #finish} at once, or
 * {@link #stepwise} and {@link #writeOn} a step at a time between inputs) and, at a restart, finding
 * the latest valid one ({@link #latest}). A snapshot is valid when its header, its chunks in order and its trailer
 * are all there and the CRC32C of the payload matches the trailer's; one that is not is named in a WARN and the one
 * before it is tried. Writing allocates nothing; finding allocates (once, at a start).
 */
public final class SnapshotStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    /** The directory under the data directory that holds the snapshot queues, one per stage. */
    public static final String DIR = "snapshots";
    /** {@link Found#sessionState} of a snapshot taken at a session close. */
    public static final byte AT_SESSION_CLOSE = 2;
    /**
     * Most payload bytes put per step of a snapshot written between inputs ({@link #writeOn}): a step's pause is that
     * (some 1,500 resting orders, 4,000 ids) or the write of one chunk document, whichever ends it first, not the
     * encoding of a whole chunk ({@code snapshots.chunkBytes}).
     */
    public static final int STEP_BYTES = 64 * 1024;

    private final String stage;
    private final String name;
    private final ChronicleQueue queue;
    private final SnapshotConfig config;
    private final long shape;
    private final SnapshotWriter writer;
    private final long everyNanos;
    private ExcerptAppender appender;
    private long inputsSince;
    private long lastNanos;
    private long written;
    private long startNanos;
    private long beganNanos;
    private long pauseNanos;
    private long lastStallNanos;
    private long lastSpanNanos;
    private long maxStallNanos;
    /** The rest of the snapshot begun, written a step at a time ({@link #stepwise}); null for none. */
    private SnapshotSteps underWay;
    private boolean paused;
    private long finishedAtOnce;

    /**
     * @param shape what the engine's state layout depends on (capacities, symbols, rate rules): a snapshot of
     *              another shape is not restored
     */
    public SnapshotStore(String stage, ChronicleQueue queue, SnapshotConfig config, long shape) {
        this.stage = stage;
        this.name = DIR + "/" + stage;
        this.queue = queue;
        this.config = config;
        this.shape = shape;
        this.writer = new SnapshotWriter(stage, config.chunkBytes);
        this.everyNanos = TimeUnit.SECONDS.toNanos(config.everySeconds);
    }

    /** The queue directory of {@code stage}'s snapshots. */
    public static Path dir(Path dataDir, String stage) {
        return dataDir.resolve(DIR).resolve(stage);
    }

    /** Creates the appender when snapshots are enabled, on the stage's thread. */
    public void open() {
        if (config.enabled) {
            appender = queue.createAppender();
            writer.appender(appender);
        }
        lastNanos = System.nanoTime();
    }

    /**
     * Called after each input whose outputs are all written: whether a snapshot is due now (a session close, the
     * count of inputs, the time). Allocation-free.
     *
     * @param nowNanos {@link System#nanoTime()} of a moment ago: the stage's stamp on the output it just wrote, so
     *     that the check costs no clock read of its own
     */
    public boolean due(boolean sessionClose, long nowNanos) {
        if (appender == null)
            return false;
        inputsSince++;
        if (sessionClose && config.atSessionClose)
            return true;
        if (config.everyInputs > 0 && inputsSince >= config.everyInputs)
            return true;
        return everyNanos > 0 && nowNanos - lastNanos >= everyNanos;
    }

    /**
     * Starts a snapshot of the state after input {@code coveredInput}, the stage's outputs ending at
     * {@code outputLast}, whose own time stamp (risk's {@code riskNanos}, matching's {@code matchNanos}) is
     * {@code outputStamp}: it tells that record from another run's at the same index. Writes its header and returns
     * the writer the engine puts its state into. A snapshot still being written ({@link #stepwise}) is finished
     * first: a stall for what was left of it.
     *
     * @param sessionState {@link #AT_SESSION_CLOSE} when taken at a session's close, else 0
     */
    public SnapshotWriter begin(long coveredInput, long outputLast, long outputStamp, long sessionDate,
                                byte sessionState) {
        finishUnderWay();
        startNanos = System.nanoTime();
        beganNanos = startNanos;
        pauseNanos = 0;
        // the next is due counting from this one's point, not from its trailer: one written a step at a time is not
        // due again at the next input
        inputsSince = 0;
        lastNanos = startNanos;
        writer.begin(coveredInput, outputLast, outputStamp, shape, sessionDate, sessionState);
        return writer;
    }

    /**
     * The engine has put what it puts at the snapshot point and captured the rest, {@code rest}: the stage goes back
     * to its inputs, and {@link #writeOn} writes the rest a step at a time (the pause since {@link #begin} ends).
     */
    public void stepwise(SnapshotSteps rest) {
        underWay = rest;
        pause();
    }

    /**
     * Writes a step more of the snapshot under way ({@link #stepwise}), and its trailer once all is written: called
     * after each input and on each turn with no input. A step ends after {@link #STEP_BYTES} more payload bytes or
     * one more chunk document, whichever comes first. Allocation-free.
     *
     * @return whether there was a snapshot under way (work done)
     */
    public boolean writeOn() {
        if (underWay == null)
            return false;
        resume();
        if (step()) {
            underWay = null;
            finish();
        } else {
            pause();
        }
        return true;
    }

    /**
     * Writes all that is left of the snapshot under way at once, if any: before what its capture relies on ends (a
     * session event for risk), before the next one, at a stop.
     */
    public void finishUnderWay() {
        if (underWay != null) {
            finishedAtOnce++;
            finish();
        }
    }

    /** Snapshots under way this instance wrote the rest of at once ({@link #finishUnderWay}). */
    public long finishedAtOnce() {
        return finishedAtOnce;
    }

    /** Whether a snapshot is being written a step at a time ({@link #stepwise}). */
    public boolean underWay() {
        return underWay != null;
    }

    /** Puts items of the snapshot under way until a step's worth is put; true when all is. */
    private boolean step() {
        int chunks = writer.chunksWritten();
        long stop = writer.position() + STEP_BYTES;
        while (writer.chunksWritten() == chunks && writer.position() < stop) {
            if (!underWay.advance(writer))
                return true;
        }
        return false;
    }

    /** The stage goes back to its inputs in the middle of the snapshot begun: the pause since it stopped ends. */
    private void pause() {
        pauseNanos = Math.max(pauseNanos, System.nanoTime() - startNanos);
        paused = true;
    }

    /** The stage pauses again to write more of the snapshot begun. */
    private void resume() {
        if (paused) {
            startNanos = System.nanoTime();
            paused = false;
        }
    }

    /**
     * Writes what is left of the snapshot begun (the rest handed to {@link #stepwise} at once, if not yet all
     * written), its last chunk and its trailer.
     */
    public void finish() {
        resume();
        if (underWay != null) {
            underWay.writeAll(writer);
            underWay = null;
        }
        writer.finish();
        long now = System.nanoTime();
        lastStallNanos = Math.max(pauseNanos, now - startNanos);
        lastSpanNanos = now - beganNanos;
        maxStallNanos = Math.max(maxStallNanos, lastStallNanos);
        written++;
    }

    /** Whether this store writes snapshots (opened, and {@code snapshots.enabled}). */
    public boolean enabled() {
        return appender != null;
    }

    /** Snapshots written by this instance. */
    public long written() {
        return written;
    }

    /**
     * The longest the last snapshot held up the stage at once, in nanoseconds (0 before the first): from its
     * {@link #begin} to its {@link #finish} when written at once, else its longest pause (the copy of the state, or
     * one chunk written between inputs).
     */
    public long lastStallNanos() {
        return lastStallNanos;
    }

    /** The time from the last snapshot's {@link #begin} to its trailer, in nanoseconds (0 before the first). */
    public long lastSpanNanos() {
        return lastSpanNanos;
    }

    /** The longest snapshot stall of this instance, in nanoseconds. */
    public long maxStallNanos() {
        return maxStallNanos;
    }

    /** The header of a valid snapshot. */
    public static final class Found {
        /** The queue index of its header. */
        public long index;
        /** The input index whose state it holds (after that input's outputs were all written). */
        public long coveredInput;
        /** The stage's last output index when it was taken, -1 for none. */
        public long outputLast;
        /** That output record's stage time stamp ({@code riskNanos}, {@code matchNanos}). */
        public long outputStamp;
        public long shape;
        public long takenMillis;
        /** The engine's session date ({@code YYYYMMDD}, 0 for none). */
        public long sessionDate;
        /** {@link #AT_SESSION_CLOSE}, or 0. */
        public byte sessionState;
        /** The payload's CRC32C, as its trailer has it. */
        public int checksum;
        /** The payload's length in bytes. */
        public long payload;
        int chunks;
        String stage;

        /** The number of chunk documents (valid snapshots). */
        public int chunks() {
            return chunks;
        }

        /** The stage its header names. */
        public String stage() {
            return stage;
        }

        @Override
        public String toString() {
            return "covering input index " + coveredInput;
        }
    }

    /** What is read of a document: its kind, a header's or a trailer's fields, a chunk's number, length and bytes. */
    private static final class Doc implements ReadBytesMarshallable {
        final byte[] chunk;
        final CRC32C crc = new CRC32C();
        final Found header = new Found();
        byte kind;
        boolean full;
        // a header
        int magic;
        int version;
        // a chunk
        int number;
        int length;
        // a trailer
        long headerIndex;
        int chunks;
        long payload;
        int checksum;

        Doc(int chunkBytes) {
            chunk = new byte[chunkBytes];
        }

        @Override
        public void readMarshallable(BytesIn<?> in) {
            kind = in.readByte();
            if (kind == SnapshotFormat.TRAILER) {
                headerIndex = in.readLong();
                chunks = in.readInt();
                payload = in.readLong();
                checksum = in.readInt();
            } else if (kind == SnapshotFormat.HEADER && full) {
                magic = in.readInt();
                version = in.readInt();
                byte[] stage = new byte[in.readUnsignedByte()];
                in.read(stage);
                header.stage = new String(stage, StandardCharsets.US_ASCII);
                header.coveredInput = in.readLong();
                header.outputLast = in.readLong();
                header.outputStamp = in.readLong();
                header.shape = in.readLong();
                header.takenMillis = in.readLong();
                header.sessionDate = in.readLong();
                header.sessionState = in.readByte();
            } else if (kind == SnapshotFormat.CHUNK && full) {
                number = in.readInt();
                length = in.readInt();
                if (length < 0 || length > chunk.length || length > in.readRemaining()) {
                    length = -1;
                    return;
                }
                in.read(chunk, 0, length);
                crc.update(chunk, 0, length);
            }
        }
    }

    /**
     * The newest valid snapshot of this stage's shape that {@code usable} accepts, or null (then the stage re-feeds
     * its whole input). A damaged one (cut short, its checksum wrong, unreadable) is named in a WARN and skipped.
     */
    public Found latest(Predicate<Found> usable) {
        if (queue.lastIndex() < 0)
            return null;
        boolean otherShape = false;
        try (ExcerptTailer back = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd()) {
            Doc peek = new Doc(0);
            boolean trailerSeen = false;
            while (back.readBytes(peek)) {
                long at = back.lastReadIndex();
                if (peek.kind == SnapshotFormat.HEADER) {
                    if (!trailerSeen)
                        LOG.warn("{} index {}: a snapshot without its trailer (cut short by a crash while it was"
                                + " written?): ignored, the one before it is used", name,
                                Queues.describeIndex(queue, at));
                    trailerSeen = false;
                    continue;
                }
                if (peek.kind != SnapshotFormat.TRAILER)
                    continue;
                trailerSeen = true;
                Found f = validate(peek.headerIndex, at);
                if (f == null)
                    continue;
                if (f.shape != shape) {
                    otherShape = true;
                } else if (usable.test(f)) {
                    return f;
                }
                // on to the one before: past this one's chunks and header
                trailerSeen = false;
                if (!back.moveToIndex(f.index))
                    return null;
                back.readBytes(peek);
            }
        } catch (InternalError | IllegalStateException e) {
            LOG.warn("{} cannot be read ({}): the stage rebuilds its state from its whole input", name, e.toString());
            return null;
        }
        if (otherShape)
            LOG.warn("{} holds snapshots taken with other capacities, symbols or rate rules: not restored, the stage"
                    + " rebuilds its state from its whole input", name);
        return null;
    }

    /** The snapshot whose trailer is at {@code trailerIndex}, checked whole, or null (named in a WARN) if damaged. */
    private Found validate(long headerIndex, long trailerIndex) {
        String problem;
        Doc doc = new Doc(SnapshotFormat.CHUNK_BYTES);
        doc.full = true;
        try (ExcerptTailer t = queue.createTailer()) {
            problem = check(t, doc, headerIndex, trailerIndex);
        }
        if (problem == null)
            return doc.header;
        if (problem == OTHER_VERSION) {
            LOG.warn("{} index {}: a snapshot of format version {}, which this version of orderpipe (format {}) does not"
                    + " read: ignored, the one before it is used (with none of format {}, the stage rebuilds its"
                    + " state from its whole input once)", name, Queues.describeIndex(queue, trailerIndex),
                    doc.version, SnapshotFormat.VERSION, SnapshotFormat.VERSION);
            return null;
        }
        LOG.warn("{} index {}: a damaged snapshot, {}: ignored, the one before it is used", name,
                Queues.describeIndex(queue, trailerIndex), problem);
        return null;
    }

    /** {@link #check}'s answer for a whole snapshot of another format version (compared by identity). */
    private static final String OTHER_VERSION = new String("another format version");

    private String check(ExcerptTailer t, Doc doc, long headerIndex, long trailerIndex) {
        if (headerIndex < 0 || headerIndex >= trailerIndex || !t.moveToIndex(headerIndex) || !t.readBytes(doc)
                || doc.kind != SnapshotFormat.HEADER)
            return "its trailer names no header (" + Queues.describeIndex(queue, headerIndex) + ")";
        if (doc.magic != SnapshotFormat.MAGIC || !stage.equals(doc.header.stage))
            return "its header is not that of a snapshot of " + stage;
        if (doc.version != SnapshotFormat.VERSION)
            return OTHER_VERSION;
        doc.header.index = headerIndex;
        long payload = 0;
        int chunks = 0;
        while (true) {
            if (!t.readBytes(doc))
                return "it is cut short after " + chunks + " chunks";
            if (doc.kind == SnapshotFormat.TRAILER)
                break;
            if (doc.kind != SnapshotFormat.CHUNK || doc.number != chunks || doc.length < 0)
                return "its chunk " + chunks + " is missing or damaged";
            payload += doc.length;
            chunks++;
        }
        if (t.lastReadIndex() != trailerIndex || doc.chunks != chunks || doc.payload != payload)
            return "its trailer does not match its " + chunks + " chunks of " + payload + " bytes";
        if (doc.checksum != (int) doc.crc.getValue())
            return "its checksum does not match its payload (CRC32C " + Integer.toHexString(doc.checksum) + " written, "
                    + Integer.toHexString((int) doc.crc.getValue()) + " read)";
        doc.header.chunks = chunks;
        doc.header.payload = payload;
        doc.header.checksum = doc.checksum;
        return null;
    }

    /**
     * One snapshot of a snapshot queue as {@code orderpipe dump} lists it: where its header and trailer are, what its
     * header says, and why a restart would not restore it ({@code problem}, null when it is valid).
     *
     * @param trailerIndex -1 when it has no trailer
     * @param version      the payload format version its header names
     */
    public record Listed(long index, long trailerIndex, Found header, int version, String problem) {
    }

    /**
     * The stage whose snapshots {@code queue} holds (the first header's), or null when it is not a snapshot queue:
     * its first documents are not a snapshot's (a snapshot cut at its start by retention is skipped to the next
     * header).
     */
    public static String stageOf(ChronicleQueue queue) {
        Doc doc = new Doc(0);
        doc.full = true;
        try (ExcerptTailer t = queue.createTailer()) {
            for (int i = 0; i < 100_000 && t.readBytes(doc); i++) {
                if (doc.kind == SnapshotFormat.HEADER)
                    return doc.magic == SnapshotFormat.MAGIC ? doc.header.stage : null;
                if (doc.kind != SnapshotFormat.CHUNK && doc.kind != SnapshotFormat.TRAILER)
                    return null;
            }
        } catch (RuntimeException e) {
            return null; // unreadable as a snapshot's documents: not one
        }
        return null;
    }

    /**
     * Every snapshot of the queue, oldest first, each checked as a restart checks it (its chunks, its trailer, its
     * checksum, its version) whatever its shape. Reads the whole queue: for the tools, not the stages.
     */
    public List<Listed> list() {
        List<Listed> all = new ArrayList<>();
        Doc peek = new Doc(0);
        long first = queue.firstIndex();
        try (ExcerptTailer t = queue.createTailer()) {
            long header = -1;
            while (t.readBytes(peek)) {
                long at = t.lastReadIndex();
                if (peek.kind == SnapshotFormat.HEADER) {
                    if (header >= 0)
                        all.add(listed(header, -1, "no trailer: cut short (a crash while it was written)"));
                    header = at;
                } else if (peek.kind == SnapshotFormat.TRAILER) {
                    // a trailer whose header retention removed with the files before the history's start: not listed
                    if (header >= 0 || peek.headerIndex >= first)
                        all.add(listed(peek.headerIndex, at, null));
                    header = -1;
                }
            }
            if (header >= 0)
                all.add(listed(header, -1, "no trailer: being written, or cut short by a crash"));
        }
        return all;
    }

    private Listed listed(long headerIndex, long trailerIndex, String missing) {
        Doc doc = new Doc(SnapshotFormat.CHUNK_BYTES);
        doc.full = true;
        String problem = missing;
        try (ExcerptTailer t = queue.createTailer()) {
            if (problem == null) {
                problem = check(t, doc, headerIndex, trailerIndex);
                if (problem == OTHER_VERSION)
                    problem = "format version " + doc.version + ", which this orderpipe (format "
                            + SnapshotFormat.VERSION + ") does not read";
            } else if (t.moveToIndex(headerIndex)) {
                t.readBytes(doc);
            }
        }
        doc.header.index = headerIndex;
        return new Listed(headerIndex, trailerIndex, doc.header, doc.version, problem);
    }

    /** A reader of a valid snapshot's payload, on the calling thread; close it after the restore. */
    public Payload open(Found found) {
        ExcerptTailer t = queue.createTailer();
        Doc skip = new Doc(0);
        if (!t.moveToIndex(found.index) || !t.readBytes(skip))
            throw new IllegalStateException(name + ": the snapshot just checked cannot be read again");
        return new Payload(t, new SnapshotReader(t, found.chunks));
    }

    /** A snapshot's payload being read, and its tailer. */
    public record Payload(ExcerptTailer tailer, SnapshotReader reader) implements AutoCloseable {
        @Override
        public void close() {
            tailer.close();
        }
    }

    /** The queue's name for messages ({@code snapshots/<stage>}). */
    public String name() {
        return name;
    }

    public ChronicleQueue queue() {
        return queue;
    }

    /** Finishes the snapshot under way (of a state already reached: a stopping stage loses nothing), then closes. */
    @Override
    public void close() {
        try {
            finishUnderWay();
        } finally {
            if (appender != null)
                appender.close();
        }
    }
}
