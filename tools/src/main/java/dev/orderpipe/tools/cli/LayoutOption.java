package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.config.Layouts;
import dev.orderpipe.pipeline.config.PipelineConfig;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --layout} option of the commands that run a pipeline (run, replay, demo): the stage groups of a layout
 * built into the jar ({@link Layouts}) in place of the config's own, pretouch on if the layout turns it on, and
 * nothing else of the config changed. A name
 * rather than a file, so that choosing the latency layout needs no path and {@code --config} keeps meaning a file.
 */
public final class LayoutOption {
    @Option(names = "--layout", paramLabel = "NAME",
            description = {"Run on a layout's stage groups instead of the config's: default (one unpinned thread that "
                    + "sleeps when idle: little CPU, a wake-up per order on a quiet feed) or latency (every stage "
                    + "spinning on CPU 1 with pretouch on, conf/latency.yaml: the lowest latency, one CPU kept busy)."
                    + " Default: the config's own groups."})
    String layout;

    /** The config with the layout's groups (a validated copy), or {@code config} itself when none is given. */
    public PipelineConfig apply(PipelineConfig config) {
        return layout == null ? config : Layouts.apply(config, known(layout, "--layout"));
    }

    /** What to call the config in summaries: {@code configDescription} and the layout, when one is given. */
    public String describe(String configDescription) {
        return layout == null ? configDescription : configDescription + ", layout " + layout;
    }

    /**
     * {@code name}, when it is a layout or one of {@code alsoAccepted}; else a usage error naming {@code option}.
     */
    static String known(String name, String option, String... alsoAccepted) {
        List<String> names = new ArrayList<>(List.of(alsoAccepted));
        names.addAll(Layouts.NAMES);
        if (!names.contains(name))
            throw UserException.usage(option + ": unknown layout '" + name + "' (known: " + String.join(", ", names)
                    + ")");
        return name;
    }
}
