package dev.orderpipe.replay;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The live progress of a replay: sent, accounted, the accounted rate and an ETA. On a terminal one line is
 * rewritten in place ({@code \r}); otherwise a plain line is printed every interval, for logs. Runs on the replay's
 * control thread (it formats Strings; the sending thread and the recorder on the egress thread never do).
 */
final class ProgressReporter {
    /** How often a terminal line is redrawn. */
    static final long TERMINAL_REFRESH_NANOS = 250_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private final long total;
    private final long startNanos;
    private final long scheduleEndNanos;
    private long lastPrintNanos;
    private long lastAccounted;
    private long lastRateNanos;
    private double rate;
    private int lastWidth;

    /**
     * @param scheduleEndNanos when the last order is due (System.nanoTime()), or 0 for a max run
     */
    ProgressReporter(PrintStream out, boolean terminal, long intervalNanos, long total, long startNanos,
                     long scheduleEndNanos) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = terminal ? TERMINAL_REFRESH_NANOS : intervalNanos;
        this.total = total;
        this.startNanos = startNanos;
        this.scheduleEndNanos = scheduleEndNanos;
        this.lastPrintNanos = startNanos;
        this.lastRateNanos = startNanos;
    }

    /** Prints when an interval has passed. */
    void update(long now, long sent, long accounted) {
        if (out == null || now - lastPrintNanos < intervalNanos)
            return;
        lastPrintNanos = now;
        print(now, sent, accounted);
    }

    /** Prints the final state and ends a terminal line. */
    void finish(long now, long sent, long accounted) {
        if (out == null)
            return;
        print(now, sent, accounted);
        if (terminal)
            out.println();
        out.flush();
    }

    private void print(long now, long sent, long accounted) {
        long dt = now - lastRateNanos;
        if (dt > 0) {
            double instant = (accounted - lastAccounted) * 1e9 / dt;
            rate = lastAccounted == 0 && rate == 0 ? instant : 0.5 * rate + 0.5 * instant;
            lastAccounted = accounted;
            lastRateNanos = now;
        }
        String line = line(now, sent, accounted);
        if (terminal) {
            StringBuilder sb = new StringBuilder(line.length() + 8).append('\r').append(line);
            for (int i = line.length(); i < lastWidth; i++)
                sb.append(' ');
            lastWidth = line.length();
            out.print(sb);
        } else {
            out.println(line);
        }
        out.flush();
    }

    String line(long now, long sent, long accounted) {
        double pct = total == 0 ? 100 : 100.0 * accounted / total;
        return String.format(Locale.ROOT,
                "replay: sent %,d/%,d  accounted %,d (%.1f%%)  rate %,d/s  elapsed %s  ETA %s",
                sent, total, accounted, pct, Math.round(rate), duration(now - startNanos), eta(now, accounted));
    }

    private String eta(long now, long accounted) {
        if (accounted >= total)
            return "0:00";
        long scheduleLeft = scheduleEndNanos == 0 ? 0 : Math.max(0, scheduleEndNanos - now);
        if (rate <= 0 && scheduleLeft == 0)
            return "?";
        long backlog = rate <= 0 ? 0 : (long) ((total - accounted) / rate * 1e9);
        return duration(Math.max(scheduleLeft, backlog));
    }

    private static String duration(long nanos) {
        long s = Math.max(0, nanos) / 1_000_000_000L;
        if (s >= 3600)
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
