package dev.orderpipe.pipeline.stage;

/** What every stage has: its name. */
public abstract class AbstractStage implements Stage {
    private final String name;

    protected AbstractStage(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }
}
