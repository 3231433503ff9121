package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Prices;
import dev.orderpipe.pipeline.Symbols;
import dev.orderpipe.pipeline.TradingDates;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;

import java.nio.ByteBuffer;

/**
 * Decodes one line of the order file (docs/formats.md) straight from bytes into an {@link OrderInfo}: no Strings, no
 * allocation, no exceptions. Every rule of the format is checked; the first broken rule is returned as a
 * {@link LineError} and the fields decoded before it are left in the record, so a rejection still names the order.
 *
 * <pre>ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty</pre>
 * and the session lines {@code ts_nanos,SESSION_OPEN,YYYY-MM-DD,,,,,,,} and
 * {@code ts_nanos,SESSION_CLOSE,[YYYY-MM-DD],,,,,,,}.
 */
public final class OrderCsvParser {
    /** The header line of an order file. */
    public static final String HEADER = "ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty";
    /** Columns per line. */
    public static final int COLUMNS = 10;

    private static final byte[] HEADER_BYTES = HEADER.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] NEW = {'N', 'E', 'W'};
    private static final byte[] CANCEL = {'C', 'A', 'N', 'C', 'E', 'L'};
    private static final byte[] REPLACE = {'R', 'E', 'P', 'L', 'A', 'C', 'E'};
    private static final byte[] SESSION_OPEN = "SESSION_OPEN".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] SESSION_CLOSE = "SESSION_CLOSE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] BUY = {'B', 'U', 'Y'};
    private static final byte[] SELL = {'S', 'E', 'L', 'L'};
    private static final byte[] LIMIT = {'L', 'I', 'M', 'I', 'T'};
    private static final byte[] MARKET = {'M', 'A', 'R', 'K', 'E', 'T'};
    private static final byte[] GTC = {'G', 'T', 'C'};
    private static final byte[] IOC = {'I', 'O', 'C'};
    private static final byte[] FOK = {'F', 'O', 'K'};
    private static final byte[] DAY = {'D', 'A', 'Y'};

    /** Start (inclusive) and end (exclusive) of each column of the current line. */
    private final int[] colStart = new int[COLUMNS];
    private final int[] colEnd = new int[COLUMNS];
    private ByteBuffer buf;
    private long parsedValue;

    /** Whether bytes {@code [start, end)} are exactly the header line. */
    public static boolean isHeader(ByteBuffer buf, int start, int end) {
        return equalsBytes(buf, start, end, HEADER_BYTES);
    }

    /**
     * Decodes the line in {@code buf[start, end)} (without its line end) into {@code into}, which the caller has reset.
     *
     * @return {@link LineError#NONE} when the line is a valid order event
     */
    public LineError parse(ByteBuffer buf, int start, int end, OrderInfo into) {
        this.buf = buf;
        for (int i = start; i < end; i++) {
            int b = buf.get(i);
            if (b < 0x20 || b > 0x7E)
                return LineError.BAD_BYTES;
        }
        int col = 0;
        colStart[0] = start;
        for (int i = start; i < end; i++) {
            if (buf.get(i) == ',') {
                if (col == COLUMNS - 1)
                    return LineError.COLUMN_COUNT;
                colEnd[col] = i;
                colStart[++col] = i + 1;
            }
        }
        if (col != COLUMNS - 1)
            return LineError.COLUMN_COUNT;
        colEnd[col] = end;

        if (!parseLong(0, true))
            return LineError.BAD_TS;
        into.eventTime(parsedValue);

        Action action = action(colStart[1], colEnd[1]);
        if (action == Action.NONE)
            return LineError.BAD_ACTION;
        into.action(action);
        if (action.isSession())
            return session(action, into);

        if (!parseLong(2, false))
            return LineError.BAD_ORDER_ID;
        into.orderId(parsedValue);

        boolean cancel = action == Action.CANCEL;
        // a CANCEL needs only ts, action and order id (and its account to name an order: without one, matching answers
        // UNKNOWN_ORDER); other columns, when present, must still be valid
        if (!(cancel && empty(3))) {
            if (!parseLong(3, false))
                return LineError.BAD_ACCOUNT;
            into.account(parsedValue);
        }
        if (!(cancel && empty(4))) {
            long symbol = symbol(colStart[4], colEnd[4]);
            if (symbol == 0)
                return LineError.BAD_SYMBOL;
            into.symbol(symbol);
        }
        if (!(cancel && empty(5))) {
            Side side = side(colStart[5], colEnd[5]);
            if (side == Side.NONE)
                return LineError.BAD_SIDE;
            into.side(side);
        }
        OrderType type = OrderType.NONE;
        if (!(cancel && empty(6))) {
            type = type(colStart[6], colEnd[6]);
            if (type == OrderType.NONE)
                return LineError.BAD_TYPE;
            into.orderType(type);
        }
        if (!(cancel && empty(7))) {
            TimeInForce tif = tif(colStart[7], colEnd[7]);
            if (tif == TimeInForce.NONE)
                return LineError.BAD_TIF;
            into.timeInForce(tif);
        }
        if (empty(8)) {
            // a CANCEL may repeat the order's type and time in force (LIMIT,GTC) and still takes no price
            if (type == OrderType.LIMIT && !cancel)
                return LineError.PRICE_REQUIRED;
        } else {
            if (type == OrderType.MARKET || cancel)
                return LineError.PRICE_NOT_ALLOWED;
            if (!parsePrice(colStart[8], colEnd[8]))
                return LineError.BAD_PRICE;
            into.price(parsedValue);
        }
        if (!(cancel && empty(9))) {
            if (!parseLong(9, false))
                return LineError.BAD_QTY;
            into.quantity(parsedValue);
        }
        return LineError.NONE;
    }

    /**
     * A session line: {@code ts_nanos,SESSION_OPEN,YYYY-MM-DD,,,,,,,}; a SESSION_CLOSE may leave the date empty (the
     * session open then). The date goes to {@link OrderInfo#tradingDate()}.
     */
    private LineError session(Action action, OrderInfo into) {
        if (!(action == Action.SESSION_CLOSE && empty(2))) {
            long date = date(colStart[2], colEnd[2]);
            if (date == 0)
                return LineError.BAD_DATE;
            into.tradingDate(date);
        }
        for (int col = 3; col < COLUMNS; col++)
            if (!empty(col))
                return LineError.SESSION_FIELDS;
        return LineError.NONE;
    }

    /** A date {@code YYYY-MM-DD} as {@code YYYYMMDD}, or 0 when it is not one. */
    private long date(int start, int end) {
        if (end - start != 10 || buf.get(start + 4) != '-' || buf.get(start + 7) != '-')
            return 0;
        long value = 0;
        for (int i = start; i < end; i++) {
            if (i == start + 4 || i == start + 7)
                continue;
            int d = buf.get(i) - '0';
            if (d < 0 || d > 9)
                return 0;
            value = value * 10 + d;
        }
        return TradingDates.isValid(value) ? value : 0;
    }

    private boolean empty(int col) {
        return colStart[col] == colEnd[col];
    }

    /** Parses a decimal integer column into {@link #parsedValue}: positive, or non-negative when zeroAllowed. */
    private boolean parseLong(int col, boolean zeroAllowed) {
        int start = colStart[col], end = colEnd[col];
        if (start == end || end - start > 19)
            return false;
        long value = 0;
        for (int i = start; i < end; i++) {
            int d = buf.get(i) - '0';
            if (d < 0 || d > 9)
                return false;
            if (value > (Long.MAX_VALUE - d) / 10)
                return false;
            value = value * 10 + d;
        }
        if (value == 0 && !zeroAllowed)
            return false;
        parsedValue = value;
        return true;
    }

    /** Parses a positive decimal with at most 4 fractional digits into fixed point. */
    private boolean parsePrice(int start, int end) {
        long value = 0;
        int fracDigits = -1;
        boolean anyDigit = false;
        for (int i = start; i < end; i++) {
            int b = buf.get(i);
            if (b == '.') {
                if (fracDigits >= 0)
                    return false;
                fracDigits = 0;
                continue;
            }
            int d = b - '0';
            if (d < 0 || d > 9)
                return false;
            if (fracDigits >= 0 && ++fracDigits > Prices.DECIMALS)
                return false;
            if (value > (Long.MAX_VALUE - d) / 10)
                return false;
            value = value * 10 + d;
            anyDigit = true;
        }
        if (!anyDigit)
            return false;
        for (int f = Math.max(fracDigits, 0); f < Prices.DECIMALS; f++) {
            if (value > Long.MAX_VALUE / 10)
                return false;
            value *= 10;
        }
        if (value <= 0)
            return false;
        parsedValue = value;
        return true;
    }

    private long symbol(int start, int end) {
        int length = end - start;
        if (length < 1 || length > Symbols.MAX_LENGTH)
            return 0;
        long symbol = 0;
        for (int i = start; i < end; i++) {
            int b = buf.get(i);
            if (!Symbols.isSymbolByte(b))
                return 0;
            symbol = Symbols.append(symbol, b);
        }
        return symbol;
    }

    private Action action(int start, int end) {
        if (equalsBytes(buf, start, end, NEW)) return Action.NEW;
        if (equalsBytes(buf, start, end, CANCEL)) return Action.CANCEL;
        if (equalsBytes(buf, start, end, REPLACE)) return Action.REPLACE;
        if (equalsBytes(buf, start, end, SESSION_OPEN)) return Action.SESSION_OPEN;
        if (equalsBytes(buf, start, end, SESSION_CLOSE)) return Action.SESSION_CLOSE;
        return Action.NONE;
    }

    private Side side(int start, int end) {
        if (equalsBytes(buf, start, end, BUY)) return Side.BUY;
        if (equalsBytes(buf, start, end, SELL)) return Side.SELL;
        return Side.NONE;
    }

    private OrderType type(int start, int end) {
        if (equalsBytes(buf, start, end, LIMIT)) return OrderType.LIMIT;
        if (equalsBytes(buf, start, end, MARKET)) return OrderType.MARKET;
        return OrderType.NONE;
    }

    private TimeInForce tif(int start, int end) {
        if (equalsBytes(buf, start, end, GTC)) return TimeInForce.GTC;
        if (equalsBytes(buf, start, end, IOC)) return TimeInForce.IOC;
        if (equalsBytes(buf, start, end, FOK)) return TimeInForce.FOK;
        if (equalsBytes(buf, start, end, DAY)) return TimeInForce.DAY;
        return TimeInForce.NONE;
    }

    private static boolean equalsBytes(ByteBuffer buf, int start, int end, byte[] word) {
        if (end - start != word.length)
            return false;
        for (int i = 0; i < word.length; i++)
            if (buf.get(start + i) != word[i])
                return false;
        return true;
    }
}
