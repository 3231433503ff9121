package dev.orderpipe.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quickfix.field.Side;
import quickfix.field.TimeInForce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.orderpipe.gateway.GatewayFixture.order;
import static dev.orderpipe.gateway.GatewayFixture.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a hostile or broken client sends, and a client that stops reading: the gateway and the other sessions go on. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewayAbuseTest {
    private static final String TIME = "52=20260101-00:00:00.000";

    private static byte[] raw(String client, long seq, String... body) {
        String[] fields = new String[body.length + 4];
        fields[0] = body[0];
        fields[1] = "49=" + client;
        fields[2] = "56=ORDERPIPE";
        fields[3] = "34=" + seq;
        fields[4] = TIME;
        System.arraycopy(body, 1, fields, 5, body.length - 1);
        return RawFix.encode(fields);
    }

    /**
     * A number Philadelphia cannot read where the gateway reads one outside its per-message guard (NewSeqNo of a
     * SequenceReset, the range of a ResendRequest that arrives with a gap) threw out of the gateway's loop and ended
     * the gateway: now each is a Reject(3) and the gateway, this session and the others go on. A range that is none
     * (BeginSeqNo 0, EndSeqNo below it) is refused too, instead of gap-filling from 1.
     */
    @Test
    void badNumbersInSessionMessagesAreRejectedNotFatal(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway();
             FixClient c1 = f.client(dir, "CLIENT1", "pw1");
             RawFix raw = new RawFix(f.port())) {
            raw.write(GatewayTest.logon("RAW3", 1, "pw3"));
            assertNotNull(raw.read("A", 5000), "logged on");
            raw.write(raw("RAW3", 2, "35=4", "36=abc"));
            Map<String, String> reject = raw.read("3", 5000);
            assertNotNull(reject, "Reject of a SequenceReset with NewSeqNo(36)=abc");
            assertEquals("2", reject.get("45"));
            assertEquals("6", reject.get("373"));
            raw.write(raw("RAW3", 2, "35=4", "123=Y", "36=3")); // the gap fill the gateway expects moves on
            raw.write(raw("RAW3", 9, "35=2", "7=x", "16=0")); // beyond the next expected: handled in the gap branch
            reject = raw.read("3", 5000);
            assertNotNull(reject, "Reject of a ResendRequest with BeginSeqNo(7)=x");
            assertEquals("9", reject.get("45"));
            assertEquals("6", reject.get("373"));
            raw.write(raw("RAW3", 3, "35=4", "123=Y", "36=10")); // fills the gap up to 9 (skips the bad one)
            raw.write(raw("RAW3", 10, "35=2", "7=0", "16=0"));
            reject = raw.read("3", 5000);
            assertNotNull(reject, "Reject of a ResendRequest from 0");
            assertEquals("7", reject.get("371"));
            assertEquals("5", reject.get("373"));
            raw.write(raw("RAW3", 11, "35=2", "7=3", "16=2"));
            reject = raw.read("3", 5000);
            assertNotNull(reject, "Reject of a ResendRequest ending before it begins");
            assertEquals("16", reject.get("371"));
            raw.write(raw("RAW3", 12, "35=1", "112=alive"));
            Map<String, String> pong = raw.read("0", 5000);
            assertNotNull(pong, "the session answers a TestRequest after all that");
            assertEquals("alive", pong.get("112"));
            c1.send(order("A1", Side.BUY, 1, 189.25, TimeInForce.GOOD_TILL_CANCEL));
            assertEquals("A1", str(c1.next("8"), 11));
        }
    }

    /**
     * Five replaces of one resting order in one TCP segment: the gateway takes the first four (maxPendingRequests 4)
     * and refuses the fifth with an OrderCancelReject whose OrdStatus is the order's (0 new: it said 4, canceled, of
     * a live order) and whose Text names the key; a gateway configured with maxPendingRequests 8 takes all five.
     */
    @Test
    void oneRequestBeyondTheWaitingLimitIsRefusedWithTheOrdersStatusAndTheKey(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway()) {
            assertEquals(4, replacesTaken(f.port(), "RAW3", "pw3"));
            f.stopGateway();
            f.gateway = Gateway.start(GatewayConfig.parse(GatewayFixture.config(0).replace("idleParkMicros: 20,",
                    "idleParkMicros: 20, maxPendingRequests: 8,"), "test"), f.data);
            assertEquals(5, replacesTaken(f.port(), "CLIENT2", "pw2"));
        }
    }

    /** Places a resting order, sends five replaces of it at once; how many were replaced (after checking a refusal). */
    private static int replacesTaken(int port, String client, String password) throws IOException {
        try (RawFix raw = new RawFix(port)) {
            raw.write(GatewayTest.logon(client, 1, password));
            assertNotNull(raw.read("A", 5000), "logged on");
            raw.write(raw(client, 2, "35=D", "11=W0", "55=AAPL", "54=1", "60=20260101-00:00:00.000", "38=10", "40=2",
                    "44=189.25", "59=1"));
            assertNotNull(raw.read("8", 5000), "the order rests");
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 1; i <= 5; i++)
                batch.write(raw(client, 2 + i, "35=G", "11=W" + i, "41=W0", "55=AAPL", "54=1",
                        "60=20260101-00:00:00.000", "38=" + (10 + i), "40=2", "44=189.25"));
            raw.write(batch.toByteArray());
            int replaced = 0;
            int refused = 0;
            long deadline = System.currentTimeMillis() + 5000;
            while (replaced + refused < 5 && System.currentTimeMillis() < deadline) {
                Map<String, String> m = raw.read(1000);
                if (m == null)
                    continue;
                if ("8".equals(m.get("35")) && "5".equals(m.get("150"))) {
                    replaced++;
                } else if ("9".equals(m.get("35"))) {
                    refused++;
                    assertEquals("W5", m.get("11"));
                    assertEquals("0", m.get("39"), "the order is live and new");
                    assertEquals("3", m.get("102"));
                    assertEquals("too many cancels and replaces of the order waiting (maxPendingRequests 4)",
                            m.get("58"));
                }
            }
            assertEquals(5, replaced + refused);
            return replaced;
        }
    }

    /**
     * A drop copy that logs on and never reads again, while another session trades 16,000 orders (about 30,000
     * reports, more than the kernel's socket buffers and the gateway's backlog hold): Philadelphia's send looped on
     * the full socket and held the gateway's one thread, so the trading session got no more reports. Now the trading
     * session gets every report, the silent drop copy is disconnected, and when it logs on again and asks for
     * everything it is resent every report (as the connection takes them).
     */
    @Test
    void aPeerThatStopsReadingIsDisconnectedAndHoldsUpNoOtherSession(@TempDir Path dir) throws Exception {
        int orders = 16_000;
        try (GatewayFixture f = new GatewayFixture(dir).startGateway(1 << 16);
             Socket silent = new Socket()) {
            silent.setReceiveBufferSize(4096);
            silent.connect(new InetSocketAddress("127.0.0.1", f.port()));
            silent.getOutputStream().write(GatewayTest.logon("COPY", 1, "pwc"));
            Thread.sleep(500); // logged on; from now on nothing is read

            try (Socket trader = new Socket("127.0.0.1", f.port())) {
                ReportCounter acks = new ReportCounter(trader.getInputStream());
                trader.getOutputStream().write(GatewayTest.logon("RAW3", 1, "pw3"));
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = 0; i < orders; i++)
                    batch.write(raw("RAW3", 2 + i, "35=D", "11=S" + i, "55=AAPL", "54=" + (i % 2 == 0 ? "1" : "2"),
                            "60=20260101-00:00:00.000", "38=1", "40=2", "44=189.25", "59=1"));
                trader.getOutputStream().write(batch.toByteArray());
                long reports = acks.awaitQuiet(orders, 90_000);
                assertTrue(reports >= orders, "the trading session got " + reports + " reports for " + orders
                        + " orders while the drop copy did not read");

                // the silent drop copy was disconnected: its connection ends once the kernel's buffers are read
                InputStream in = silent.getInputStream();
                silent.setSoTimeout(30_000);
                byte[] sink = new byte[65536];
                int n;
                do {
                    n = in.read(sink);
                } while (n >= 0);

                // logged on again, it asks for everything and gets every report, resent
                try (Socket copy = new Socket("127.0.0.1", f.port())) {
                    ReportCounter resent = new ReportCounter(copy.getInputStream());
                    copy.getOutputStream().write(GatewayTest.logon("COPY", 2, "pwc"));
                    copy.getOutputStream().write(raw("COPY", 3, "35=2", "7=1", "16=0"));
                    assertEquals(reports, resent.awaitQuiet(reports, 60_000), "reports resent to the drop copy");
                }
            }
        }
    }

    /**
     * A resend of 100,000 stored messages to one session goes 64 messages a turn of the gateway's loop, so another
     * session's order round trip (QuickFIX/J) is served meanwhile: its ExecutionReport comes before the resend ends
     * (before, the loop stayed on the resend as long as the reader kept up).
     */
    @Test
    void aHugeResendToOneSessionDoesNotHoldUpAnotherSessionsOrder(@TempDir Path dir) throws Exception {
        int stored = 100_000;
        try (GatewayFixture f = new GatewayFixture(dir).startGateway();
             FixClient c1 = f.client(dir, "CLIENT1", "pw1");
             Socket a = new Socket("127.0.0.1", f.port())) {
            ReportCounter rejects = new ReportCounter(a.getInputStream(), "3");
            a.getOutputStream().write(GatewayTest.logon("RAW3", 1, "pw3"));
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 0; i < stored; i++) // a TestRequest without TestReqID: a Reject each, stored for a resend
                batch.write(raw("RAW3", 2 + i, "35=1"));
            a.getOutputStream().write(batch.toByteArray());
            assertEquals(stored, rejects.awaitQuiet(stored, 60_000), "a Reject for each");

            rejects.noteWhen(2L * stored);
            a.getOutputStream().write(raw("RAW3", 2 + stored, "35=2", "7=2", "16=0"));
            long asked = System.nanoTime();
            c1.send(order("B1", Side.BUY, 1, 189.25, TimeInForce.GOOD_TILL_CANCEL));
            assertEquals("B1", str(c1.next("8"), 11));
            long served = System.nanoTime();
            assertEquals(2L * stored, rejects.awaitQuiet(2L * stored, 60_000), "every Reject resent");
            long resent = rejects.reachedAt();
            assertTrue(served < resent, "the other session's order took " + (served - asked) / 1_000_000
                    + " ms, the resend " + (resent - asked) / 1_000_000 + " ms");
        }
    }

    /**
     * 64 connections that never log on (every place the gateway has) cannot keep a session out: QuickFIX/J logs on
     * at once, taking the place of the oldest (it waited 10 s, for the idle ones to time out, and got in at its
     * reconnect after that), and the idle ones are closed once logonTimeoutMillis passed.
     */
    @Test
    void idleConnectionsThatNeverLogOnCannotKeepASessionOut(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir)) {
            f.gateway = Gateway.start(GatewayConfig.parse(GatewayFixture.config(0).replace("idleParkMicros: 20,",
                    "idleParkMicros: 20, logonTimeoutMillis: 5000,"), "test"), f.data);
            Socket[] idle = new Socket[64];
            try {
                for (int i = 0; i < idle.length; i++)
                    idle[i] = new Socket("127.0.0.1", f.port());
                Thread.sleep(200); // accepted, one a millisecond
                long start = System.nanoTime();
                try (FixClient c1 = f.client(dir, "CLIENT1", "pw1")) {
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(millis < 2500, "logged on in " + millis + " ms, well below the logon timeout");
                    for (Socket s : idle) {
                        s.setSoTimeout(8000); // 5 s after each was accepted, and a housekeeping round
                        assertEquals(-1, s.getInputStream().read(), "an idle connection closed by the gateway");
                    }
                    c1.send(order("L1", Side.BUY, 1, 189.25, TimeInForce.GOOD_TILL_CANCEL));
                    assertEquals("L1", str(c1.next("8"), 11));
                }
            } finally {
                for (Socket s : idle)
                    if (s != null)
                        s.close();
            }
        }
    }

    /**
     * 400 connections opened and closed one after the other: each connection's 1 MB outbound backlog is direct memory
     * that only a garbage collection gave back, and the gateway makes almost no garbage, so the gateway's direct
     * memory grew by 1 MB a connection (400 MB here) until the JVM's direct limit forced a full collection. The
     * backlogs are now kept for the next connection: direct memory stays within the 64 the gateway ever holds, and a
     * session still trades after the churn.
     */
    @Test
    void connectionsOpenedAndClosedFastDoNotGrowDirectMemory(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway()) {
            long before = retainedDirectMemory();
            for (int i = 0; i < 400; i++) {
                try (Socket s = new Socket("127.0.0.1", f.port())) {
                    s.getOutputStream().write(GatewayTest.logon("RAW3", 1, "wrong"));
                    s.setSoTimeout(5000);
                    s.getInputStream().read(new byte[4096]); // the gateway has taken it: its Logout
                } catch (IOException e) {
                    // reset by the gateway: it had taken it
                }
            }
            long grown = retainedDirectMemory() - before;
            assertTrue(f.gateway.backlogsAllocated() <= 64, f.gateway.backlogsAllocated() + " backlogs allocated");
            assertTrue(grown < 80L << 20, "direct memory grew by " + (grown >> 20) + " MB over 400 connections ("
                    + f.gateway.backlogsAllocated() + " MB of it the gateway's backlogs; direct buffers in the JVM "
                    + directBufferCount() + ")");
            try (FixClient c1 = f.client(dir, "CLIENT1", "pw1")) {
                c1.send(order("M1", Side.BUY, 1, 189.25, TimeInForce.GOOD_TILL_CANCEL));
                assertEquals("M1", str(c1.next("8"), 11));
            }
        }
    }

    private static long directBufferCount() {
        return directPool().getCount();
    }

    /**
     * The direct memory the JVM holds once what is unreachable has been freed: a direct buffer is freed only after a
     * collection finds it unreachable (its Cleaner then runs on another thread), so without one the pool also counts
     * the garbage of whatever else ran in this JVM (a queue check's 1 MB window, say). Collects until two readings
     * 50 ms apart agree (2 s at most).
     */
    private static long retainedDirectMemory() throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 40; i++) {
            System.gc();
            Thread.sleep(50);
            long used = directPool().getMemoryUsed();
            if (used == last)
                return used;
            last = used;
        }
        return last;
    }

    private static BufferPoolMXBean directPool() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
            if ("direct".equals(pool.getName()))
                return pool;
        throw new AssertionError("no direct buffer pool");
    }

    /** A Logon asking for a HeartBtInt beyond an hour is refused with a Logout saying what is allowed. */
    /**
     * A Logon in another FIX version (FIX.4.2, FIXT.1.1) is refused with a Logout naming BeginString(8), and the
     * session stays free for a FIX 4.4 logon.
     */
    @Test
    void aLogonOfAnotherFixVersionIsRefused(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway()) {
            for (String version : new String[]{"FIX.4.2", "FIXT.1.1"}) {
                try (RawFix raw = new RawFix(f.port())) {
                    raw.write(RawFix.encode(version, 0, 0, "35=A", "49=RAW3", "56=ORDERPIPE", "34=1",
                            "52=20260101-00:00:00.000", "98=0", "108=30", "554=pw3"));
                    Map<String, String> logout = raw.read("5", 5_000);
                    assertNotNull(logout, version + ": a Logout");
                    assertEquals("BeginString(8) must be FIX.4.4, was " + version, logout.get("58"));
                    assertTrue(raw.closedWithin(5_000), version + ": connection closed");
                }
            }
            try (FixClient c = f.client(dir, "CLIENT1", "pw1")) {
                assertTrue(c.loggedOn());
            }
        }
    }

    @Test
    void aHugeHeartBtIntIsRefusedSayingTheRange(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway();
             RawFix raw = new RawFix(f.port())) {
            raw.write(RawFix.encode("35=A", "49=RAW3", "56=ORDERPIPE", "34=1", TIME, "98=0", "108=86400",
                    "554=pw3"));
            Map<String, String> logout = raw.read("5", 5000);
            assertNotNull(logout, "a Logout");
            assertEquals("HeartBtInt(108) must be 1 to 3600 seconds, was 86400", logout.get("58"));
            assertTrue(raw.closedWithin(5000), "the connection closed");
        }
    }

    /**
     * SequenceReset(4) with NewSeqNo(36) below the next expected number (Reset mode and GapFill mode) or missing is
     * refused with a Reject(3) naming tag 36 and the reason (5 value incorrect, 1 missing) and moves nothing back; a
     * refused GapFill at the expected number still counts as received, so the next message follows it without a
     * ResendRequest.
     */
    @Test
    void aMalformedSequenceResetIsRejectedAndChangesNothing(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway();
             RawFix raw = loggedOnRaw3(f)) {
            raw.write(raw("RAW3", 2, "35=4", "36=1")); // Reset mode: its MsgSeqNum does not count
            assertSequenceResetRejected(raw.read("3", 5000), 2, "5");
            raw.write(raw("RAW3", 2, "35=4", "123=Y"));
            assertSequenceResetRejected(raw.read("3", 5000), 2, "1");
            raw.write(raw("RAW3", 3, "35=4", "123=Y", "36=2"));
            assertSequenceResetRejected(raw.read("3", 5000), 3, "5");
            raw.write(raw("RAW3", 4, "35=1", "112=alive"));
            Map<String, String> m;
            do {
                m = raw.read(5000);
                assertNotNull(m, "an answer to the TestRequest");
                assertTrue(!"2".equals(m.get("35")), "no ResendRequest: " + m);
            } while (!"0".equals(m.get("35")));
            assertEquals("alive", m.get("112"));
        }
    }

    /**
     * A NewOrderSingle with PossDupFlag(43)=Y at the next expected MsgSeqNum was never taken (one taken is below it),
     * so one reusing a ClOrdID is refused like any reuse; it was ignored, and the peer never heard of its order. One
     * resent below the expected number is ignored: it was taken.
     */
    @Test
    void aResentOrderReusingAClOrdIdIsRefusedNotIgnored(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway();
             RawFix raw = loggedOnRaw3(f)) {
            String[] order = {"35=D", "11=Q1", "55=AAPL", "54=1", "60=20260101-00:00:00.000", "38=1", "40=2",
                    "44=189.25", "59=1"};
            raw.write(raw("RAW3", 2, order));
            assertEquals("Q1", raw.read("8", 5000).get("11"));
            String[] resent = new String[order.length + 2];
            System.arraycopy(order, 0, resent, 0, order.length);
            resent[order.length] = "43=Y";
            resent[order.length + 1] = "122=20260101-00:00:00.000";
            raw.write(raw("RAW3", 2, resent)); // taken already: ignored
            raw.write(raw("RAW3", 3, resent)); // never taken, its ClOrdID used: refused
            Map<String, String> reject = raw.read(5000);
            assertNotNull(reject, "an answer to the resent order");
            assertEquals("j", reject.get("35"), reject.toString());
            assertEquals("3", reject.get("45"));
            assertEquals("duplicate ClOrdID", reject.get("58"));
        }
    }

    /** A bare connection logged on as session RAW3 (its next MsgSeqNum 2). */
    private static RawFix loggedOnRaw3(GatewayFixture f) throws IOException {
        RawFix raw = new RawFix(f.port());
        raw.write(GatewayTest.logon("RAW3", 1, "pw3"));
        assertNotNull(raw.read("A", 5000), "logged on");
        return raw;
    }

    private static void assertSequenceResetRejected(Map<String, String> reject, long seq, String reason) {
        assertNotNull(reject, "a Reject of the SequenceReset " + seq);
        assertEquals(String.valueOf(seq), reject.get("45"));
        assertEquals("36", reject.get("371"));
        assertEquals(reason, reject.get("373"));
    }

    /** Counts the messages of one type (ExecutionReports, 35=8, by default) arriving on a socket, on its own thread. */
    private static final class ReportCounter {
        private final byte[] pattern;
        private final AtomicLong count = new AtomicLong();
        /** The count {@link #reachedAt} is taken at, and System.nanoTime() when the count reached it (0 before). */
        private volatile long target = Long.MAX_VALUE;
        private volatile long reachedAt;

        ReportCounter(InputStream in) {
            this(in, "8");
        }

        ReportCounter(InputStream in, String msgType) {
            byte[] pattern = ("\u000135=" + msgType + "\u0001").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            this.pattern = pattern;
            Thread t = new Thread(() -> {
                byte[] buf = new byte[65536];
                int matched = 0;
                try {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        for (int i = 0; i < n; i++) {
                            byte b = buf[i];
                            if (b == pattern[matched]) {
                                if (++matched == pattern.length) {
                                    if (count.incrementAndGet() == target)
                                        reachedAt = System.nanoTime();
                                    matched = 0;
                                }
                            } else {
                                matched = b == pattern[0] ? 1 : 0;
                            }
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "report-counter");
            t.setDaemon(true);
            t.start();
        }

        /** From now on, notes when the count reaches {@code count} ({@link #reachedAt()}). */
        void noteWhen(long count) {
            target = count;
        }

        /** System.nanoTime() when the count reached the one given to {@link #noteWhen}, or 0 before. */
        long reachedAt() {
            return reachedAt;
        }

        /** The count once it reached {@code atLeast} and then stayed the same for a second, or at the deadline. */
        long awaitQuiet(long atLeast, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            long last = -1;
            long since = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline) {
                long c = count.get();
                if (c != last) {
                    last = c;
                    since = System.currentTimeMillis();
                } else if (c >= atLeast && System.currentTimeMillis() - since > 1000) {
                    return c;
                }
                Thread.sleep(50);
            }
            return count.get();
        }
    }
}
