package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.TradingDates;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.DataDirLock;
import dev.orderpipe.pipeline.session.SessionCalendar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;

/**
 * {@code orderpipe session open|close}: an operator opens or closes a trading session by hand. The event is written to
 * the data directory's {@code orders} queue through {@link OrderEntry}, as a feed handler's orders are, so it takes
 * its place among them and replay reproduces it; risk accepts it or rejects it {@code SESSION_STATE} (visible on
 * {@code executions}).
 */
@Command(name = "session", mixinStandardHelpOptions = true,
        description = {"Open or close a trading session by hand: writes a SESSION_OPEN or SESSION_CLOSE into a "
                + "pipeline's orders queue (running or not) through the OrderEntry API.",
                "At a close DAY orders expire and NEW/REPLACE orders are rejected SESSION_CLOSED until the next open;"
                        + " risk rejects an event that does not fit (SESSION_STATE on executions).",
                "The session events and their reports: docs/formats.md."})
public final class SessionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(index = "0", paramLabel = "open|close",
            description = "open: a session opens; close: the open one closes.")
    String event;
    @Option(names = {"-d", "--data"}, paramLabel = "DIR", description = "Data directory (overrides dataDir).")
    Path data;
    @Option(names = "--date", paramLabel = "YYYY-MM-DD",
            description = "The trading date. open: default today in the config's session.timeZone; close: default"
                    + " the session open, whatever its date.")
    String date;
    @Option(names = {"-w", "--writer"}, paramLabel = "N", defaultValue = "1000001",
            description = "The order-entry writer id the event carries, > 0 (default ${DEFAULT-VALUE}); not one a"
                    + " running writer uses.")
    long writerId;

    @Override
    public Integer call() {
        boolean open = "open".equals(event);
        if (!open && !"close".equals(event))
            throw UserException.usage("session takes open or close, was '" + event + "'");
        if (writerId <= 0)
            throw UserException.usage("--writer must be > 0 (0 is the pipeline's file ingress), was " + writerId);
        long tradingDate;
        try {
            tradingDate = date != null ? TradingDates.parse(date) : 0;
        } catch (IllegalArgumentException e) {
            throw UserException.usage("--date " + e.getMessage());
        }
        PipelineConfig cfg = config.load();
        if (data != null)
            cfg.dataDir = data.toString();
        if (open && tradingDate == 0)
            tradingDate = TradingDates.of(LocalDate.now(SessionCalendar.zone(cfg.session.timeZone)));
        Path dir = cfg.dataPath();
        if (!Files.isDirectory(dir))
            throw UserException.failure("data directory " + dir + " does not exist: give a pipeline's data directory"
                    + " (--data DIR)");
        // a directory no pipeline ran on (mistyped, or another program's) would get an orders queue nothing reads
        if (!Files.exists(dir.resolve(DataDirLock.FILE)))
            throw UserException.failure("data directory " + dir + " was never used by a pipeline (it has no "
                    + DataDirLock.FILE + "): start the pipeline on it first (orderpipe run --data " + dir
                    + "), or check the path");
        long index;
        long seq;
        try (OrderEntry entry = OrderEntry.open(cfg, writerId)) {
            index = open ? entry.openSession(tradingDate) : entry.closeSession(tradingDate);
            seq = entry.writerSeq();
        }
        PrintWriter out = spec.commandLine().getOut();
        String named = tradingDate == 0 ? "" : " " + TradingDates.toString(tradingDate);
        out.printf("%s%s written to %s at index %s (writer %d, writerSeq %d)%n",
                open ? "SESSION_OPEN" : "SESSION_CLOSE", named,
                dir.resolve(cfg.ingress.queue), "0x" + Long.toHexString(index), writerId, seq);
        out.flush();
        return ExitCodes.OK;
    }
}
