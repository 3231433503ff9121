package dev.orderpipe.pipeline;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        try (ChronicleQueue q = Queues.openExisting(dir); ExcerptTailer tailer = q.createTailer()) {
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
        assertTrue(info.isRejected());
    }
}
