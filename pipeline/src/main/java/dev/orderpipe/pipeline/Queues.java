package dev.orderpipe.pipeline;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Opening orderpipe's Chronicle queues, and the checks that make a wrong directory a one-line error. */
public final class Queues {
    /** Queue file suffix. */
    public static final String QUEUE_FILE_SUFFIX = ".cq4";

    private Queues() {
    }

    /** Opens (creating if needed) a writable queue. */
    public static ChronicleQueue open(Path dir, RollCycle rollCycle) {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(rollCycle).build();
    }

    /**
     * Opens an existing queue for reading, after checking that {@code dir} is a directory holding Chronicle queue
     * files, so a wrong path is a clear {@link IllegalArgumentException} and not a new empty queue.
     */
    public static ChronicleQueue openExisting(Path dir) {
        requireQueueDir(dir);
        return SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
    }

    /** Throws a one-line {@link IllegalArgumentException} unless {@code dir} holds a Chronicle queue. */
    public static void requireQueueDir(Path dir) {
        if (!Files.exists(dir))
            throw new IllegalArgumentException(dir + " does not exist");
        if (!Files.isDirectory(dir))
            throw new IllegalArgumentException(dir + " is not a directory (expected a Chronicle queue directory)");
        if (!isQueueDir(dir))
            throw new IllegalArgumentException(dir + " is not a Chronicle queue: it has no *" + QUEUE_FILE_SUFFIX + " files");
    }

    /** Whether {@code dir} holds at least one queue file. */
    public static boolean isQueueDir(Path dir) {
        if (!Files.isDirectory(dir))
            return false;
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(QUEUE_FILE_SUFFIX));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the last record of {@code queue} into {@code into}.
     *
     * @return the record's index, or -1 when the queue is empty
     */
    public static long readLast(ChronicleQueue queue, OrderInfo into) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.direction(TailerDirection.BACKWARD).toEnd();
            if (!tailer.readBytes(into.reset()))
                return -1;
            return tailer.lastReadIndex();
        }
    }
}
