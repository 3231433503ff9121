package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The gateway's config: the sample loads, and each mistake is one line naming the key. */
class GatewayConfigTest {
    private static final String ONE =
            "{ senderCompId: GW, targetCompId: C1, password: p, type: ORDER_ENTRY, account: 1 }";

    @Test
    void theSampleConfigLoads() {
        GatewayConfig c = GatewayConfig.load(Path.of("..", "conf", "gateway.yaml"));
        assertEquals("127.0.0.1", c.address);
        assertEquals(3, c.sessions.size());
        assertEquals(SessionConfig.Type.DROP_COPY, c.sessions.get(2).sessionType());
        assertEquals("ORDERPIPE-CLIENT1", c.sessions.get(0).directoryName());
    }

    @Test
    void mistakesAreOneLineNamingTheKey() {
        assertError("unknown key 'prot' in gateway config (check the spelling against conf/gateway.yaml)",
                "{ prot: 1, sessions: [ " + ONE + " ] }");
        assertError("port must be 0..65535, was 70000", "{ port: 70000, sessions: [ " + ONE + " ] }");
        assertError("sessions is empty", "{ port: 1 }");
        assertError("address must be an IP address such as 127.0.0.1, was 'example.com'",
                "{ address: example.com, sessions: [ " + ONE + " ] }");
        assertError("sessions[1].account 1 has two ORDER_ENTRY sessions",
                "{ sessions: [ " + ONE + ", " + ONE.replace("C1", "C2") + " ] }");
        assertError("sessions[1]: session GW/C1 is configured twice",
                "{ sessions: [ " + ONE + ", " + ONE.replace("account: 1", "account: 2") + " ] }");
        assertError("sessions[0].account must be 0 for a DROP_COPY session",
                "{ sessions: [ " + ONE.replace("ORDER_ENTRY", "DROP_COPY") + " ] }");
        assertError("sessions[0].type must be ORDER_ENTRY or DROP_COPY, was 'BOTH'",
                "{ sessions: [ " + ONE.replace("ORDER_ENTRY", "BOTH") + " ] }");
        assertError("sessions[0].targetCompId must be 1 to 32 of A-Z a-z 0-9 _ . -, was 'C 1'",
                "{ sessions: [ " + ONE.replace("C1", "\"C 1\"") + " ] }");
        assertError("sessions[0].password must be 1 to 64 characters",
                "{ sessions: [ " + ONE.replace("password: p", "password: \"\"") + " ] }");
        assertError("maxPendingRequests must be 1..64, was 0", "{ maxPendingRequests: 0, sessions: [ " + ONE + " ] }");
        // the largest orderCapacity the range allows made the gateway's ClOrdID arrays overflow int (a stack trace)
        assertError("orderCapacity x maxPendingRequests must be at most 67108863 (the waiting ClOrdIDs' table, 32"
                + " bytes each, is one array), was 67108864 x 4",
                "{ orderCapacity: 67108864, sessions: [ " + ONE + " ] }");
        assertError("gateway config file nowhere.yaml does not exist", null);
    }

    /** A key given twice (the last value won silently: a session's password typed twice) is one line naming it. */
    @Test
    void aKeyGivenTwiceIsOneLineNamingTheKeyAndItsLines() {
        assertError("t.yaml: duplicate key 'port' on line 3 (first on line 2): give each key once",
                "{\n  port: 9878,\n  port: 9879,\n  sessions: [ " + ONE + " ] }");
        assertError("t.yaml: duplicate key 'sessions[1].password' on line 3 (first on line 3): give each key once",
                "{\n  sessions: [ " + ONE + ",\n  " + ONE.replace("C1", "C2").replace("account: 1", "account: 2")
                        .replace("password: p", "password: p, password: q") + " ] }");
    }

    /**
     * orderCapacity 33,554,432 (within its range) on a 256 MB heap ended in an OutOfMemoryError's stack trace from
     * the order table's allocation: now one line naming the key, the sizes and the fix, before anything is opened.
     */
    @Test
    void anOrderTableTheHeapCannotHoldIsOneLineNamingTheKey() {
        GatewayConfig c = GatewayConfig.parse("{ orderCapacity: 33554432, maxPendingRequests: 1, sessions: [ " + ONE
                + " ] }", "t.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> Gateway.checkHeap(c, 256L << 20));
        assertEquals("orderCapacity 33554432 with maxPendingRequests 1 needs about 4672 MB of heap for the order"
                + " table, the JVM has 256 MB (-Xmx) and the table may use 3/4 of it: lower orderCapacity or raise -Xmx"
                + " (ORDERPIPE_JAVA_OPTS=-Xmx...)", e.getMessage());
        Gateway.checkHeap(GatewayConfig.load(Path.of("..", "conf", "gateway.yaml")), 256L << 20); // the sample fits
    }

    private static void assertError(String expected, String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> {
            if (yaml == null)
                GatewayConfig.load(Path.of("nowhere.yaml"));
            else
                GatewayConfig.parse(yaml, "t.yaml");
        });
        String message = e.getMessage();
        assertEquals(-1, message.indexOf('\n'), message);
        if (!message.contains(expected))
            assertEquals(expected, message);
    }
}
