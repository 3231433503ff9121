package dev.orderpipe.pipeline.infra;

import dev.orderpipe.pipeline.util.AtomicFile;
import net.openhft.chronicle.queue.RollCycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a queue's history starts once retention has removed its oldest cycle files: the file {@value #FILE} in the
 * queue's directory names the first index kept (the first record of the oldest cycle file kept) and how many records
 * came before it (and, on {@code executions}, how many of those ended an input's reports: what a whole-directory
 * audit counts as accounted orders). Every reader that starts at the queue's start begins there and takes that record as the start of
 * the history (executions: seq {@code recordsBefore + 1}), and the integrity checks count the records before it, so a
 * retained queue is sound, not "damaged" or "lost records". A queue without the file starts at its first record.
 *
 * <p>Retention writes the file before it removes a cycle file, so a crash in between leaves files before the start
 * named here: the checks and the readers skip them, and the next retention pass removes them.
 */
public record HistoryStart(long firstIndex, long recordsBefore, long inputsBefore) {
    /** The file in a queue's directory. */
    public static final String FILE = "retention.txt";

    /** The history start of the queue in {@code queueDir}, or null when nothing was removed from it. */
    public static HistoryStart read(Path queueDir) {
        Path file = queueDir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (String line : text.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (line.startsWith("#") || w.length != 6 || !w[0].equals("first") || !w[2].equals("records")
                    || !w[4].equals("inputs"))
                continue;
            try {
                long first = Long.parseUnsignedLong(w[1].startsWith("0x") ? w[1].substring(2) : w[1], 16);
                long before = Long.parseLong(w[3]);
                long inputs = Long.parseLong(w[5]);
                if (first >= 0 && before >= 0 && inputs >= 0)
                    return new HistoryStart(first, before, inputs);
            } catch (NumberFormatException e) {
                break;
            }
        }
        throw new QueueDamagedException(queueDir.toString(), -1, FILE, "it does not say where the queue's history"
                + " starts (a line 'first 0xINDEX records N inputs M' is expected): restore it from a copy, or remove it if no"
                + " cycle file was ever removed from this queue");
    }

    /** Writes the file whole (a temporary file renamed over it), so a crash leaves the old or the new. */
    public void write(Path queueDir) {
        try {
            AtomicFile.writeString(queueDir.resolve(FILE), "# orderpipe retention: this queue's history starts at"
                    + " index first (hex); records: how many came before it (removed or archived); inputs: how many"
                    + " of those ended an input's reports (executions), else records\nfirst 0x"
                    + Long.toHexString(firstIndex) + " records " + recordsBefore + " inputs " + inputsBefore + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + queueDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The first cycle kept. */
    public int firstCycle(RollCycle rollCycle) {
        return rollCycle.toCycle(firstIndex);
    }

    /** The seq of the first report kept, on an executions queue (seq is dense from 1). */
    public long firstSeq() {
        return recordsBefore + 1;
    }
}
