package dev.orderpipe.tools;

import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.replication.Endpoint;
import dev.orderpipe.replication.ReplicationSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica that starts after retention cut the primary's queues: it must start where each queue's history starts,
 * with the history start recorded as the primary's ({@code retention.txt} of each queue), so its copy verifies and a
 * fail-over run on it continues exactly as the primary would; never a copy with a silent gap at its start.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplicationRetentionTest {
    private static final List<String> QUEUES = List.of("orders", "checked", "executions");

    @Test
    void aReplicaStartedAfterRetentionStartsAtTheHistoryStart(@TempDir Path dir) throws Exception {
        RetainedPrimary.Retained retained = RetainedPrimary.create(dir, "31");
        Path primary = retained.primary();
        Cli retain = retained.retain();
        assertTrue(retain.out.contains("deleted"), retain.out);
        assertNotNull(HistoryStart.read(primary.resolve("orders")), retain.out);

        Path standby = dir.resolve("standby");
        Endpoint replicaAt = Endpoint.freeLoopback();
        DataDirCopies.replicateUntilCaughtUp(primary, standby, replicaAt,
                new ReplicationSettings(dir.resolve("aeron-p").toString(), false, null, 1 << 20),
                new ReplicationSettings(dir.resolve("aeron-r").toString(), false, null, 0));
        for (String q : QUEUES)
            assertEquals(HistoryStart.read(primary.resolve(q)), HistoryStart.read(standby.resolve(q)),
                    q + ": the standby's history starts where the primary's does");
        RetainedPrimary.verifyAndFailOver(retained, standby);
    }
}
