package dev.orderpipe.pipeline;

/** A stage threw: the pipeline stopped. The message names the stage and the input record it was on. */
public final class PipelineFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String stage;
    private final long inputIndex;

    /** @param stage the stage that threw, or null for a stage group's thread itself (its CPU, its start) */
    public PipelineFailedException(String stage, long inputIndex, Throwable cause) {
        super((stage == null ? (cause instanceof OperatorError ? "" : "a stage group's thread failed: ")
                : "stage '" + stage + "' " + (cause instanceof OperatorError ? "stopped" : "failed")
                + " at input " + describe(stage, inputIndex) + ": ")
                + (cause instanceof OperatorError ? cause.getMessage() : cause.toString()), cause);
        this.stage = stage;
        this.inputIndex = inputIndex;
    }

    private static String describe(String stage, long index) {
        if (index < 0)
            return "(none read yet)";
        if ("ingress".equals(stage))
            return "line " + index;
        return "index 0x" + Long.toHexString(index);
    }

    /** Whether the cause is an {@link OperatorError} (to be reported in one line) rather than a bug. */
    public boolean isOperatorError() {
        return getCause() instanceof OperatorError;
    }

    /** The stage that threw; null when a stage group's thread failed before or between its stages' work. */
    public String stage() {
        return stage;
    }

    public long inputIndex() {
        return inputIndex;
    }
}
