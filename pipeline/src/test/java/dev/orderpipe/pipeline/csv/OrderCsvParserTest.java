package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderCsvParserTest {
    private final OrderCsvParser parser = new OrderCsvParser();

    private LineError parse(String line, OrderInfo into) {
        byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        return parser.parse(ByteBuffer.wrap(bytes), 0, bytes.length, into.reset());
    }

    @Test
    void designExamplesParse() {
        OrderInfo o = new OrderInfo();
        assertEquals(LineError.NONE, parse("1732780800000000000,NEW,1001,7,AAPL,BUY,LIMIT,GTC,189.2500,300", o));
        assertEquals(1732780800000000000L, o.eventTime());
        assertEquals(Action.NEW, o.action());
        assertEquals(1001, o.orderId());
        assertEquals(7, o.account());
        assertEquals(Symbols.encode("AAPL"), o.symbol());
        assertEquals(Side.BUY, o.side());
        assertEquals(OrderType.LIMIT, o.orderType());
        assertEquals(TimeInForce.GTC, o.timeInForce());
        assertEquals(1_892_500, o.price());
        assertEquals(300, o.quantity());

        assertEquals(LineError.NONE, parse("1732780800000150000,NEW,1002,9,AAPL,SELL,MARKET,IOC,,100", o));
        assertEquals(OrderType.MARKET, o.orderType());
        assertEquals(0, o.price());
        assertEquals(LineError.NONE, parse("1732780800000300000,REPLACE,1001,7,AAPL,BUY,LIMIT,GTC,189.3000,200", o));
        assertEquals(Action.REPLACE, o.action());
        assertEquals(LineError.NONE, parse("1732780800000450000,CANCEL,1001,7,AAPL,,,,,", o));
        assertEquals(Action.CANCEL, o.action());
        assertEquals(LineError.NONE, parse("1,CANCEL,1001,,,,,,,", o));
        assertEquals(LineError.NONE, parse("0,NEW,1,1,BRK.B,SELL,LIMIT,FOK,1,1", o));
        assertEquals(1, parse("0,NEW,1,1,A,SELL,LIMIT,FOK,0.0001,1", o) == LineError.NONE ? o.price() : -1);
    }

    @Test
    void sessionLinesCarryTheirTradingDate() {
        OrderInfo o = new OrderInfo();
        assertEquals(LineError.NONE, parse("1764512400000000000,SESSION_OPEN,2026-11-30,,,,,,,", o));
        assertEquals(Action.SESSION_OPEN, o.action());
        assertEquals(1764512400000000000L, o.eventTime());
        assertEquals(20261130, o.tradingDate());
        assertEquals(0, o.orderId());
        assertEquals(LineError.NONE, parse("5,SESSION_CLOSE,2028-02-29,,,,,,,", o));
        assertEquals(Action.SESSION_CLOSE, o.action());
        assertEquals(20280229, o.tradingDate());
        assertEquals(LineError.NONE, parse("5,SESSION_CLOSE,,,,,,,,", o), "a close may leave its date out");
        assertEquals(0, o.tradingDate());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "x,NEW,1,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_TS",
            "-1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_TS",
            "99999999999999999999,NEW,1,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_TS",
            "9223372036854775808,NEW,1,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_TS",
            "1,new,1,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_ACTION",
            "1,AMEND,1,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_ACTION",
            "1,NEW,0,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_ORDER_ID",
            "1,NEW,-5,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_ORDER_ID",
            "1,NEW,1,,AAPL,BUY,LIMIT,GTC,1,1|BAD_ACCOUNT",
            "1,NEW,1,7,,BUY,LIMIT,GTC,1,1|BAD_SYMBOL",
            "1,NEW,1,7,TOOLONGSY,BUY,LIMIT,GTC,1,1|BAD_SYMBOL",
            "1,NEW,1,7,aapl,BUY,LIMIT,GTC,1,1|BAD_SYMBOL",
            "1,NEW,1,7,AAPL,B,LIMIT,GTC,1,1|BAD_SIDE",
            "1,NEW,1,7,AAPL,BUY,STOP,GTC,1,1|BAD_TYPE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTD,1,1|BAD_TIF",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,,1|PRICE_REQUIRED",
            "1,NEW,1,7,AAPL,BUY,MARKET,IOC,10,1|PRICE_NOT_ALLOWED",
            "1,CANCEL,1,,,,,,10,|PRICE_NOT_ALLOWED",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1.00001,1|BAD_PRICE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,0,1|BAD_PRICE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,-1,1|BAD_PRICE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,NaN,1|BAD_PRICE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1.2.3,1|BAD_PRICE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,.,1|BAD_PRICE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,922337203685478,1|BAD_PRICE",
            // x 10^4 wraps past 2^64 to a small positive value (0.8384): refused, not read as a price
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1844674407370956,1|BAD_PRICE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,99999999999999999999,1|BAD_PRICE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1..5,1|BAD_PRICE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,9223372036854775.808,1|BAD_PRICE",
            // bytes from space to ~ reach the column rules; anything outside is a bad byte
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1, 1|BAD_QTY",
            "1,NEW,1,7,AAPL~,BUY,LIMIT,GTC,1,1|BAD_SYMBOL",
            "1,NEW,1,7,AAPL\u007f,BUY,LIMIT,GTC,1,1|BAD_BYTES",
            "1,NEW,1,7,AAPL\u001f,BUY,LIMIT,GTC,1,1|BAD_BYTES",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1,0|BAD_QTY",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1,1.5|BAD_QTY",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1,|BAD_QTY",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1|COLUMN_COUNT",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1,1,extra|COLUMN_COUNT",
            "\"1\",NEW,1,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_TS",
            // a keyword with more after it is not the keyword
            "1,NEWX,1,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_ACTION",
            "1,CANCELS,1,,,,,,,|BAD_ACTION",
            "1,REPLACED,1,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_ACTION",
            "1,NEW,1,7,AAPL,BUYER,LIMIT,GTC,1,1|BAD_SIDE",
            "1,NEW,1,7,AAPL,SELLS,LIMIT,GTC,1,1|BAD_SIDE",
            "1,NEW,1,7,AAPL,BUY,LIMITED,GTC,1,1|BAD_TYPE",
            "1,NEW,1,7,AAPL,BUY,MARKETS,IOC,,1|BAD_TYPE",
            "1,NEW,1,7,AAPL,BUY,LIMIT,GTCX,1,1|BAD_TIF",
            "1,NEW,1,7,AAPL,BUY,LIMIT,IOC1,1,1|BAD_TIF",
            "1,NEW,1,7,AAPL,BUY,LIMIT,FOKS,1,1|BAD_TIF",
            "1,NE,1,7,AAPL,BUY,LIMIT,GTC,1,1|BAD_ACTION",
            // a CANCEL may leave its other columns empty, but what it fills in must be valid
            "1,CANCEL,1,x,,,,,,|BAD_ACCOUNT",
            "1,CANCEL,1,,aapl,,,,,|BAD_SYMBOL",
            "1,CANCEL,1,,,BUYER,,,,|BAD_SIDE",
            "1,CANCEL,1,,,,STOP,,,|BAD_TYPE",
            "1,CANCEL,1,,,,,GTD,,|BAD_TIF",
            "1,CANCEL,1,,,,,,,0|BAD_QTY",
            "1,CANCEL,1,,,,,,,x|BAD_QTY",
            // a session line: a calendar date YYYY-MM-DD (a close may leave it out) and nothing else
            "1,SESSION_OPEN,,,,,,,,|BAD_DATE",
            "1,SESSION_OPEN,20261130,,,,,,,|BAD_DATE",
            "1,SESSION_OPEN,2026-11-31,,,,,,,|BAD_DATE",
            "1,SESSION_OPEN,2026-02-29,,,,,,,|BAD_DATE",
            "1,SESSION_CLOSE,2026-1-30,,,,,,,|BAD_DATE",
            "1,SESSION_CLOSE,2026/11/30,,,,,,,|BAD_DATE",
            "1,SESSION_OPEN,2026-11-30,7,,,,,,|SESSION_FIELDS",
            "1,SESSION_CLOSE,,,,,,,,1|SESSION_FIELDS",
            "1,SESSION_OPEN,2026-11-30,,,,,,|COLUMN_COUNT",
            "1,session_open,2026-11-30,,,,,,,|BAD_ACTION",
    })
    void eachRuleHasItsError(String line, LineError expected) {
        assertEquals(expected, parse(line, new OrderInfo()), line);
    }

    @Test
    void numbersUpToTheLargestLongAreRead() {
        OrderInfo o = new OrderInfo();
        assertEquals(LineError.NONE,
                parse("9223372036854775807,NEW,9223372036854775807,1,ABCDEFGH,BUY,LIMIT,GTC,1,1", o));
        assertEquals(Long.MAX_VALUE, o.eventTime());
        assertEquals(Long.MAX_VALUE, o.orderId());
        assertEquals(Symbols.encode("ABCDEFGH"), o.symbol(), "8 characters, the longest symbol");
        // prices: the digits alone, and the digits scaled to 4 decimals, each up to the largest long
        assertEquals(LineError.NONE, parse("1,NEW,1,1,A,BUY,LIMIT,GTC,922337203685477.5807,1", o));
        assertEquals(Long.MAX_VALUE, o.price());
        assertEquals(LineError.NONE, parse("1,NEW,1,1,A,BUY,LIMIT,GTC,922337203685477.580,1", o));
        assertEquals(9_223_372_036_854_775_800L, o.price());
    }

    @Test
    void dayIsATimeInForce() {
        OrderInfo o = new OrderInfo();
        assertEquals(LineError.NONE, parse("1,NEW,1,7,AAPL,BUY,LIMIT,DAY,189.25,10", o));
        assertEquals(TimeInForce.DAY, o.timeInForce());
        assertEquals(4, o.timeInForce().code(), "the record byte: 4 DAY, after 1 GTC, 2 IOC, 3 FOK");
        assertEquals(LineError.NONE, parse("2,REPLACE,1,7,AAPL,BUY,LIMIT,DAY,189.30,10", o));
        assertEquals(TimeInForce.DAY, o.timeInForce());
        assertEquals(LineError.BAD_TIF, parse("3,NEW,1,7,AAPL,BUY,LIMIT,day,189.25,10", o));
    }

    @Test
    void aCancelKeepsTheOptionalColumnsItFillsIn() {
        OrderInfo o = new OrderInfo();
        assertEquals(LineError.NONE, parse("9,CANCEL,5,7,MSFT,SELL,MARKET,IOC,,40", o));
        assertEquals(Action.CANCEL, o.action());
        assertEquals(5, o.orderId());
        assertEquals(7, o.account());
        assertEquals(Symbols.encode("MSFT"), o.symbol());
        assertEquals(Side.SELL, o.side());
        assertEquals(OrderType.MARKET, o.orderType());
        assertEquals(TimeInForce.IOC, o.timeInForce());
        assertEquals(0, o.price());
        assertEquals(40, o.quantity());
    }

    @Test
    void aLineIsReadOnlyBetweenItsBounds() {
        // the reader parses lines in place in its buffer: the bytes around a line are not part of it
        String around = "XX,1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1.5,10,99\n";
        byte[] bytes = around.getBytes(StandardCharsets.US_ASCII);
        OrderInfo o = new OrderInfo();
        assertEquals(LineError.NONE, parser.parse(ByteBuffer.wrap(bytes), 3, around.indexOf(",99"), o));
        assertEquals(1, o.eventTime());
        assertEquals(15_000, o.price());
        assertEquals(10, o.quantity());

        byte[] longer = (OrderCsvParser.HEADER + ",x").getBytes(StandardCharsets.US_ASCII);
        assertTrue(OrderCsvParser.isHeader(ByteBuffer.wrap(longer), 0, OrderCsvParser.HEADER.length()));
        assertFalse(OrderCsvParser.isHeader(ByteBuffer.wrap(longer), 0, longer.length));
        assertFalse(OrderCsvParser.isHeader(ByteBuffer.wrap(longer), 0, OrderCsvParser.HEADER.length() - 1));
    }

    @Test
    void controlAndNonAsciiBytesAreRejected() {
        assertEquals(LineError.BAD_BYTES, parse("1,NEW,1,7,AA\0PL,BUY,LIMIT,GTC,1,1", new OrderInfo()));
        assertEquals(LineError.BAD_BYTES, parse("1,NEW,1,7,AAPL,BUY,LIMIT,GTC,1,1\t", new OrderInfo()));
        assertEquals(LineError.BAD_BYTES, parse("1,NEW,1,7,\u00c4PL,BUY,LIMIT,GTC,1,1", new OrderInfo()));
    }

    @Test
    void fieldsDecodedBeforeTheErrorAreKept() {
        OrderInfo o = new OrderInfo();
        assertEquals(LineError.BAD_QTY, parse("5,NEW,77,7,AAPL,BUY,LIMIT,GTC,1,x", o));
        assertEquals(77, o.orderId());
        assertEquals(7, o.account());
    }

    @Test
    void headerIsRecognised() {
        byte[] h = OrderCsvParser.HEADER.getBytes(StandardCharsets.US_ASCII);
        assertTrue(OrderCsvParser.isHeader(ByteBuffer.wrap(h), 0, h.length));
    }
}
