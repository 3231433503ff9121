package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.RejectReason;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The executions file (docs/formats.md): one execution report per line, prices with exactly 4 decimals, empty fields empty.
 * Formatting allocates nothing, so the egress stage uses it on the hot path and {@code orderpipe export} off it.
 */
public final class ExecutionCsv {
    /** The header line. */
    public static final String HEADER =
            "seq,order_id,account,symbol,side,exec_type,status,last_px,last_qty,leaves_qty,cum_qty,contra_order_id,reason";

    private ExecutionCsv() {
    }

    public static void header(AsciiOut out) {
        out.text(HEADER).newline();
    }

    /** Writes one report as a line. */
    public static void line(AsciiOut out, OrderInfo r) {
        ExecType type = r.execType();
        if (type == ExecType.SESSION_OPEN || type == ExecType.SESSION_CLOSE) { // seq,,,,,SESSION_OPEN,,,,,,,YYYY-MM-DD
            out.number(r.seq()).text(",,,,,").text(type.csv()).text(",,,,,,,").date(r.tradingDate()).newline();
            return;
        }
        out.number(r.seq()).ch(',')
                .numberOrEmpty(r.orderId()).ch(',')
                .numberOrEmpty(r.account()).ch(',')
                .symbol(r.symbol()).ch(',')
                .text(r.side().csv()).ch(',')
                .text(r.execType().csv()).ch(',')
                .text(r.status().csv()).ch(',')
                .price(r.lastPx()).ch(',')
                .numberOrEmpty(r.lastQty()).ch(',')
                .number(r.leavesQty()).ch(',')
                .number(r.cumQty()).ch(',')
                .numberOrEmpty(r.contraOrderId()).ch(',');
        RejectReason reason = r.rejectReason();
        if (reason != RejectReason.NONE) {
            out.text(reason.name());
            if (reason == RejectReason.BAD_LINE)
                out.ch(':').number(r.sourceLine());
        }
        out.newline();
    }

    /**
     * Makes an executions CSV written by an earlier, possibly crashed, writer whole again and says where it ended:
     * a torn last line (no newline) is cut off, and the {@code seq} of the last complete line is returned (0 for a
     * missing or empty file, or one holding only the header). A writer that then skips reports up to that seq and
     * appends the rest gives a file with every report exactly once.
     */
    public static long recover(Path file) {
        if (!Files.exists(file))
            return 0;
        return lastSeq(file, true);
    }

    /**
     * The {@code seq} of the last complete line of an executions CSV, read only (0 for a missing or empty file, or
     * one holding only the header): how far a writer of it got, for retention, beside a live writer.
     */
    public static long lastSeq(Path file) {
        return Files.exists(file) ? lastSeq(file, false) : 0;
    }

    private static long lastSeq(Path file, boolean cutTornLine) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), cutTornLine ? "rw" : "r")) {
            long size = f.length();
            byte[] tail = new byte[(int) Math.min(size, 4096)];
            f.seek(size - tail.length);
            f.readFully(tail);
            int end = tail.length;
            while (end > 0 && tail[end - 1] != '\n')
                end--;
            if (cutTornLine)
                f.setLength(size - tail.length + end); // cuts a torn last line off; no change after a whole line
            return seqOfLineEndingAt(tail, end);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + (cutTornLine ? "recover " : "read ") + file + ": "
                    + e.getMessage(), e);
        }
    }

    /** The seq of the line whose newline is {@code b[end - 1]}; 0 when there is none or it is the header. */
    private static long seqOfLineEndingAt(byte[] b, int end) {
        if (end == 0)
            return 0;
        int start = end - 1;
        while (start > 0 && b[start - 1] != '\n')
            start--;
        String last = new String(b, start, end - 1 - start, StandardCharsets.US_ASCII);
        int comma = last.indexOf(',');
        if (comma <= 0)
            return 0;
        for (int i = 0; i < comma; i++)
            if (!Character.isDigit(last.charAt(i)))
                return 0; // the header
        return Long.parseLong(last.substring(0, comma));
    }
}
