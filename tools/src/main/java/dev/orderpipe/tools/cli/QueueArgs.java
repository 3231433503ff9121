package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.integrity.RecordKind;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.nio.file.Path;
import java.util.function.Supplier;

/** Opening a queue named on the command line, with one-line errors for a wrong path. */
final class QueueArgs {
    private QueueArgs() {
    }

    /**
     * Opens an existing queue read-only after the quick integrity check; a missing or non-queue directory is a
     * one-line {@link BadFileException}, a damaged one a one-line {@link QueueDamagedException} (both OperatorErrors),
     * a directory Chronicle cannot open a one-line UserException.
     */
    static ChronicleQueue openExisting(Path dir) {
        return openExisting(dir, RecordKind.ofQueueName(dir.getFileName().toString()));
    }

    /** {@link #openExisting(Path)} of a queue that must hold {@code kind} records (null: one kind, any). */
    static ChronicleQueue openExisting(Path dir, RecordKind kind) {
        return open(dir, () -> Queues.openExisting(dir, kind));
    }

    /** {@link #openExisting} of a queue whose files were just checked ({@link Queues#openVerified}). */
    static ChronicleQueue openVerified(Path dir) {
        return open(dir, () -> Queues.openVerified(dir));
    }

    private static ChronicleQueue open(Path dir, Supplier<ChronicleQueue> opener) {
        try {
            return opener.get();
        } catch (BadFileException | QueueDamagedException e) {
            throw e; // names the directory and what is wrong with it
        } catch (RuntimeException e) {
            throw UserException.failure(dir + " cannot be opened as a Chronicle queue: " + firstLine(e));
        }
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
