package dev.orderpipe.pipeline.metrics;

import java.util.List;

/**
 * Every stage's counters at one moment, as a {@link MetricsReader} read them.
 *
 * @param pid           the process that wrote them
 * @param startMillis   when it started its pipeline (epoch ms)
 * @param stoppedMillis when the pipeline stopped (epoch ms), 0 while it runs or when its process died
 * @param readMillis    when they were read (epoch ms)
 */
public record MetricsSnapshot(long pid, long startMillis, long stoppedMillis, long readMillis, List<Stage> stages) {
    public MetricsSnapshot {
        stages = List.copyOf(stages);
    }

    /**
     * One stage's counters since its pipeline started.
     *
     * @param recordsIn   input records (lines for ingress) read
     * @param recordsOut  records written to its output queue, -1 for a stage that writes none (egress)
     * @param polls       {@code doWork()} calls
     * @param idlePolls   calls that found nothing to read
     * @param inputIndex  index of the last input record read (the line number for ingress), -1 before the first
     * @param idleAtMillis when it last found nothing to read (epoch ms), 0 if never
     * @param errors      failures (one stops the pipeline)
     * @param busyNanos   nanoseconds spent in the {@code doWork()} calls that found work (reading its input, deciding,
     *                    writing its output): with {@code recordsIn}, what one record costs the stage
     */
    public record Stage(String name, long recordsIn, long recordsOut, long polls, long idlePolls, long inputIndex,
                        long idleAtMillis, long errors, long busyNanos) {
        /** Mean nanoseconds of the stage's thread per input record since the start, or NaN before the first. */
        public double nanosPerRecord() {
            return recordsIn <= 0 ? Double.NaN : (double) busyNanos / recordsIn;
        }
    }

    /** The stage of that name, or null. */
    public Stage stage(String name) {
        for (Stage s : stages)
            if (s.name().equals(name))
                return s;
        return null;
    }

    /** Whether the pipeline that writes them still runs: not stopped, and its process alive (not killed). */
    public boolean running() {
        return stoppedMillis == 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
