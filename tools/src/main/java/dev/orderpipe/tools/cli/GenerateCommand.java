package dev.orderpipe.tools.cli;

import dev.orderpipe.bench.OrderGenerator;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.SymbolConfig;
import dev.orderpipe.pipeline.util.AtomicFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code orderpipe generate}: a realistic synthetic order file. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write a realistic synthetic order file (docs/formats.md format): prices walking around each symbol's "
                + "reference, a mix of NEW/CANCEL/REPLACE, LIMIT/MARKET, GTC/IOC/FOK, bursts and quiet periods.",
                "The same options and seed give the same file."})
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = {"-n", "--orders"}, defaultValue = "100000", description = "Lines to write (default ${DEFAULT-VALUE}).")
    long orders;
    @Option(names = {"-k", "--symbols"}, defaultValue = "0",
            description = "Use the first K symbols of the config (default: all of them).")
    int symbols;
    @Option(names = {"-s", "--seed"}, defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Order file to write.")
    Path out;
    @Option(names = "--accounts", defaultValue = "50", description = "Accounts (default ${DEFAULT-VALUE}).")
    int accounts;
    @Option(names = "--cancel-pct", defaultValue = "12", description = "Share of CANCELs, percent (default ${DEFAULT-VALUE}).")
    double cancelPct;
    @Option(names = "--replace-pct", defaultValue = "8", description = "Share of REPLACEs, percent (default ${DEFAULT-VALUE}).")
    double replacePct;
    @Option(names = "--market-pct", defaultValue = "4", description = "Share of MARKET orders, percent (default ${DEFAULT-VALUE}).")
    double marketPct;
    @Option(names = "--ioc-pct", defaultValue = "8", description = "Share of IOC orders, percent (default ${DEFAULT-VALUE}).")
    double iocPct;
    @Option(names = "--fok-pct", defaultValue = "3", description = "Share of FOK orders, percent (default ${DEFAULT-VALUE}).")
    double fokPct;
    @Option(names = "--malformed-pct", defaultValue = "0",
            description = "Share of deliberately malformed lines, percent (default ${DEFAULT-VALUE}).")
    double malformedPct;
    @Option(names = "--stale-pct", defaultValue = "1",
            description = "Share of cancels/replaces naming an order that just ended, percent (default ${DEFAULT-VALUE}).")
    double stalePct;
    @Option(names = "--risk-break-pct", defaultValue = "0.5",
            description = "Share of orders breaking a risk limit, percent (default ${DEFAULT-VALUE}).")
    double riskBreakPct;

    @Override
    public Integer call() throws IOException {
        Path file = generate();
        spec.commandLine().getOut().printf("wrote %,d orders to %s%n", orders, file);
        return ExitCodes.OK;
    }

    /** Writes the file and returns its path. */
    Path generate() throws IOException {
        PipelineConfig cfg = config.load();
        if (orders < 0)
            throw UserException.usage("--orders must be >= 0, was " + orders);
        if (symbols < 0 || symbols > cfg.risk.symbols.size())
            throw UserException.usage("--symbols must be 1.." + cfg.risk.symbols.size()
                    + " (the config's symbols), was " + symbols);
        if (accounts < 1)
            throw UserException.usage("--accounts must be >= 1, was " + accounts);
        for (double pct : new double[]{cancelPct, replacePct, marketPct, iocPct, fokPct, malformedPct, riskBreakPct, stalePct})
            if (pct < 0 || pct > 100)
                throw UserException.usage("percent options must be between 0 and 100, got " + pct);
        if (cancelPct + replacePct > 100 || iocPct + fokPct > 100)
            throw UserException.usage("--cancel-pct + --replace-pct and --ioc-pct + --fok-pct must each be <= 100");
        List<SymbolConfig> syms = symbols == 0 ? cfg.risk.symbols : cfg.risk.symbols.subList(0, symbols);
        OrderGenerator.Settings s = new OrderGenerator.Settings();
        s.orders = orders;
        s.seed = seed;
        s.accounts = accounts;
        s.cancelPercent = cancelPct;
        s.replacePercent = replacePct;
        s.marketPercent = marketPct;
        s.iocPercent = iocPct;
        s.fokPercent = fokPct;
        s.malformedPercent = malformedPct;
        s.riskBreakPercent = riskBreakPct;
        s.stalePercent = stalePct;
        PrintWriter err = spec.commandLine().getErr();
        return write(s, syms, out, n -> {
            err.printf("generate: %,d of %,d lines%n", n, orders);
            err.flush();
        });
    }

    /** Writes an order file with the given settings. */
    static Path write(OrderGenerator.Settings settings, List<SymbolConfig> symbols, Path out,
                      java.util.function.LongConsumer progress) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null)
            Files.createDirectories(parent);
        try (AtomicFile file = AtomicFile.create(out)) {
            try (Writer w = Files.newBufferedWriter(file.temp(), StandardCharsets.UTF_8)) {
                new OrderGenerator(settings, symbols).write(w, progress);
            }
            file.commit();
        }
        return out;
    }
}
