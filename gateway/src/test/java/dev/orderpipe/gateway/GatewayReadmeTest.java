package dev.orderpipe.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quickfix.Message;
import quickfix.SessionID;
import quickfix.SessionSettings;
import quickfix.field.Side;
import quickfix.field.TimeInForce;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.orderpipe.gateway.GatewayFixture.order;
import static dev.orderpipe.gateway.GatewayFixture.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's sample QuickFIX/J session config, taken from the README as it is, connects to a gateway started with
 * the sample {@code conf/gateway.yaml} (only the port, a free one, and the store's directory differ) and trades.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayReadmeTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path SAMPLE_CONFIG = Path.of("..", "conf", "gateway.yaml");

    @Test
    void theReadmesQuickFixJConfigLogsOnToTheSampleGatewayAndTrades(@TempDir Path dir) throws Exception {
        String readme = Files.readString(README);
        int section = readme.indexOf("A QuickFIX/J initiator for the first sample session");
        assertTrue(section > 0, "the README's gateway section has its QuickFIX/J sample");
        int from = readme.indexOf("```ini\n", section) + "```ini\n".length();
        String ini = readme.substring(from, readme.indexOf("```", from));
        assertTrue(readme.substring(section, from).contains("new Password(\"change-me-1\")"),
                "the README says where the password goes");

        GatewayConfig config = GatewayConfig.load(SAMPLE_CONFIG);
        SessionConfig first = config.sessions.get(0);
        assertEquals("change-me-1", first.password);
        SessionSettings settings = new SessionSettings(new ByteArrayInputStream(ini.getBytes(StandardCharsets.UTF_8)));
        SessionID id = new SessionID("FIX.4.4", first.targetCompId, first.senderCompId);
        assertEquals(config.port, settings.getLong(id, "SocketConnectPort"), "the sample's port");
        assertEquals(config.address, settings.getString(id, "SocketConnectHost"));

        config.port = 0;
        try (GatewayFixture f = new GatewayFixture(dir)) {
            f.gateway = Gateway.start(config.validate(), f.data);
            settings.setLong(id, "SocketConnectPort", f.port());
            settings.setString(id, "FileStorePath", dir.resolve("store").toString());
            settings.setString(id, "FileLogPath", dir.resolve("log").toString());
            try (FixClient client = new FixClient(settings, id, first.password).start().awaitLogon()) {
                client.send(order("R1", Side.BUY, 10, 189.25, TimeInForce.GOOD_TILL_CANCEL));
                Message ack = client.next("8");
                assertEquals("R1", str(ack, 11));
                assertEquals("0", str(ack, 150));
                assertEquals(String.valueOf(first.account), str(ack, 1));
            }
        }
    }
}
