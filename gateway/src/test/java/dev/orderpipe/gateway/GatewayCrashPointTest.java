package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.api.ExecutionFeed;
import dev.orderpipe.pipeline.api.OrderEntry;
import dev.orderpipe.pipeline.codes.RejectReason;
import dev.orderpipe.pipeline.infra.CrashPoints;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import quickfix.Message;
import quickfix.Session;
import quickfix.field.BeginSeqNo;
import quickfix.field.EndSeqNo;
import quickfix.field.Side;
import quickfix.field.TimeInForce;
import quickfix.fix44.ResendRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.orderpipe.gateway.GatewayFixture.cancel;
import static dev.orderpipe.gateway.GatewayFixture.order;
import static dev.orderpipe.gateway.GatewayFixture.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway in a child JVM halted (as by SIGKILL) at a named crash point while two QuickFIX/J sessions trade a day
 * through it: crossing orders, a ResendRequest of everything, a close that expires a DAY order and an open, a cancel
 * of the resting GTC order, a cancel of the expired one, a ClOrdID used twice in a day, a ClOrdID used again the next
 * day, more crossing orders.
 * Restarted at once, unarmed. Each client then holds exactly the reports of an uninterrupted run of the same day
 * (compared field by field but ExecID), each once as new (a repeat carries PossDupFlag=Y), with the sequence numbers
 * resumed, and the orders queue holds each order once. Rounds per point: {@code -Dgateway.crashpoint.rounds=N}
 * (default 1), each at another hit of the point. The uninterrupted day is run once for the class: every point's
 * rounds compare with it.
 */
@Timeout(value = 3600, unit = TimeUnit.SECONDS)
class GatewayCrashPointTest {
    private static final int PAIRS = 8;
    private static final long CLOCK_WRITER = 77;

    @TempDir
    static Path shared;
    /** The uninterrupted run of the day, the same for every crash point (it takes no argument of theirs). */
    private static Day reference;

    @BeforeAll
    static void uninterruptedDay() throws Exception {
        reference = day(shared.resolve("reference"), null, 0);
    }

    @Test
    void haltedRightAfterWritingAnOrder(@TempDir Path dir) throws Exception {
        rounds(dir, CrashPoints.Point.GATEWAY_ORDER_WRITTEN, r -> 1 + (r * 7) % (4 * PAIRS));
    }

    @Test
    void haltedInTheMiddleOfAResend(@TempDir Path dir) throws Exception {
        rounds(dir, CrashPoints.Point.GATEWAY_RESENT, r -> 1 + (r * 5) % (2 * PAIRS));
    }

    @Test
    void haltedRightAfterASessionEndFreedClOrdIds(@TempDir Path dir) throws Exception {
        // the open of the first day (1), its close (2), the next day's open (3)
        rounds(dir, CrashPoints.Point.GATEWAY_SESSION_ENDED, r -> 1 + r % 3);
    }

    @Test
    void haltedAfterStoringAMessageBeforeSendingIt(@TempDir Path dir) throws Exception {
        rounds(dir, CrashPoints.Point.GATEWAY_STORED_NOT_SENT, r -> 3 + (r * 11) % (4 * PAIRS));
    }

    @Test
    void haltedAfterAnsweringARequestBeforeRecordingItHandled(@TempDir Path dir) throws Exception {
        // the gateway's own answers: the OrderCancelReject of K2 (1), the BusinessMessageReject of K1 again (2)
        rounds(dir, CrashPoints.Point.GATEWAY_ANSWERED, r -> 1 + r % 2);
    }

    private interface Hit {
        int at(int round);
    }

    private static void rounds(Path dir, CrashPoints.Point point, Hit hit) throws Exception {
        int rounds = Integer.getInteger("gateway.crashpoint.rounds", 1);
        for (int r = 0; r < rounds; r++) {
            int n = hit.at(r);
            Day crashed = day(dir.resolve("round" + r), point, n);
            String what = point.propertyName() + ":" + n + " (round " + r + ")";
            System.out.println(what + ": resent to CLIENT1 " + crashed.resent1 + ", CLIENT2 " + crashed.resent2);
            assertEquals(reference.reports1, crashed.reports1, what + ": CLIENT1's reports");
            assertEquals(reference.reports2, crashed.reports2, what + ": CLIENT2's reports");
            assertEquals(reference.gatewayOrders, crashed.gatewayOrders, what + ": orders the gateway wrote");
        }
    }

    /** What one trading day left: each client's reports (as sorted text, ExecID and header aside), orders written. */
    private static final class Day {
        List<String> reports1;
        List<String> reports2;
        long gatewayOrders;
        int resent1;
        int resent2;
    }

