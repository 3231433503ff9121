package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.LineError;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link OrderCsv} writes what {@link OrderCsvParser} reads: an exported orders queue is an order file again. */
class OrderCsvTest {
    private final OrderCsvParser parser = new OrderCsvParser();

    /** Parses {@code line}, writes the record back and returns what was written (without its newline). */
    private String roundTrip(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
        OrderInfo order = new OrderInfo();
        assertEquals(LineError.NONE, parser.parse(ByteBuffer.wrap(bytes), 0, bytes.length, order), line);
        AsciiOut out = new AsciiOut();
        OrderCsv.line(out, order);
        String written = out.takeText();
        assertEquals('\n', written.charAt(written.length() - 1));
        return written.substring(0, written.length() - 1);
    }

    @Test
    void theHeaderIsTheOrderFileHeader() {
        AsciiOut out = new AsciiOut();
        OrderCsv.header(out);
        assertEquals(OrderCsvParser.HEADER + "\n", out.takeText());
    }

    @Test
    void everyKindOfLineIsWrittenAsItWasRead() {
        for (String line : new String[]{
                "1732780800000000000,NEW,1001,7,AAPL,BUY,LIMIT,GTC,189.2500,300",
                "1732780800000150000,NEW,1002,9,AAPL,SELL,MARKET,IOC,,100",
                "1732780800000300000,REPLACE,1001,7,AAPL,BUY,LIMIT,FOK,189.3000,200",
                "1732780800000450000,CANCEL,1001,7,AAPL,,,,,",
                "0,CANCEL,9223372036854775807,,,,,,,",
        })
            assertEquals(line, roundTrip(line));
        // prices are written with 4 decimals, whatever the file had
        assertEquals("5,NEW,1,2,BRK.B,SELL,LIMIT,GTC,0.5000,1", roundTrip("5,NEW,1,2,BRK.B,SELL,LIMIT,GTC,.5,1"));
    }
}
