package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.api.ExecutionFeed;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quickfix.Message;
import quickfix.Session;
import quickfix.field.Side;
import quickfix.field.TimeInForce;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.orderpipe.gateway.GatewayFixture.order;
import static dev.orderpipe.gateway.GatewayFixture.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway in a child JVM killed with SIGKILL while two QuickFIX/J sessions trade through it, and restarted: the
 * sessions log on again with the sequence numbers resumed, every order sent is taken once, every report of each
 * account reaches its session, and none is sent twice as new (a repeat carries PossDupFlag=Y). Rounds:
 * {@code -Dgateway.crash.rounds=N} (default 1), each killing at another point.
 */
@Timeout(value = 1800, unit = TimeUnit.SECONDS)
class GatewayCrashTest {
    private static final int PAIRS = 120;

    @Test
    void killedMidSessionAndRestartedLosesNothingAndSendsNoReportTwiceAsNew(@TempDir Path dir) throws Exception {
        int rounds = Integer.getInteger("gateway.crash.rounds", 1);
        for (int r = 0; r < rounds; r++)
            round(dir.resolve("round" + r), r);
    }

    private static void round(Path dir, int round) throws Exception {
        Files.createDirectories(dir);
        Path data = dir.resolve("data");
        int port = GatewayFixture.freePort();
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, GatewayFixture.config(port));
        int killAt = 10 + (round * 37) % 90;
        List<Process> children = new ArrayList<>();
        try (Pipeline pipeline = Pipeline.start(TestPipelines.config(data, null))) {
            children.add(GatewayChild.start(dir, "gateway0", config, data, null));
            try (FixClient c1 = new FixClient(dir.resolve("c1"), port, "CLIENT1", "ORDERPIPE", "pw1").start();
                 FixClient c2 = new FixClient(dir.resolve("c2"), port, "CLIENT2", "ORDERPIPE", "pw2").start()) {
                c1.awaitLogon();
                c2.awaitLogon();
                long expectedBeforeKill = 0;
                for (int i = 0; i < PAIRS; i++) {
                    if (i == killAt) {
                        expectedBeforeKill = c1.session().getExpectedTargetNum();
                        children.get(0).destroyForcibly(); // SIGKILL
                        assertTrue(children.get(0).waitFor(10, TimeUnit.SECONDS));
                    }
                    if (i == killAt + 15)
                        children.add(GatewayChild.start(dir, "gateway1", config, data, null));
                    // QuickFIX/J stores what it cannot send now and resends it on the gateway's ResendRequest
                    Session.sendToTarget(order("B" + i, Side.BUY, 10, 189.25, TimeInForce.GOOD_TILL_CANCEL), c1.id);
                    Session.sendToTarget(order("S" + i, Side.SELL, 10, 189.25, TimeInForce.GOOD_TILL_CANCEL), c2.id);
                    Thread.sleep(4);
                }
                if (children.size() == 1)
                    children.add(GatewayChild.start(dir, "gateway1", config, data, null));
                Map<String, List<Message>> got1 = awaitFilled(c1, "B", dir);
                Map<String, List<Message>> got2 = awaitFilled(c2, "S", dir);
                assertTrue(c1.session().getExpectedTargetNum() > expectedBeforeKill,
                        "the gateway's numbers went on from where they were");
                assertTrue(c1.loggedOn() && c2.loggedOn());

                Map<Long, Set<String>> onQueue = reportsByAccount(data);
                System.out.println("round " + round + ": killed at pair " + killAt + ", resent reports "
                        + resent(got1) + " + " + resent(got2) + ", reports " + onQueue.getOrDefault(1L, Set.of()).size()
                        + " + " + onQueue.getOrDefault(2L, Set.of()).size());
                checkSession("CLIENT1 round " + round, got1, onQueue.getOrDefault(1L, Set.of()));
                checkSession("CLIENT2 round " + round, got2, onQueue.getOrDefault(2L, Set.of()));
                // every order taken once: the orders queue holds each of them once, and no report says duplicate
                List<OrderInfo> orders = TestPipelines.readAll(data.resolve("orders"));
                assertEquals(2 * PAIRS, orders.stream().filter(o -> o.writerId() == 900).count(),
                        "orders written by the gateway, round " + round);
                assertTrue(TestPipelines.readAll(data.resolve("executions")).stream()
                        .noneMatch(e -> e.rejectReason() == RejectReason.DUPLICATE_ORDER_ID));
            } finally {
                for (Process p : children)
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Every ExecutionReport a client got, by ClOrdID, once each of its orders ({@code prefix}N) is filled. */
    private static Map<String, List<Message>> awaitFilled(FixClient c, String prefix, Path dir) throws Exception {
        Map<String, List<Message>> byClOrdId = new HashMap<>();
        Set<String> filled = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (filled.size() < PAIRS) {
            assertTrue(System.nanoTime() < deadline, prefix + " orders filled: " + filled.size() + " of " + PAIRS
                    + "\n" + GatewayChild.log(dir));
            Message m = c.received.poll(100, TimeUnit.MILLISECONDS);
            if (m == null || !"8".equals(m.getHeader().getString(35)))
                continue;
            byClOrdId.computeIfAbsent(str(m, 11), k -> new ArrayList<>()).add(m);
            if ("2".equals(str(m, 39)))
                filled.add(str(m, 11));
        }
        Message m;
        while ((m = c.received.poll(300, TimeUnit.MILLISECONDS)) != null)
            byClOrdId.computeIfAbsent(str(m, 11), k -> new ArrayList<>()).add(m);
        return byClOrdId;
    }

    /** ExecIDs (executions-queue indexes) of every report, by account. */
    private static Map<Long, Set<String>> reportsByAccount(Path data) {
        Map<Long, Set<String>> byAccount = new HashMap<>();
        PipelineConfig defaults = PipelineConfig.loadDefault();
        try (ExecutionFeed feed = ExecutionFeed.open(data, null, ExecutionFeed.Start.BEGINNING)) {
            OrderInfo r = new OrderInfo();
            while (feed.next(r))
                byAccount.computeIfAbsent(r.account(), k -> new HashSet<>()).add(Long.toString(feed.lastIndex()));
        }
        assertTrue(defaults.matching.queue.equals("executions"));
        return byAccount;
    }

    private static int resent(Map<String, List<Message>> got) throws Exception {
        int n = 0;
        for (List<Message> list : got.values())
            for (Message m : list)
                if (FixClient.possDup(m))
                    n++;
        return n;
    }

    private static void checkSession(String what, Map<String, List<Message>> got, Set<String> expected)
            throws Exception {
        Map<String, Integer> asNew = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (List<Message> list : got.values())
            for (Message m : list) {
                String execId = str(m, 17);
                seen.add(execId);
                if (!FixClient.possDup(m))
                    asNew.merge(execId, 1, Integer::sum);
            }
        asNew.forEach((id, n) -> assertEquals(1, n, what + ": report " + id + " sent " + n + " times as new"));
        assertEquals(expected, seen, what + ": the account's reports, each received");
    }
}