    private static Day day(Path dir, CrashPoints.Point point, int n) throws Exception {
        Files.createDirectories(dir);
        Path data = dir.resolve("data");
        int port = GatewayFixture.freePort();
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, GatewayFixture.config(port));
        List<Process> children = new ArrayList<>();
        Thread watcher = null;
        try (Pipeline pipeline = Pipeline.start(TestPipelines.config(data, null));
             OrderEntry clock = OrderEntry.open(data, CLOCK_WRITER)) {
            Process first = GatewayChild.start(dir, "gateway0", config, data, point == null ? null
                    : point.propertyName() + ":" + n);
            children.add(first);
            if (point != null) {
                watcher = new Thread(() -> {
                    try {
                        first.waitFor();
                        children.add(GatewayChild.start(dir, "gateway1", config, data, null));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "restarter");
                watcher.setDaemon(true);
                watcher.start();
            }
            clock.openSession(20260105);
            try (FixClient c1 = new FixClient(dir.resolve("c1"), port, "CLIENT1", "ORDERPIPE", "pw1").start();
                 FixClient c2 = new FixClient(dir.resolve("c2"), port, "CLIENT2", "ORDERPIPE", "pw2").start()) {
                Reports r1 = new Reports(c1);
                Reports r2 = new Reports(c2);
                c1.awaitLogon();
                c2.awaitLogon();
                // QuickFIX/J keeps what it cannot send while the gateway is down and resends it when asked
                Session.sendToTarget(order("D1", Side.BUY, 10, 180.00, TimeInForce.DAY), c1.id);
                Session.sendToTarget(order("G1", Side.BUY, 10, 181.00, TimeInForce.GOOD_TILL_CANCEL), c1.id);
                pairs(c1, c2);
                r1.await(m -> r1.filled("B") == PAIRS && r1.has("G1", "0") && r1.has("D1", "0"), dir);
                r2.await(m -> r2.filled("S") == PAIRS, dir);
                Session.sendToTarget(new ResendRequest(new BeginSeqNo(1), new EndSeqNo(0)), c1.id);
                Thread.sleep(300);
                clock.closeSession(20260105);
                r1.await(m -> r1.has("D1", "C"), dir);
                clock.openSession(20260106);
                Session.sendToTarget(cancel("K1", "G1", Side.BUY), c1.id);
                r1.await(m -> r1.has("K1", "4"), dir);
                Session.sendToTarget(cancel("K2", "D1", Side.BUY), c1.id); // expired yesterday: unknown today
                r1.await(m -> r1.refused("K2"), dir);
                Session.sendToTarget(order("K1", Side.BUY, 10, 180.00, TimeInForce.DAY), c1.id); // K1 used today
                r1.await(m -> r1.businessRejected("K1"), dir);
                Session.sendToTarget(order("D1", Side.BUY, 10, 180.00, TimeInForce.DAY), c1.id); // free again
                r1.await(m -> r1.count("D1", "0") == 2, dir);
                pairs(c1, c2);
                r1.await(m -> r1.filled("B") == 2 * PAIRS, dir);
                r2.await(m -> r2.filled("S") == 2 * PAIRS, dir);
                r1.drain();
                r2.drain();
                if (point != null) {
                    assertFalse(first.isAlive(), "the armed gateway halted at " + point.propertyName() + ":" + n);
                    assertEquals(ExitCodes.KILLED, first.exitValue(), GatewayChild.log(dir));
                }
                assertTrue(c1.loggedOn() && c2.loggedOn());
                assertTrue(c1.logouts.stream().noneMatch(t -> t.contains("too low")), c1.logouts.toString());
                assertTrue(c2.logouts.stream().noneMatch(t -> t.contains("too low")), c2.logouts.toString());
                Map<Long, Set<Long>> onQueue = reportsByAccount(data);
                Day day = new Day();
                day.reports1 = r1.check("CLIENT1", onQueue.getOrDefault(1L, Set.of()));
                day.reports2 = r2.check("CLIENT2", onQueue.getOrDefault(2L, Set.of()));
                day.resent1 = r1.resent;
                day.resent2 = r2.resent;
                List<OrderInfo> orders = TestPipelines.readAll(data.resolve("orders"));
                day.gatewayOrders = orders.stream().filter(o -> o.writerId() == 900).count();
                assertTrue(TestPipelines.readAll(data.resolve("executions")).stream()
                        .noneMatch(e -> e.rejectReason() == RejectReason.DUPLICATE_ORDER_ID));
                return day;
            }
        } finally {
            if (watcher != null)
                watcher.join(60_000);
            for (Process p : children)
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void pairs(FixClient c1, FixClient c2) throws Exception {
        for (int i = 0; i < PAIRS; i++) {
            Session.sendToTarget(order("B" + i, Side.BUY, 10, 189.25, TimeInForce.GOOD_TILL_CANCEL), c1.id);
            Session.sendToTarget(order("S" + i, Side.SELL, 10, 189.25, TimeInForce.GOOD_TILL_CANCEL), c2.id);
            Thread.sleep(3);
        }
    }

    /** Every application message a client received, in order. */
    private static final class Reports {
        final FixClient client;
        final List<Message> got = new ArrayList<>();
        int resent;

        Reports(FixClient client) {
            this.client = client;
        }

        void await(Predicate<Message> done, Path dir) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!done.test(null)) {
                assertTrue(System.nanoTime() < deadline,
                        client.id + ": waiting, got " + got + "\n" + GatewayChild.log(dir));
                Message m = client.received.poll(50, TimeUnit.MILLISECONDS);
                if (m != null)
                    got.add(m);
            }
        }

        void drain() throws InterruptedException {
            Message m;
            while ((m = client.received.poll(500, TimeUnit.MILLISECONDS)) != null)
                got.add(m);
        }

        /** Reports (by ExecID: a resent one counts once) of {@code clOrdId} with ExecType {@code execType}. */
        int count(String clOrdId, String execType) {
            Set<String> execIds = new HashSet<>();
            for (Message m : got)
                if (clOrdId.equals(field(m, 11)) && execType.equals(field(m, 150)))
                    execIds.add(field(m, 17));
            return execIds.size();
        }

        boolean has(String clOrdId, String execType) {
            for (Message m : got)
                if (clOrdId.equals(field(m, 11)) && execType.equals(field(m, 150)))
                    return true;
            return false;
        }

        int filled(String prefix) {
            Set<String> execIds = new HashSet<>();
            for (Message m : got)
                if (field(m, 11) != null && field(m, 11).startsWith(prefix) && "2".equals(field(m, 39)))
                    execIds.add(field(m, 17));
            return execIds.size();
        }

        boolean refused(String clOrdId) {
            for (Message m : got)
                if (type(m).equals("9") && clOrdId.equals(field(m, 11)))
                    return true;
            return false;
        }

        boolean businessRejected(String clOrdId) {
            for (Message m : got)
                if (type(m).equals("j") && clOrdId.equals(field(m, 379)))
                    return true;
            return false;
        }

        /**
         * Checks the reports against the account's on the executions queue (each received, none twice as new) and
         * returns them as sorted text without ExecID: an uninterrupted run's must be the same.
         */
        List<String> check(String what, Set<Long> expected) throws Exception {
            Map<String, Integer> asNew = new HashMap<>();
            Map<String, String> byExecId = new HashMap<>();
            List<String> refusals = new ArrayList<>();
            for (Message m : got) {
                if (dup(m))
                    resent++;
                if (type(m).equals("9")) {
                    if (!dup(m))
                        refusals.add("9 " + field(m, 11) + " " + field(m, 41) + " " + field(m, 39) + " "
                                + field(m, 434) + " " + field(m, 58));
                    continue;
                }
                if (type(m).equals("j")) { // each as new once: a request answered once, not twice
                    if (!dup(m))
                        refusals.add(type(m) + " " + field(m, 379) + " " + field(m, 380) + " " + field(m, 373)
                                + " " + field(m, 58));
                    continue;
                }
                String execId = field(m, 17);
                String text = type(m) + " " + field(m, 11) + " " + field(m, 41) + " " + field(m, 150) + " "
                        + field(m, 39) + " " + field(m, 32) + " " + field(m, 14) + " " + field(m, 151) + " "
                        + field(m, 58);
                String before = byExecId.putIfAbsent(execId, text);
                assertTrue(before == null || before.equals(text), what + ": report " + execId + " differs: " + before
                        + " / " + text);
                if (!dup(m))
                    asNew.merge(execId, 1, Integer::sum);
            }
            asNew.forEach((id, k) -> assertEquals(1, k, what + ": report " + id + " sent " + k + " times as new"));
            Set<Long> seen = new HashSet<>();
            for (String id : byExecId.keySet())
                seen.add(Long.parseLong(id));
            assertEquals(expected, seen, what + ": the account's reports, each received");
            List<String> all = new ArrayList<>(byExecId.values());
            all.addAll(refusals);
            all.sort(null);
            return all;
        }

        private static String type(Message m) {
            try {
                return m.getHeader().getString(35);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static String field(Message m, int tag) {
            try {
                return str(m, tag);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static boolean dup(Message m) {
            try {
                return FixClient.possDup(m);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Executions-queue indexes of every report, by account. */
    private static Map<Long, Set<Long>> reportsByAccount(Path data) {
        Map<Long, Set<Long>> byAccount = new HashMap<>();
        try (ExecutionFeed feed = ExecutionFeed.open(data, null, ExecutionFeed.Start.BEGINNING)) {
            OrderInfo r = new OrderInfo();
            while (feed.next(r))
                byAccount.computeIfAbsent(r.account(), k -> new HashSet<>()).add(feed.lastIndex());
        }
        return byAccount;
    }
}
