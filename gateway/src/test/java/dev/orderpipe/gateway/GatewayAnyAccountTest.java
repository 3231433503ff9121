package dev.orderpipe.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quickfix.Message;
import quickfix.field.Account;
import quickfix.field.Side;
import quickfix.field.TimeInForce;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.orderpipe.gateway.GatewayFixture.cancel;
import static dev.orderpipe.gateway.GatewayFixture.order;
import static dev.orderpipe.gateway.GatewayFixture.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The order-entry session with {@code account: 0} (what {@code replay --via fix} uses): it trades for every account
 * without a session of its own, each request naming its account in Account(1); QuickFIX/J as the client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayAnyAccountTest {
    private static final String CONFIG = "!dev.orderpipe.gateway.GatewayConfig {\n  address: 127.0.0.1,\n  port: 0,\n"
            + "  sessions: [\n"
            + "    { senderCompId: ORDERPIPE, targetCompId: ANY, password: pwa, type: ORDER_ENTRY, account: 0 },\n"
            + "    { senderCompId: ORDERPIPE, targetCompId: CLIENT1, password: pw1, type: ORDER_ENTRY, account: 1 }\n"
            + "  ]\n}\n";

    @Test
    void oneSessionTradesForEveryAccountWithoutOneOfItsOwn(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir)) {
            f.gateway = Gateway.start(GatewayConfig.parse(CONFIG, "test"), f.data);
            try (FixClient any = f.client(dir, "ANY", "pwa")) {
                any.send(withAccount(order("B5", Side.BUY, 10, 189.25, TimeInForce.GOOD_TILL_CANCEL), 5));
                Message ack = any.next("8");
                assertEquals("B5", str(ack, 11));
                assertEquals("5", str(ack, 1));
                assertEquals("0", str(ack, 39));

                any.send(withAccount(order("S6", Side.SELL, 10, 189.25, TimeInForce.GOOD_TILL_CANCEL), 6));
                // both sides of the trade come back on the one session, each with its account
                Message first = nextFill(any);
                Message second = nextFill(any);
                assertEquals("S6 6 B5 5", str(first, 11) + " " + str(first, 1) + " " + str(second, 11) + " "
                        + str(second, 1));

                any.send(withAccount(order("R5", Side.BUY, 5, 180.00, TimeInForce.GOOD_TILL_CANCEL), 5));
                assertEquals("R5", str(any.next("8"), 11));
                any.send(withAccount(cancel("C5", "R5", Side.BUY), 5));
                Message canceled = any.next("8");
                assertEquals("4", str(canceled, 150));
                assertEquals("C5 R5 5", str(canceled, 11) + " " + str(canceled, 41) + " " + str(canceled, 1));

                // Account(1) is required there, and an account with a session of its own trades only there
                any.send(order("N", Side.BUY, 5, 180.00, TimeInForce.GOOD_TILL_CANCEL));
                assertRejected(any, "1");
                any.send(withAccount(order("O1", Side.BUY, 5, 180.00, TimeInForce.GOOD_TILL_CANCEL), 1));
                assertRejected(any, "1");
            }
        }
    }

    private static Message withAccount(Message m, long account) {
        m.setField(new Account(Long.toString(account)));
        return m;
    }

    private static Message nextFill(FixClient c) throws Exception {
        while (true) {
            Message m = c.next("8");
            if ("F".equals(str(m, 150)))
                return m;
        }
    }

    private static void assertRejected(FixClient c, String refTag) throws Exception {
        while (true) {
            Message m = c.admin.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "a Reject within 10 s");
            if (!"3".equals(m.getHeader().getString(35)))
                continue;
            assertEquals(refTag, str(m, 371), m.toString());
            return;
        }
    }
}
