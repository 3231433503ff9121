package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.Pipeline;
import dev.orderpipe.pipeline.config.EffectiveGroup;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.stage.ExecutionCounts;

import java.io.PrintWriter;
import java.util.Map;

/** Printing a run's counts the same way in every command. */
final class Summaries {
    private Summaries() {
    }

    /** One line per stage group as it runs: stages, effective pauser (with its back-off bound) and CPU. */
    static void printGroups(PrintWriter out, PipelineConfig config, String prefix) {
        for (EffectiveGroup g : EffectiveGroup.of(config))
            out.println(prefix + "group " + g.describe());
        out.flush();
    }

    static void printCounts(PrintWriter out, Pipeline pipeline, double seconds) {
        ExecutionCounts c = pipeline.counts();
        out.printf("orders in        %,12d  (%,d bad lines)%n", pipeline.ingress().written(), pipeline.ingress().rejected());
        out.printf("reports out      %,12d%n", c.reports());
        for (Map.Entry<String, Long> e : c.reportsByType().entrySet())
            out.printf("  %-14s %,12d%n", e.getKey(), e.getValue());
        out.printf("trades           %,12d%n", c.trades());
        out.printf("rejected         %,12d%n", c.rejected());
        for (Map.Entry<String, Long> e : c.rejectsByReason().entrySet())
            out.printf("  %-20s %,6d%n", e.getKey(), e.getValue());
        out.printf("orders accounted %,12d%n", c.inputsAccounted());
        if (seconds > 0)
            out.printf("time             %12.3f s   (%,.0f orders/s)%n", seconds, c.inputsAccounted() / seconds);
        out.flush();
    }
}
