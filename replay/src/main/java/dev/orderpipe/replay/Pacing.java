package dev.orderpipe.replay;

import java.util.Locale;

/**
 * How a replay spaces its sends. An immutable value: {@link #recorded()}, {@link #speed(double)},
 * {@link #rate(double)}, {@link #max()}, or {@link #parse(String)} of {@code recorded}, {@code speed:N},
 * {@code rate:N}, {@code max}.
 *
 * <p>Paced modes (all but max) fix every order's intended send time before the run starts, as an offset from the
 * start: a late send never shifts the next one, and latency is measured from the intended time, so a stalled
 * pipeline shows in the numbers instead of slowing the sender down (coordinated omission corrected). Max sends as
 * fast as the pipeline takes orders; its latency is that of a saturated pipeline (a throughput run).
 *
 * <p>Recorded and speed use the captured inter-arrival gaps of {@code ts_nanos} ({@code OrderInfo.eventTime}): a gap
 * that goes backwards, or a record without a time (a bad line), counts as 0; {@link #withMaxGap(long)} shortens long
 * gaps (a lunch break, a night) so a trading day replays without its idle hours.
 *
 * <p>Its values come from people (flags, {@code speed:10}): one that no pacing can have is a one-line
 * {@link ReplayException#usage usage error}.
 */
public final class Pacing {
    /** The pacing modes. */
    public enum Mode {
        /** The captured gaps. */
        RECORDED,
        /** The captured gaps divided by a factor. */
        SPEED,
        /** A fixed number of orders per second. */
        RATE,
        /** As fast as the pipeline takes them. */
        MAX;

        /** Lower-case name, as in summary.yaml. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pacing RECORDED = new Pacing(Mode.RECORDED, 1, 0);
    private static final Pacing MAX = new Pacing(Mode.MAX, 0, 0);

    private final Mode mode;
    private final double value;
    private final long maxGapNanos;

    private Pacing(Mode mode, double value, long maxGapNanos) {
        this.mode = mode;
        this.value = value;
        this.maxGapNanos = maxGapNanos;
    }

    /** The captured gaps. */
    public static Pacing recorded() {
        return RECORDED;
    }

    /** The captured gaps divided by {@code factor} (2 = twice as fast, 0.5 = half speed). */
    public static Pacing speed(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor))
            throw ReplayException.usage("speed must be a positive factor, was " + factor);
        return new Pacing(Mode.SPEED, factor, 0);
    }

    /** A fixed rate of orders per second. */
    public static Pacing rate(double ordersPerSecond) {
        if (!(ordersPerSecond > 0) || ordersPerSecond > 1e9)
            throw ReplayException.usage("rate must be 0 < orders/s <= 1e9, was " + ordersPerSecond);
        return new Pacing(Mode.RATE, ordersPerSecond, 0);
    }

    /** As fast as possible: a throughput run. */
    public static Pacing max() {
        return MAX;
    }

    /**
     * Parses {@code recorded}, {@code speed:N}, {@code rate:N} or {@code max} (case-insensitive; {@code =} works as
     * well as {@code :}).
     *
     * @throws ReplayException with a one-line message
     */
    public static Pacing parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int sep = Math.max(t.indexOf(':'), t.indexOf('='));
        String name = sep < 0 ? t : t.substring(0, sep);
        String arg = sep < 0 ? "" : t.substring(sep + 1).trim();
        switch (name) {
            case "recorded":
                if (arg.isEmpty())
                    return recorded();
                break;
            case "max":
                if (arg.isEmpty())
                    return max();
                break;
            case "speed":
                return speed(number(arg, text));
            case "rate":
                return rate(number(arg, text));
            default:
                break;
        }
        throw ReplayException.usage("pacing '" + text + "' is not one of recorded, speed:N, rate:N, max");
    }

    private static double number(String arg, String text) {
        try {
            return Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            throw ReplayException.usage("pacing '" + text + "' needs a number, e.g. speed:10 or rate:5000");
        }
    }

    /**
     * The same pacing with captured gaps longer than {@code nanos} shortened to it (recorded and speed only; 0 keeps
     * every gap).
     */
    public Pacing withMaxGap(long nanos) {
        if (nanos < 0)
            throw ReplayException.usage("max gap must be >= 0, was " + nanos);
        if (mode != Mode.RECORDED && mode != Mode.SPEED && nanos != 0)
            throw ReplayException.usage("a max gap applies to recorded and speed pacing, not " + mode.id());
        return new Pacing(mode, value, nanos);
    }

    public Mode mode() {
        return mode;
    }

    /** The speed factor (speed), orders per second (rate), 1 (recorded) or 0 (max). */
    public double value() {
        return value;
    }

    /** Longest captured gap kept, 0 for all. */
    public long maxGapNanos() {
        return maxGapNanos;
    }

    /** Whether sends follow a schedule (every mode but max). */
    public boolean isPaced() {
        return mode != Mode.MAX;
    }

    /** A new schedule builder for one pass over a capture. */
    Schedule schedule() {
        return new Schedule(this);
    }

    @Override
    public String toString() {
        switch (mode) {
            case SPEED:
            case RATE:
                return mode.id() + ":" + stripZero(value) + (maxGapNanos > 0 ? " maxGap " + maxGapNanos + " ns" : "");
            case RECORDED:
                return mode.id() + (maxGapNanos > 0 ? " maxGap " + maxGapNanos + " ns" : "");
            default:
                return mode.id();
        }
    }

    private static String stripZero(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Pacing))
            return false;
        Pacing p = (Pacing) o;
        return mode == p.mode && Double.compare(value, p.value) == 0 && maxGapNanos == p.maxGapNanos;
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + Double.hashCode(value) * 7 + Long.hashCode(maxGapNanos);
    }

    /**
     * Intended send offsets (nanoseconds from the start of the run) for the records of a capture, fed in order.
     * Recorded and speed sum the clamped captured gaps exactly (in {@code long}) and divide the sum, so rounding never
     * accumulates.
     */
    static final class Schedule {
        private final Pacing pacing;
        private long recordedOffset;
        private long lastEventTime = -1;
        private long clampedGaps;

        Schedule(Pacing pacing) {
            this.pacing = pacing;
        }

        /** The offset of the record with send sequence {@code seq} and captured {@code eventTime}. */
        long offset(long seq, long eventTime) {
            switch (pacing.mode) {
                case RATE:
                    return Math.round(seq * 1e9 / pacing.value);
                case MAX:
                    return 0;
                default:
                    if (eventTime > 0) {
                        if (lastEventTime < 0) {
                            lastEventTime = eventTime;
                        } else if (eventTime < lastEventTime) {
                            clampedGaps++; // out of order: send right after the previous, keep the clock
                        } else {
                            long gap = eventTime - lastEventTime;
                            if (pacing.maxGapNanos > 0 && gap > pacing.maxGapNanos) {
                                clampedGaps++;
                                gap = pacing.maxGapNanos;
                            }
                            recordedOffset += gap;
                            lastEventTime = eventTime;
                        }
                    }
                    return pacing.mode == Mode.SPEED ? (long) (recordedOffset / pacing.value) : recordedOffset;
            }
        }

        /** Gaps that went backwards or were shortened by the max gap. */
        long clampedGaps() {
            return clampedGaps;
        }
    }
}
