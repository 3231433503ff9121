package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.OperatorError;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireType;
import net.openhft.chronicle.wire.Wires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The start-up check of a queue's files for what a crash while Chronicle was creating one leaves behind.
 *
 * <p>Chronicle creates a cycle file on the first write of a cycle (the first start of a data directory, every roll):
 * it creates the file, maps it, writes a not-complete first header word, the queue's header and its index, and only
 * then marks the first header complete; no record is written before that. A process killed in that window leaves a
 * file that is 0 bytes long, or whose first header word is 0 or has the not-complete bit ({@code 0x80000000}). A
 * tailer opened on such a file waits for it (10 s) and is then left without a store, reading nothing ever again,
 * while the next writer re-initialises the file and writes records it never sees.
 *
 * <p>{@link #openRepaired} runs before any reader or writer of the pipeline uses the queue. A not-ready cycle file
 * holds no record by construction, so it is moved aside as Chronicle's own writer does when it finds one
 * ({@code <file>-<millis>.discard}, kept for inspection) and the writer creates it afresh on its next write. A not-ready file that nevertheless holds records (its chain of
 * documents after the header contains data) was not left by a crash in that window: it is refused, never discarded.
 * A {@code metadata.cq4t} (the queue's table store: the range of cycles, which Chronicle rebuilds from the
 * directory when it opens the queue, and the write lock) whose header was begun and not finished is moved aside the
 * same way. One whose first header word is still 0 is left alone: Chronicle creates the file, maps it and only then
 * takes its lock to begin the header, so a 0 is also what another process starting on the same new directory shows
 * in that window (moving it aside made that process fail on the missing file), and Chronicle begins a 0 header
 * itself when it opens the queue.
 */
public final class CycleFiles {
    private static final Logger LOG = LoggerFactory.getLogger(CycleFiles.class);
    /** Suffix Chronicle gives a cycle file it moved aside. */
    public static final String DISCARD_SUFFIX = ".discard";
    /** How long to wait for a live writer that holds the queue's write lock (Chronicle's own default timeout). */
    private static final long LOCK_TIMEOUT_MS = 10_000;
    /** How often a metadata file another process is creating is looked at again. */
    private static final long LOCK_RETRY_MS = 5;
    /** How much of a not-ready file's start is parsed for its header (the header is a few hundred bytes). */
    private static final int HEADER_SCAN = 64 << 10;

    private CycleFiles() {
    }

    /** A queue file orderpipe cannot use and will not repair: one line naming the file and what to do. */
    public static final class RefusedException extends RuntimeException implements OperatorError {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Opens the queue in {@code dir} after repairing what a crash left half-created: a not-ready
     * {@code metadata.cq4t} is moved aside before Chronicle opens it (holding its file lock, as Chronicle does while
     * it creates it), a not-ready cycle file after, holding the queue's write lock, so a live writer of another
     * process that is creating one right now is waited for, never disturbed.
     *
     * @param queue the queue's name, for messages
     * @throws RefusedException when a file has a not-ready header but holds records, or cannot be moved
     */
    public static ChronicleQueue openRepaired(String queue, Path dir, RollCycle rollCycle, SyncMode syncMode) {
        return openRepaired(queue, dir, rollCycle, syncMode, null);
    }

    /**
     * {@link #openRepaired(String, Path, RollCycle, SyncMode)} whose appenders take their cycle from {@code clock}
     * (null: the system clock; {@link Queues#open(Path, RollCycle, SyncMode, TimeProvider)}).
     */
    public static ChronicleQueue openRepaired(String queue, Path dir, RollCycle rollCycle, SyncMode syncMode,
                                              TimeProvider clock) {
        settleTableStore(queue, dir, true);
        ChronicleQueue q = Queues.open(dir, rollCycle, syncMode, clock);
        try {
            if (!notReady(dir).isEmpty())
                repairCycleFiles(queue, (SingleChronicleQueue) q, dir);
            return q;
        } catch (RuntimeException e) {
            q.close();
            throw e;
        }
    }

    /**
     * For a writer that does not repair (another process's {@code OrderEntry}): refuses, in one line, a queue whose
     * {@code metadata.cq4t} a crash left begun and not finished, or which ends inside its header, instead of
     * Chronicle's stack trace after its 10 s lock timeout. A file another process is creating right now is waited
     * for, as {@link #openRepaired} does.
     *
     * @throws RefusedException naming the file and what to do
     */
    public static void requireTableStoreUsable(String queue, Path dir) {
        settleTableStore(queue, dir, false);
    }

    /**
     * The checks of {@code metadata.cq4t} before Chronicle opens the queue: one that ends inside its header is
     * refused; one whose header is begun and not finished is waited for while another process holds its lock (it is
     * creating it), then, if still unfinished, moved aside when {@code repair}, else refused.
     */
    private static void settleTableStore(String queue, Path dir, boolean repair) {
        Path metadata = dir.resolve(Queues.METADATA_FILE);
        if (!Files.exists(metadata))
            return; // a link to nothing is refused when the queue opens (Queues.open: refuseDanglingLinks)
        Head head = head(metadata);
        if (head.cutShort())
            throw new RefusedException("queue " + queue + ": " + metadata + " ends inside its header (its header"
                    + " word announces " + head.announced() + " bytes, the file holds " + head.size() + ": cut short,"
                    + " or the word damaged); run 'orderpipe verify' on the data directory and restore it from a copy");
        if (head.begunNotFinished())
            repairTableStore(queue, metadata, repair);
    }

    /**
     * For a symbolic link that does not lead to a file, what it is ("a symbolic link to T, which leads to no file
     * (missing, or a loop of links)"); null for anything else (no file, a file, a link to one).
     */
    public static String danglingLink(Path file) {
        if (!Files.isSymbolicLink(file) || Files.exists(file))
            return null;
        String target;
        try {
            target = Files.readSymbolicLink(file).toString();
        } catch (IOException e) {
            target = "a path that cannot be read (" + e.getMessage() + ")";
        }
        return "a symbolic link to " + target + ", which leads to no file (missing, or a loop of links)";
    }

    /**
     * Refuses, in one line, a queue directory that is a symbolic link to nothing, or whose {@code metadata.cq4t} or a
     * cycle file is: Chronicle would create the link's target, wherever it points (outside the data directory), or
     * fail with a stack trace. Every queue orderpipe opens to write passes here ({@link Queues#open}).
     *
     * @throws RefusedException naming the link and what to do
     */
    static void refuseDanglingLinks(Path dir) {
        refuseIfDangling(dir, dir);
        if (!Files.isDirectory(dir))
            return; // created by Chronicle, or refused by it in its own words
        refuseIfDangling(dir, dir.resolve(Queues.METADATA_FILE));
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list::iterator)
                if (p.getFileName().toString().endsWith(Queues.QUEUE_FILE_SUFFIX))
                    refuseIfDangling(dir, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list queue directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses, in one line, a file orderpipe is about to create or open (a lock file, the gateway's sequence files)
     * that is a symbolic link to nothing: opening it would create the link's target, wherever it points.
     *
     * @throws RefusedException naming the link and what to do
     */
    public static void refuseDanglingLink(Path file) {
        refuseIfDangling(null, file);
    }

    /** {@link #refuseDanglingLink}, the message naming the queue in {@code queueDir} when not null. */
    private static void refuseIfDangling(Path queueDir, Path file) {
        String dangling = danglingLink(file);
        if (dangling != null)
            throw new RefusedException((queueDir == null ? "" : "queue " + queueDir + ": ") + file + " is " + dangling
                    + ": remove the link, or restore its target");
    }

    /**
     * A not-ready {@code metadata.cq4t}: another process creating it right now (two processes starting on a new data
     * directory together: it holds the file's lock for the milliseconds that takes) is waited for, up to
     * {@value #LOCK_TIMEOUT_MS} ms; one a crash left half-created (nobody holds its lock) is moved aside when
     * {@code repair}, else refused.
     */
    private static void repairTableStore(String queue, Path metadata, boolean repair) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_TIMEOUT_MS);
        try (FileChannel ch = FileChannel.open(metadata, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            while (true) {
                try (FileLock lock = ch.tryLock()) {
                    if (lock != null) {
                        if (headerReady(metadata))
                            return;
                        if (!repair)
                            throw new RefusedException("queue " + queue + ": " + metadata + " was left half-created"
                                    + " by a crash: start the pipeline on its data directory ('orderpipe run'),"
                                    + " which repairs it, before writing to the queue");
                        moveAside(queue, metadata);
                        return;
                    }
                }
                if (System.nanoTime() > deadline)
                    throw new RefusedException("queue " + queue + ": " + metadata + " is being created by another"
                            + " process, which has held the file's lock for " + LOCK_TIMEOUT_MS / 1000 + " s: stop it"
                            + " and start again");
                Thread.sleep(LOCK_RETRY_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RefusedException("queue " + queue + ": interrupted while " + metadata + " was being created by"
                    + " another process");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + metadata + ": " + e.getMessage(), e);
        }
    }

    private static void repairCycleFiles(String queue, SingleChronicleQueue q, Path dir) {
        try (TableStoreWriteLock lock = new TableStoreWriteLock(q.metaStore(), Pauser::balanced, LOCK_TIMEOUT_MS)) {
            lock.lock();
            try {
                for (Path file : notReady(dir)) {
                    int header = head(file).word();
                    if (holdsData(file))
                        throw new RefusedException("queue " + queue + ": " + file + " has an incomplete first header"
                                + " (0x" + Integer.toHexString(header) + ") but holds records, so a crash while it was"
                                + " created did not leave it: it is damaged; run 'orderpipe verify' on the data"
                                + " directory and restore it from a copy");
                    moveAside(queue, file);
                }
            } finally {
                lock.unlock();
            }
        }
        q.refreshDirectoryListing();
    }

    /**
     * Whether {@code file} (a cycle file) is what a crash while Chronicle created it leaves: its first header not
     * ready and no record in it. The start-up repair moves such a file aside when it is the queue's newest.
     */
    public static boolean leftHalfCreated(Path file) {
        return !headerReady(file) && !holdsData(file);
    }

    /** Whether the first header of {@code file} (a cycle file or {@code metadata.cq4t}) is complete ({@link Head}). */
    public static boolean headerReady(Path file) {
        return head(file).ready();
    }

    /** Whether {@code file}'s first header is ready but the file ends inside the header document ({@link Head}). */
    public static boolean headerCutShort(Path file) {
        return head(file).cutShort();
    }

    /**
     * A file's first header word and its size, read once.
     *
     * @param word the first header word; of a file shorter than one, its bytes padded with zeros (0 only when they
     *             are all 0, as Chronicle leaves a file it has created and not begun)
     */
    private record Head(int word, long size) {
        /** Complete: a whole word, ready. A file of 1 to 3 bytes is not, whatever they hold. */
        boolean ready() {
            return Wires.isReady(word) && size >= 4;
        }

        /**
         * Begun (set to not-complete, which Chronicle does holding the file's lock) and not complete: a 0 word is a
         * file whose creator has not begun it yet, or never will.
         */
        boolean begunNotFinished() {
            return word != 0 && !ready();
        }

        /** The bytes the header document takes with its word: what a ready word announces. */
        long announced() {
            return 4L + (word & Wires.LENGTH_MASK);
        }

        /**
         * Ready, but the file ends before the header document the word announces: damage (the file cut short, or the
         * word itself damaged), never a crash's leftover (Chronicle maps the file at its full size before it writes
         * the header).
         */
        boolean cutShort() {
            return ready() && size < announced();
        }
    }

    /** The queue's cycle files whose first header is not ready, oldest first. */
    static List<Path> notReady(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().endsWith(Queues.QUEUE_FILE_SUFFIX))
                    .filter(p -> !headerReady(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list queue directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Renames a file holding no record to {@code <name>-<millis>.discard}, as Chronicle's writer does. */
    private static void moveAside(String queue, Path file) {
        Head head = head(file);
        Path aside = file.resolveSibling(file.getFileName() + "-" + System.currentTimeMillis() + DISCARD_SUFFIX);
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RefusedException("queue " + queue + ": " + file + " was left half-created by a crash (no record"
                    + " in it) and cannot be moved aside (" + e + "): move it out of " + file.getParent()
                    + " and start again");
        }
        LOG.warn("queue {}: {} was left half-created by a crash (first header 0x{}, {} bytes, no record in it):"
                + " moved aside to {}; Chronicle creates it again", queue, file.getFileName(),
                Integer.toHexString(head.word()), head.size(), aside.getFileName());
    }

    /**
     * The first header word and size of {@code file}. Anything but a regular file (a directory, a FIFO that would
     * block the read forever) is refused.
     */
    private static Head head(Path file) {
        if (!Files.isRegularFile(file))
            throw new UncheckedIOException("cannot read " + file + ": not a regular file",
                    new IOException("not a regular file"));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new Head(readInt(ch, 0), ch.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a file with a not-ready first header holds a data document (a record). Chronicle writes the header's
     * body after the first header word, then complete metadata documents (its index), and records only once the
     * header is complete; so the chain of documents after the body is walked as a reader would, and any data
     * document in it means the header was damaged later, not left unfinished.
     */
    private static boolean holdsData(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= 4)
                return false;
            long pos = headerBodyEnd(ch, size);
            if (pos < 0)
                return !zeroFrom(ch, HEADER_SCAN, size); // a body cut short: nothing can follow it
            pos = (pos + 3) & ~3L;
            while (pos + 4 <= size) {
                int h = readInt(ch, pos);
                if (h == 0 || Wires.isNotComplete(h))
                    return false; // the end of what was written, or the index being written when the crash came
                if ((h & Wires.META_DATA) == 0)
                    return true;
                pos = (pos + 4 + (h & Wires.LENGTH_MASK) + 3) & ~3L;
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where the header's body (after the first header word) ends: 4 when none was written, -1 when it is cut. */
    private static long headerBodyEnd(FileChannel ch, long size) throws IOException {
        int n = (int) Math.min(size, HEADER_SCAN);
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // read the start of the file
        }
        byte[] start = buf.array();
        if (start[4] == 0)
            return 4;
        Bytes<byte[]> bytes = Bytes.wrapForRead(start);
        try {
            Wire wire = WireType.BINARY_LIGHT.apply(bytes);
            bytes.readPosition(4);
            StringBuilder name = new StringBuilder();
            wire.readEventName(name).skipValue();
            return "header".contentEquals(name) && bytes.readPosition() < n ? bytes.readPosition() : -1;
        } catch (RuntimeException e) {
            return -1;
        } finally {
            bytes.releaseLast();
        }
    }

    private static boolean zeroFrom(FileChannel ch, long from, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (long pos = from; pos < size; pos += buf.capacity()) {
            buf.clear();
            int read = ch.read(buf, pos);
            for (int i = 0; i < read; i++)
                if (buf.get(i) != 0)
                    return false;
        }
        return true;
    }

    /** The little-endian word at {@code pos}; where the file ends inside it, its bytes padded with zeros. */
    private static int readInt(FileChannel ch, long pos) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining() && ch.read(b, pos + b.position()) > 0) {
            // read the word
        }
        return b.getInt(0); // the bytes not read are still 0
    }
}
