package dev.orderpipe.tools.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderpipe.pipeline.config.SnapshotConfig;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import dev.orderpipe.replay.Documents;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code orderpipe dump} of a snapshot queue ({@code snapshots/risk}, {@code snapshots/matching}): its documents are
 * a snapshot's header, payload chunks and trailer, not order records, so dump lists the snapshots, one per line (or
 * YAML document, or JSON line): where its header and trailer are, what the header says (the input it covers, the
 * stage's last output then, the session), its chunks, payload bytes and CRC32C, and whether a restart would restore
 * it ({@code valid}) or why not (cut short, a checksum that does not match, another format version).
 */
final class SnapshotDump {
    private SnapshotDump() {
    }

    /** Prints the snapshots of {@code stage} in {@code q}, the last {@code last} (null: all), at most {@code count}. */
    static void print(PrintWriter out, ChronicleQueue q, String name, String stage, Long last, Long count,
                      boolean yaml, boolean json) {
        List<SnapshotStore.Listed> all;
        try (SnapshotStore store = new SnapshotStore(stage, q, new SnapshotConfig(), 0)) {
            all = store.list();
        }
        int from = last == null ? 0 : (int) Math.max(0, all.size() - last);
        int to = count == null ? all.size() : (int) Math.min(all.size(), from + count);
        RollCycle rc = q.rollCycle();
        int valid = 0;
        for (SnapshotStore.Listed s : all)
            if (s.problem() == null)
                valid++;
        for (SnapshotStore.Listed s : all.subList(from, to)) {
            if (json) {
                out.print(Documents.jsonLine(document(s, stage, rc)));
            } else if (yaml) {
                out.println("--- # " + where(rc, s.index()));
                out.print(Documents.yaml(document(s, stage, rc)));
            } else {
                out.println(line(s, stage, rc));
            }
        }
        if (!json && !yaml)
            out.printf(Locale.ROOT, "%s: %d snapshot(s) of %s, %d valid%n", name, all.size(), stage, valid);
    }

    private static String where(RollCycle rc, long index) {
        return "0x" + Long.toHexString(index) + " cycle " + rc.toCycle(index) + " seq " + rc.toSequenceNumber(index);
    }

    private static String line(SnapshotStore.Listed s, String stage, RollCycle rc) {
        SnapshotStore.Found h = s.header();
        StringBuilder b = new StringBuilder(where(rc, s.index())).append(' ').append(stage).append(" snapshot");
        b.append(" format ").append(s.version()).append(" covering input 0x").append(Long.toHexString(h.coveredInput))
                .append(" output last ").append(h.outputLast < 0 ? "none" : "0x" + Long.toHexString(h.outputLast))
                .append(" taken ").append(Instant.ofEpochMilli(h.takenMillis))
                .append(" session ").append(h.sessionDate == 0 ? "none" : Long.toString(h.sessionDate))
                .append(h.sessionState == SnapshotStore.AT_SESSION_CLOSE ? " at close" : "")
                .append(" shape 0x").append(Long.toHexString(h.shape));
        if (s.problem() == null)
            b.append(String.format(Locale.ROOT, " %d chunks %,d bytes crc32c %08x trailer 0x%x: valid", h.chunks(),
                    h.payload, h.checksum, s.trailerIndex()));
        else
            b.append(": NOT VALID, ").append(s.problem());
        return b.toString();
    }

    private static ObjectNode document(SnapshotStore.Listed s, String stage, RollCycle rc) {
        SnapshotStore.Found h = s.header();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("index", "0x" + Long.toHexString(s.index()));
        o.put("cycle", rc.toCycle(s.index()));
        o.put("cycle_seq", rc.toSequenceNumber(s.index()));
        o.put("stage", stage);
        o.put("format", s.version());
        o.put("covered_input", "0x" + Long.toHexString(h.coveredInput));
        o.put("output_last", h.outputLast < 0 ? "none" : "0x" + Long.toHexString(h.outputLast));
        o.put("output_stamp_ns", h.outputStamp);
        o.put("shape", "0x" + Long.toHexString(h.shape));
        o.put("taken", Instant.ofEpochMilli(h.takenMillis).toString());
        o.put("session_date", h.sessionDate);
        o.put("at_session_close", h.sessionState == SnapshotStore.AT_SESSION_CLOSE);
        o.put("valid", s.problem() == null);
        if (s.problem() == null) {
            o.put("chunks", h.chunks());
            o.put("payload_bytes", h.payload);
            o.put("crc32c", String.format(Locale.ROOT, "%08x", h.checksum));
            o.put("trailer_index", "0x" + Long.toHexString(s.trailerIndex()));
        } else {
            o.put("problem", s.problem());
        }
        return o;
    }
}
