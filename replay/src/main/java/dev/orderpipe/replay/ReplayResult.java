package dev.orderpipe.replay;

import dev.orderpipe.pipeline.ExitCodes;

import java.nio.file.Path;

/**
 * What {@link Replayer#run(ReplayOptions)} returns: the run's summary (also in {@code summary.yaml}) and its status.
 */
public final class ReplayResult {
    private final RunSummary summary;
    private final Verification verification;
    private final Path runDir;

    ReplayResult(RunSummary summary, Verification verification, Path runDir) {
        this.summary = summary;
        this.verification = verification;
        this.runDir = runDir;
    }

    public RunSummary summary() {
        return summary;
    }

    /** The comparison with the capture's executions, or null when there was nothing to compare with. */
    public Verification verification() {
        return verification;
    }

    /** The output directory holding summary.yaml, the .hgrm files and latency.hlog. */
    public Path runDir() {
        return runDir;
    }

    /** Whether the replay produced what the capture did (true when not checked). */
    public boolean matches() {
        return verification == null || verification.matches();
    }

    /**
     * {@link ExitCodes#OK} when the replay ran and matched (or was not checked), {@link ExitCodes#FAILURE} when its
     * executions differ from the capture's.
     */
    public int exitCode() {
        return matches() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
