package dev.orderpipe.pipeline.stage;

/** The finishing protocol shared by every stage: finished once the upstream stage is finished and input ran dry. */
public abstract class AbstractStage implements Stage {
    private final String name;
    private final Stage upstream;
    private volatile boolean finished;

    /**
     * @param upstream the stage that writes this stage's input, or null when input comes from outside
     *                 (in which case the stage finishes only if it says so itself)
     */
    protected AbstractStage(String name, Stage upstream) {
        this.name = name;
        this.upstream = upstream;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public boolean upstreamFinished() {
        return upstream != null && upstream.isFinished();
    }

    @Override
    public final boolean isFinished() {
        return finished;
    }

    @Override
    public final void markFinished() {
        finished = true;
    }
}
