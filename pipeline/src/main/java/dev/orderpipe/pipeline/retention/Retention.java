package dev.orderpipe.pipeline.retention;

import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.infra.DataDirLock;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.integrity.QueueCycles;
import dev.orderpipe.pipeline.integrity.QueueMetadata;
import net.openhft.chronicle.queue.ChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Function;

/**
 * Applies a {@link RetentionPlan}: removes (deletes, or moves to {@code retention.archiveDir}) the cycle files that
 * may go, under {@value #LOCK_FILE} so that two passes (the {@code retain} command and a running pipeline's) never
 * overlap. Per queue, in an order a crash at any instant leaves sound:
 * <ol>
 *     <li>the files an interrupted pass left before the queue's history start go first;</li>
 *     <li>the new {@link HistoryStart} is written (whole, renamed into place): from then on the readers and the checks
 *     start there and skip the files before it, which are no longer part of the queue;</li>
 *     <li>the files go, oldest first;</li>
 *     <li>Chronicle's directory listing (the lowest cycle in {@code metadata.cq4t}, shared by every process that has
 *     the queue open) is refreshed, so the queue's first index is the first file kept.</li>
 * </ol>
 * A kill after step 2 leaves files that nothing reads; the next pass (or the next roll of {@code run}) removes them.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** Held while a pass runs. */
    public static final String LOCK_FILE = "retention.lock";
    /** What a cross-filesystem archive copy reads at a time; a chunk of zeros is left a hole. */
    private static final int COPY_CHUNK = 1 << 16;

    private Retention() {
    }

    /**
     * Computes the plan of {@code config}'s data directory and, unless {@code dryRun}, applies it.
     *
     * @param open the pipeline's own open queue of a name, or null (then the queue is opened to refresh its listing)
     * @return the plan (what was removed, or with {@code dryRun} what may go)
     * @throws RetentionBusyException when another pass holds the lock
     */
    public static RetentionPlan run(PipelineConfig config, boolean dryRun, Function<String, ChronicleQueue> open) {
        Path data = config.dataPath();
        try (DataDirLock lock = DataDirLock.tryAcquire(data, LOCK_FILE)) {
            if (lock == null)
                throw new RetentionBusyException("retention is running on " + data + " already ("
                        + DataDirLock.owner(data.resolve(LOCK_FILE)) + "): wait for it to finish");
            RetentionPlan plan = RetentionPlan.compute(config);
            if (!dryRun) {
                Path archive = config.retention.archiveDir.isEmpty() ? null : Path.of(config.retention.archiveDir);
                if (archive != null && plan.anything())
                    checkArchive(archive, plan);
                apply(plan, archive, open);
            }
            return plan;
        }
    }

    private static void apply(RetentionPlan plan, Path archive, Function<String, ChronicleQueue> open) {
        for (RetentionPlan.QueuePlan q : plan.queues()) {
            List<QueueCycles.Cycle> go = q.removable();
            if (go.isEmpty() && q.leftovers().isEmpty())
                continue;
            for (Path file : q.leftovers())
                remove(q.name(), file, archive);
            if (!go.isEmpty()) {
                HistoryStart start = q.newHistory();
                start.write(q.dir());
                CrashPoints.hit(CrashPoints.Point.RETENTION_RECORDED);
                for (QueueCycles.Cycle c : go)
                    remove(q.name(), c.file(), archive);
                LOG.info("retention: {} {} file(s) of {} ({} bytes){}; its history starts at index 0x{}", archive == null
                        ? "deleted" : "archived", go.size(), q.name(), q.removableBytes(), archive == null ? ""
                        : " to " + archive.resolve(q.name()), Long.toHexString(start.firstIndex()));
            }
            refreshListing(q, open);
        }
    }

    /**
     * Before anything is written or moved: the archive (outside the data directory: {@link PipelineConfig#validate})
     * must be a directory in which each queue's directory can be made and written, so a wrong {@code retention.archiveDir} is one line and leaves the
     * data directory as it was (no history start moved on, no file touched).
     */
    private static void checkArchive(Path archive, RetentionPlan plan) {
        for (RetentionPlan.QueuePlan q : plan.queues()) {
            if (q.removable().isEmpty() && q.leftovers().isEmpty())
                continue;
            Path dir = archive.resolve(q.name());
            try {
                Files.createDirectories(dir);
                Files.delete(Files.createTempFile(dir, ".orderpipe-probe", ".tmp"));
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                throw new ConfigException("retention.archiveDir " + archive + " cannot take the files of " + q.name()
                        + " (" + dir + ": " + problem(e) + "): make it a writable directory or fix"
                        + " retention.archiveDir; nothing was removed");
            }
        }
    }

    private static String problem(Exception e) {
        if (e instanceof FileAlreadyExistsException)
            return "a file, not a directory, is in the way";
        if (e instanceof FileSystemException f && f.getReason() != null)
            return f.getReason();
        if (e instanceof AccessDeniedException)
            return "permission denied";
        if (e instanceof NoSuchFileException)
            return "no such directory";
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * Deletes {@code file}, or moves it to {@code archive/<queue>/}: renamed on the same file system; on another,
     * copied to a {@code .part} file, forced to disk, renamed into place, and only then deleted, so the archive never
     * holds a partial file under a cycle file's name and a file is never deleted before its copy is whole. An archive
     * that holds the same file already (a pass killed after the copy, before the delete) lets it be deleted; one that
     * holds a different file of that name (another pipeline's) is never overwritten: one line, nothing lost.
     */
    private static void remove(String queue, Path file, Path archive) {
        Path target = archive == null ? null : archive.resolve(queue).resolve(file.getFileName());
        try {
            if (archive == null) {
                Files.deleteIfExists(file);
            } else if (Files.exists(file)) {
                Files.createDirectories(target.getParent());
                archiveMetadata(file.getParent(), target.getParent());
                if (Files.exists(target)) {
                    if (Files.mismatch(file, target) != -1)
                        throw new ConfigException("retention: the archive holds a different " + target + " already "
                                + "(another data directory's archive?): " + file + " was kept; move that file away, or"
                                + " give this pipeline a retention.archiveDir of its own");
                    Files.delete(file);
                } else {
                    move(file, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("retention: cannot " + (archive == null ? "delete " : "move ") + file
                    + (archive == null ? "" : " to " + target.getParent()) + " (it was kept): " + e.getMessage(), e);
        }
        CrashPoints.hit(CrashPoints.Point.RETENTION_FILE_REMOVED);
    }

    /**
     * Gives the archive's queue directory a copy of the queue's {@code metadata.cq4t} (once: its roll cycle and epoch
     * never change), so that the archive is a queue of its own that {@code dump} and {@code export} read as it is.
     */
    private static void archiveMetadata(Path queueDir, Path archived) throws IOException {
        Path target = archived.resolve(Queues.METADATA_FILE);
        Path source = queueDir.resolve(Queues.METADATA_FILE);
        if (Files.exists(target) || !Files.exists(source))
            return;
        Path part = target.resolveSibling(target.getFileName() + ".part");
        copySparse(source, part);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void move(Path file, Path target) throws IOException {
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        } catch (AtomicMoveNotSupportedException e) {
            // another file system: copy whole first
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        copySparse(file, part);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(file);
    }

    /**
     * Copies {@code from} to {@code to} (replacing it) and forces it to disk, leaving holes where {@code from} reads
     * as zeros: a cycle file is sparse, its length (hundreds of MB for a large roll cycle) reserved, not written, and
     * a plain copy would write every reserved byte in the archive. The copy reads the same bytes as the source.
     */
    static void copySparse(Path from, Path to) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(COPY_CHUNK);
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size();
            for (long at = 0; at < size; at += chunk.limit()) {
                chunk.clear();
                while (chunk.hasRemaining() && in.read(chunk, at + chunk.position()) > 0) {
                    // fill the chunk, or up to the end of the file
                }
                chunk.flip();
                if (chunk.limit() == 0)
                    throw new IOException(from + " ended at byte " + at + " while it was copied");
                if (allZero(chunk))
                    continue;
                while (chunk.hasRemaining())
                    out.write(chunk, at + chunk.position());
            }
            if (out.size() < size) // a zero tail: one byte at the end gives the copy its length, the rest a hole
                out.write(ByteBuffer.allocate(1), size - 1);
            out.force(true);
        }
    }

    private static boolean allZero(ByteBuffer b) {
        int i = b.position();
        int end = b.limit();
        for (; i + Long.BYTES <= end; i += Long.BYTES)
            if (b.getLong(i) != 0)
                return false;
        for (; i < end; i++)
            if (b.get(i) != 0)
                return false;
        return true;
    }

    /** Makes Chronicle rescan the directory: the lowest cycle it records (for every process) becomes the first kept. */
    private static void refreshListing(RetentionPlan.QueuePlan q, Function<String, ChronicleQueue> open) {
        ChronicleQueue live = open == null ? null : open.apply(q.name());
        if (live != null) {
            live.refreshDirectoryListing();
            return;
        }
        try (ChronicleQueue queue = Queues.open(q.dir(), QueueMetadata.read(q.name(), q.dir()).rollCycle())) {
            queue.refreshDirectoryListing();
        }
    }
}
