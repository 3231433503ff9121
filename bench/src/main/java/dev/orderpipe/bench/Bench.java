package dev.orderpipe.bench;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.metrics.MetricsSnapshot;
import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.pipeline.infra.CpuPlacement;
import dev.orderpipe.pipeline.infra.DiskSpaceGuard;
import dev.orderpipe.pipeline.util.FileTrees;
import dev.orderpipe.pipeline.util.ThreadAllocation;
import dev.orderpipe.replay.LatencyHistograms;
import dev.orderpipe.replay.LatencyRecorder;
import dev.orderpipe.replay.Pacing;
import dev.orderpipe.replay.ReplayDriver;
import dev.orderpipe.replay.RunWatch;
import dev.orderpipe.replay.SendSchedule;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code orderpipe bench}: in one JVM, on one machine, one after another (never two at once), with the same
 * generated workload:
 * <ul>
 *     <li><b>floor</b>: a raw Chronicle Queue hop of {@link OrderInfo} records ({@value OrderInfo#BINARY_LENGTH}
 *     bytes), appended in one thread and tailed in another, at each rate, and flat out;</li>
 *     <li><b>pipeline</b>: the real pipeline (risk, matching, egress; 3 queue hops) end to end at each rate, and
 *     flat out, once for each {@link Layout} (its stage groups: which threads, pausers and CPUs);</li>
 *     <li><b>allocating</b>: the same stages written naively ({@link NaiveStages}), at each rate and flat out, with
 *     GC count, GC time share and bytes allocated per order on the stage threads, on the groups of
 *     {@link Options#config};</li>
 *     <li><b>floor-nocrc</b> (with the floor): the same hop with the writer's and the reader's records not
 *     checksummed ({@link OrderInfo#withoutChecksum()}), to show what the CRC32C of every record costs;</li>
 *     <li><b>pretouch</b>: floor and pipeline again with {@link dev.orderpipe.pipeline.infra.QueuePretoucher} on;</li>
 *     <li>ratios: pipeline per hop over floor, pipeline over allocating, checksum on over off, pretouch on over
 *     off.</li>
 * </ul>
 * Orders are sent and timed as a replay sends and times them: the replay's {@link ReplayDriver} and
 * {@link LatencyRecorder} (on the system's last stage) and its {@link RunWatch}. Latency is end to end from each
 * order's intended send time (coordinated omission corrected), HdrHistogram with 3 significant digits. A rate the
 * machine cannot sustain is reported with the rate achieved and flagged: its latency then measures queueing.
 */
public final class Bench {
    /** Scenario groups. */
    public enum Scenario {
        FLOOR, PIPELINE, ALLOCATING, PRETOUCH, DISK, PEER,
        /** The pipeline through the FIX gateway against the same replay fed its queue ({@link FixBench}). */
        FIX,
        /** Start and 1,000 new orders after growing histories ({@link RestartCost}). */
        RESTART,
        /** Records streamed to a replica over Aeron ({@link ReplicationBench}). */
        REPLICATION
    }

    /**
     * A pipeline variant: a layout's name ({@code config} for the config's own groups) and the config with its
     * groups. Its rows are called {@code pipeline} for {@code config}, else {@code pipeline:<name>}.
     */
    public record Layout(String name, PipelineConfig config) {
        /** The layout name of the config's own groups. */
        public static final String CONFIG = "config";

        /** The variant name of its rows. */
        String variant() {
            return CONFIG.equals(name) ? "pipeline" : "pipeline:" + name;
        }
    }

    /** What to run; set by {@code BenchCommand}. */
    public static final class Options {
        public List<Double> rates = List.of(200d, 1_000d, 10_000d, 100_000d, 500_000d);
        /** Orders per rate; 0: rate x seconds. */
        public int ordersPerRate;
        public double seconds = 3;
        public Path out = Path.of("bench");
        /** Base directory for the queues; null for /dev/shm (when it exists) or java.io.tmpdir. */
        public Path data;
        /** Directory on disk for the DISK scenario; null for java.io.tmpdir. */
        public Path diskData;
        public boolean quick;
        public Set<Scenario> scenarios = EnumSet.of(Scenario.FLOOR, Scenario.PIPELINE, Scenario.ALLOCATING,
                Scenario.PRETOUCH, Scenario.PEER, Scenario.RESTART);
        /** The restart row's histories, in orders; null: 0, 1 M and 10 M (0, 2,000 and 20,000 with --quick). */
        public List<Long> restartHistories;
        /** The config: its risk and matching settings for every variant, its groups for the allocating one. */
        public PipelineConfig config;
        public String configOrigin = "embedded default";
        /** The pipeline variants, in the order they run; empty for the config's own groups only. */
        public List<Layout> layouts = List.of();
        public long seed = 1;
        /** Orders of the warm-up run of each variant (not reported). */
        public int warmupOrders = 200_000;
    }

    /** The floor with checksums off: the writer and the reader use {@link OrderInfo#withoutChecksum()}. */
    static final String NO_CRC = "floor-nocrc";
    private static final double SATURATED = 0.95;
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    private final Options o;
    private final PrintWriter log;
    private final BenchReport report = new BenchReport();
    /** Fewest orders sent at a rate unless --orders-per-rate or --quick says otherwise. */
    static final int MIN_ORDERS_PER_RATE = 2_000;
    /** The rate of the paced part of each variant's warm-up. */
    static final int PACED_WARMUP_RATE = 10_000;
    /** A paced run starts once the JIT has compiled nothing for this long... */
    static final long JIT_QUIET_MS = 500;
    /** ...or after this long at most. */
    static final long JIT_QUIET_MAX_MS = 5_000;
    /** CPUs any variant pins groups to: the floor's driver and the watching thread keep off them. */
    private BitSet pinnedCpus = new BitSet();
    private Path base;
    private int runNo;
    /** Flat-out throughput of the floor's checksum rounds, with and without CRC32C (null until measured). */
    private double[] checksumOn;
    private double[] checksumOff;
    /** The codec's cost, with and without checksum ({@link #codecCost}), null until measured. */
    private double[] codec;
    /** The peer's variant name and its measured rounds. */
    static final String PEER = "parity-match";
    static final int PEER_ROUNDS = 5;
    /** Flat-out rounds of the floor with and without checksums ({@link #checksumRounds}). */
    static final int CHECKSUM_ROUNDS = 6;

    private Bench(Options options, PrintWriter log) {
        this.o = options;
        this.log = log;
    }

    /** Runs every selected scenario; progress lines go to {@code log}. */
    public static BenchReportView run(Options options, PrintWriter log) {
        Bench b = new Bench(options, log);
        b.execute();
        return new BenchReportView(b.report);
    }

    /** A finished report: print it or write it. */
    public static final class BenchReportView {
        private final BenchReport report;

        BenchReportView(BenchReport report) {
            this.report = report;
        }

        public void print(PrintWriter out) {
            report.print(out);
        }

        public void write(Path dir) {
            report.write(dir);
        }

        /** "section variant rate" of every row, for tests. */
        public List<String> rowKeys() {
            List<String> keys = new ArrayList<>();
            for (BenchRow r : report.rows)
                keys.add(r.section + " " + r.variant + " " + (r.rate == 0 ? "max" : Long.toString((long) r.rate)));
            return keys;
        }
    }

    private void execute() {
        if (o.quick) {
            o.seconds = Math.min(o.seconds, 0.2);
            o.warmupOrders = Math.min(o.warmupOrders, 5_000);
        }
        PipelineConfig config = o.config != null ? o.config : PipelineConfig.loadDefault();
        List<Layout> layouts = o.layouts.isEmpty() ? List.of(new Layout(Layout.CONFIG, config)) : o.layouts;
        pinnedCpus = CpuPlacement.pinned(config);
        for (Layout l : layouts)
            pinnedCpus.or(CpuPlacement.pinned(l.config()));
        execute(config, layouts);
    }

    private void execute(PipelineConfig config, List<Layout> layouts) {
        base = createBase(o.data);
        try (Scratch baseDir = new Scratch(base)) {
            int maxCount = 0;
            for (double rate : o.rates)
                maxCount = Math.max(maxCount, count(rate));
            maxCount = Math.max(maxCount, o.warmupOrders);
            log.printf("generating %,d orders (seed %d)...%n", maxCount, o.seed);
            log.flush();
            Workload w = Workload.generate(config, maxCount, o.seed, base.resolve("orders.csv"));
            describe(config, layouts, w);
            Map<String, BenchRow> rows = new LinkedHashMap<>();
            // the floor's reader spins where the latency layout's group does: on the CPU a variant pins
            int floorCpu = pinnedCpus.isEmpty() ? -1 : pinnedCpus.nextSetBit(0);
            Factory floor = (dir, p) -> SystemUnderTest.floor(dir, config, p, true, floorCpu);
            if (o.scenarios.contains(Scenario.FLOOR) || o.scenarios.contains(Scenario.PRETOUCH)) {
                Factory noCrc = (dir, p) -> SystemUnderTest.floor(dir, config, p, false, floorCpu);
                boolean checksumOff = o.scenarios.contains(Scenario.FLOOR);
                warm("floor", w, floor, pinnedCpus);
                // both branches of the checksum are compiled before either variant is measured
                if (checksumOff)
                    warm(NO_CRC, w, noCrc, pinnedCpus);
                series(rows, "floor", "floor", w, floor, pinnedCpus, false, true);
                if (checksumOff) {
                    series(rows, "floor", NO_CRC, w, noCrc, pinnedCpus, false, true);
                    checksumRounds(w, floor, noCrc);
                }
                if (o.scenarios.contains(Scenario.PRETOUCH))
                    series(rows, "floor", "floor+pretouch", w, floor, pinnedCpus, true, false);
            }
            if (o.scenarios.contains(Scenario.DISK)) {
                Path disk = createBase(o.diskData != null ? o.diskData : Path.of(System.getProperty("java.io.tmpdir")));
                Path saved = base;
                try (Scratch diskDir = new Scratch(disk)) {
                    base = disk;
                    series(rows, "floor-disk", "floor-disk", w, floor, pinnedCpus, false, false);
                    series(rows, "floor-disk", "floor-disk+pretouch", w, floor, pinnedCpus, true, false);
                } finally {
                    base = saved;
                }
            }
            if (o.scenarios.contains(Scenario.PIPELINE) || o.scenarios.contains(Scenario.PRETOUCH)) {
                for (Layout l : layouts) {
                    Factory pipeline = (dir, p) -> SystemUnderTest.pipeline(dir, l.config(), p);
                    BitSet pinned = CpuPlacement.pinned(l.config());
                    warm(l.variant(), w, pipeline, pinned);
                    series(rows, "pipeline", l.variant(), w, pipeline, pinned, false, true);
                    // a layout that turns pretouch on (latency) is measured with it in its own rows already
                    if (o.scenarios.contains(Scenario.PRETOUCH) && !l.config().pretouch)
                        series(rows, "pipeline", l.variant() + "+pretouch", w, pipeline, pinned, true, false);
                }
            }
            if (o.scenarios.contains(Scenario.ALLOCATING)) {
                Factory allocating = (dir, p) -> SystemUnderTest.allocating(dir, config, p);
                BitSet pinned = CpuPlacement.pinned(config);
                warm("allocating", w, allocating, pinned);
                series(rows, "allocating", "allocating", w, allocating, pinned, false, true);
            }
            if (o.scenarios.contains(Scenario.PEER))
                peer(rows, w);
            if (o.scenarios.contains(Scenario.FIX))
                new FixBench(config, o.rates, this::count, maxCount, o.seed, base, log, report::add).run();
            if (o.scenarios.contains(Scenario.RESTART))
                restart(config);
            if (o.scenarios.contains(Scenario.REPLICATION))
                ReplicationBench.run(w, base, config, o.quick, report, log);
            ceiling(rows, layouts, config);
            ratios(rows, layouts);
            report.header.add(String.format(Locale.ROOT, "load average after: %s", loadAverage()));
        }
    }

    /** Builds and starts a system under test in a directory, with or without pretouch. */
    interface Factory {
        SystemUnderTest create(Path dir, boolean pretouch);
    }

    private int count(double rate) {
        if (o.ordersPerRate > 0)
            return o.ordersPerRate;
        // low rates get enough orders for their tail: 2,000 at least (10 s at 200/s), or 100 in a quick run
        return (int) Math.max(o.quick ? 100 : MIN_ORDERS_PER_RATE,
                Math.min(Integer.MAX_VALUE / OrderInfo.BINARY_LENGTH, rate * o.seconds));
    }

    /** One variant at every rate (and flat out); its driver keeps off {@code keepOff}, the CPUs it pins. */
    private void series(Map<String, BenchRow> rows, String section, String variant, Workload w, Factory f,
                        BitSet keepOff, boolean pretouch, boolean withMax) {
        for (double rate : o.rates) {
            BenchRow row = measure(section, variant, w, f, keepOff, pretouch, rate,
                    Math.min(count(rate), w.count()));
            report.add(row);
            rows.put(variant + "@" + (long) rate, row);
        }
        if (withMax) {
            int n = w.count();
            BenchRow row = measure(section, variant, w, f, keepOff, pretouch, 0, n);
            report.add(row);
            rows.put(variant + "@max", row);
        }
    }

    /**
     * The unreported warm-up of a variant: {@code warmupOrders} flat out, then a tenth of that paced at
     * {@link #PACED_WARMUP_RATE}. Why paced as well: code the JIT compiled flat out, where every poll finds a record, is
     * compiled again when polls come up empty. Measured on the 2-core build machine with the flat-out warm-up alone
     * (the latency layout at 10,000/s): 223 methods deoptimized and recompiled in the first 1.5 s of the 10,000/s row,
     * and the compiler threads took 455 ms of CPU 0 from the sender and 178 ms of CPU 1 from the spinning group in that
     * 3 s row: p99 3.9 ms.
     */
    private void warm(String variant, Workload w, Factory f, BitSet keepOff) {
        int flat = Math.min(o.warmupOrders, w.count());
        int paced = Math.min(o.warmupOrders / 10, w.count());
        if (flat == 0)
            return; // --warmup-orders 0: no warm-up (a run of 0 orders would wait for an order forever)
        log.printf("warming up %s (%,d orders flat out, then %,d at %,d/s; not reported)...%n", variant, flat, paced,
                PACED_WARMUP_RATE);
        log.flush();
        measure("warmup", variant, w, f, keepOff, false, 0, flat);
        if (paced > 0)
            measure("warmup", variant, w, f, keepOff, false, PACED_WARMUP_RATE, paced);
    }

    private BenchRow measure(String section, String variant, Workload w, Factory f, BitSet keepOff,
                             boolean pretouch, double rate, int count) {
        Path dir = base.resolve("run" + (++runNo));
        int warmup = rate == 0 ? 0 : leftOut(rate, count);
        log.printf("%-10s %-20s %s: %,d orders...%n", section, variant,
                rate == 0 ? "max" : String.format(Locale.ROOT, "%,.0f/s", rate), count);
        log.flush();
        SendSchedule schedule = SendSchedule.of(rate == 0 ? Pacing.max() : Pacing.rate(rate), count);
        // this thread, and every thread it starts (unpinned groups, the recorder), keeps off the CPUs this variant
        // pins, only while this variant runs: a thread inherits its creator's CPUs, and a variant that pins nothing
        // may use every CPU. The floor's reader pins itself to the CPU its driver keeps off, as the latency layout's
        // spinning group does.
        BitSet affinityBefore = CpuPlacement.keepOff(keepOff, "bench");
        try {
            return measureOn(section, variant, w, f, keepOff, pretouch, rate, count, dir, warmup, schedule);
        } finally {
            CpuPlacement.restore(affinityBefore);
        }
    }

    private BenchRow measureOn(String section, String variant, Workload w, Factory f, BitSet keepOff,
                               boolean pretouch, double rate, int count, Path dir, int warmup,
                               SendSchedule schedule) {
        // started: every stage has opened; closed before its directory is deleted
        try (Scratch rowDir = new Scratch(dir); SystemUnderTest sut = f.create(dir, pretouch)) {
            System.gc(); // the garbage of what ran before is not this row's to collect
            if (rate > 0 && !o.quick) // --quick checks that rows run; it measures nothing
                awaitJitQuiet();
            List<Thread> stageThreads = sut.stageThreads();
            long[] allocBefore = allocated(stageThreads);
            long gcCountBefore = gcCount();
            long gcTimeBefore = gcTimeMillis();
            LatencyRecorder recorder = drive(sut, w, schedule, warmup, dir, keepOff);
            long[] allocAfter = allocated(stageThreads);
            long gcCount = gcCount() - gcCountBefore;
            long gcTime = gcTimeMillis() - gcTimeBefore;
            long first = rate == 0 ? recorder.firstSendNanos() : recorder.startNanos();
            long elapsed = Math.max(1, recorder.lastAccountedNanos() - first);
            BenchRow row = new BenchRow(section, variant, rate == 0 ? BenchRow.Kind.THROUGHPUT
                    : BenchRow.Kind.LATENCY, rate);
            Histogram h = recorder.histograms().endToEnd();
            row.percentiles(h);
            row.count = count;
            row.achieved = recorder.accounted() * 1e9 / elapsed;
            row.reports = recorder.counts().reports();
            if (rate == 0) {
                row.stages = sut.stageCounters();
                row.handedOver = sut.readsHandedOver();
            }
            if (!stageThreads.isEmpty()) {
                row.gcCount = gcCount;
                row.gcPercent = 100.0 * TimeUnit.MILLISECONDS.toNanos(gcTime) / elapsed;
                long bytes = 0;
                boolean known = true;
                for (int i = 0; i < allocAfter.length; i++) {
                    known &= allocAfter[i] >= 0 && allocBefore[i] >= 0;
                    bytes += allocAfter[i] - allocBefore[i];
                }
                row.bytesPerOrder = known ? (double) bytes / count : -1;
            }
            List<String> notes = new ArrayList<>();
            if (rate > 0 && row.achieved < rate * SATURATED)
                notes.add(String.format(Locale.ROOT, "SATURATED: achieved %.0f%% of the rate, latency is queueing",
                        100 * row.achieved / rate));
            if (!section.startsWith("floor"))
                notes.add(String.format(Locale.ROOT, "%,d reports", row.reports));
            if (warmup > 0)
                notes.add("first " + warmup + " not recorded");
            if (rate > 0) // how much of the tail is the sender's: it shares CPU 0 with the JIT and the rest
                notes.add(String.format(Locale.ROOT, "sent late p99 %s us", BenchReport.micros(
                        recorder.histograms().send().getValueAtPercentile(99))));
            row.note = String.join("; ", notes);
            return row;
        }
    }

    /**
     * Orders of a paced row left out of its histogram: its first second, at least a tenth of the row, at most 10,000
     * and at most half. Each row starts a new pipeline, and in its first second the JIT compiles again what the new
     * queues' first writes and reads change (measured on the 2-core build machine, the latency layout at 10,000/s after
     * the paced warm-up and the wait for a quiet JIT: the first tenth left out, p99 422 to 570 µs in three runs; the
     * first second, 38 to 45 µs in three).
     */
    static int leftOut(double rate, int count) {
        return (int) Math.min(Math.max(count / 10, Math.ceil(rate)), Math.min(10_000, count / 2));
    }

    /** Waits until the JIT has compiled nothing for {@link #JIT_QUIET_MS} (at most {@link #JIT_QUIET_MAX_MS}). */
    static void awaitJitQuiet() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported())
            return;
        long start = System.nanoTime();
        long last = jit.getTotalCompilationTime();
        long quietSince = start;
        while (true) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = System.nanoTime();
            long t = jit.getTotalCompilationTime();
            if (t != last) {
                last = t;
                quietSince = now;
            } else if (now - quietSince >= TimeUnit.MILLISECONDS.toNanos(JIT_QUIET_MS)) {
                break;
            }
            if (now - start >= TimeUnit.MILLISECONDS.toNanos(JIT_QUIET_MAX_MS))
                break;
        }
    }

    /**
     * Sends the first {@code schedule.count()} orders of the workload through a started system with the replay's own
     * driver, recorder (end to end only, on the system's last stage) and stall watch; returns the recorder once every
     * order is accounted for.
     */
    static LatencyRecorder drive(SystemUnderTest sut, Workload w, SendSchedule schedule, int warmup, Path dir,
                                 BitSet keepOff) {
        return drive(sut, w, schedule, warmup, dir, keepOff, ReplayDriver.SPIN_NANOS);
    }

    /** {@link #drive} with the driver spinning the last {@code spinNanos} of each wait ({@link ReplayDriver#spinNanos}). */
    static LatencyRecorder drive(SystemUnderTest sut, Workload w, SendSchedule schedule, int warmup, Path dir,
                                 BitSet keepOff, long spinNanos) {
        long startNanos = System.nanoTime() + ReplayDriver.START_LEAD_NANOS;
        LatencyRecorder recorder = new LatencyRecorder(schedule, warmup, startNanos,
                schedule.isPaced() ? LatencyHistograms.endToEndAndSend() : LatencyHistograms.endToEndOnly());
        sut.attach(recorder);
        try (DiskSpaceGuard noFloor = new DiskSpaceGuard(dir, 0); // the bench's systems keep no free-space floor
             ReplayDriver driver = new ReplayDriver(w::source, sut.input(), noFloor, schedule, startNanos,
                     sut.sendFlags())) {
            if (!sut.checksums())
                driver.withoutChecksum();
            driver.keepOff(keepOff).spinNanos(spinNanos).start("bench-driver");
            new RunWatch("bench run", driver, recorder, sut::failure, STALL_TIMEOUT, dir).awaitDone(null);
        }
        return recorder;
    }

    /**
     * Every variant against the floor and with pretouch against without; the allocating design against the pipeline
     * on the same groups (the config's own).
     */
    private void ratios(Map<String, BenchRow> rows, List<Layout> layouts) {
        for (double rate : o.rates) {
            String at = "@" + (long) rate;
            for (Layout l : layouts)
                ratio(rows, l.variant() + "/3 hops vs floor", rate, l.variant() + at, "floor" + at, 3);
            ratio(rows, "pipeline vs allocating", rate, "pipeline" + at, "allocating" + at, 1);
            ratio(rows, "floor checksum on vs off", rate, "floor" + at, NO_CRC + at, 1);
            ratio(rows, "floor pretouch on vs off", rate, "floor+pretouch" + at, "floor" + at, 1);
            ratio(rows, "disk pretouch on vs off", rate, "floor-disk+pretouch" + at, "floor-disk" + at, 1);
            for (Layout l : layouts)
                ratio(rows, l.variant() + " pretouch on vs off", rate, l.variant() + "+pretouch" + at,
                        l.variant() + at, 1);
        }
        for (Layout l : layouts)
            throughputRatio(rows, l.variant() + " vs floor", l.variant() + "@max", "floor@max");
        throughputRatio(rows, "pipeline vs allocating", "pipeline@max", "allocating@max");
        for (Layout l : layouts)
            throughputRatio(rows, l.variant() + " vs " + PEER, l.variant() + "@max", PEER + "@max");
        checksumCost(rows);
    }

    /**
     * Where the flat-out run's time went, stage by stage: each stage's busy time (its {@code doWork()} calls that found
     * work, timed by its runner) per order and per record it read, beside the records written and read per order on
     * each queue. With the queue cost ({@link QueueCost}, at the layout's pretouch), each stage's busy time is split
     * into its queue work (the records it read and wrote, at that cost) and the rest: its own work (risk's checks,
     * matching's book, egress's counts and the recorder). The stages' sum against the time per order shows what the
     * runner's polling and idle calls took.
     *
     * @param write ns to write a record, or NaN when the queue cost was not measured
     * @param read  ns to read one
     * @param take  ns to take one from a handoff (the stage before on the same thread wrote it)
     */
    static String stageCosts(String variant, BenchRow max, double write, double read, double take) {
        StringBuilder b = new StringBuilder("stages of " + variant + " flat out, busy ns per order (per record read");
        b.append(Double.isNaN(write) ? "):" : "; own work beyond its queue work at the cost above):");
        double reports = (double) max.reports / max.count;
        double sum = 0;
        for (MetricsSnapshot.Stage st : max.stages.stages()) {
            if (st.recordsIn() <= 0)
                continue;
            double perOrder = (double) st.busyNanos() / max.count;
            sum += perOrder;
            b.append(String.format(Locale.ROOT, " %s %.0f (%.0f per %s", st.name(), perOrder,
                    st.nanosPerRecord(), st.name().equals("egress") ? "report" : "record"));
            double queueWork = switch (st.name()) {
                case "risk" -> read + write; // an order read, a checked record written
                // a checked record read or taken, its reports written
                case "matching" -> max.checkedRead(read, take) + reports * write;
                case "egress" -> max.reportsRead(read, take);
                default -> Double.NaN; // ingress reads a file or an entry point, not a queue of the bench's
            };
            if (!Double.isNaN(queueWork))
                b.append(String.format(Locale.ROOT, "; own %.0f", perOrder - queueWork));
            b.append("),");
        }
        double spent = 1e9 / max.achieved;
        b.append(String.format(Locale.ROOT, " together %.0f of the %.0f ns per order; records per order: orders 1"
                + " written (by the sender's thread) and 1 read, %s", sum, spent, max.recordsPerOrder()));
        return b.toString();
    }

    /**
     * Where the pipeline's time goes against what its queues alone cost: per order, its thread reads the order, writes
     * and reads one checked record, and writes and reads the order's reports (counted in the flat-out run); one
     * thread doing nothing but those writes and reads at the floor's single-thread cost ({@link QueueCost}, on fresh
     * pages or with the pretoucher ahead, as the layout runs) is the ceiling for this design on this machine. A header
     * line per layout gives the pipeline's flat-out throughput as a fraction of it; the rest of an order's time is the
     * stages' own work (risk, matching, the runner's polling), split by stage in the line after.
     */
    private void ceiling(Map<String, BenchRow> rows, List<Layout> layouts, PipelineConfig config) {
        if (!o.scenarios.contains(Scenario.PIPELINE) || !o.scenarios.contains(Scenario.FLOOR))
            return;
        QueueCost.Cost cost = QueueCost.measure(base, config, o.quick ? 20_000 : 500_000);
        report.header.add(String.format(Locale.ROOT, "queue cost (one thread, the stages' own write and read paths,"
                        + " checksums on, median of %d rounds each): on fresh pages %.0f ns to write a record and %.0f"
                        + " to read one (%s); with the pretoucher ahead %.0f ns to write and %.0f to read (%s); of a"
                        + " record's write and read, %.0f ns is our codec (encoding, CRC32C and decoding, on the heap:"
                        + " the codec line), the rest Chronicle's; a record taken from the handoff instead of read"
                        + " (written by the stage before on the same thread) %.0f ns",
                QueueCost.ROUNDS, cost.freshWrite(), cost.freshRead(), faults("the writer took", cost.freshFaults()),
                cost.touchedWrite(), cost.touchedRead(), faults("", cost.touchedFaults()), codecCost()[0],
                cost.take()));
        for (Layout l : layouts) {
            BenchRow max = rows.get(l.variant() + "@max");
            if (max == null || max.count == 0)
                continue;
            boolean pretouch = l.config().pretouch;
            double write = cost.write(pretouch);
            double read = cost.read(pretouch);
            double reports = (double) max.reports / max.count;
            // the order read once; checked written once and read or taken once; each report written once and read
            // or taken once
            double perOrder = read + write + max.checkedRead(read, cost.take()) + reports * write
                    + max.reportsRead(read, cost.take());
            double ceiling = 1e9 / perOrder;
            double spent = 1e9 / max.achieved;
            report.header.add(String.format(Locale.ROOT, "ceiling of %s (pretouch %s, so the cost %s): per order 1"
                            + " orders read, %s: %.0f ns of queue work, so at most %,.0f orders/s on one thread; flat"
                            + " out it did %,.0f orders/s, %.2f of that ceiling (%.0f ns per order, %.0f ns of it"
                            + " beyond the queues)", l.variant(), pretouch ? "on" : "off",
                    pretouch ? "with the pretoucher ahead" : "on fresh pages", max.recordsPerOrder(), perOrder,
                    ceiling, max.achieved, max.achieved / ceiling, spent, spent - perOrder));
            if (max.stages != null)
                report.header.add(stageCosts(l.variant(), max, write, read, cost.take()));
        }
    }

    /** "{@code lead} N page faults per 1,000 writes", or that they were not counted (no /proc/thread-self here). */
    private static String faults(String lead, double perThousand) {
        if (Double.isNaN(perThousand))
            return "the writer's page faults not counted on this platform";
        return String.format(Locale.ROOT, "%s%.1f page faults per 1,000 writes", lead.isEmpty() ? "" : lead + " ",
                perThousand);
    }

    /**
     * The in-memory peer ({@link ParityPeer}: parity-match's order book) over the whole workload on this thread, flat
     * out: one round to warm it, then {@link #PEER_ROUNDS} rounds; the row holds the median.
     */
    private void peer(Map<String, BenchRow> rows, Workload w) {
        int rounds = o.quick ? 2 : PEER_ROUNDS;
        log.printf("%-10s %-20s max: %,d orders, %d rounds after one to warm up...%n", "peer", PEER, w.count(), rounds);
        log.flush();
        ParityPeer.run(w);
        double[] perSecond = new double[rounds];
        long events = 0;
        for (int i = 0; i < rounds; i++) {
            ParityPeer.Result r = ParityPeer.run(w);
            perSecond[i] = r.ordersPerSecond();
            events = r.events();
        }
        double[] sorted = perSecond.clone();
        Arrays.sort(sorted);
        BenchRow row = new BenchRow("peer", PEER, BenchRow.Kind.THROUGHPUT, 0);
        row.count = w.count();
        row.achieved = median(perSecond);
        row.note = String.format(Locale.ROOT, "in memory on one thread: no risk, no persistence, no reports written"
                + " (%,d book events counted), REPLACE as cancel and new; median of %d rounds, %,.0f..%,.0f",
                events, rounds, sorted[0], sorted[rounds - 1]);
        report.add(row);
        rows.put(PEER + "@max", row);
    }

    /**
     * The restart rows ({@link RestartCost}): per history, the time for a fresh pipeline to start on it and process
     * {@link RestartCost#NEW_ORDERS} new orders; then the ratio of the longest history's time to the first's.
     */
    private void restart(PipelineConfig config) {
        List<Long> histories = o.restartHistories != null ? o.restartHistories
                : o.quick ? List.of(0L, 2_000L, 20_000L) : List.of(0L, 1_000_000L, 10_000_000L);
        double[] seconds = new double[histories.size()];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = RestartCost.measure(base, config, histories.get(i), log);
            // no digit grouping in the variant: it is a column of the CSV
            BenchRow row = new BenchRow("restart", "restart after " + histories.get(i), BenchRow.Kind.THROUGHPUT, 0);
            row.count = RestartCost.NEW_ORDERS;
            row.achieved = RestartCost.NEW_ORDERS / seconds[i];
            row.note = String.format(Locale.ROOT, "start and %,d new orders after %,d orders of history: %.3f s",
                    RestartCost.NEW_ORDERS, histories.get(i), seconds[i]);
            report.add(row);
            log.printf("%-10s %-20s %.3f s%n", "restart", row.variant, seconds[i]);
            log.flush();
        }
        int last = seconds.length - 1;
        if (last > 0)
            report.header.add(String.format(Locale.ROOT, "restart: start and %,d new orders after %,d orders of"
                    + " history takes %.2fx the time after %,d (%.3f s vs %.3f s; the target is 1.3x at most)",
                    RestartCost.NEW_ORDERS, histories.get(last), seconds[last] / seconds[0], histories.get(0),
                    seconds[last], seconds[0]));
    }

    /**
     * The floor flat out with and without checksums, {@link #CHECKSUM_ROUNDS} rounds each, alternated A B B A so that
     * neither side always runs second on a warmer (or busier) machine: one on/off pair measured in a fixed order
     * differs by tens of percent on a shared VM, the cost looked for is a few. Rows are not reported; the medians
     * and the per-round ratios go into {@link #checksumCost}.
     */
    private void checksumRounds(Workload w, Factory on, Factory off) {
        int rounds = o.quick ? 2 : CHECKSUM_ROUNDS;
        checksumOn = new double[rounds];
        checksumOff = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean onFirst = r % 2 == 0;
            double first = measure("floor", onFirst ? "floor (round)" : NO_CRC + " (round)", w, onFirst ? on : off,
                    pinnedCpus, false, 0, w.count()).achieved;
            double second = measure("floor", onFirst ? NO_CRC + " (round)" : "floor (round)", w, onFirst ? off : on,
                    pinnedCpus, false, 0, w.count()).achieved;
            checksumOn[r] = onFirst ? first : second;
            checksumOff[r] = onFirst ? second : first;
        }
    }

    /**
     * What this run says one CRC32C write and read costs: flat out, the time per record (1 / throughput) with and
     * without checksums over the interleaved rounds, at each rate the difference of the p50 latencies, and the codec
     * alone on one thread.
     */
    private void checksumCost(Map<String, BenchRow> rows) {
        if (checksumOn == null)
            return;
        int n = checksumOn.length;
        double[] ratios = new double[n];
        for (int r = 0; r < n; r++)
            ratios[r] = checksumOn[r] / checksumOff[r];
        double onNs = 1e9 / median(checksumOn);
        double offNs = 1e9 / median(checksumOff);
        double[] sortedRatios = ratios.clone();
        Arrays.sort(sortedRatios);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "checksum cost (floor flat out, %d rounds"
                        + " on/off alternated ABBA, medians): %.1f ns per record written and read with CRC32C vs %.1f ns"
                        + " without, %+.1f ns (%+.1f%%); throughput on/off %.3f, per round %.3f..%.3f", n, onNs, offNs,
                onNs - offNs, 100 * (onNs - offNs) / offNs, median(ratios), sortedRatios[0], sortedRatios[n - 1]));
        for (double rate : o.rates) {
            BenchRow a = rows.get("floor@" + (long) rate);
            BenchRow b = rows.get(NO_CRC + "@" + (long) rate);
            if (a != null && b != null)
                line.append(String.format(Locale.ROOT, "; p50 at %,.0f/s %+.0f ns", rate, a.p50 - b.p50));
        }
        report.header.add(line.toString());
        double[] codec = codecCost();
        report.header.add(String.format(Locale.ROOT, "checksum cost (codec, one thread, median of %d rounds of %,d):"
                        + " %.1f ns to write and read back a record with CRC32C vs %.1f ns without, %+.1f ns per hop"
                        + " (the pipeline makes 3 hops per order)", CodecCost.ROUNDS, codecRecords(),
                codec[0], codec[1], codec[0] - codec[1]));
    }

    private int codecRecords() {
        return o.quick ? 20_000 : 1_000_000;
    }

    /** {@link CodecCost} of this run, measured once for the lines that give it: [with checksum, without]. */
    private double[] codecCost() {
        if (codec == null)
            codec = CodecCost.measure(codecRecords());
        return codec;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    private void ratio(Map<String, BenchRow> rows, String name, double rate, String a, String b, double divisor) {
        if (rows.containsKey(a) && rows.containsKey(b))
            report.add(BenchRow.ratio("ratio", name, rate, rows.get(a), rows.get(b), divisor));
    }

    private void throughputRatio(Map<String, BenchRow> rows, String name, String a, String b) {
        if (rows.containsKey(a) && rows.containsKey(b))
            report.add(BenchRow.throughputRatio("ratio", name + " (throughput)", rows.get(a), rows.get(b)));
    }

    // ---------------------------------------------------------------- environment

    private void describe(PipelineConfig config, List<Layout> layouts, Workload w) {
        List<String> h = report.header;
        Runtime rt = Runtime.getRuntime();
        h.add(String.format(Locale.ROOT, "machine: %d CPUs, %s; %s %s", CpuPlacement.processCpus(), cpuModel(),
                System.getProperty("os.name"), System.getProperty("os.version")));
        h.add("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version") + " ("
                + System.getProperty("java.vm.vendor") + "), max heap " + (rt.maxMemory() >> 20) + " MB");
        h.add("JVM flags: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        h.add("GC: " + String.join(", ", gcNames()));
        h.add("queues: " + base + " (" + fileStoreType(base) + "), roll cycle " + config.rollCycle
                + ", record " + OrderInfo.BINARY_LENGTH + " bytes");
        h.add("pipeline config: " + o.configOrigin + "; each pipeline variant runs on its layout's stage groups, the"
                + " allocating variant on the config's own (measured on their egress stage's thread); the floor's"
                + " reading thread spins" + (pinnedCpus.isEmpty() ? "" : " on CPU " + pinnedCpus.nextSetBit(0)
                + "; the sending thread of every variant and of the floor keeps off the CPUs " + pinnedCpus
                + " that a variant pins, and so do the JVM's other threads while a group is pinned"));
        for (Layout l : layouts)
            h.add("groups of " + l.variant() + " (layout " + l.name() + "): "
                    + EffectiveGroup.describe(EffectiveGroup.of(l.config()), " | ")
                    + (l.config().pretouch ? "; pretouch on" : ""));
        if (o.scenarios.contains(Scenario.ALLOCATING))
            h.add("groups of allocating: " + EffectiveGroup.describe(EffectiveGroup.of(config), " | "));
        h.add(String.format(Locale.ROOT, "workload: %,d generated orders (OrderGenerator seed %d), each run sends the"
                + " first rate x %.1f s (or --orders-per-rate); warm-up runs per variant: %,d orders flat out, then"
                + " %,d at %,d/s; each run starts after a System.gc(); a paced run starts sending once the JIT has"
                + " compiled nothing for %d ms (at most %d s) and leaves out its first second (at least a tenth, at"
                + " most 10,000 orders)", w.count(), o.seed, o.seconds, Math.min(o.warmupOrders, w.count()),
                Math.min(o.warmupOrders / 10, w.count()), PACED_WARMUP_RATE, JIT_QUIET_MS, JIT_QUIET_MAX_MS / 1000));
        h.add("load average before: " + loadAverage());
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8))
                if (line.startsWith("model name"))
                    return line.substring(line.indexOf(':') + 1).trim();
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String fileStoreType(Path p) {
        try {
            return Files.getFileStore(p).type();
        } catch (IOException e) {
            return "unknown filesystem";
        }
    }

    private static List<String> gcNames() {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
            names.add(gc.getName());
        return names;
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
            n += Math.max(0, gc.getCollectionCount());
        return n;
    }

    private static long gcTimeMillis() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
            n += Math.max(0, gc.getCollectionTime());
        return n;
    }

    private static long[] allocated(List<Thread> threads) {
        long[] bytes = new long[threads.size()];
        for (int i = 0; i < bytes.length; i++)
            bytes[i] = ThreadAllocation.of(threads.get(i));
        return bytes;
    }

    // ---------------------------------------------------------------- files and threads

    private static Path createBase(Path requested) {
        try {
            Path parent = requested;
            if (parent == null) {
                Path shm = Path.of("/dev/shm");
                parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                        : Path.of(System.getProperty("java.io.tmpdir"));
            }
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, "orderpipe-bench-");
        } catch (IOException e) {
            // FileAlreadyExistsException's message is the path alone: say what is in the way
            String why = requested != null && Files.exists(requested) && !Files.isDirectory(requested)
                    ? "it is a file, not a directory" : e.getMessage();
            throw new UncheckedIOException("cannot create a bench data directory under " + requested + ": " + why, e);
        }
    }

    /**
     * A bench directory deleted when closed. In a try-with-resources a failure to delete it is added to the body's
     * failure (suppressed) instead of replacing it, so the bench reports what went wrong first.
     */
    record Scratch(Path dir) implements AutoCloseable {
        @Override
        public void close() {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete bench data " + dir + ": " + e.getMessage(), e);
        }
    }

}
