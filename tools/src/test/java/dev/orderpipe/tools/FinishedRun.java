package dev.orderpipe.tools;

import dev.orderpipe.pipeline.TestPipelines;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One finished pipeline run over a generated order file: the fixture that damaged-queue tests copy and damage. */
final class FinishedRun {
    /** The order file (2,000 orders, seed 11). */
    final Path orderFile;
    /** The data directory the run left. */
    final Path data;

    private FinishedRun(Path orderFile, Path data) {
        this.orderFile = orderFile;
        this.data = data;
    }

    /** Generates {@code dir/orders.csv} and runs the pipeline over it to the end into {@code dir/fixture}. */
    static FinishedRun create(Path dir) throws InterruptedException {
        Path orders = dir.resolve("orders.csv");
        Cli g = Cli.run("generate", "-n", "2000", "--seed", "11", "--out", orders.toString());
        assertEquals(0, g.exitCode, g.toString());
        Path data = dir.resolve("fixture");
        TestPipelines.runToEnd(TestPipelines.config(data, orders));
        return new FinishedRun(orders, data);
    }
}
