package dev.orderpipe.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quickfix.Message;
import quickfix.field.Side;
import quickfix.field.TimeInForce;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.orderpipe.gateway.GatewayFixture.cancel;
import static dev.orderpipe.gateway.GatewayFixture.order;
import static dev.orderpipe.gateway.GatewayFixture.replace;
import static dev.orderpipe.gateway.GatewayFixture.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway against QuickFIX/J clients (and a bare socket for what QuickFIX/J would never send). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayTest {
    private static final char BUY = Side.BUY;
    private static final char SELL = Side.SELL;
    private static final char GTC = TimeInForce.GOOD_TILL_CANCEL;

    @Test
    void ordersCancelsReplacesAndFillsReachBothSidesAndTheDropCopy(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway();
             FixClient c1 = f.client(dir, "CLIENT1", "pw1");
             FixClient c2 = f.client(dir, "CLIENT2", "pw2");
             FixClient copy = f.client(dir, "COPY", "pwc")) {
            Set<String> execIds = new HashSet<>();
            c1.send(order("A1", BUY, 100, 189.25, GTC));
            Message ack = c1.next("8");
            assertEquals("0", str(ack, 150));
            assertEquals("0", str(ack, 39));
            assertEquals("A1", str(ack, 11));
            assertEquals("1", str(ack, 1));
            assertEquals("100", str(ack, 151));
            execIds.add(str(ack, 17));

            c2.send(order("B1", SELL, 40, 189.25, GTC));
            Message sellerFill = nextOfExecType(c2, "F", execIds);
            assertEquals("B1", str(sellerFill, 11));
            assertEquals("2", str(sellerFill, 39));
            assertEquals("40", str(sellerFill, 32));
            assertEquals(189.25, Double.parseDouble(str(sellerFill, 31)));
            assertEquals("0", str(sellerFill, 151));
            Message buyerFill = nextOfExecType(c1, "F", execIds);
            assertEquals("A1", str(buyerFill, 11));
            assertEquals("1", str(buyerFill, 39));
            assertEquals("40", str(buyerFill, 14));
            assertEquals("60", str(buyerFill, 151));
            assertEquals(189.25, Double.parseDouble(str(buyerFill, 6)));

            c1.send(replace("A2", "A1", BUY, 80, 189.20));
            Message replaced = c1.next("8");
            execIds.add(str(replaced, 17));
            assertEquals("5", str(replaced, 150));
            assertEquals("A2", str(replaced, 11));
            assertEquals("A1", str(replaced, 41));
            assertEquals("80", str(replaced, 38));
            assertEquals("40", str(replaced, 151));
            assertEquals("1", str(replaced, 39));

            c1.send(cancel("A3", "A2", BUY));
            Message canceled = c1.next("8");
            execIds.add(str(canceled, 17));
            assertEquals("4", str(canceled, 150));
            assertEquals("4", str(canceled, 39));
            assertEquals("A3", str(canceled, 11));
            assertEquals("A2", str(canceled, 41));

            c1.send(cancel("A4", "A2", BUY)); // no longer live
            Message tooLate = c1.next("9");
            assertEquals("A4", str(tooLate, 11));
            assertEquals("A2", str(tooLate, 41));
            assertEquals("1", str(tooLate, 434));
            c1.send(cancel("A5", "NOPE", BUY)); // never known
            Message unknown = c1.next("9");
            assertEquals("1", str(unknown, 102));
            assertEquals("NONE", str(unknown, 37));

            // a replace the matching engine refuses (another side): OrderCancelReject with the reason's name
            c1.send(order("A7", BUY, 10, 180.00, GTC));
            execIds.add(str(c1.next("8"), 17));
            c1.send(replace("A8", "A7", SELL, 10, 180.10));
            Message refused = c1.next("9");
            assertEquals("A8", str(refused, 11));
            assertEquals("A7", str(refused, 41));
            assertEquals("2", str(refused, 434));
            assertEquals("0", str(refused, 39), "the order itself stays NEW");
            assertNotNull(str(refused, 58));
            c1.send(cancel("A9", "A7", BUY)); // the refused replace left A7 the order's ClOrdID
            Message canceled7 = c1.next("8");
            execIds.add(str(canceled7, 17));
            assertEquals("A9", str(canceled7, 11));
            assertEquals("A7", str(canceled7, 41));

            // a replace and a cancel sent before either is answered: each report names its own request
            c1.send(order("P1", BUY, 10, 180.00, GTC));
            execIds.add(str(c1.next("8"), 17));
            c1.send(replace("P2", "P1", BUY, 12, 180.01));
            c1.send(cancel("P3", "P2", BUY));
            Message replacedP = c1.next("8");
            Message canceledP = c1.next("8");
            execIds.add(str(replacedP, 17));
            execIds.add(str(canceledP, 17));
            assertEquals("5", str(replacedP, 150));
            assertEquals("P2", str(replacedP, 11));
            assertEquals("P1", str(replacedP, 41));
            assertEquals("4", str(canceledP, 150));
            assertEquals("P3", str(canceledP, 11));
            assertEquals("P2", str(canceledP, 41));

            // risk's reject: OrdRejReason and the reason's name
            quickfix.fix44.NewOrderSingle bad = order("A10", BUY, 10, 189.25, GTC);
            bad.set(new quickfix.field.Symbol("ZZZZ"));
            c1.send(bad);
            Message rejected = c1.next("8");
            execIds.add(str(rejected, 17));
            assertEquals("8", str(rejected, 150));
            assertEquals("1", str(rejected, 103));
            assertEquals("UNKNOWN_SYMBOL", str(rejected, 58));

            // an IOC that finds nothing expires
            c1.send(order("A11", BUY, 5, 180.00, TimeInForce.IMMEDIATE_OR_CANCEL));
            Message expired = nextOfExecType(c1, "C", execIds);
            assertEquals("C", str(expired, 39));
            assertEquals("A11", str(expired, 11));

            // a ClOrdID used before is refused by the gateway
            c1.send(order("A1", BUY, 1, 189.25, GTC));
            Message dup = c1.next("j");
            assertEquals("duplicate ClOrdID", str(dup, 58));
            assertEquals("A1", str(dup, 379));

            // the drop copy saw every report of both accounts, once each, none of them a resend
            Set<String> copied = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!copied.containsAll(execIds) && System.nanoTime() < deadline) {
                Message m = copy.received.poll(100, TimeUnit.MILLISECONDS);
                if (m == null)
                    continue;
                assertFalse(FixClient.possDup(m));
                assertTrue(copied.add(str(m, 17) + "/" + m.getHeader().getString(35)) || !"8".equals(
                        m.getHeader().getString(35)), "once");
                if ("8".equals(m.getHeader().getString(35)))
                    copied.add(str(m, 17));
            }
            assertTrue(copied.containsAll(execIds), "drop copy has " + copied + ", sessions " + execIds);
        }
    }

    /** The next ExecutionReport of {@code execType}, collecting the ExecIDs of the ones skipped and of it. */
    private static Message nextOfExecType(FixClient c, String execType, Set<String> execIds) throws Exception {
        while (true) {
            Message m = c.next("8");
            execIds.add(str(m, 17));
            if (execType.equals(str(m, 150)))
                return m;
        }
    }

    @Test
    void logonIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway()) {
            // QuickFIX/J with a comp id the gateway does not know
            try (FixClient stranger = new FixClient(dir.resolve("x"), f.port(), "NOBODY", "ORDERPIPE", "pw")
                    .start()) {
                assertEquals("unknown SenderCompID/TargetCompID", stranger.logouts.poll(10, TimeUnit.SECONDS));
                assertFalse(stranger.loggedOn());
            }
            try (RawFix raw = new RawFix(f.port())) {
                raw.write(logon("RAW3", 1, "wrong"));
                Map<String, String> logout = raw.read("5", 5000);
                assertNotNull(logout);
                assertEquals("bad password", logout.get("58"));
                assertTrue(raw.closedWithin(5000));
            }
            try (FixClient c1 = f.client(dir, "CLIENT1", "pw1"); RawFix raw = new RawFix(f.port())) {
                raw.write(logon("CLIENT1", 1, "pw1"));
                Map<String, String> logout = raw.read("5", 5000);
                assertNotNull(logout);
                assertEquals("session already logged on", logout.get("58"));
                // the live session goes on
                c1.send(order("L1", BUY, 1, 189.25, GTC));
                assertEquals("L1", str(c1.next("8"), 11));
                assertTrue(c1.loggedOn());
            }
        }
    }

    static byte[] logon(String client, long seq, String password) {
        return RawFix.encode("35=A", "49=" + client, "56=ORDERPIPE", "34=" + seq, "52=20260101-00:00:00.000",
                "98=0", "108=30", "554=" + password);
    }

    private static byte[] raw3(long seq, String... body) {
        return RawFix.encode(fieldsOf(seq, body));
    }

    private static String[] newOrder(String clOrdId, String side, String qty) {
        return new String[]{"35=D", "11=" + clOrdId, "55=AAPL", "54=" + side, "60=20260101-00:00:00.000",
                "38=" + qty, "40=2", "44=189.25", "59=1"};
    }

    @Test
    void garbageBadChecksumsAndMalformedMessagesNeverStopTheGatewayOrAnotherSession(@TempDir Path dir)
            throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway();
             FixClient c1 = f.client(dir, "CLIENT1", "pw1")) {
            try (RawFix garbage = new RawFix(f.port())) {
                byte[] noise = new byte[5000];
                new java.util.Random(7).nextBytes(noise);
                garbage.write(noise);
                // a BodyLength far beyond what follows: waits for bytes that never come, on this connection only
                garbage.write("8=FIX.4.4\u00019=99999\u000135=D\u0001"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            try (RawFix raw = new RawFix(f.port())) {
                raw.write(logon("RAW3", 1, "pw3"));
                assertNotNull(raw.read("A", 5000), "logged on");
                // seq 2 with a wrong checksum is dropped: seq 3 shows the gap and the gateway asks for 2 again
                raw.write(RawFix.encode(0, 1, fieldsOf(2, newOrder("R1", "1", "10"))));
                raw.write(raw3(3, "35=0"));
                Map<String, String> resend = raw.read("2", 5000);
                assertNotNull(resend, "ResendRequest after the message with a wrong checksum");
                assertEquals("2", resend.get("7"));
                // the gap filled; then a BodyLength too short and one too long, each skipped
                raw.write(raw3(2, "35=4", "43=Y", "122=20260101-00:00:00.000", "123=Y", "36=4"));
                raw.write(RawFix.encode(-7, 0, fieldsOf(4, newOrder("R2", "1", "10"))));
                raw.write(RawFix.encode(0, 0, fieldsOf(4, newOrder("R3", "1", "10"))));
                Map<String, String> ack = raw.read("8", 5000);
                assertNotNull(ack, "the valid order after the bad one is taken");
                assertEquals("R3", ack.get("11"));
                raw.write(raw3(5, "35=V", "262=1"));
                Map<String, String> unsupported = raw.read("j", 5000);
                assertNotNull(unsupported);
                assertEquals("V", unsupported.get("372"));
                assertEquals("3", unsupported.get("380"));
                raw.write(RawFix.encode(fieldsOf(6, newOrder("R4", "9", "10"))));
                Map<String, String> badSide = raw.read("3", 5000);
                assertNotNull(badSide);
                assertEquals("6", badSide.get("45"));
                assertEquals("54", badSide.get("371"));
                assertEquals("5", badSide.get("373"));
                raw.write(RawFix.encode(fieldsOf(7, newOrder("R5", "1", "abc"))));
                Map<String, String> badQty = raw.read("3", 5000);
                assertNotNull(badQty);
                assertEquals("38", badQty.get("371"));
                raw.write(raw3(8, "35=D", "11=R6", "54=1", "60=20260101-00:00:00.000", "38=1", "40=2", "44=1"));
                Map<String, String> noSymbol = raw.read("3", 5000);
                assertNotNull(noSymbol);
                assertEquals("55", noSymbol.get("371"));
                assertEquals("1", noSymbol.get("373"));
                raw.write(raw3(9, "35=1", "112=ping"));
                Map<String, String> pong = raw.read("0", 5000);
                assertNotNull(pong, "the session answers a TestRequest after all that");
                assertEquals("ping", pong.get("112"));
            }
            c1.send(order("G1", BUY, 1, 189.25, GTC));
            assertEquals("G1", str(c1.next("8"), 11));
            assertTrue(c1.loggedOn());
        }
    }

    private static String[] fieldsOf(long seq, String[] order) {
        String[] fields = new String[order.length + 4];
        fields[0] = order[0];
        fields[1] = "49=RAW3";
        fields[2] = "56=ORDERPIPE";
        fields[3] = "34=" + seq;
        fields[4] = "52=20260101-00:00:00.000";
        System.arraycopy(order, 1, fields, 5, order.length - 1);
        return fields;
    }

    @Test
    void reconnectWithGapsOnBothSidesResendsWhatWasMissed(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway();
             FixClient c2 = f.client(dir, "CLIENT2", "pw2")) {
            String resting;
            try (FixClient c1 = f.client(dir, "CLIENT1", "pw1")) {
                c1.send(order("R1", BUY, 50, 189.25, GTC));
                Message ack = c1.next("8");
                assertEquals("0", str(ack, 150));
                resting = str(ack, 37);
            }
            // while CLIENT1 is away its order fills: the report is stored for it
            c2.send(order("S1", SELL, 50, 189.25, GTC));
            Message sold = c2.next("8");
            while (!"2".equals(str(sold, 39)))
                sold = c2.next("8");
            try (FixClient c1 = new FixClient(dir.resolve("CLIENT1"), f.port(), "CLIENT1", "ORDERPIPE", "pw1")
                    .start().awaitLogon()) {
                Message fill = c1.next("8");
                assertEquals("F", str(fill, 150));
                assertEquals("R1", str(fill, 11));
                assertEquals(resting, str(fill, 37));
                assertTrue(FixClient.possDup(fill), "sent while the client was away: a resend");
                assertTrue(fill.getHeader().isSetField(122));
                assertNull(c1.received.poll(500, TimeUnit.MILLISECONDS), "nothing else, nothing twice");

                // now the client skips 5 numbers: the gateway asks for them, QuickFIX/J gap-fills and resends
                int next = c1.session().getExpectedSenderNum();
                c1.session().setNextSenderMsgSeqNum(next + 5);
                c1.send(order("R2", BUY, 3, 180.00, GTC));
                Message ack2 = c1.next("8");
                assertEquals("R2", str(ack2, 11));
                assertEquals("0", str(ack2, 150));
                c1.send(order("R3", BUY, 3, 180.00, GTC));
                assertEquals("R3", str(c1.next("8"), 11));
                assertNull(c1.received.poll(500, TimeUnit.MILLISECONDS), "R2 taken once");
                assertTrue(c1.loggedOn());
            }
        }
    }
}
