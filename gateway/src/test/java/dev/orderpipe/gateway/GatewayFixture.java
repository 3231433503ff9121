package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import quickfix.Message;
import quickfix.field.ClOrdID;
import quickfix.field.OrdType;
import quickfix.field.OrderQty;
import quickfix.field.OrigClOrdID;
import quickfix.field.Price;
import quickfix.field.Side;
import quickfix.field.Symbol;
import quickfix.field.TimeInForce;
import quickfix.field.TransactTime;
import quickfix.fix44.NewOrderSingle;
import quickfix.fix44.OrderCancelReplaceRequest;
import quickfix.fix44.OrderCancelRequest;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.LocalDateTime;

/** A pipeline and a gateway in this JVM, on a data directory of the test's. */
final class GatewayFixture implements AutoCloseable {
    static final String SESSIONS = "  sessions: [\n"
            + "    { senderCompId: ORDERPIPE, targetCompId: CLIENT1, password: pw1, type: ORDER_ENTRY, account: 1 },\n"
            + "    { senderCompId: ORDERPIPE, targetCompId: CLIENT2, password: pw2, type: ORDER_ENTRY, account: 2 },\n"
            + "    { senderCompId: ORDERPIPE, targetCompId: RAW3, password: pw3, type: ORDER_ENTRY, account: 3 },\n"
            + "    { senderCompId: ORDERPIPE, targetCompId: COPY, password: pwc, type: DROP_COPY, account: 0 }\n"
            + "  ]\n";

    final Path data;
    final Pipeline pipeline;
    Gateway gateway;

    GatewayFixture(Path dir) {
        data = dir.resolve("data");
        pipeline = Pipeline.start(TestPipelines.config(data, null));
    }

    static String config(int port) {
        return config(port, 4096);
    }

    /** A loopback port free now (a test gateway binds it next). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String config(int port, int orderCapacity) {
        return "!dev.orderpipe.gateway.GatewayConfig {\n  address: 127.0.0.1,\n  port: " + port
                + ",\n  writerId: 900,\n  orderCapacity: " + orderCapacity + ",\n  idleParkMicros: 20,\n" + SESSIONS
                + "}\n";
    }

    GatewayFixture startGateway() {
        return startGateway(4096);
    }

    GatewayFixture startGateway(int orderCapacity) {
        gateway = Gateway.start(GatewayConfig.parse(config(0, orderCapacity), "test"), data);
        return this;
    }

    int port() {
        return gateway.port();
    }

    FixClient client(Path dir, String clientId, String password) throws Exception {
        return new FixClient(dir.resolve(clientId), port(), clientId, "ORDERPIPE", password).start().awaitLogon();
    }

    static NewOrderSingle order(String clOrdId, char side, double qty, double price, char tif) {
        NewOrderSingle o = new NewOrderSingle(new ClOrdID(clOrdId), new Side(side),
                new TransactTime(LocalDateTime.now()),
                new OrdType(price > 0 ? OrdType.LIMIT : OrdType.MARKET));
        o.set(new Symbol("AAPL"));
        o.set(new OrderQty(qty));
        if (price > 0)
            o.set(new Price(price));
        o.set(new TimeInForce(tif));
        return o;
    }

    static OrderCancelRequest cancel(String clOrdId, String orig, char side) {
        OrderCancelRequest c = new OrderCancelRequest(new OrigClOrdID(orig), new ClOrdID(clOrdId), new Side(side),
                new TransactTime(LocalDateTime.now()));
        c.set(new Symbol("AAPL"));
        return c;
    }

    static OrderCancelReplaceRequest replace(String clOrdId, String orig, char side, double qty, double price) {
        OrderCancelReplaceRequest r = new OrderCancelReplaceRequest(new OrigClOrdID(orig), new ClOrdID(clOrdId),
                new Side(side), new TransactTime(LocalDateTime.now()), new OrdType(OrdType.LIMIT));
        r.set(new Symbol("AAPL"));
        r.set(new OrderQty(qty));
        r.set(new Price(price));
        return r;
    }

    static String str(Message m, int tag) throws Exception {
        return m.isSetField(tag) ? m.getString(tag) : null;
    }

    void stopGateway() throws InterruptedException {
        if (gateway != null) {
            gateway.stop();
            gateway = null;
        }
    }

    @Override
    public void close() throws Exception {
        stopGateway();
        pipeline.close();
    }
}
