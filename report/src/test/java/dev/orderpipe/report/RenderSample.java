package dev.orderpipe.report;

import java.nio.file.Path;

/** Renders a sample report and comparison, to look at: {@code java ... RenderSample OUT_DIR}. */
final class RenderSample {
    private RenderSample() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path a = RunDirs.write(out.resolve("run-a"), 1.0, 30, 2_000, 1);
        Path b = RunDirs.write(out.resolve("run-b"), 1.3, 45, 2_000, 2);
        System.out.println(HtmlReport.write(a, null));
        System.out.println(RunComparison.compare(a, b, 10, out.resolve("compare.html"), System.out));
    }
}
