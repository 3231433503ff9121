package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.LineError;
import dev.orderpipe.pipeline.codes.OrderStatus;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.codes.Side;
import dev.orderpipe.pipeline.codes.TimeInForce;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.openhft.chronicle.bytes.Bytes;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderInfoTest {

    /** Instance fields of OrderInfo: every one must be covered by reset, copyFrom and the binary form. */
    static List<Field> instanceFields() {
        List<Field> fields = new ArrayList<>();
        for (Field f : OrderInfo.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers()))
                continue; // message data is every non-final instance field; the final one is the codec
            f.setAccessible(true);
            fields.add(f);
        }
        return fields;
    }

    /** Sets every instance field to a distinct non-default value by reflection, so new fields are included. */
    static OrderInfo filledByReflection(Random random) throws IllegalAccessException {
        OrderInfo info = new OrderInfo();
        for (Field f : instanceFields()) {
            Class<?> t = f.getType();
            if (t == long.class) f.setLong(info, random.nextLong() | 1);
            else if (t == int.class) f.setInt(info, random.nextInt() | 1);
            else if (t == byte.class) f.setByte(info, (byte) (1 + random.nextInt(5)));
            else if (t == short.class) f.setShort(info, (short) (1 + random.nextInt(1000)));
            else if (t == boolean.class) f.setBoolean(info, true);
            else if (t == double.class) f.setDouble(info, 1 + random.nextDouble());
            else throw new AssertionError("OrderInfo field " + f.getName() + " has a non-primitive type " + t
                        + ": the record must stay primitive and allocation-free");
        }
        return info;
    }

    static void assertSameFields(OrderInfo expected, OrderInfo actual) throws IllegalAccessException {
        for (Field f : instanceFields())
            assertEquals(f.get(expected), f.get(actual), "field " + f.getName());
    }

    @Test
    void resetClearsEveryDeclaredField() throws IllegalAccessException {
        OrderInfo info = filledByReflection(new Random(1));
        for (Field f : instanceFields())
            assertFalse(isDefault(f.get(info)), "test setup: " + f.getName() + " should be non-default");
        info.reset();
        for (Field f : instanceFields())
            assertTrue(isDefault(f.get(info)), "reset() leaves field " + f.getName() + " = " + f.get(info));
    }

    @Test
    void copyFromCopiesEveryDeclaredField() throws IllegalAccessException {
        OrderInfo source = filledByReflection(new Random(2));
        OrderInfo copy = new OrderInfo().copyFrom(source);
        assertSameFields(source, copy);
    }

    private static boolean isDefault(Object value) {
        return value instanceof Number ? ((Number) value).doubleValue() == 0 : Boolean.FALSE.equals(value);
    }

    @Test
    void binaryLengthMatchesWhatIsWritten(@TempDir Path dir) {
        try (ChronicleQueue q = Queues.open(dir, RollCycles.FAST_DAILY);
             ExcerptAppender appender = q.createAppender()) {
            appender.writeBytes(new OrderInfo());
            try (ExcerptTailer tailer = q.createTailer();
                 var doc = tailer.readingDocument()) {
                assertEquals(OrderInfo.BINARY_LENGTH, doc.wire().bytes().readRemaining());
            }
        }
    }

    @Test
    void everyFieldRoundTripsThroughARealQueue(@TempDir Path dir) throws IllegalAccessException {
        Random random = new Random(42);
        List<OrderInfo> written = new ArrayList<>();
        try (ChronicleQueue q = Queues.open(dir, RollCycles.FAST_DAILY);
             ExcerptAppender appender = q.createAppender()) {
            for (int i = 0; i < 2_000; i++) {
                OrderInfo info = filledByReflection(random);
                written.add(info);
                appender.writeBytes(info);
            }
        }
        try (ChronicleQueue q = Queues.openExisting(dir); ExcerptTailer tailer = q.createTailer()) {
            OrderInfo read = new OrderInfo();
            for (OrderInfo expected : written) {
                assertTrue(tailer.readBytes(read));
                assertSameFields(expected, read);
            }
            assertFalse(tailer.readBytes(read));
        }
    }

    @Test
    void aSparseRecordReadAfterAFullOneLeavesNothingOfIt(@TempDir Path dir) throws IllegalAccessException {
        OrderInfo full = filledByReflection(new Random(7));
        OrderInfo sparse = new OrderInfo().orderId(5).action(Action.CANCEL).sourceLine(3);
        try (ChronicleQueue q = Queues.open(dir, RollCycles.FAST_DAILY);
             ExcerptAppender appender = q.createAppender()) {
            appender.writeBytes(full);
            appender.writeBytes(sparse);
        }
        // read by Chronicle alone: the tools' check would refuse a queue of two kinds of record (RecordKind)
        try (ChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
             ExcerptTailer tailer = q.createTailer()) {
            OrderInfo reused = new OrderInfo();
            assertTrue(tailer.readBytes(reused));
            assertSameFields(full, reused);
            assertTrue(tailer.readBytes(reused));
            assertSameFields(sparse, reused);
        }
    }

    @Test
    void accessorsStoreEnumsAsCodes() {
        OrderInfo info = new OrderInfo().action(Action.REPLACE).side(Side.SELL).orderType(OrderType.MARKET)
                .timeInForce(TimeInForce.FOK).execType(ExecType.TRADE).status(OrderStatus.PARTIALLY_FILLED)
                .rejectReason(RejectReason.BOOK_FULL).lineError(LineError.BAD_QTY);
        assertEquals(Action.REPLACE, info.action());
        assertEquals(Side.SELL, info.side());
        assertEquals(OrderType.MARKET, info.orderType());
        assertEquals(TimeInForce.FOK, info.timeInForce());
        assertEquals(ExecType.TRADE, info.execType());
        assertEquals(OrderStatus.PARTIALLY_FILLED, info.status());
        assertEquals(RejectReason.BOOK_FULL, info.rejectReason());
        assertEquals(LineError.BAD_QTY, info.lineError());
        // a reason makes an order record or a REJECTED report a rejection; a CANCELED or EXPIRED report may say why
        // the engine ended an order (self-trade prevention, market protection) and is none
        assertFalse(info.isRejected());
        assertTrue(info.execType(ExecType.REJECTED).isRejected());
        assertTrue(info.execType(ExecType.NONE).isRejected());
        assertFalse(info.execType(ExecType.CANCELED).rejectReason(RejectReason.STP_CANCEL_BOTH).isRejected());
        assertFalse(info.execType(ExecType.EXPIRED).rejectReason(RejectReason.MARKET_PROTECTION).isRejected());
    }

    /** A record with every field set to a distinct, fixed value through the public setters. */
    static OrderInfo goldenRecord() {
        return new OrderInfo().orderId(1001).account(7).symbol(Symbols.encode("AAPL")).action(Action.REPLACE)
                .side(Side.SELL).orderType(OrderType.LIMIT).timeInForce(TimeInForce.GTC).price(1_892_500)
                .quantity(300).seq(42).leavesQty(100).cumQty(200).lastPx(1_892_400).lastQty(50).contraOrderId(1002)
                .eventTime(1_732_780_800_000_000_000L).execType(ExecType.TRADE).status(OrderStatus.PARTIALLY_FILLED)
                .rejectReason(RejectReason.PRICE_BAND).lineError(LineError.BAD_PRICE).sourceLine(17)
                .sourceIndex(0x4a0000001cL).writerId(3).writerSeq(99).flags(OrderInfo.FLAG_LAST_FOR_INPUT)
                .ingressNanos(11).riskNanos(22).matchNanos(33).egressNanos(44);
    }

    private static byte[] bytesOf(OrderInfo info) {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
        info.writeMarshallable(bytes);
        return bytes.toByteArray();
    }

    /**
     * The binary layout of this format is pinned by a fixture: a change of layout without a new {@link OrderInfo#FORMAT}
     * (and a fixture of its own) fails here, so queues written by one version are never misread by another.
     */
    @Test
    void theRecordLayoutOfThisFormatIsPinnedByAGoldenFixture() throws Exception {
        String resource = "/golden/orderinfo-format-" + OrderInfo.FORMAT + ".hex";
        byte[] golden;
        try (InputStream in = OrderInfoTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "no golden fixture " + resource + " for record format " + OrderInfo.FORMAT
                    + ": a new format needs one (write goldenRecord() and check every byte by hand)");
            golden = HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
        assertEquals(OrderInfo.BINARY_LENGTH, golden.length);
        assertEquals(HexFormat.of().formatHex(golden), HexFormat.of().formatHex(bytesOf(goldenRecord())),
                "the record layout changed: bump OrderInfo.FORMAT and add a fixture for the new format");
        OrderInfo read = new OrderInfo();
        read.readMarshallable(Bytes.wrapForRead(golden));
        assertSameFields(goldenRecord(), read);
        assertEquals(OrderInfo.FLAG_LAST_FOR_INPUT, read.flags());
        assertTrue(read.lastForInput());
        assertEquals(44, read.egressNanos());
    }

    /** The getters of a record read back from its bytes, one by one (the fixture test compares fields). */
    @Test
    void everyGetterReturnsItsFieldAfterARoundTrip() {
        OrderInfo r = new OrderInfo();
        r.readMarshallable(Bytes.wrapForRead(bytesOf(goldenRecord())));
        assertEquals(1001, r.orderId());
        assertEquals(7, r.account());
        assertEquals(Symbols.encode("AAPL"), r.symbol());
        assertEquals(Action.REPLACE, r.action());
        assertEquals(Side.SELL, r.side());
        assertEquals(OrderType.LIMIT, r.orderType());
        assertEquals(TimeInForce.GTC, r.timeInForce());
        assertEquals(1_892_500, r.price());
        assertEquals(300, r.quantity());
        assertEquals(42, r.seq());
        assertEquals(100, r.leavesQty());
        assertEquals(200, r.cumQty());
        assertEquals(1_892_400, r.lastPx());
        assertEquals(50, r.lastQty());
        assertEquals(1002, r.contraOrderId());
        assertEquals(1_732_780_800_000_000_000L, r.eventTime());
        assertEquals(ExecType.TRADE, r.execType());
        assertEquals(OrderStatus.PARTIALLY_FILLED, r.status());
        assertEquals(RejectReason.PRICE_BAND, r.rejectReason());
        assertEquals(LineError.BAD_PRICE, r.lineError());
        assertEquals(17, r.sourceLine());
        assertEquals(0x4a0000001cL, r.sourceIndex());
        assertEquals(3, r.writerId());
        assertEquals(99, r.writerSeq());
        assertEquals(OrderInfo.FLAG_LAST_FOR_INPUT, r.flags());
        assertEquals(11, r.ingressNanos());
        assertEquals(22, r.riskNanos());
        assertEquals(33, r.matchNanos());
        assertEquals(44, r.egressNanos());
        assertFalse(r.usesSelfDescribingMessage(), "the record is hand-written binary, not self-describing wire");
    }

    @Test
    void everySingleBitFlipIsRefused() {
        byte[] good = bytesOf(goldenRecord());
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                DamagedRecordException e = assertThrows(DamagedRecordException.class,
                        () -> new OrderInfo().readMarshallable(Bytes.wrapForRead(bad)), "byte " + i + " bit " + bit);
                assertSame(i == 0 ? DamagedRecordException.FORMAT : DamagedRecordException.CHECKSUM, e);
            }
        }
    }

    @Test
    void aShortRecordOrAnotherFormatIsRefused() {
        byte[] good = bytesOf(goldenRecord());
        assertSame(DamagedRecordException.LENGTH, assertThrows(DamagedRecordException.class,
                () -> new OrderInfo().readMarshallable(Bytes.wrapForRead(java.util.Arrays.copyOf(good, good.length - 1)))));
        byte[] older = java.util.Arrays.copyOf(good, good.length - 4); // format 1 had no checksum
        older[0] = 1;
        assertSame(DamagedRecordException.FORMAT, assertThrows(DamagedRecordException.class,
                () -> new OrderInfo().readMarshallable(Bytes.wrapForRead(older))));
    }

    @Test
    void anEmptyRecordIsShortNotForeign() {
        assertSame(DamagedRecordException.LENGTH, assertThrows(DamagedRecordException.class,
                () -> new OrderInfo().readMarshallable(Bytes.wrapForRead(new byte[0]))));
    }

    @Test
    void lastForInputAndIsRejectedReadTheirOwnBitsOnly() {
        OrderInfo info = new OrderInfo();
        assertFalse(info.lastForInput());
        assertFalse(info.isRejected());
        assertFalse(info.flags(2).lastForInput(), "another flag is not last-for-input");
        assertTrue(info.flags(2 | OrderInfo.FLAG_LAST_FOR_INPUT).lastForInput());
    }

    /** The readable form that {@code dump} and {@code tail} print: report fields only for reports. */
    @Test
    void toStringNamesEveryFieldThatIsSet() {
        assertEquals("{orderId: 1001, account: 7, symbol: AAPL, action: REPLACE, side: SELL, type: LIMIT, tif: GTC, "
                + "price: 189.2500, qty: 300, seq: 42, execType: TRADE, status: PARTIALLY_FILLED, lastPx: 189.2400, "
                + "lastQty: 50, leavesQty: 100, cumQty: 200, contraOrderId: 1002, reason: PRICE_BAND, "
                + "lineError: BAD_PRICE, eventTime: 1732780800000000000, sourceLine: 17, sourceIndex: 0x4a0000001c, "
                + "writerId: 3, writerSeq: 99, flags: 1, ingressNanos: 11, riskNanos: 22, matchNanos: 33, "
                + "egressNanos: 44}", goldenRecord().toString());
        assertEquals("{orderId: 5, account: 0, symbol: , action: CANCEL, side: NONE, type: NONE, tif: NONE, price: , "
                + "qty: 0, eventTime: 0, sourceLine: 3, sourceIndex: 0x0, writerId: 0, writerSeq: 0, flags: 0, "
                + "ingressNanos: 0, riskNanos: 0, matchNanos: 0, egressNanos: 0}",
                new OrderInfo().orderId(5).action(Action.CANCEL).sourceLine(3).toString());
        assertEquals("{orderId: 5, account: 0, symbol: , action: NEW, side: NONE, type: NONE, tif: NONE, price: , "
                + "qty: 0, reason: UNKNOWN_SYMBOL, eventTime: 0, sourceLine: 0, sourceIndex: 0x0, writerId: 0, "
                + "writerSeq: 0, flags: 0, ingressNanos: 0, riskNanos: 0, matchNanos: 0, egressNanos: 0}",
                new OrderInfo().orderId(5).action(Action.NEW).rejectReason(RejectReason.UNKNOWN_SYMBOL).toString());
    }

    @Test
    void withoutChecksumWritesZeroAndSkipsTheCheck() throws IllegalAccessException {
        byte[] unsummed = bytesOf(goldenRecord().withoutChecksum());
        for (int i = unsummed.length - 4; i < unsummed.length; i++)
            assertEquals(0, unsummed[i]);
        assertThrows(DamagedRecordException.class, () -> new OrderInfo().readMarshallable(Bytes.wrapForRead(unsummed)));
        OrderInfo read = new OrderInfo().withoutChecksum();
        read.readMarshallable(Bytes.wrapForRead(unsummed));
        assertSameFields(goldenRecord(), read);
    }
}
