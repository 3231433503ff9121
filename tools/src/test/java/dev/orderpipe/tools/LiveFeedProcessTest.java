package dev.orderpipe.tools;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.TestPipelines;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Production feed with real processes: a pipeline, two writers submitting at the same time through OrderEntry, and
 * a named consumer that is killed with SIGKILL and restarted while it reads.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LiveFeedProcessTest {
    private static final int ORDERS_PER_WRITER = 15_000;

    @Test
    void everySubmittedOrderIsAccountedOnceAndTheConsumerNeitherSkipsNorRepeats(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path consumed = dir.resolve("consumed.csv");
        Process pipeline = ChildJvm.start(dir, "pipeline", "run", "--data", data.toString(), "--status-every", "0");
        List<Process> consumers = new ArrayList<>();
        try {
            waitFor(() -> Files.exists(data.resolve("pipeline.lock")) && Files.isDirectory(data.resolve("executions")),
                    "pipeline started", dir, "pipeline");
            String[] tail = {"tail", "executions", "--data", data.toString(), "--name", "drop-copy", "--csv",
                    "--out", consumed.toString(), "--idle-exit", "4"};
            consumers.add(ChildJvm.start(dir, "consumer0", tail));
            // writer 1 is held (SIGSTOP) before its JVM can have written anything and let go once writer 2 has
            // written: its orders all come after writer 2's first, however slowly the JVMs start on a loaded machine
            Process w1 = ChildJvm.start(dir, "writer1", "submit", "--data", data.toString(), "--writer", "1",
                    "--orders", Integer.toString(ORDERS_PER_WRITER), "--rate", "6000");
            signal("STOP", w1);
            Process w2 = ChildJvm.start(dir, "writer2", "submit", "--data", data.toString(), "--writer", "2",
                    "--orders", Integer.toString(ORDERS_PER_WRITER), "--rate", "6000", "--seed", "9");
            waitFor(() -> hasOrderOf(2, data.resolve("orders")), "writer 2's first order", dir, "writer2");
            signal("CONT", w1);
            // kill the consumer mid-stream, twice, and restart it under its name
            for (int k = 1; k <= 2; k++) {
                Thread.sleep(700);
                Process c = consumers.get(consumers.size() - 1);
                c.destroyForcibly();
                c.waitFor(10, TimeUnit.SECONDS);
                consumers.add(ChildJvm.start(dir, "consumer" + k, tail));
            }
            assertTrue(w1.waitFor(120, TimeUnit.SECONDS) && w1.exitValue() == 0, ChildJvm.log(dir, "writer1"));
            assertTrue(w2.waitFor(120, TimeUnit.SECONDS) && w2.exitValue() == 0, ChildJvm.log(dir, "writer2"));

            Process last = consumers.get(consumers.size() - 1);
            assertTrue(last.waitFor(120, TimeUnit.SECONDS), "consumer ends after 4 s without reports");
            assertEquals(0, last.exitValue(), ChildJvm.log(dir, "consumer2"));
        } finally {
            consumers.forEach(Process::destroyForcibly);
            signal("TERM", pipeline);
            assertTrue(pipeline.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(0, pipeline.exitValue(), ChildJvm.log(dir, "pipeline"));

        // the orders queue holds both writers' orders, interleaved, each writer's in its own order
        List<OrderInfo> orders = TestPipelines.readAll(data.resolve("orders"));
        assertEquals(2 * ORDERS_PER_WRITER, orders.size());
        long[] nextSeq = {0, 1, 1};
        int firstOf2 = -1, lastOf1 = -1;
        for (int i = 0; i < orders.size(); i++) {
            OrderInfo o = orders.get(i);
            int w = (int) o.writerId();
            assertEquals(nextSeq[w]++, o.writerSeq(), "writer " + w + " in order");
            if (w == 2 && firstOf2 < 0) firstOf2 = i;
            if (w == 1) lastOf1 = i;
        }
        assertTrue(firstOf2 < lastOf1, "the two writers' orders interleave");

        // every order accounted for exactly once on executions, in the order the orders queue holds them
        List<OrderInfo> executions = TestPipelines.readAll(data.resolve("executions"));
        List<String> accounted = new ArrayList<>();
        for (OrderInfo e : executions)
            if (e.lastForInput())
                accounted.add(e.writerId() + ":" + e.writerSeq());
        assertEquals(orders.stream().map(o -> o.writerId() + ":" + o.writerSeq()).toList(), accounted);

        // the consumer, killed twice, saw every report exactly once
        List<String> lines = Files.readAllLines(consumed);
        assertEquals(executions.size(), lines.size(), "reports consumed");
        for (int i = 0; i < lines.size(); i++)
            assertTrue(lines.get(i).startsWith((i + 1) + ","), "line " + (i + 1) + ": " + lines.get(i));
    }

    /** Whether the live queue holds an order of {@code writer} yet (false while its first file is being created). */
    private static boolean hasOrderOf(int writer, Path orders) {
        try {
            return TestPipelines.readAll(orders).stream().anyMatch(o -> o.writerId() == writer);
        } catch (BadFileException | QueueDamagedException notYet) {
            return false;
        }
    }

    private static void signal(String signal, Process p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check check, String what, Path dir, String log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.ok()) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("timed out waiting for " + what + "\n" + ChildJvm.log(dir, log));
            Thread.sleep(20);
        }
    }
}
