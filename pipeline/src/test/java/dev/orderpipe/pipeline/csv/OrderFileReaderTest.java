package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class OrderFileReaderTest {
    private static List<OrderInfo> readAll(Path file, int maxLineLength, long skipThrough) {
        List<OrderInfo> records = new ArrayList<>();
        try (OrderFileReader reader = new OrderFileReader(file, maxLineLength, false).skipThroughLine(skipThrough)) {
            OrderInfo o = new OrderInfo();
            int r;
            while ((r = reader.read(o)) != OrderFileReader.NOT_YET)
                if (r == OrderFileReader.RECORD)
                    records.add(new OrderInfo().copyFrom(o));
            assertTrue(reader.isDone());
        }
        return records;
    }

    @Test
    void linesBecomeRecordsWithTheirLineNumbers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        String longLine = "1,NEW,9,7,AAPL,BUY,LIMIT,GTC,1.0," + "1".repeat(100);
        Files.writeString(file, "\uFEFF" + OrderCsvParser.HEADER + "\r\n"
                + "# comment\n"
                + "1000,NEW,1,7,AAPL,BUY,LIMIT,GTC,189.25,300\r\n"
                + "\n"
                + longLine + "\n"
                + "2000,NEW,2,9,AAPL,SELL,MARKET,IOC,,100\n"
                + "garbage\n"
                + "3000,CANCEL,1,,,,,,,", StandardCharsets.UTF_8);
        List<OrderInfo> records = readAll(file, 80, 0);
        assertEquals(List.of(3L, 5L, 6L, 7L, 8L), records.stream().map(OrderInfo::sourceLine).toList());
        assertFalse(records.get(0).isRejected());
        assertEquals(1000, records.get(0).eventTime());
        assertEquals(LineError.TOO_LONG, records.get(1).lineError());
        assertEquals(RejectReason.BAD_LINE, records.get(1).rejectReason());
        assertEquals(LineError.COLUMN_COUNT, records.get(3).lineError());
        assertEquals(1, records.get(4).orderId());
        assertFalse(records.get(4).isRejected());

        assertEquals(List.of(6L, 7L, 8L), readAll(file, 80, 5).stream().map(OrderInfo::sourceLine).toList());
    }

    @Test
    void aFirstLineThatLooksLikeAWrongHeaderIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, "ts,action\n1000,NEW,1,7,AAPL,BUY,LIMIT,GTC,189.25,300\n", StandardCharsets.UTF_8);
        List<OrderInfo> records = readAll(file, 1024, 0);
        assertEquals(2, records.size());
        assertEquals(LineError.BAD_HEADER, records.get(0).lineError());
        assertEquals(1, records.get(0).sourceLine());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void oneCallSkipsAtMostOneBufferOfAnEndlessLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("huge.csv");
        long size = 64L << 20; // 64 MB of NUL bytes and no newline, as /dev/zero would give
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        Files.writeString(file, "\n1000,NEW,1,7,AAPL,BUY,LIMIT,GTC,189.25,300\n", java.nio.file.StandardOpenOption.APPEND);
        for (boolean follow : new boolean[]{false, true}) {
            try (OrderFileReader reader = new OrderFileReader(file, 1024, follow)) {
                OrderInfo o = new OrderInfo();
                assertEquals(OrderFileReader.RECORD, reader.read(o));
                assertEquals(LineError.TOO_LONG, o.lineError());
                int calls = 0;
                int r;
                while ((r = reader.read(o)) == OrderFileReader.SKIPPED)
                    calls++;
                assertEquals(OrderFileReader.RECORD, r);
                assertEquals(2, o.sourceLine());
                assertFalse(o.isRejected());
                // the buffer is 64 KB: about one call per buffer, never the whole line in one call
                assertTrue(calls >= size / (64 << 10) - 2 && calls <= size / (64 << 10) + 2, "calls: " + calls);
            }
        }
    }

    private static final String ORDER = "1000,NEW,1,7,AAPL,BUY,LIMIT,GTC,189.25,300";

    /** Each record as "line:error" (NONE for a valid order). */
    private static List<String> summary(List<OrderInfo> records) {
        return records.stream().map(r -> r.sourceLine() + ":" + r.lineError()).toList();
    }

    @Test
    void upperCaseAndOtherWrongHeadersAreRejectedButAFileMayStartWithData(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        // any letter starts a header; anything else starts a data line (a file without a header)
        for (String first : new String[]{"TS_NANOS,ACTION", "A", "Z", "a", "z", "Ts,action"}) {
            Files.writeString(file, first + "\n" + ORDER + "\n", StandardCharsets.US_ASCII);
            assertEquals(List.of("1:BAD_HEADER", "2:NONE"), summary(readAll(file, 1024, 0)), first);
        }
        for (String first : new String[]{"@", "[", "`", "{"}) {
            Files.writeString(file, first + "\n" + ORDER + "\n", StandardCharsets.US_ASCII);
            assertEquals(List.of("1:COLUMN_COUNT", "2:NONE"), summary(readAll(file, 1024, 0)), first);
        }
        Files.writeString(file, ORDER + "\n" + ORDER.replace(",1,", ",2,") + "\n", StandardCharsets.US_ASCII);
        assertEquals(List.of("1:NONE", "2:NONE"), summary(readAll(file, 1024, 0)));
    }

    @Test
    void aByteOrderMarkAloneOnTheFirstLineIsSkipped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, "\uFEFF\n" + ORDER + "\n", StandardCharsets.UTF_8);
        assertEquals(List.of("2:NONE"), summary(readAll(file, 1024, 0)));
        // two bytes of a mark are not one: the line is a bad line, not a header
        Files.write(file, new byte[]{(byte) 0xEF, (byte) 0xBB, '\n'});
        assertEquals(List.of("1:BAD_BYTES"), summary(readAll(file, 1024, 0)));
    }

    @Test
    void aLineOfExactlyMaxLineLengthIsRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        int max = ORDER.length();
        String tooLong = ORDER.replace("300", "3000");
        Files.writeString(file, ORDER + "\n" + tooLong + "\n" + ORDER + "\n" + tooLong + "\n" + ORDER,
                StandardCharsets.US_ASCII);
        assertEquals(List.of("1:NONE", "2:TOO_LONG", "3:NONE", "4:TOO_LONG", "5:NONE"),
                summary(readAll(file, max, 0)));
        // the last line without its newline, one byte too long
        Files.writeString(file, ORDER + "\n" + tooLong, StandardCharsets.US_ASCII);
        assertEquals(List.of("1:NONE", "2:TOO_LONG"), summary(readAll(file, max, 0)));
    }

    @Test
    void linesLongerThanTheDefaultBufferAreReadWhole(@TempDir Path dir) throws Exception {
        // maxLineLength above 32 KiB: the buffer grows past its 64 KiB default to hold such a line and its line end
        int max = 100_000;
        String padded = "1000,NEW,1,7,AAPL,BUY,LIMIT,GTC," + "0".repeat(max - ORDER.length()) + "189.25,300";
        assertEquals(max, padded.length());
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, padded + "\n" + padded + "0\n" + ORDER + "\n" + "x".repeat(max) + "\n" + padded,
                StandardCharsets.US_ASCII);
        List<OrderInfo> records = readAll(file, max, 0);
        assertEquals(List.of("1:NONE", "2:TOO_LONG", "3:NONE", "4:COLUMN_COUNT", "5:NONE"), summary(records));
        assertEquals(1_892_500, records.get(0).price());
        assertEquals(1_892_500, records.get(4).price());
    }

    @Test
    void resumingSkipsThroughTheLastLineReadAndNoFurther(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, OrderCsvParser.HEADER + "\n"
                + ORDER + "\n"
                + "# comment\n"
                + ORDER.replace(",1,", ",2,") + "\n"
                + "bad\n"
                + ORDER.replace(",1,", ",3,"), StandardCharsets.US_ASCII);
        assertEquals(List.of("2:NONE", "4:NONE", "5:COLUMN_COUNT", "6:NONE"), summary(readAll(file, 1024, 0)));
        assertEquals(List.of("2:NONE", "4:NONE", "5:COLUMN_COUNT", "6:NONE"), summary(readAll(file, 1024, 1)));
        // the last record line written before a restart is not emitted again: it would be a duplicate order
        assertEquals(List.of("4:NONE", "5:COLUMN_COUNT", "6:NONE"), summary(readAll(file, 1024, 2)));
        assertEquals(List.of("5:COLUMN_COUNT", "6:NONE"), summary(readAll(file, 1024, 4)));
        assertEquals(List.of("6:NONE"), summary(readAll(file, 1024, 5)));
        assertEquals(List.of(), summary(readAll(file, 1024, 6)), "the last line, without its newline");
    }

    @Test
    void lineNoAndIsDoneFollowTheReading(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, OrderCsvParser.HEADER + "\n" + ORDER + "\n", StandardCharsets.US_ASCII);
        try (OrderFileReader reader = new OrderFileReader(file, 1024, false)) {
            assertEquals(file, reader.file());
            assertEquals(0, reader.lineNo());
            assertFalse(reader.isDone());
            OrderInfo o = new OrderInfo();
            assertEquals(OrderFileReader.SKIPPED, reader.read(o));
            assertEquals(OrderFileReader.RECORD, reader.read(o));
            assertEquals(2, reader.lineNo());
            assertFalse(reader.isDone(), "the end of the file is not known yet");
            assertEquals(OrderFileReader.NOT_YET, reader.read(o));
            assertTrue(reader.isDone());
            assertEquals(2, reader.lineNo());
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void onlyARegularFileIsAnOrderFile(@TempDir Path dir) throws Exception {
        assertNull(OrderFileReader.whyNotReadable(Files.writeString(dir.resolve("orders.csv"), OrderCsvParser.HEADER)));
        assertEquals("does not exist", OrderFileReader.whyNotReadable(dir.resolve("nope.csv")));
        assertEquals("is a directory", OrderFileReader.whyNotReadable(dir));
        BadFileException e = assertThrows(BadFileException.class,
                () -> new OrderFileReader(dir, 1024, true));
        assertEquals("order file " + dir + " is a directory", e.getMessage());
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            assertEquals("is not a regular file (a device, FIFO or socket)", OrderFileReader.whyNotReadable(zero));
            assertThrows(BadFileException.class, () -> new OrderFileReader(zero, 1024, false));
        }
        // opening a FIFO would block until a writer comes: it is refused before
        Path fifo = dir.resolve("fifo");
        boolean made;
        try {
            made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
        } catch (IOException noMkfifo) {
            made = false;
        }
        assumeTrue(made, "mkfifo is not available");
        assertThrows(BadFileException.class, () -> new OrderFileReader(fifo, 1024, true));
    }

    @Test
    void aClosedReaderReadsNoMore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, ORDER + "\n", StandardCharsets.US_ASCII);
        OrderFileReader reader = new OrderFileReader(file, 1024, false);
        reader.close();
        assertThrows(UncheckedIOException.class, () -> reader.read(new OrderInfo()));
    }

    @Test
    void blankLinesAtTheStartOfTheFileAreSkipped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, "\n\r\n" + ORDER + "\n", StandardCharsets.US_ASCII);
        assertEquals(List.of("3:NONE"), summary(readAll(file, 1024, 0)));
    }
}
