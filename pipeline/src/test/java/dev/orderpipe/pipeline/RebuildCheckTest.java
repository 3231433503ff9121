package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.codes.OrderType;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.config.AccountConfig;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.risk.RiskConfigHistory;
import dev.orderpipe.pipeline.stage.StageRunner;
import dev.orderpipe.pipeline.util.ThreadAllocation;
import net.openhft.chronicle.queue.ChronicleQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rebuild of risk and matching at a restart checks what they wrote before against what they make again of the
 * same input, record by record: a record altered in the middle of a queue with its checksum made anew, or carrying
 * another run's identity, stops the restart with one line naming both queues and indexes before the stage writes
 * anything, while the stage's own timestamp is not compared. Risk's verdicts are its config's: a config under which
 * risk decides past orders differently lets the restart go on (what was written stands), while matching, whose reports
 * follow the verdicts written, refuses a verdict altered on {@code checked}. The rebuild allocates nothing per record.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RebuildCheckTest {
    private static final int ORDERS = 3000;
    private static final int MORE = 500;
    /** The records altered lie in the middle of their queue, where the start-up check (of the last) does not look. */
    private static final int FROM = 1000;
    @TempDir
    static Path shared;
    private static Path fixture;
    private static Path orderFile;

    @BeforeAll
    static void finishedRun() throws Exception {
        orderFile = shared.resolve("orders.csv");
        Files.writeString(orderFile, TestPipelines.mixedOrders(17, ORDERS), StandardCharsets.UTF_8);
        fixture = shared.resolve("fixture");
        TestPipelines.runToEnd(TestPipelines.config(fixture, orderFile));
    }

    /** A copy of the finished run, and an order file that has grown since: a restart has records to write. */
    private static PipelineConfig copy(Path dir) throws Exception {
        Path grown = dir.resolve("grown.csv");
        String more = TestPipelines.mixedOrders(17, ORDERS + MORE);
        Files.writeString(grown, more, StandardCharsets.UTF_8);
        return TestPipelines.config(DamagedFiles.copyTree(fixture, dir.resolve("data")), grown);
    }

    @Test
    void aVerdictAlteredOnCheckedStopsTheRiskRebuild(@TempDir Path dir) throws Exception {
        // the config is the one the record was written with (risk-configs.txt says so): a different verdict is damage
        PipelineConfig config = copy(dir);
        Path checked = config.dataPath().resolve("checked");
        int k = first(checked, r -> r.action() == Action.NEW && !r.isRejected());
        MisplacedRecords.alter(DamagedFiles.newestCycleFile(checked), k, r -> r.rejectReason(RejectReason.PRICE_BAND));
        long o = index(config.dataPath().resolve("orders"), k);
        long c = index(checked, k);
        assertRefused(config, "risk", o, "checked", c, alteredVerdict(c, o, "rejectReason NONE vs PRICE_BAND"));
    }

    @Test
    void aVerdictAlteredWithoutARecordOfTheConfigPassesRiskButStopsTheMatchingRebuild(@TempDir Path dir)
            throws Exception {
        // a data directory from before risk recorded its configs: the verdicts may be another config's, so risk lets
        // them go; matching, though, made its reports of the verdict that was written, and makes others of this one
        PipelineConfig config = copy(dir);
        Files.delete(config.dataPath().resolve(RiskConfigHistory.FILE));
        Path checked = config.dataPath().resolve("checked");
        int k = first(checked, r -> r.action() == Action.NEW && !r.isRejected());
        MisplacedRecords.alter(DamagedFiles.newestCycleFile(checked), k, r -> r.rejectReason(RejectReason.PRICE_BAND));
        long c = index(checked, k);
        Path executions = config.dataPath().resolve("executions");
        int e = first(executions, 0, r -> r.sourceIndex() == c);
        assertRefused(config, "matching", c, "executions", index(executions, e),
                notRemade("matching", "executions", index(executions, e), "checked", c, "execType REJECTED vs NEW"));
    }

    /** What risk's one line says of a verdict on {@code checked} that its config, unchanged, does not give. */
    private static String alteredVerdict(long output, long input, String difference) {
        return "checked index " + describe(output) + " is not what risk makes again of orders index " + describe(input)
                + ": " + difference + " (made again vs written, with the config it was written with: the record was"
                + " altered or comes from another run)";
    }

    @Test
    void aCheckedRecordOfAnotherRunStopsTheRiskRebuild(@TempDir Path dir) throws Exception {
        PipelineConfig config = copy(dir);
        Path checked = config.dataPath().resolve("checked");
        OrderInfo was = MisplacedRecords.alter(DamagedFiles.newestCycleFile(checked), FROM,
                r -> r.ingressNanos(r.ingressNanos() + 1));
        long c = index(checked, FROM);
        assertRefused(config, "risk", was.sourceIndex(), "checked", c, differs("checked", c, "orders",
                was.sourceIndex(), "ingressNanos " + was.ingressNanos() + " vs " + (was.ingressNanos() + 1)));
    }

    @Test
    void aReportAlteredStopsTheMatchingRebuild(@TempDir Path dir) throws Exception {
        PipelineConfig config = copy(dir);
        Path executions = config.dataPath().resolve("executions");
        int k = first(executions, r -> r.execType() == ExecType.TRADE);
        OrderInfo was = MisplacedRecords.alter(DamagedFiles.newestCycleFile(executions), k,
                r -> r.lastQty(r.lastQty() + 1));
        long e = index(executions, k);
        assertRefused(config, "matching", was.sourceIndex(), "executions", e, notRemade("matching", "executions", e,
                "checked", was.sourceIndex(), "lastQty " + was.lastQty() + " vs " + (was.lastQty() + 1)));
    }

    @Test
    void aReportOfAnotherRunStopsTheMatchingRebuild(@TempDir Path dir) throws Exception {
        PipelineConfig config = copy(dir);
        Path executions = config.dataPath().resolve("executions");
        OrderInfo was = MisplacedRecords.alter(DamagedFiles.newestCycleFile(executions), FROM,
                r -> r.riskNanos(r.riskNanos() - 1));
        long e = index(executions, FROM);
        assertRefused(config, "matching", was.sourceIndex(), "executions", e, differs("executions", e, "checked",
                was.sourceIndex(), "riskNanos " + was.riskNanos() + " vs " + (was.riskNanos() - 1)));
    }

    /** What the one line says of record {@code output} of {@code queue}, not what {@code stage} makes again. */
    private static String notRemade(String stage, String queue, long output, String inputQueue, long input,
                                    String difference) {
        return queue + " index " + describe(output) + " is not what " + stage + " makes again of " + inputQueue
                + " index " + describe(input) + ": " + difference + " (made again vs written; the record was altered"
                + " or comes from another run, or " + stage + "'s config differs from the one it was written with)";
    }

    /** What the one line says of record {@code output} of {@code queue}, which carries another input's identity. */
    private static String differs(String queue, long output, String inputQueue, long input, String difference) {
        return queue + " index " + describe(output) + " names " + inputQueue + " index " + describe(input)
                + ", whose order differs: " + difference + " (" + inputQueue + " vs " + queue + "; a cycle file"
                + " copied in from another run?)";
    }

    /** An index of the tests' queues (the default roll cycle) as the messages name it. */
    private static String describe(long index) {
        return Queues.describeIndex(PipelineConfig.loadDefault().rollCycle(), index);
    }

    @Test
    void aRiskConfigThatDecidesPastOrdersDifferentlyLetsTheRestartGoOnWithWhatWasWritten(@TempDir Path dir)
            throws Exception {
        PipelineConfig config = copy(dir);
        config.risk.priceBandPercent = 0.001; // of the orders' prices, only AAPL's reference price stays in the band
        config.validate();
        Path data = config.dataPath();
        List<OrderInfo> checkedBefore = TestPipelines.readAll(data.resolve("checked"));
        List<String> executionsBefore = TestPipelines.executionLines(data.resolve("executions"));
        long passedBefore = checkedBefore.stream().filter(r -> !r.isRejected()).count();
        Pipeline restarted = TestPipelines.runToEnd(config);
        assertEquals(MORE, restarted.counts().inputsAccounted());
        List<OrderInfo> checkedAfter = TestPipelines.readAll(data.resolve("checked"));
        assertEquals(ORDERS + MORE, checkedAfter.size());
        // what was written stands, record for record (the stage timestamps included)
        for (int k = 0; k < ORDERS; k++)
            assertEquals(checkedBefore.get(k).toString(), checkedAfter.get(k).toString(), "checked record " + k);
        assertEquals(executionsBefore, TestPipelines.executionLines(data.resolve("executions"))
                .subList(0, executionsBefore.size()));
        // and the new orders are checked with the new config: the band rejects nearly all limit orders now
        long newLimits = checkedAfter.subList(ORDERS, ORDERS + MORE).stream()
                .filter(r -> r.action() == Action.NEW && r.orderType() == OrderType.LIMIT).count();
        long newBanded = checkedAfter.subList(ORDERS, ORDERS + MORE).stream()
                .filter(r -> r.rejectReason() == RejectReason.PRICE_BAND).count();
        assertTrue(passedBefore > ORDERS / 2, "the old band passed most orders: " + passedBefore);
        assertTrue(newLimits > 0 && newBanded >= newLimits * 9 / 10, newBanded + " of " + newLimits
                + " new limit orders rejected PRICE_BAND");

        // risk-configs.txt now says which records the new config wrote: another restart with it goes on (the old
        // records still decided otherwise), while a verdict altered among the new records is refused
        int k = ORDERS;
        while (checkedAfter.get(k).rejectReason() != RejectReason.PRICE_BAND)
            k++;
        Path grown = dir.resolve("grown2.csv");
        Files.writeString(grown, TestPipelines.mixedOrders(17, ORDERS + 2 * MORE), StandardCharsets.UTF_8);
        config.ingress.file = grown.toString();
        config.validate();
        MisplacedRecords.alter(DamagedFiles.newestCycleFile(data.resolve("checked")), k,
                r -> r.rejectReason(RejectReason.NONE));
        long o = index(data.resolve("orders"), k);
        long c = index(data.resolve("checked"), k);
        assertRefused(config, "risk", o, "checked", c, alteredVerdict(c, o, "rejectReason PRICE_BAND vs NONE"));
        MisplacedRecords.alter(DamagedFiles.newestCycleFile(data.resolve("checked")), k,
                r -> r.rejectReason(RejectReason.PRICE_BAND));
        assertEquals(MORE, TestPipelines.runToEnd(config).counts().inputsAccounted());
    }

    @Test
    void tradingRulesChangedAtARestartApplyToNewOrdersOnly(@TempDir Path dir) throws Exception {
        // market protection and self-trade prevention come from risk's config, which risk stamps into each order it
        // passes: matching rebuilds the past with the rules written then, and the new orders carry the new ones
        PipelineConfig config = copy(dir);
        config.risk.marketProtectionPercent = 0.5;
        config.risk.accounts.get(0).selfTradePrevention = "CANCEL_BOTH"; // account 1
        for (long account = 2; account <= 5; account++) { // the accounts of the order file
            AccountConfig a = new AccountConfig();
            a.account = account;
            a.selfTradePrevention = "CANCEL_BOTH";
            config.risk.accounts.add(a);
        }
        config.validate();
        Path data = config.dataPath();
        List<String> executionsBefore = TestPipelines.executionLines(data.resolve("executions"));
        assertEquals(MORE, TestPipelines.runToEnd(config).counts().inputsAccounted());
        assertEquals(executionsBefore, TestPipelines.executionLines(data.resolve("executions"))
                .subList(0, executionsBefore.size()), "what was written stands");
        List<OrderInfo> checked = TestPipelines.readAll(data.resolve("checked"));
        for (int k = 0; k < ORDERS + MORE; k++) {
            OrderInfo r = checked.get(k);
            int expected = k >= ORDERS && !r.isRejected() && r.action() != Action.CANCEL ? 3 : 0;
            assertEquals(expected, (r.flags() & OrderInfo.STP_MASK) >>> OrderInfo.STP_SHIFT, "checked record " + k);
        }
        assertTrue(TestPipelines.executionLines(data.resolve("executions")).stream()
                .anyMatch(line -> line.endsWith(",STP_CANCEL_BOTH")), "the new orders meet their own");
    }

    @Test
    void theStagesOwnTimestampIsNotComparedAndTheRestartGoesOn(@TempDir Path dir) throws Exception {
        PipelineConfig config = copy(dir);
        Path data = config.dataPath();
        // riskNanos is risk's time, and every report made from the checked record carries it over: changed alike
        long source;
        try (ChronicleQueue q = Queues.openExisting(data.resolve("checked"))) {
            source = q.firstIndex() + FROM;
        }
        MisplacedRecords.alter(DamagedFiles.newestCycleFile(data.resolve("checked")), FROM,
                r -> r.riskNanos(r.riskNanos() + 1));
        Path executions = data.resolve("executions");
        List<OrderInfo> reports = TestPipelines.readAll(executions);
        int altered = 0;
        for (int k = 0; k < reports.size(); k++) {
            if (reports.get(k).sourceIndex() == source) {
                MisplacedRecords.alter(DamagedFiles.newestCycleFile(executions), k,
                        r -> r.riskNanos(r.riskNanos() + 1).matchNanos(r.matchNanos() + 1));
                altered++;
            }
        }
        assertTrue(altered > 0);
        Pipeline restarted = TestPipelines.runToEnd(config);
        assertEquals(MORE, restarted.counts().inputsAccounted());
        Path whole = dir.resolve("whole");
        Pipeline reference = TestPipelines.runToEnd(TestPipelines.config(whole, Path.of(config.ingress.file)));
        assertEquals(TestPipelines.executionLines(reference.queuePath("executions")),
                TestPipelines.executionLines(data.resolve("executions")));
    }

    /**
     * The rebuild allocates nothing per record: restarting on a history ten times longer costs the rebuilding thread
     * no more than a small fixed allowance (Chronicle mapping the files' further chunks).
     */
    @Test
    void theRebuildAllocatesNothingPerRecord(@TempDir Path dir) throws Exception {
        long shortHistory = rebuildAllocation(dir.resolve("short"), 2_000);
        long longHistory = rebuildAllocation(dir.resolve("long"), 20_000);
        System.out.printf("rebuild allocation: %,d bytes after 2,000 orders, %,d after 20,000%n", shortHistory,
                longHistory);
        assertTrue(shortHistory > 0 && longHistory > 0, "allocation is measured");
        assertTrue(longHistory - shortHistory < 64 * 1024, "the rebuild of 18,000 more orders (and their checked"
                + " records and reports) allocated " + (longHistory - shortHistory) + " bytes more");
    }

    /** Bytes the risk and matching threads allocated to open (rebuild) after a run of {@code orders} orders. */
    private static long rebuildAllocation(Path dir, int orders) throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.createDirectories(dir);
        Files.writeString(file, TestPipelines.mixedOrders(23, orders), StandardCharsets.UTF_8);
        PipelineConfig config = TestPipelines.groups(TestPipelines.config(dir.resolve("data"), file), "ingress",
                "risk", "matching", "egress");
        TestPipelines.runToEnd(config);
        config.ingress.follow = true; // keeps the runners alive after they opened, to be measured
        config.validate();
        Pipeline p = Pipeline.start(config);
        try {
            assertTrue(p.awaitStarted(60, TimeUnit.SECONDS));
            List<StageRunner> runners = p.runners();
            return ThreadAllocation.of(runners.get(1).thread()) + ThreadAllocation.of(runners.get(2).thread());
        } finally {
            p.close();
        }
    }

    /**
     * Asserts that a restart stops with the one line of {@code stage}'s rebuild, on input {@code input}, refusing
     * record {@code output} of {@code queue} for {@code what}, and that risk and matching wrote nothing.
     */
    private static void assertRefused(PipelineConfig config, String stage, long input, String queue, long output,
                                      String what) throws Exception {
        Path data = config.dataPath();
        long checked = lastIndex(data.resolve("checked"));
        long executions = lastIndex(data.resolve("executions"));
        Pipeline p = Pipeline.start(config);
        try {
            PipelineFailedException f = assertThrows(PipelineFailedException.class,
                    () -> p.awaitFinished(60, TimeUnit.SECONDS));
            assertTrue(f.isOperatorError(), f::toString);
            assertEquals("stage '" + stage + "' stopped at input index 0x" + Long.toHexString(input) + ": queue "
                    + queue + " is damaged at index " + describe(output) + ": " + what + "; run 'orderpipe verify'"
                    + " on the data directory and restore it from a copy", f.getMessage());
        } finally {
            p.close();
        }
        assertEquals(checked, lastIndex(data.resolve("checked")), "risk wrote nothing");
        assertEquals(executions, lastIndex(data.resolve("executions")), "matching wrote nothing");
    }

    /** The first record from {@link #FROM} on (the queue's record number) that {@code which} accepts. */
    private static int first(Path queueDir, Predicate<OrderInfo> which) {
        return first(queueDir, FROM, which);
    }

    /** The first record from record {@code from} on that {@code which} accepts, not the queue's last. */
    private static int first(Path queueDir, int from, Predicate<OrderInfo> which) {
        List<OrderInfo> records = TestPipelines.readAll(queueDir);
        for (int k = from; k < records.size() - 1; k++)
            if (which.test(records.get(k)))
                return k;
        throw new AssertionError("no such record in " + queueDir);
    }

    /** The index of record {@code k} of a queue of one cycle file. */
    private static long index(Path queueDir, int k) {
        try (ChronicleQueue q = Queues.openExisting(queueDir)) {
            return q.firstIndex() + k;
        }
    }

    private static long lastIndex(Path queueDir) {
        try (ChronicleQueue q = Queues.openExisting(queueDir)) {
            return QueueInput.readLast("q", q, new OrderInfo());
        }
    }
}
