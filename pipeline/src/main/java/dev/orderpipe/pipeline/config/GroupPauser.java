package dev.orderpipe.pipeline.config;

import net.openhft.chronicle.threads.BusyPauser;
import net.openhft.chronicle.threads.BusyTimedPauser;
import net.openhft.chronicle.threads.LongPauser;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.threads.PauserMode;
import net.openhft.chronicle.threads.YieldingPauser;

import java.util.concurrent.TimeUnit;

/**
 * The pauser a stage group idles with, as it runs: built from the group's {@code pauser} and {@code maxPauseMicros},
 * and described in one line ({@link #toString()}) for the start log, replay summaries and bench reports. What runs is
 * what the config names, whatever the number of CPUs: Chronicle's own factories {@code Pauser.busy()},
 * {@code timedBusy()} and {@code yielding()} quietly return a sleeping pauser on machines with fewer than
 * {@code pauser.minProcessors} (4) CPUs, where waking it costs hundreds of microseconds.
 * <ul>
 *     <li>{@code busy} spins (Chronicle's {@link BusyPauser}); {@code timedBusy} spins too ({@link BusyTimedPauser});
 *     {@code yielding} spins two rounds, then yields the CPU on every idle round ({@link YieldingPauser}).</li>
 *     <li>{@code sleepy} is Chronicle's sleepy shape ({@link LongPauser}): after the last work it yields for 50 µs,
 *     then sleeps 500 µs, each sleep 1/64 + 10 µs longer than the one before, up to {@code maxPauseMicros}.</li>
 *     <li>{@code balanced} is Chronicle's balanced shape for this machine: below 4 CPUs that is sleepy's (Chronicle
 *     does not spin a small machine for 10 ms after every message); with 4 or more it spins
 *     {@code balances.minBusy} (10 ms) and then sleeps from 200 µs; either way up to {@code maxPauseMicros}, where
 *     Chronicle's goes up to 20 ms.</li>
 *     <li>{@code milli} sleeps 1 ms at a time.</li>
 * </ul>
 * The bound is what makes the worst wake-up of an idle group known: an order that arrives after a long quiet spell
 * waits at most {@code maxPauseMicros} (plus the operating system's wake-up), for about
 * {@code 1,000,000 / maxPauseMicros} wake-ups a second while idle.
 */
public final class GroupPauser {
    /** Spin rounds of {@code yielding} before it yields, as Chronicle's {@code Pauser.yielding()}. */
    private static final int YIELDING_SPINS = 2;
    /** Chronicle's sleepy shape: no spinning, 50 µs of yielding, then sleeps from 500 µs. */
    private static final int SLEEPY_YIELD_MICROS = 50;
    private static final long SLEEPY_MIN_SLEEP_MICROS = 500;
    /** Chronicle's balanced shape from 4 CPUs: spins {@code balances.minBusy}, then sleeps from 200 µs. */
    private static final int BALANCED_YIELD_MICROS = 800;
    private static final long BALANCED_MIN_SLEEP_MICROS = 200;

    private final PauserMode mode;
    /** For balanced and sleepy: how long it spins, then yields (from the first idle round), then sleeps, µs. */
    private final int spinMicros;
    private final int yieldMicros;
    private final long minSleepMicros;
    private final long maxSleepMicros;

    private GroupPauser(PauserMode mode, int spinMicros, int yieldMicros, long minSleepMicros, long maxSleepMicros) {
        this.mode = mode;
        this.spinMicros = spinMicros;
        this.yieldMicros = yieldMicros;
        this.minSleepMicros = Math.min(minSleepMicros, maxSleepMicros);
        this.maxSleepMicros = maxSleepMicros;
    }

    /**
     * The pauser of a group; {@code key} names the group in messages ({@code groups[0]}).
     *
     * @throws ConfigException for an unknown pauser, or a {@code maxPauseMicros} given to a pauser that does not back
     *                         off
     */
    public static GroupPauser of(StageGroupConfig g, String key) {
        PauserMode mode = mode(g, key);
        boolean backsOff = mode == PauserMode.balanced || mode == PauserMode.sleepy;
        if (!backsOff && g.maxPauseMicros != StageGroupConfig.DEFAULT_MAX_PAUSE_MICROS)
            throw new ConfigException(key + ".maxPauseMicros " + g.maxPauseMicros + " bounds the back-off of a"
                    + " balanced or sleepy pauser, and this group's pauser is " + g.pauser + ": remove it");
        if (mode == PauserMode.sleepy || mode == PauserMode.balanced && Pauser.SLEEPY)
            return new GroupPauser(mode, 0, SLEEPY_YIELD_MICROS, SLEEPY_MIN_SLEEP_MICROS, g.maxPauseMicros);
        if (mode == PauserMode.balanced)
            return new GroupPauser(mode, Pauser.MIN_BUSY, BALANCED_YIELD_MICROS, BALANCED_MIN_SLEEP_MICROS,
                    g.maxPauseMicros);
        return new GroupPauser(mode, 0, 0, 0, 0);
    }

    private static PauserMode mode(StageGroupConfig g, String key) {
        try {
            return PauserMode.valueOf(g.pauser);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException(key + ".pauser '" + g.pauser
                    + "' is not one of busy, yielding, balanced, sleepy, milli, timedBusy");
        }
    }

    /** A new pauser of this kind, for one runner thread. */
    public Pauser create() {
        switch (mode) {
            case busy:
                return BusyPauser.INSTANCE;
            case timedBusy:
                return new BusyTimedPauser();
            case yielding:
                return new YieldingPauser(YIELDING_SPINS);
            case milli:
                return Pauser.millis(1);
            default:
                return new LongPauser(spinMicros, yieldMicros, minSleepMicros, maxSleepMicros, TimeUnit.MICROSECONDS);
        }
    }

    /** Whether the group's thread keeps a CPU busy when idle (busy, timedBusy, yielding) rather than sleeping. */
    public boolean spins() {
        return mode == PauserMode.busy || mode == PauserMode.timedBusy || mode == PauserMode.yielding;
    }

    /**
     * What the pauser does when the group is idle, e.g. {@code balanced (yield 50 us, then sleep 500..1000 us)} or
     * {@code busy (spin)}.
     */
    @Override
    public String toString() {
        switch (mode) {
            case busy:
            case timedBusy:
                return mode + " (spin)";
            case yielding:
                return mode + " (spin, then yield)";
            case milli:
                return mode + " (sleep 1000 us)";
            default:
                String sleep = minSleepMicros == maxSleepMicros ? "sleep " + maxSleepMicros + " us"
                        : "sleep " + minSleepMicros + ".." + maxSleepMicros + " us";
                return mode + " (" + (spinMicros > 0 ? "spin " + spinMicros + " us" : "yield " + yieldMicros + " us")
                        + ", then " + sleep + ")";
        }
    }
}
