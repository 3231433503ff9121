package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CSV ingress against hostile input: every bad line becomes exactly one REJECTED record with a reason and its
 * line number, every good line goes through, the pipeline does not die and nothing is lost.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputTest {
    private static final String GOOD = "1000,NEW,%d,7,AAPL,BUY,LIMIT,GTC,189.25,100";

    /** A line and what it must give: null for a valid order, else the line error. */
    record Case(byte[] bytes, LineError expected) {
        static Case of(String line, LineError expected) {
            return new Case(line.getBytes(StandardCharsets.ISO_8859_1), expected);
        }
    }

    static List<Case> adversarial() {
        List<Case> cases = new ArrayList<>();
        cases.add(Case.of(String.format(GOOD, 1), null));
        cases.add(Case.of(String.format(GOOD, 2) + "\r", null)); // CRLF
        cases.add(Case.of("1000,NEW,3,7,AAPL,BUY,LIMIT,GTC,189.25," + "9".repeat(5000), LineError.TOO_LONG));
        cases.add(Case.of("x".repeat(100_000), LineError.TOO_LONG));
        cases.add(Case.of("1000,NEW,4,7,AA\0PL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_BYTES));
        cases.add(new Case(new byte[]{(byte) 0xFF, (byte) 0xFE, 1, 2, 3, (byte) 0x80, 0}, LineError.BAD_BYTES));
        cases.add(new Case(("\uFEFF" + String.format(GOOD, 5)).getBytes(StandardCharsets.UTF_8), LineError.BAD_BYTES)); // a BOM anywhere but the start
        cases.add(Case.of("1000,NEW,99999999999999999999,7,AAPL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_ORDER_ID));
        cases.add(Case.of("1000,NEW,9223372036854775808,7,AAPL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_ORDER_ID));
        cases.add(Case.of("18446744073709551616,NEW,6,7,AAPL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_TS));
        cases.add(Case.of("1000,NEW,7,7,AAPL,BUY,LIMIT,GTC,NaN,100", LineError.BAD_PRICE));
        cases.add(Case.of("1000,NEW,8,7,AAPL,BUY,LIMIT,GTC,Infinity,100", LineError.BAD_PRICE));
        cases.add(Case.of("1000,NEW,9,7,AAPL,BUY,LIMIT,GTC,-189.25,100", LineError.BAD_PRICE));
        cases.add(Case.of("1000,NEW,10,7,AAPL,BUY,LIMIT,GTC,0,100", LineError.BAD_PRICE));
        cases.add(Case.of("1000,NEW,11,7,AAPL,BUY,LIMIT,GTC,189.25,-100", LineError.BAD_QTY));
        cases.add(Case.of("1000,NEW,12,7,AAPL,BUY,LIMIT,GTC,189.25,0", LineError.BAD_QTY));
        cases.add(Case.of("1000,NEW,13,-7,AAPL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_ACCOUNT));
        cases.add(Case.of("1000,NEW,0,7,AAPL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_ORDER_ID));
        cases.add(Case.of("-1,NEW,14,7,AAPL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_TS));
        cases.add(Case.of("1000,NEW,15,7,AAPL,BUY,LIMIT,GTC,189.25001,100", LineError.BAD_PRICE));
        cases.add(Case.of("1000,NEW,16,7,AAPL,BUY,LIMIT,GTC,1e3,100", LineError.BAD_PRICE));
        cases.add(Case.of("1000,NEW,17,7,AAPL,BUY,LIMIT,GTC,9223372036854775807,100", LineError.BAD_PRICE));
        cases.add(Case.of("1000,AMEND,18,7,AAPL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_ACTION));
        cases.add(Case.of("1000,NEW,19,7,AAPL,LONG,LIMIT,GTC,189.25,100", LineError.BAD_SIDE));
        cases.add(Case.of("1000,NEW,20,7,AAPL,BUY,STOP,GTC,189.25,100", LineError.BAD_TYPE));
        cases.add(Case.of("1000,NEW,21,7,AAPL,BUY,LIMIT,GTD,189.25,100", LineError.BAD_TIF));
        cases.add(Case.of("1000,new,22,7,AAPL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_ACTION));
        cases.add(Case.of("1000,NEW,23,7,AAPL,BUY,LIMIT,GTC,189.25", LineError.COLUMN_COUNT));
        cases.add(Case.of("1000,NEW,24,7,AAPL,BUY,LIMIT,GTC,189.25,100,extra", LineError.COLUMN_COUNT));
        cases.add(Case.of("1000", LineError.COLUMN_COUNT));
        cases.add(Case.of(",,,,,,,,,", LineError.BAD_TS));
        cases.add(Case.of("\"1000\",NEW,25,7,AAPL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_TS));
        cases.add(Case.of("1000,NEW,26,7,\"AAPL\",BUY,LIMIT,GTC,189.25,100", LineError.BAD_SYMBOL));
        cases.add(Case.of("1000,NEW,27,7,\"AAPL,INC\",BUY,LIMIT,GTC,189.25,100", LineError.COLUMN_COUNT));
        cases.add(Case.of(" 1000,NEW,28,7,AAPL,BUY,LIMIT,GTC,189.25,100", LineError.BAD_TS));
        cases.add(Case.of("1000,NEW,29,7,TOOLONGSYM,BUY,LIMIT,GTC,189.25,100", LineError.BAD_SYMBOL));
        cases.add(Case.of("1000,NEW,30,7,AAPL,BUY,MARKET,IOC,189.25,100", LineError.PRICE_NOT_ALLOWED));
        cases.add(Case.of("1000,NEW,31,7,AAPL,BUY,LIMIT,GTC,,100", LineError.PRICE_REQUIRED));
        cases.add(Case.of("1000,CANCEL,1,,,,,,,", null));
        cases.add(Case.of(String.format(GOOD, 32), null));
        return cases;
    }

    @Test
    void everyBadLineIsOneRejectionWithItsLineNumberAndEveryGoodLineGoesThrough(@TempDir Path dir) throws Exception {
        List<Case> cases = new ArrayList<>(adversarial());
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 3000; i++)
            cases.add(new Case(fuzz(random, 100 + i), null /* decided by the round-trip check below */));

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // UTF-8 BOM before the header
        file.writeBytes("ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\r\n".getBytes(StandardCharsets.US_ASCII));
        Map<Long, Case> byLine = new HashMap<>();
        long line = 1;
        for (Case c : cases) {
            file.writeBytes("# comment\n\n".getBytes(StandardCharsets.US_ASCII)); // skipped lines keep their numbers
            line += 2;
            file.writeBytes(c.bytes());
            file.write('\n');
            byLine.put(++line, c);
        }
        Path input = dir.resolve("hostile.csv");
        Files.write(input, file.toByteArray());

        Pipeline p = TestPipelines.runToEnd(TestPipelines.config(dir.resolve("data"), input));
        assertEquals(null, p.failure());

        List<OrderInfo> orders = TestPipelines.readAll(p.queuePath("orders"));
        assertEquals(cases.size(), orders.size(), "one record per data line: nothing lost, nothing added");
        int fuzzGood = 0;
        for (OrderInfo o : orders) {
            Case c = byLine.get(o.sourceLine());
            assertNotNull(c, "record for a line that is not a data line: " + o);
            if (c.expected() != null) {
                assertEquals(RejectReason.BAD_LINE, o.rejectReason(), "line " + o.sourceLine());
                assertEquals(c.expected(), o.lineError(), "line " + o.sourceLine());
            } else if (o.isRejected()) {
                assertTrue(o.sourceLine() > 2 * adversarial().size() + 2, "a known-good line was rejected: " + o);
            } else {
                fuzzGood++;
                assertTrue(o.orderId() > 0 && o.eventTime() >= 0, o.toString());
            }
        }
        assertTrue(fuzzGood > 0, "some fuzzed lines stay valid");
        // at the end of the pipeline every bad line is one REJECTED execution naming its line
        long badLines = orders.stream().filter(o -> o.rejectReason() == RejectReason.BAD_LINE).count();
        long rejectedReports = TestPipelines.readAll(p.queuePath("executions")).stream()
                .filter(e -> e.execType() == ExecType.REJECTED && e.rejectReason() == RejectReason.BAD_LINE).count();
        assertEquals(badLines, rejectedReports);
        assertEquals(cases.size(), p.counts().inputsAccounted());
    }

    /** A valid line with random damage: bytes replaced, inserted or deleted, including NUL, CR, quotes and high bytes. */
    private static byte[] fuzz(SplittableRandom r, long id) {
        byte[] good = String.format(GOOD, id).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] alphabet = {0, '\r', '"', ',', '.', '-', '9', '0', 'A', 'z', (byte) 0xC3, (byte) 0xFF, ' ', '\t'};
        for (byte b : good) {
            int roll = r.nextInt(100);
            if (roll < 3)
                continue;
            if (roll < 6)
                out.write(alphabet[r.nextInt(alphabet.length)]);
            out.write(roll < 9 ? alphabet[r.nextInt(alphabet.length)] : b);
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length == 0 || bytes[0] == '#')
            return good;
        return bytes;
    }
}
