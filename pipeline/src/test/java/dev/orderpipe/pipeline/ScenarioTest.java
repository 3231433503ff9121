package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.config.PipelineConfig;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Business rules as readable scenarios, run through the real pipeline (file ingress, risk, matching, CSV egress on
 * Chronicle queues in a temp directory). For each {@code scenarios/NAME.in.csv} (order file) the executions CSV must
 * equal {@code scenarios/NAME.out.csv} byte for byte. An optional {@code NAME.config.yaml} is a pipeline config in the
 * form of {@code conf/pipeline.yaml} that gives only the keys it changes: the config loader reads it over the embedded
 * default (the test's data directory, input and output set), with the same unknown-key check and validation as any
 * config file, e.g.
 * <pre>
 * !dev.orderpipe.pipeline.config.PipelineConfig {
 *   risk: { maxOrdersPerSecond: 2 }
 * }
 * </pre>
 *
 * <p>On a mismatch the test prints a line diff and leaves the actual output in
 * {@code target/scenario-actual/NAME.out.csv}: review it line by line before copying it over the expected file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScenarioTest {
    private static final String DIR = "scenarios";

    static Stream<String> scenarios() throws IOException, URISyntaxException {
        URL url = ScenarioTest.class.getClassLoader().getResource(DIR);
        if (url == null)
            throw new IllegalStateException("no " + DIR + " directory on the test classpath");
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".in.csv"))
                    .map(n -> n.substring(0, n.length() - ".in.csv".length()))
                    .sorted()
                    .toList();
            assertFalse(names.isEmpty(), "no scenarios found");
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void executionsMatchTheExpectedFile(String name, @TempDir Path tempDir) throws Exception {
        Path scenarios = Path.of(ScenarioTest.class.getClassLoader().getResource(DIR).toURI());
        Path input = scenarios.resolve(name + ".in.csv");
        Path expectedFile = scenarios.resolve(name + ".out.csv");
        Path overrides = scenarios.resolve(name + ".config.yaml");

        PipelineConfig config = TestPipelines.config(tempDir.resolve("data"), input);
        Path output = tempDir.resolve("out.csv");
        config.egress.csvFile = output.toString();
        if (Files.exists(overrides))
            PipelineConfig.load(overrides, config);
        TestPipelines.runToEnd(config);

        byte[] actual = Files.readAllBytes(output);
        byte[] expected = Files.exists(expectedFile) ? Files.readAllBytes(expectedFile) : new byte[0];
        if (java.util.Arrays.equals(expected, actual))
            return;
        Path keep = Path.of("target", "scenario-actual", name + ".out.csv");
        Files.createDirectories(keep.getParent());
        Files.write(keep, actual);
        fail("scenario " + name + ": executions differ from " + name + ".out.csv (actual kept in "
                + keep.toAbsolutePath() + ")\n" + diff(new String(expected, StandardCharsets.UTF_8),
                new String(actual, StandardCharsets.UTF_8)));
    }

    /** A readable line diff: every line, marked {@code -} expected only, {@code +} actual only (LCS based). */
    static String diff(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--)
            for (int j = b.length - 1; j >= 0; j--)
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        StringBuilder sb = new StringBuilder("  (- expected only, + actual only)\n");
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                sb.append("    ").append(a[i]).append('\n');
                i++;
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                sb.append("  - ").append(a[i++]).append('\n');
            } else {
                sb.append("  + ").append(b[j++]).append('\n');
            }
        }
        return sb.toString();
    }
}
