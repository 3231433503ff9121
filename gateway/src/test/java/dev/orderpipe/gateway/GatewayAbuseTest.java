package dev.orderpipe.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quickfix.field.Side;
import quickfix.field.TimeInForce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

    /** Counts the ExecutionReports (35=8) arriving on a socket, on a thread of its own. */
    private static final class ReportCounter {
        private static final byte[] PATTERN = "\u000135=8\u0001".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private final AtomicLong count = new AtomicLong();

        ReportCounter(InputStream in) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[65536];
                int matched = 0;
                try {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        for (int i = 0; i < n; i++) {
                            byte b = buf[i];
                            if (b == PATTERN[matched]) {
                                if (++matched == PATTERN.length) {
                                    count.incrementAndGet();
                                    matched = 0;
                                }
                            } else {
                                matched = b == PATTERN[0] ? 1 : 0;
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
