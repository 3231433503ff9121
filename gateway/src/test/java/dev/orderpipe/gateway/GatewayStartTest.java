package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a gateway is started on: the data directory and the port it may not have, each refused with one line. */
class GatewayStartTest {
    /**
     * A data directory no pipeline ever ran on (a mistyped path that exists, an empty directory): the gateway
     * started without a word, made an orders queue there that nothing reads and took orders no report would ever
     * answer. Now one line naming the directory and the fix, and nothing is written there.
     */
    @Test
    void aDataDirectoryNoPipelineEverUsedIsRefusedAndLeftAsItWas(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("elsewhere"));
        GatewayConfig config = GatewayConfig.parse(GatewayFixture.config(0), "test");
        BadFileException e = assertThrows(BadFileException.class, () -> Gateway.open(config, data));
        assertEquals("data directory " + data + " was never used by a pipeline (it has no pipeline.lock): start the"
                + " pipeline on it first (orderpipe run --data " + data + "), or check the path", e.getMessage());
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(0, files.count(), "nothing written to " + data);
        }
    }

    @Test
    void aSecondGatewayOnTheSameDataDirectoryIsRefused(@TempDir Path dir) throws Exception {
        try (GatewayFixture f = new GatewayFixture(dir).startGateway()) {
            BadFileException e = assertThrows(BadFileException.class,
                    () -> Gateway.open(GatewayConfig.parse(GatewayFixture.config(0), "test"), f.data));
            assertTrue(e.getMessage().startsWith("a gateway is already running on " + f.data), e.getMessage());
            try (FixClient c = f.client(dir, "CLIENT1", "pw1")) {
                assertTrue(c.loggedOn(), "the first gateway still serves");
            }
        }
    }

    /** A second gateway (on another pipeline) on a port the first listens on: one line, the first serves on. */
    @Test
    void aSecondGatewayOnTheSamePortIsRefused(@TempDir Path dir) throws Exception {
        int port = GatewayFixture.freePort();
        GatewayConfig config = GatewayConfig.parse(GatewayFixture.config(port), "test");
        try (GatewayFixture first = new GatewayFixture(dir.resolve("a"));
             GatewayFixture second = new GatewayFixture(dir.resolve("b"))) {
            first.gateway = Gateway.start(config, first.data);
            ConfigException e = assertThrows(ConfigException.class, () -> Gateway.open(config, second.data));
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + port + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            // the refused one released its lock: a gateway on its data directory starts
            second.startGateway();
            try (FixClient c = first.client(dir, "CLIENT1", "pw1")) {
                assertTrue(c.loggedOn(), "the first gateway still serves");
            }
        }
    }
}
