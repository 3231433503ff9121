package dev.orderpipe.replay;

/**
 * When each of a run's orders is due, as an offset in nanoseconds from the start of the run: what the
 * {@link ReplayDriver} waits for and what the {@link LatencyRecorder} measures from. A replay fixes the offsets of
 * every captured order in advance (recorded and speed pacing need the captured times); a pacing that needs no capture
 * (rate or max) computes them, so a run of millions of orders holds no array. Offsets of a computed schedule depend
 * on the sequence only, so the sending and the recording thread may both ask.
 */
public final class SendSchedule {
    private final Pacing pacing;
    private final long count;
    /** The offsets fixed in advance, or null when {@link #computed} gives them. */
    private final long[] offsets;
    private final Pacing.Schedule computed;

    private SendSchedule(Pacing pacing, long count, long[] offsets) {
        this.pacing = pacing;
        this.count = count;
        this.offsets = offsets;
        this.computed = offsets == null ? pacing.schedule() : null;
    }

    /**
     * {@code count} orders at a pacing that needs no capture: {@link Pacing#rate(double)} or {@link Pacing#max()}.
     *
     * @throws IllegalArgumentException for recorded or speed pacing
     */
    public static SendSchedule of(Pacing pacing, long count) {
        if (pacing.mode() != Pacing.Mode.RATE && pacing.mode() != Pacing.Mode.MAX)
            throw new IllegalArgumentException(pacing.mode().id() + " pacing needs the captured times of the orders");
        if (count < 0)
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        return new SendSchedule(pacing, count, null);
    }

    /** The offsets of {@code count} captured orders, fixed in advance. */
    static SendSchedule fixed(Pacing pacing, long count, long[] offsets) {
        return new SendSchedule(pacing, count, offsets);
    }

    public Pacing pacing() {
        return pacing;
    }

    /** Orders to send. */
    public long count() {
        return count;
    }

    /** Whether sends follow the schedule (false: as fast as possible, where no offset applies). */
    public boolean isPaced() {
        return pacing.isPaced();
    }

    /** When order {@code seq} (0-based) is due, in nanoseconds from the start of the run. Allocation-free. */
    public long offset(long seq) {
        return offsets != null ? offsets[(int) seq] : computed.offset(seq, 0);
    }
}
