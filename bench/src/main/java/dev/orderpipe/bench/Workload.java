package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.csv.OrderFileReader;
import dev.orderpipe.pipeline.util.AtomicFile;
import dev.orderpipe.replay.RecordSource;
import net.openhft.chronicle.bytes.Bytes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The orders every variant is driven with: a realistic order file written by {@link OrderGenerator} (seeded, so the
 * same every run) and decoded once, exactly as the ingress stage decodes it, into an in-memory array of marshalled
 * {@link OrderInfo} records. A run sends a prefix of it, so each rate sees the same order flow from the start.
 *
 * <p>Its {@link #source()} is allocation-free per record: the sending thread decodes each record into its one reused
 * {@link OrderInfo}, as a stage reads a queue.
 */
final class Workload {
    private final byte[] records;
    private final int count;

    private Workload(byte[] records, int count) {
        this.records = records;
        this.count = count;
    }

    /** Generates {@code orders} orders for the config's symbols into {@code file} and decodes them. */
    static Workload generate(PipelineConfig config, int orders, long seed, Path file) {
        OrderGenerator.Settings s = new OrderGenerator.Settings();
        s.orders = orders;
        s.seed = seed;
        write(s, config, file);
        return decode(file, config.ingress.maxLineLength, orders);
    }

    /** Writes the order file the generator makes with these settings for the config's symbols. */
    static void write(OrderGenerator.Settings s, PipelineConfig config, Path file) {
        try (AtomicFile out = AtomicFile.create(file)) {
            try (Writer w = Files.newBufferedWriter(out.temp(), StandardCharsets.UTF_8)) {
                new OrderGenerator(s, config.risk.symbols).write(w);
            }
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bench order file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Decodes an order file (at most {@code max} records) like the ingress does: bad lines become REJECTED. */
    static Workload decode(Path file, int maxLineLength, int max) {
        byte[] buf = new byte[Math.multiplyExact(max, OrderInfo.BINARY_LENGTH)];
        Bytes<byte[]> out = Bytes.wrapForWrite(buf);
        OrderInfo r = new OrderInfo();
        int n = 0;
        try (OrderFileReader reader = new OrderFileReader(file, maxLineLength, false)) {
            int result;
            while (n < max && (result = reader.read(r.reset())) != OrderFileReader.NOT_YET) {
                if (result != OrderFileReader.RECORD)
                    continue;
                r.sourceIndex(r.sourceLine());
                r.writeMarshallable(out);
                n++;
            }
        }
        return new Workload(buf, n);
    }

    int count() {
        return count;
    }

    /** The records in order, read on the sending thread (Chronicle bytes belong to the thread that uses them). */
    RecordSource source() {
        Bytes<byte[]> view = Bytes.wrapForRead(records);
        return new RecordSource() {
            private int next;

            @Override
            public boolean next(OrderInfo into) {
                if (next == count)
                    return false;
                view.readPositionRemaining((long) next++ * OrderInfo.BINARY_LENGTH, OrderInfo.BINARY_LENGTH);
                into.readMarshallable(view);
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    /** Bytes held. */
    long bytes() {
        return records.length;
    }
}
