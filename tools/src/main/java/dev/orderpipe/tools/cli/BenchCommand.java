package dev.orderpipe.tools.cli;

import dev.orderpipe.bench.Bench;
import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.config.Layouts;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.StageGroupConfig;
import net.openhft.affinity.AffinityLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code orderpipe bench}: the pipeline against the physical floor (a raw Chronicle Queue hop) and against the
 * allocating design it rejects, at fixed rates and flat out, with the pretouch before/after and the floor's checksums
 * on/off. A program, not a test.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure, in one run on this machine: the floor (a raw Chronicle Queue hop of the same "
                + "record), the pipeline end to end on each layout's stage groups, and a naive allocating "
                + "implementation of the same stages, at fixed rates (latency from the intended send time, "
                + "coordinated omission corrected) and flat out; pretouch off/on; the floor's record checksums "
                + "on/off; an in-memory peer (parity-match's order book) flat out; the queues' cost on one thread "
                + "and the ceiling it puts on the pipeline; and their ratios.",
                "Prints a table and writes OUT/bench.md and OUT/bench.csv. Run nothing else busy meanwhile.",
                "File formats: docs/formats.md."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--rates", split = ",", paramLabel = "N[,N...]", defaultValue = "200,1000,10000,100000,500000",
            description = "Fixed rates, orders per second (default ${DEFAULT-VALUE}).")
    List<Double> rates;
    @Option(names = "--orders-per-rate", paramLabel = "N", defaultValue = "0",
            description = "Orders sent at each rate (default: rate x --seconds, at least 2,000).")
    int ordersPerRate;
    @Option(names = "--seconds", paramLabel = "S", defaultValue = "3",
            description = "Seconds of traffic per rate when --orders-per-rate is not given (default ${DEFAULT-VALUE}).")
    double seconds;
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "bench",
            description = "Where bench.md and bench.csv go (default ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--data", paramLabel = "DIR",
            description = "Where the queues go (a temporary directory inside it, deleted afterwards). Default: "
                    + "/dev/shm when it exists, else java.io.tmpdir.")
    Path data;
    @Option(names = "--disk-data", paramLabel = "DIR",
            description = "Where the disk scenario's queues go (default java.io.tmpdir).")
    Path diskData;
    @Option(names = "--scenarios", split = ",", paramLabel = "S[,S...]",
            defaultValue = "floor,pipeline,allocating,pretouch,peer",
            description = "Any of floor, pipeline, allocating, pretouch, disk, peer, fix (the pipeline through the FIX"
                    + " gateway beside the same replay fed its queue), restart (start and 1,000 new orders after"
                    + " 0, 1 M and 10 M orders of history; 8 GB of queues at 10 M), replication (records streamed to"
                    + " a replica over Aeron); default ${DEFAULT-VALUE}.")
    List<String> scenarios;
    @Option(names = "--restart-history", split = ",", paramLabel = "N[,N...]",
            description = "Orders of history before each restart of the restart row (default 0,1000000,10000000;"
                    + " 0,2000,20000 with --quick).")
    List<Long> restartHistory;
    @Option(names = "--layouts", split = ",", paramLabel = "L[,L...]", defaultValue = "config,latency",
            description = {"The pipeline variants, each on a layout's stage groups: config (the groups of --config, "
                    + "or of the embedded default), default (the embedded default's: one unpinned thread that sleeps "
                    + "when idle) or latency (every stage spinning on CPU 1, conf/latency.yaml); default "
                    + "${DEFAULT-VALUE}. Rows are named pipeline for config, pipeline:NAME for the others; the "
                    + "allocating variant runs on the config's groups."})
    List<String> layouts;
    @Option(names = "--busy", description = "Run every stage group of every variant (and the recorder) with the busy"
            + " pauser.")
    boolean busy;
    @Option(names = "--pin-cpu", paramLabel = "CPU", defaultValue = "-1",
            description = "Pin the first stage group of every variant to this CPU (on a 2-core machine only CPU 1 can"
                    + " be reserved).")
    int pinCpu;
    @Option(names = "--warmup-orders", paramLabel = "N", defaultValue = "200000",
            description = "Orders of the unreported flat-out warm-up run of each variant (default ${DEFAULT-VALUE});"
                    + " a tenth of that follows at 10,000/s.")
    int warmupOrders;
    @Option(names = "--seed", defaultValue = "1", description = "Workload seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--quick",
            description = "Tiny sizes: checks that every row runs (a smoke test, not a measurement).")
    boolean quick;

    @Override
    public Integer call() {
        Bench.Options o = new Bench.Options();
        if (rates.isEmpty())
            throw UserException.usage("--rates needs at least one rate");
        for (double r : rates)
            if (!(r > 0) || r > 1e8)
                throw UserException.usage("--rates must be positive orders per second up to 1e8, was " + r);
        if (ordersPerRate < 0)
            throw UserException.usage("--orders-per-rate must be >= 0, was " + ordersPerRate);
        if (!(seconds > 0))
            throw UserException.usage("--seconds must be > 0, was " + seconds);
        if (warmupOrders < 0)
            throw UserException.usage("--warmup-orders must be >= 0, was " + warmupOrders);
        if (pinCpu < -1)
            throw UserException.usage("--pin-cpu must be a CPU number (or -1: none), was " + pinCpu);
        if (pinCpu >= PipelineConfig.cpusPresent())
            throw UserException.usage("--pin-cpu " + pinCpu + " is not present: this machine has CPUs 0.."
                    + (PipelineConfig.cpusPresent() - 1) + " (-1 leaves every variant unpinned)");
        // a present CPU that Affinity will not reserve (CPU 0 unless affinity.reserved says otherwise) failed later,
        // when the first pinned group started, naming the config key cpu and a group the user never named
        if (pinCpu >= 0 && !AffinityLock.RESERVED_AFFINITY.get(pinCpu))
            throw UserException.usage("--pin-cpu " + pinCpu + " cannot be reserved: the CPUs a group can be pinned to"
                    + " here are " + (AffinityLock.RESERVED_AFFINITY.isEmpty() ? "none"
                    : AffinityLock.RESERVED_AFFINITY.toString()) + " (-1 leaves every variant unpinned)");
        o.rates = List.copyOf(rates);
        o.ordersPerRate = ordersPerRate;
        o.seconds = seconds;
        o.out = out;
        o.data = data;
        o.diskData = diskData;
        o.quick = quick;
        o.seed = seed;
        o.warmupOrders = warmupOrders;
        o.scenarios = scenarios();
        if (restartHistory != null) {
            for (long h : restartHistory)
                if (h < 0)
                    throw UserException.usage("--restart-history: " + h + " is not a number of orders (0 or more)");
            o.restartHistories = List.copyOf(restartHistory);
        }
        PipelineConfig loaded = config.load();
        o.config = adjust(loaded);
        o.layouts = layouts(loaded);
        o.configOrigin = config.describe() + (busy ? ", --busy" : "") + (pinCpu >= 0 ? ", --pin-cpu " + pinCpu : "");
        PrintWriter console = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Bench.BenchReportView report = Bench.run(o, err);
        report.print(console);
        report.write(out);
        console.printf("wrote %s and %s%n", out.resolve("bench.md"), out.resolve("bench.csv"));
        console.flush();
        return ExitCodes.OK;
    }

    private EnumSet<Bench.Scenario> scenarios() {
        EnumSet<Bench.Scenario> set = EnumSet.noneOf(Bench.Scenario.class);
        for (String s : scenarios) {
            try {
                set.add(Bench.Scenario.valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw UserException.usage("--scenarios: unknown scenario '" + s
                        + "' (known: floor, pipeline, allocating, pretouch, disk, peer, fix, restart, replication)");
            }
        }
        return set;
    }

    /** A variant per layout named, each on the loaded config with that layout's groups. */
    private List<Bench.Layout> layouts(PipelineConfig loaded) {
        List<Bench.Layout> variants = new ArrayList<>();
        Set<String> named = new HashSet<>();
        for (String name : layouts) {
            String n = name.trim();
            if (!named.add(n))
                throw UserException.usage("--layouts names '" + n + "' twice");
            if (Bench.Layout.CONFIG.equals(n))
                variants.add(new Bench.Layout(n, adjust(loaded)));
            else
                variants.add(new Bench.Layout(n, adjust(Layouts.apply(loaded, LayoutOption.known(n, "--layouts",
                        Bench.Layout.CONFIG)))));
        }
        if (variants.isEmpty())
            throw UserException.usage("--layouts needs at least one layout");
        return variants;
    }

    /** A copy of the config with --busy and --pin-cpu applied to its groups. */
    private PipelineConfig adjust(PipelineConfig loaded) {
        PipelineConfig c = loaded.deepCopy();
        List<StageGroupConfig> groups = new ArrayList<>(c.groups);
        for (StageGroupConfig g : groups) {
            if (busy) {
                g.pauser = "busy";
                g.maxPauseMicros = StageGroupConfig.DEFAULT_MAX_PAUSE_MICROS; // a spinning pauser has no back-off
            }
        }
        if (pinCpu >= 0 && !groups.isEmpty())
            groups.get(0).cpu = pinCpu;
        c.groups = groups;
        return c.validate();
    }
}
