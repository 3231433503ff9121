package dev.orderpipe.tools.cli;

import dev.orderpipe.gateway.Gateway;
import dev.orderpipe.gateway.GatewayConfig;
import picocli.CommandLine.Command;
import sun.misc.Signal;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code orderpipe gateway}: a FIX 4.4 order-entry and drop-copy gateway in front of a running pipeline's data
 * directory, in its own process (like {@code submit} and {@code tail}: it writes orders through OrderEntry and reads
 * reports through ExecutionFeed), until SIGTERM or Ctrl-C (then exit 0).
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"FIX 4.4 gateway: accept the configured order-entry and drop-copy sessions over TCP and turn "
                + "their orders into orders of a running pipeline, and its execution reports into ExecutionReports.",
                "Runs until SIGTERM or Ctrl-C; sequence numbers and sent messages persist in DIR/gateway.",
                "The pipeline's queues and data directory: docs/formats.md."})
public final class GatewayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "Gateway config (address, port, writerId, sessions): see conf/gateway.yaml.")
    Path config;
    @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR",
            description = "The pipeline's data directory (laid out by the default config).")
    Path data;

    @Override
    public Integer call() {
        GatewayConfig cfg = GatewayConfig.load(config);
        Gateway gateway = Gateway.open(cfg, data);
        // SIGINT/SIGTERM, as for run and tail: the loop ends, closes the gateway's files, and the command exits 0
        Signal.handle(new Signal("INT"), sig -> gateway.stop());
        Signal.handle(new Signal("TERM"), sig -> gateway.stop());
        spec.commandLine().getOut().println("gateway listening on " + cfg.address + ":" + gateway.port() + " ("
                + cfg.sessions.size() + " sessions), data " + data);
        spec.commandLine().getOut().flush();
        gateway.run();
        return 0;
    }
}
