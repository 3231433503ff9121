package dev.orderpipe.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quickfix.Message;
import quickfix.field.Side;
import quickfix.field.TimeInForce;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.orderpipe.gateway.GatewayFixture.cancel;
import static dev.orderpipe.gateway.GatewayFixture.order;
import static dev.orderpipe.gateway.GatewayFixture.replace;
import static dev.orderpipe.gateway.GatewayFixture.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero garbage through the wire, measured: after logon and a warm-up, the gateway's thread allocates nothing per
 * message over thousands of orders, fills, replaces and cancels from two QuickFIX/J sessions with a drop copy (a
 * small fixed allowance per run covers Chronicle mapping a new chunk of a state queue).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewayAllocationTest {
    private static final int WARMUP = 600;
    private static final int MEASURED = 2_000;
    private static final long ALLOWANCE = 64 * 1024;

    @Test
    void theGatewayThreadAllocatesNothingPerMessageAfterLogon(@TempDir Path dir) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (GatewayFixture f = new GatewayFixture(dir).startGateway(1 << 16);
             FixClient c1 = f.client(dir, "CLIENT1", "pw1");
             FixClient c2 = f.client(dir, "CLIENT2", "pw2");
             FixClient copy = f.client(dir, "COPY", "pwc")) {
            long tid = f.gateway.thread().getId();
            trade(c1, c2, copy, 0, WARMUP);
            long before = threads.getThreadAllocatedBytes(tid);
            trade(c1, c2, copy, WARMUP, MEASURED);
            long after = threads.getThreadAllocatedBytes(tid);
            String what = "gateway thread allocated " + (after - before) + " bytes over " + MEASURED * 5
                    + " inbound messages and the reports they caused, each to its session and the drop copy";
            System.out.println(what);
            assertTrue(after - before <= ALLOWANCE, what);
        }
    }

    /**
     * {@code n} rounds: a buy and a sell that fill each other, and an order that rests, is replaced and canceled;
     * returns when every report of the last round has reached the sessions and the drop copy.
     */
    private static void trade(FixClient c1, FixClient c2, FixClient copy, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            c1.send(order("B" + i, Side.BUY, 10, 189.25, TimeInForce.GOOD_TILL_CANCEL));
            c2.send(order("S" + i, Side.SELL, 10, 189.25, TimeInForce.GOOD_TILL_CANCEL));
            c1.send(order("R" + i, Side.BUY, 5, 180.00, TimeInForce.GOOD_TILL_CANCEL));
            c1.send(replace("Q" + i, "R" + i, Side.BUY, 6, 180.01));
            c1.send(cancel("C" + i, "Q" + i, Side.BUY));
            if (i % 50 == 49 || i == from + n - 1)
                drain(c1, c2, copy, i);
        }
    }

    private static void drain(FixClient c1, FixClient c2, FixClient copy, int last) throws Exception {
        awaitReport(c1, "C" + last, "4");
        awaitReport(c2, "S" + last, "2");
        awaitReport(copy, "C" + last, "4");
    }

    private static void awaitReport(FixClient c, String clOrdId, String ordStatus) throws Exception {
        java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
        while (true) {
            Message m = c.received.poll(10, TimeUnit.SECONDS);
            if (m == null)
                throw new AssertionError(c.id + " waiting for " + clOrdId + " " + ordStatus + " after " + recent
                        + " admin " + c.admin);
            recent.add(m.toString().replace('\u0001', '|'));
            if (recent.size() > 6)
                recent.poll();
            assertEquals("8", m.getHeader().getString(35), "no reject: " + m);
            if (clOrdId.equals(str(m, 11)) && ordStatus.equals(str(m, 39)))
                return;
        }
    }
}
