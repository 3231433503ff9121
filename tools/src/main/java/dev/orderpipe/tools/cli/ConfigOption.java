package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.config.PipelineConfig;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --config} option shared by commands that run a pipeline: a YAML file, or the embedded default. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Pipeline config (YAML). Default: the embedded conf/pipeline.yaml.")
    Path config;

    /** Loads and validates the config (one-line ConfigException on any problem). */
    public PipelineConfig load() {
        return config == null ? PipelineConfig.loadDefault() : PipelineConfig.load(config);
    }

    /**
     * The config of the existing pipeline data directory {@code dataDir}, for commands that look at one (verify,
     * retain, stats): a one-line failure when it is not a directory.
     */
    public PipelineConfig loadFor(Path dataDir) {
        if (!Files.isDirectory(dataDir))
            throw UserException.failure(dataDir + " is not a directory");
        PipelineConfig cfg = load();
        cfg.dataDir = dataDir.toString();
        return cfg;
    }

    /** What to call the config in summaries. */
    public String describe() {
        return config == null ? "embedded default (conf/pipeline.yaml)" : config.toString();
    }
}
