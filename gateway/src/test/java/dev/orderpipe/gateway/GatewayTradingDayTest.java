package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.api.OrderEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quickfix.Message;
import quickfix.field.Side;
import quickfix.field.TimeInForce;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.orderpipe.gateway.GatewayFixture.cancel;
import static dev.orderpipe.gateway.GatewayFixture.order;
import static dev.orderpipe.gateway.GatewayFixture.replace;
import static dev.orderpipe.gateway.GatewayFixture.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ClOrdIDs are unique per trading day: the gateway frees those of finished orders when a trading session closes,
 * keeps those of orders resting into the next session (GTC), refuses reuse within a session, and holds to it after a
 * restart, whose table (rebuilt from the data directory) agrees with the live one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayTradingDayTest {
    private static final char BUY = Side.BUY;
    private static final char SELL = Side.SELL;
    private static final char GTC = TimeInForce.GOOD_TILL_CANCEL;
    private static final char DAY = TimeInForce.DAY;
    private static final char IOC = TimeInForce.IMMEDIATE_OR_CANCEL;
    /** The OrderEntry writer id of the tests' session events (the gateway's is 900). */
    private static final long CLOCK_WRITER = 77;

    @Test
    void finishedOrdersClOrdIdsAreFreedAtTheCloseLiveAndAfterARestartAndAGtcOrderKeepsItsOwn(@TempDir Path dir)
            throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway();
             OrderEntry clock = OrderEntry.open(f.data, CLOCK_WRITER)) {
            clock.openSession(20260105);
            try (FixClient c1 = f.client(dir, "CLIENT1", "pw1");
                 FixClient c2 = f.client(dir, "CLIENT2", "pw2")) {
                c1.send(order("D1", BUY, 10, 189.00, DAY));
                Message first = c1.next("8");
                assertEquals("0", str(first, 150), first.toString());
                c1.send(order("G1", BUY, 10, 189.10, GTC));
                assertEquals("0", str(c1.next("8"), 150));
                c1.send(order("X1", BUY, 10, 188.00, IOC)); // nothing to trade with: NEW, then EXPIRED
                assertEquals("0", str(c1.next("8"), 150));
                assertEquals("C", str(c1.next("8"), 150));
                c1.send(order("P1", BUY, 5, 189.30, GTC));
                assertEquals("0", str(c1.next("8"), 150));
                c2.send(order("S1", SELL, 5, 189.30, GTC));
                Message fill = c1.next("8");
                assertEquals("F", str(fill, 150));
                assertEquals("2", str(fill, 39));

                // the same session: every ClOrdID used is refused, those of finished orders too
                c1.send(order("X1", BUY, 1, 188.00, IOC));
                assertDuplicate(c1.next("j"));
                // a cancel of a finished order: OrderCancelReject with the order's own final status
                c1.send(cancel("K1", "P1", BUY));
                Message refused = c1.next("9");
                assertEquals("2", str(refused, 39), "P1 is filled");
                assertEquals("K1", str(refused, 11));
                c1.send(cancel("K2", "X1", BUY));
                assertEquals("C", str(c1.next("9"), 39), "X1 expired");

                clock.closeSession(20260105);
                Message expired = c1.next("8");
                assertEquals("D1", str(expired, 11));
                assertEquals("C", str(expired, 150));
                clock.openSession(20260106);
                c1.send(order("N1", BUY, 1, 188.50, DAY)); // its report comes after the close's and the open's
                assertEquals("N1", str(c1.next("8"), 11));

                // live: D1, X1 and P1 finished on the 5th are free; G1 rests and is still found
                c1.send(order("D1", BUY, 10, 189.00, DAY));
                Message again = c1.next("8");
                assertEquals("D1", str(again, 11));
                assertEquals("0", str(again, 150));
                c1.send(replace("G2", "G1", BUY, 20, 189.10));
                Message replaced = c1.next("8");
                assertEquals("5", str(replaced, 150));
                assertEquals("G2", str(replaced, 11));
                assertEquals("G1", str(replaced, 41));
                c1.send(order("G1", BUY, 1, 188.50, DAY)); // G1 named a live order this session: still taken
                assertDuplicate(c1.next("j"));

                clock.closeSession(20260106);
                assertEquals("C", str(c1.next("8"), 150)); // N1
                assertEquals("C", str(c1.next("8"), 150)); // D1
            }
            // restarted after the close, before anything of the next session: the table comes from the data dir
            f.stopGateway();
            clock.openSession(20260107);
            f.startGateway();
            try (FixClient c1 = f.client(dir, "CLIENT1", "pw1")) {
                c1.send(order("N2", BUY, 1, 188.50, DAY));
                assertEquals("N2", str(c1.next("8"), 11));
                c1.send(order("G1", BUY, 1, 188.50, DAY)); // replaced on the 6th, not the order's any more: free
                Message g1 = c1.next("8");
                assertEquals("G1", str(g1, 11));
                assertEquals("0", str(g1, 150));
                c1.send(order("D1", BUY, 1, 188.50, DAY));
                assertEquals("D1", str(c1.next("8"), 11));
                c1.send(cancel("G3", "G2", BUY)); // the GTC order, resting since the 5th, by its current ClOrdID
                Message canceled = c1.next("8");
                assertEquals("4", str(canceled, 150));
                assertEquals("G3", str(canceled, 11));
                assertEquals("G2", str(canceled, 41));
            }
            // restarted within the session: what was used today is refused still
            f.stopGateway();
            f.startGateway();
            try (FixClient c1 = f.client(dir, "CLIENT1", "pw1")) {
                for (String used : new String[]{"D1", "G1", "G2", "G3", "N2"}) {
                    c1.send(order(used, BUY, 1, 188.50, DAY));
                    Message m = c1.next();
                    assertEquals("j", m.getHeader().getString(35), used + ": " + m + " admin " + c1.admin);
                    assertDuplicate(m);
                }
            }
        }
    }

    /**
     * Requests that reach the orders queue after the close (SESSION_CLOSE): a cancel and a replace of DAY orders the
     * close expires, and a new order. The gateway took them (it had not read the close's reports yet; here the
     * pipeline is stopped meanwhile, so the race is won every time), then the close freed the expired orders with
     * their requests still waiting, and the pipeline's refusals reached it as reports of orders it no longer had: an
     * OrderCancelReject whose ClOrdID was the pipeline's order id, without OrigClOrdID, OrdStatus 8. Now each
     * refusal names the request's ClOrdID and the order's, with OrdStatus C, live and from a gateway restarted before
     * the reports came (its table rebuilt from the data directory agrees with the live one).
     */
    @Test
    void requestsThatCrossTheCloseAreAnsweredNamingTheirClOrdIds(@TempDir Path dir) throws Exception {
        for (boolean restarted : new boolean[]{false, true}) {
            Path d = dir.resolve(restarted ? "restarted" : "live");
            GatewayConfig config = GatewayConfig.parse(GatewayFixture.config(GatewayFixture.freePort()), "test"); // the client's
            try (GatewayFixture f = new GatewayFixture(d);
                 OrderEntry clock = OrderEntry.open(f.data, CLOCK_WRITER)) {
                f.gateway = Gateway.start(config, f.data);
                clock.openSession(20260105);
                try (FixClient c1 = f.client(d, "CLIENT1", "pw1")) {
                    c1.send(order("D1", BUY, 10, 189.00, DAY));
                    assertEquals("0", str(c1.next("8"), 150));
                    c1.send(order("D2", BUY, 10, 189.00, DAY));
                    assertEquals("0", str(c1.next("8"), 150));
                    f.pipeline.close();
                    clock.closeSession(20260105); // on the orders queue; the gateway has seen nothing of it
                    c1.send(cancel("K1", "D1", BUY));
                    c1.send(replace("R2", "D2", BUY, 20, 189.00));
                    c1.send(order("N1", BUY, 1, 189.00, DAY));
                    awaitOrders(f, 3);
                    if (restarted)
                        f.stopGateway();
                    try (Pipeline again = Pipeline.start(TestPipelines.config(f.data, null))) {
                        if (restarted)
                            f.gateway = Gateway.start(config, f.data); // reconnect: the client's own

                        Map<String, Message> refusals = new HashMap<>();
                        List<Message> got = new ArrayList<>();
                        long deadline = System.currentTimeMillis() + 20_000;
                        while (refusals.size() < 2 && System.currentTimeMillis() < deadline) {
                            Message m = c1.received.poll(100, TimeUnit.MILLISECONDS);
                            if (m == null)
                                continue;
                            got.add(m);
                            if (m.getHeader().getString(35).equals("9"))
                                refusals.put(str(m, 11), m);
                        }
                        assertEquals(Set.of("K1", "R2"), refusals.keySet(), (restarted ? "restarted: " : "live: ") + got
                                + "\n" + reports(f.data));
                        assertEquals("D1", str(refusals.get("K1"), 41), refusals.get("K1").toString());
                        assertEquals("D2", str(refusals.get("R2"), 41), refusals.get("R2").toString());
                        assertEquals("C", str(refusals.get("K1"), 39), "D1 expired at the close");
                        assertEquals("C", str(refusals.get("R2"), 39), "D2 expired at the close");
                        assertEquals("1", str(refusals.get("K1"), 434));
                        assertEquals("2", str(refusals.get("R2"), 434));
                    }
                }
            }
        }
    }

    private static String reports(Path data) {
        return TestPipelines.readAll(data.resolve("executions")).toString();
    }

    /** Waits until the gateway (writer 900) wrote {@code n} orders since the pipeline stopped. */
    private static void awaitOrders(GatewayFixture f, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (TestPipelines.readAll(f.data.resolve("orders")).stream().filter(o -> o.writerId() == 900).count()
                < 2 + n) {
            assertTrue(System.currentTimeMillis() < deadline, "the gateway wrote the requests");
            Thread.sleep(20);
        }
    }

    /**
     * A session whose orders take every place of the table (orderCapacity) gets a BusinessMessageReject naming the key
     * for one more, not silence; once the session closes the places are free again.
     */
    @Test
    void aFullTableIsRefusedWithTextNamingTheKeyAndFreedAtTheClose(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway(16);
             OrderEntry clock = OrderEntry.open(f.data, CLOCK_WRITER)) {
            clock.openSession(20260105);
            try (FixClient c1 = f.client(dir, "CLIENT1", "pw1")) {
                for (int i = 0; i < 16; i++) {
                    c1.send(order("I" + i, BUY, 1, 188.00, IOC));
                    assertEquals("0", str(c1.next("8"), 150));
                    assertEquals("C", str(c1.next("8"), 150));
                }
                c1.send(order("I16", BUY, 1, 188.00, IOC));
                Message full = c1.next("j");
                assertEquals("I16", str(full, 379));
                assertTrue(str(full, 58).contains("orderCapacity 16"), str(full, 58));
                assertTrue(str(full, 58).contains("freed when the session closes"), str(full, 58));

                clock.closeSession(20260105);
                clock.openSession(20260106);
                // the close may not have reached the gateway yet: full until it has, then taken
                long deadline = System.currentTimeMillis() + 10_000;
                Message m;
                int attempt = 0;
                do {
                    assertTrue(System.currentTimeMillis() < deadline, "an order taken after the close");
                    c1.send(order("J" + attempt++, BUY, 1, 188.00, IOC));
                    m = c1.next();
                } while (m.getHeader().getString(35).equals("j"));
                assertEquals("0", str(m, 150));
            }
        }
    }

    private static void assertDuplicate(Message reject) throws Exception {
        assertEquals("duplicate ClOrdID", str(reject, 58));
    }
}
