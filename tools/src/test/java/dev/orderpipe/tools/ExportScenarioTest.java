package dev.orderpipe.tools;

import dev.orderpipe.pipeline.ExitCodes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code orderpipe export} writes the executions file exactly as docs/formats.md specifies: known scenarios (the pipeline's
 * scenario files) run through {@code orderpipe run}, exported, and compared byte for byte, header included.
 */
class ExportScenarioTest {

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = ExportScenarioTest.class.getResourceAsStream("/scenarios/" + name)) {
            if (in == null)
                throw new AssertionError("scenario resource " + name + " missing (pipeline test-jar)");
            return in.readAllBytes();
        }
    }

    /** Runs a scenario's order file ({@code dir/in.csv}) with {@code orderpipe run}; returns the data directory. */
    private static Path run(String scenario, Path dir) throws Exception {
        Path in = dir.resolve("in.csv");
        Files.write(in, resource(scenario + ".in.csv"));
        Path data = dir.resolve("data");
        Cli run = Cli.run("run", "-i", in.toString(), "-d", data.toString(), "--exit-when-done", "--status-every", "0");
        assertEquals(0, run.exitCode, run.toString());
        return data;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sweep_several_levels", "replace_price_loses_priority", "bad_line", "fok",
            "risk_price_band", "sessions_two_days"})
    void exportedExecutionsAreByteForByteTheScenarioOutput(String scenario, @TempDir Path dir) throws Exception {
        Path data = run(scenario, dir);
        Path out = dir.resolve("executions.csv");
        Cli export = Cli.run("export", data.resolve("executions").toString(), "--out", out.toString());
        assertEquals(0, export.exitCode, export.toString());
        byte[] expected = resource(scenario + ".out.csv");
        byte[] actual = Files.readAllBytes(out);
        assertTrue(new String(actual).startsWith(
                "seq,order_id,account,symbol,side,exec_type,status,last_px,last_qty,leaves_qty,cum_qty,contra_order_id,reason\n"));
        assertArrayEquals(expected, actual, () -> "expected:\n" + new String(expected) + "actual:\n" + new String(actual));

        // an existing file is replaced only with --overwrite
        Files.writeString(out, "an earlier file\n");
        Cli again = Cli.run("export", data.resolve("executions").toString(), "--out", out.toString());
        assertEquals(ExitCodes.USAGE, again.exitCode, again.toString());
        assertEquals("orderpipe: " + out + " already exists: choose another --out or pass --overwrite to replace it",
                again.oneLineError());
        assertEquals("an earlier file\n", Files.readString(out));
        Cli over = Cli.run("export", data.resolve("executions").toString(), "--out", out.toString(), "--overwrite");
        assertEquals(0, over.exitCode, over.toString());
        assertArrayEquals(expected, Files.readAllBytes(out));
    }

    /** An orders queue with session events exports as the order file it was read from, comments left out. */
    @Test
    void sessionEventsExportAsSessionLines(@TempDir Path dir) throws Exception {
        Path data = run("sessions_two_days", dir);
        Path out = dir.resolve("orders.csv");
        Cli export = Cli.run("export", data.resolve("orders").toString(), "--out", out.toString());
        assertEquals(0, export.exitCode, export.toString());
        List<String> expected = Files.readAllLines(dir.resolve("in.csv")).stream().filter(l -> !l.startsWith("#"))
                .toList();
        assertEquals(expected, Files.readAllLines(out));
        assertTrue(expected.contains("16000,SESSION_CLOSE,,,,,,,,"), expected.toString());
    }
}
