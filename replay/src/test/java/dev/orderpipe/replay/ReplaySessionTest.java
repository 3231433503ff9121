package dev.orderpipe.replay;

import dev.orderpipe.pipeline.DamagedFiles;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code replay --from-session}: one session of a three-session capture re-driven from the snapshots taken at the
 * previous close, its executions equal to the capture's reports of that session, exactly; and the one-line refusals.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplaySessionTest {
    private static final String[] DATES = {"2026-11-25", "2026-11-26", "2026-11-27"};
    @TempDir
    static Path shared;
    private static Path data;
    private static Path orderFile;
    /** The seq of each session's SESSION_CLOSE report in the capture (0 before the first). */
    private static final long[] closeSeq = new long[4];

    @BeforeAll
    static void threeSessions() throws Exception {
        Random random = new Random(13);
        StringBuilder sb = new StringBuilder("ts_nanos,action,order_id,account,symbol,side,type,tif,price,qty\n");
        long ts = 1_000_000_000L;
        long id = 0;
        for (String date : DATES) {
            sb.append(ts += 1000).append(",SESSION_OPEN,").append(date).append(",,,,,,,\n");
            for (int i = 0; i < 400; i++) {
                ts += 1_000_000;
                if (i % 25 == 24 && id > 10) {
                    sb.append(ts).append(",CANCEL,").append(id - random.nextInt(10)).append(',')
                            .append(1 + (id % 5)).append(",,,,,,\n");
                    continue;
                }
                String side = random.nextBoolean() ? "BUY" : "SELL";
                // GTC orders carry over to the next session, DAY orders expire at its close
                String tif = random.nextInt(3) == 0 ? "DAY" : "GTC";
                long px = 1_892_500 + (random.nextInt(11) - 5) * 100L;
                sb.append(ts).append(",NEW,").append(++id).append(',').append(1 + (id % 5)).append(",AAPL,")
                        .append(side).append(",LIMIT,").append(tif).append(',').append(px / 10_000).append('.')
                        .append(String.format("%04d", px % 10_000)).append(',').append(100 * (1 + random.nextInt(5)))
                        .append('\n');
            }
            sb.append(ts += 1000).append(",SESSION_CLOSE,").append(date).append(",,,,,,,\n");
            // between sessions: a cancel of a resting GTC order goes through
            sb.append(ts += 1000).append(",CANCEL,").append(id - 3).append(',').append(1 + ((id - 3) % 5))
                    .append(",,,,,,\n");
        }
        orderFile = Files.writeString(shared.resolve("orders.csv"), sb, StandardCharsets.UTF_8);
        data = shared.resolve("capture");
        TestCaptures.capture(data, orderFile, null);
        int closes = 0;
        for (OrderInfo r : TestPipelines.readAll(data.resolve("executions")))
            if (r.execType() == ExecType.SESSION_CLOSE)
                closeSeq[++closes] = r.seq();
        assertEquals(3, closes);
    }

    private static ReplayResult replay(Path capture, String session, Path out) {
        return Replayer.run(new ReplayOptions()
                .capture(capture)
                .config(TestCaptures.config(), "test")
                .outDir(out)
                .pacing(Pacing.max())
                .fromSession(session));
    }

    @Test
    void sessionTwoAndThreeAreReplayedExactlyFromTheSnapshotsOfThePreviousClose(@TempDir Path dir) {
        for (int session = 2; session <= 3; session++) {
            ReplayResult result = replay(data, String.valueOf(session), dir.resolve("s" + session));
            assertEquals(0, result.exitCode(), String.valueOf(result.verification()));
            // the capture's reports after the previous close's report, through this session's close (the cancel
            // between sessions included)
            long expected = closeSeq[session] - closeSeq[session - 1];
            assertEquals(expected, result.verification().compared(), "session " + session);
            List<OrderInfo> replayed = reports(dir.resolve("s" + session).resolve("data/executions"));
            assertEquals(expected, replayed.size());
            assertEquals(closeSeq[session - 1] + 1, replayed.get(0).seq(), "numbered on from the capture's");
            assertEquals(ExecType.SESSION_CLOSE, replayed.get(replayed.size() - 1).execType());
        }
        // a date names its session
        ReplayResult byDate = replay(data.resolve("orders"), DATES[1], dir.resolve("date"));
        assertEquals(closeSeq[2] - closeSeq[1], byDate.verification().compared());
        assertTrue(byDate.matches());
    }

    /** The replay's executions queue, which starts after the capture's report the snapshot names (read unchecked). */
    private static List<OrderInfo> reports(Path queue) {
        List<OrderInfo> all = new ArrayList<>();
        try (ChronicleQueue q = Queues.openExisting(queue); ExcerptTailer tailer = q.createTailer()) {
            OrderInfo r = new OrderInfo();
            while (tailer.readBytes(r.reset()))
                all.add(new OrderInfo().copyFrom(r));
        }
        return all;
    }

    @Test
    void aSessionThatCannotBeReplayedIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        ReplayException none = assertThrows(ReplayException.class, () -> replay(data, "4", dir.resolve("a")));
        assertEquals("replay --from-session 4: capture " + data.resolve("orders") + " holds no such session (its 3"
                + " sessions: 1 2026-11-25, 2 2026-11-26, 3 2026-11-27)", none.getMessage());
        assertEquals(2, none.exitCode());
        ReplayException date = assertThrows(ReplayException.class, () -> replay(data, "2026-12-24", dir.resolve("b")));
        assertTrue(date.getMessage().contains("holds no such session"), date.getMessage());
        ReplayException bad = assertThrows(ReplayException.class, () -> replay(data, "two", dir.resolve("c")));
        assertTrue(bad.getMessage().startsWith("replay --from-session two: give a session number"), bad.getMessage());
        ReplayException file = assertThrows(ReplayException.class, () -> replay(orderFile, "2", dir.resolve("d")));
        assertEquals("replay --from-session 2: capture " + orderFile + " is an order file, which has no snapshots to"
                + " start a session from: give the data directory the pipeline wrote (or its orders queue)",
                file.getMessage());

        // the risk snapshot of the first close damaged (a byte of its first chunk): refused, naming it
        Path copy = DamagedFiles.copyTree(data, dir.resolve("damaged"));
        Path riskFile = DamagedFiles.newestCycleFile(SnapshotStore.dir(copy, "risk"));
        List<Long> records = DamagedFiles.recordOffsets(riskFile);
        DamagedFiles.xorByte(riskFile, records.get(1) + 40, 0x5A);
        ReplayException damaged = assertThrows(ReplayException.class, () -> replay(copy, "2", dir.resolve("e")));
        assertTrue(damaged.getMessage().startsWith("replay --from-session 2: no valid snapshot of risk in "
                + SnapshotStore.dir(copy, "risk") + " covers the close of session 1 (2026-11-25, orders index 0x"),
                damaged.getMessage());
        assertTrue(!damaged.getMessage().contains("\n"), "one line");
        // the session after it starts from the next close's snapshot, which is intact
        assertTrue(replay(copy, "3", dir.resolve("f")).matches());
        // the first session needs none: it starts at the capture's start
        assertTrue(replay(copy, "1", dir.resolve("g")).matches());
    }
}
