package dev.orderpipe.gateway;

import java.nio.file.Path;

/** A gateway in a child JVM, for the crash test: {@code GatewayChild CONFIG DATA_DIR}; prints its port, serves. */
public final class GatewayChild {
    private GatewayChild() {
    }

    public static void main(String[] args) {
        Gateway gateway = Gateway.open(GatewayConfig.load(Path.of(args[0])), Path.of(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::stop, "gateway-shutdown"));
        System.out.println("listening " + gateway.port());
        System.out.flush();
        gateway.run();
    }
}
