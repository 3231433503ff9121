package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.OrderStatus;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The executions CSV: each field of a line, and {@link ExecutionCsv#recover}, which makes the file a crashed writer
 * left whole again and says where to continue (the exactly-once promise of the egress CSV and {@code tail --csv}).
 */
class ExecutionCsvTest {
    private static String lineOf(OrderInfo r) {
        AsciiOut out = new AsciiOut();
        ExecutionCsv.line(out, r);
        return out.takeText();
    }

    private static OrderInfo trade(long seq) {
        return new OrderInfo().seq(seq).orderId(1001).account(7).symbol(Symbols.encode("AAPL")).side(Side.BUY)
                .execType(ExecType.TRADE).status(OrderStatus.PARTIALLY_FILLED).lastPx(1_892_500).lastQty(100)
                .leavesQty(200).cumQty(100).contraOrderId(1002);
    }

    @Test
    void headerAndEveryFieldOfALine() {
        AsciiOut out = new AsciiOut();
        ExecutionCsv.header(out);
        assertEquals(ExecutionCsv.HEADER + "\n", out.takeText());
        assertEquals("12,1001,7,AAPL,BUY,TRADE,PARTIALLY_FILLED,189.2500,100,200,100,1002,\n", lineOf(trade(12)));
    }

    @Test
    void emptyFieldsStayEmptyAndARejectionNamesItsReason() {
        // a bad line has no order id, account or symbol; its reason names the input line
        OrderInfo badLine = new OrderInfo().seq(3).execType(ExecType.REJECTED).status(OrderStatus.REJECTED)
                .rejectReason(RejectReason.BAD_LINE).sourceLine(17);
        assertEquals("3,,,,,REJECTED,REJECTED,,,0,0,,BAD_LINE:17\n", lineOf(badLine));
        OrderInfo band = new OrderInfo().seq(4).orderId(5).account(9).symbol(Symbols.encode("MSFT"))
                .side(Side.SELL).execType(ExecType.REJECTED).status(OrderStatus.REJECTED)
                .rejectReason(RejectReason.PRICE_BAND).sourceLine(18);
        assertEquals("4,5,9,MSFT,SELL,REJECTED,REJECTED,,,0,0,,PRICE_BAND\n", lineOf(band));
    }

    private static Path write(Path dir, String text) throws Exception {
        Path file = dir.resolve("executions.csv");
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    private static String read(Path file) throws Exception {
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    @Test
    void recoverReturnsTheSeqOfTheLastCompleteLineAndLeavesAWholeFileAlone(@TempDir Path dir) throws Exception {
        String whole = ExecutionCsv.HEADER + "\n" + lineOf(trade(1)) + lineOf(trade(2)) + lineOf(trade(3));
        Path file = write(dir, whole);
        assertEquals(3, ExecutionCsv.recover(file));
        assertEquals(whole, read(file));
    }

    @Test
    void recoverCutsOffATornLastLine(@TempDir Path dir) throws Exception {
        String whole = ExecutionCsv.HEADER + "\n" + lineOf(trade(1)) + lineOf(trade(2));
        Path file = write(dir, whole + "3,1001,7,AA");
        assertEquals(2, ExecutionCsv.recover(file));
        assertEquals(whole, read(file), "the torn line is gone, the complete ones are kept");
        // a torn line that holds only digits so far is not taken for a seq
        file = write(dir, whole + "10");
        assertEquals(2, ExecutionCsv.recover(file));
        assertEquals(whole, read(file));
    }

    @Test
    void recoverCutsOffATornLineBehindMoreThanOneReadOfTail(@TempDir Path dir) throws Exception {
        // more than the 4 KiB it reads from the end: the cut and the seq come from offsets in the whole file
        StringBuilder sb = new StringBuilder(ExecutionCsv.HEADER).append('\n');
        for (long seq = 1; seq <= 500; seq++)
            sb.append(lineOf(trade(seq)));
        String whole = sb.toString();
        Path file = write(dir, whole + "501,1001,7,AAPL,BUY,TRADE,PART");
        assertEquals(500, ExecutionCsv.recover(file));
        assertEquals(whole, read(file));
        assertEquals(500, ExecutionCsv.recover(file), "recovering again changes nothing");
        assertEquals(whole, read(file));
    }

    @Test
    void recoverOfAFileWithoutAnyReportIsZero(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.csv");
        assertEquals(0, ExecutionCsv.recover(missing));
        assertFalse(Files.exists(missing), "recover creates no file");

        Path file = write(dir, "");
        assertEquals(0, ExecutionCsv.recover(file));
        assertEquals("", read(file));

        file = write(dir, ExecutionCsv.HEADER + "\n");
        assertEquals(0, ExecutionCsv.recover(file), "the header is not a report");
        assertEquals(ExecutionCsv.HEADER + "\n", read(file));

        // a crash while the header was being written: no newline at all, nothing of it is kept
        file = write(dir, "seq,order_id,acc");
        assertEquals(0, ExecutionCsv.recover(file));
        assertEquals("", read(file));

        // a line with no seq before its first comma is no report either
        file = write(dir, ",1001\n");
        assertEquals(0, ExecutionCsv.recover(file));
        assertEquals(",1001\n", read(file));
    }

    @Test
    void recoverReadsTheSeqOfTheFirstLineWhenItIsTheOnlyOne(@TempDir Path dir) throws Exception {
        // tail --csv --out writes no header: its file starts with a report
        String one = lineOf(trade(7));
        Path file = write(dir, one);
        assertEquals(7, ExecutionCsv.recover(file));
        assertEquals(one, read(file));
    }
}
