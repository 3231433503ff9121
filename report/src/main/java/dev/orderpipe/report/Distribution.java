package dev.orderpipe.report;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.replay.HistogramSummary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The percentile distribution of one latency histogram, in microseconds: the points of its {@code <name>.hgrm} file
 * (HdrHistogram's {@code outputPercentileDistribution} scaled by 1000), or, when a run has no such file, the few
 * percentiles {@code summary.yaml} holds.
 *
 * @param name        histogram name, e.g. {@code end-to-end}
 * @param description what it measures, from the summary (may be empty)
 * @param points      percentile points in increasing order
 * @param totalCount  number of samples
 * @param maxMicros   largest sample
 * @param meanMicros  mean sample, NaN when unknown
 * @param fromSummary true when the points come from summary.yaml, not from a .hgrm file
 */
public record Distribution(String name, String description, List<Point> points, long totalCount, double maxMicros,
                           double meanMicros, boolean fromSummary) {
    private static final Pattern MEAN = Pattern.compile("#\\[Mean\\s*=\\s*(\\S+?),\\s");

    /**
     * One line of a percentile distribution.
     *
     * @param percentile  fraction in [0, 1], e.g. 0.99
     * @param valueMicros latency at that percentile
     * @param totalCount  samples at or below it
     */
    public record Point(double percentile, double valueMicros, long totalCount) {
        /**
         * Position on the "nines" axis: log10(1 / (1 - percentile)), so 90% is 1, 99% is 2, 99.9% is 3.
         * Infinite at 100%.
         */
        public double nines() {
            return -Math.log10(1 - percentile);
        }
    }

    /** Parses a {@code .hgrm} file; a line that is not HdrHistogram percentile output is a one-line error. */
    static Distribution parseHgrm(String name, String description, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadFileException(file + " does not exist");
        } catch (IOException e) {
            throw new BadFileException("cannot read " + file + ": " + e.getMessage());
        }
        List<Point> points = new ArrayList<>();
        boolean header = false;
        double mean = Double.NaN;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty())
                continue;
            if (line.startsWith("Value")) {
                header = true;
            } else if (line.startsWith("#")) {
                Matcher m = MEAN.matcher(line);
                if (m.find())
                    mean = parseNumber(m.group(1));
            } else {
                points.add(parsePoint(line, file, i + 1));
            }
        }
        if (!header)
            throw new BadFileException(file + " is not HdrHistogram percentile output: it has no"
                    + " 'Value Percentile' header line");
        if (points.isEmpty())
            return new Distribution(name, description, points, 0, 0, mean, false);
        Point last = points.get(points.size() - 1);
        double max = 0;
        for (Point p : points)
            max = Math.max(max, p.valueMicros());
        return new Distribution(name, description, List.copyOf(points), last.totalCount(), max, mean, false);
    }

    private static Point parsePoint(String line, Path file, int lineNumber) {
        String[] f = line.split("\\s+");
        try {
            if (f.length < 3 || f.length > 4)
                throw new NumberFormatException("expected 3 or 4 columns");
            double value = parseNumber(f[0]);
            double percentile = parseNumber(f[1]);
            long count = Long.parseLong(f[2]);
            if (!(percentile >= 0 && percentile <= 1) || !(value >= 0) || Double.isInfinite(value) || count < 0)
                throw new NumberFormatException("out of range");
            return new Point(percentile, value, count);
        } catch (NumberFormatException e) {
            throw new BadFileException(file + " line " + lineNumber
                    + " is not HdrHistogram percentile output (Value Percentile TotalCount 1/(1-Percentile)): " + line);
        }
    }

    // outputPercentileDistribution formats with the default locale, so a run made under a comma-decimal locale
    // writes 0,500 where we expect 0.500
    private static double parseNumber(String s) {
        return Double.parseDouble(s.indexOf('.') < 0 ? s.replace(',', '.') : s);
    }

    /** The percentiles summary.yaml holds (nanoseconds), for a run that has no .hgrm file for this histogram. */
    static Distribution fromSummary(HistogramSummary s) {
        List<Point> points = new ArrayList<>();
        if (s.count > 0) {
            points.add(new Point(0.5, s.p50 / 1e3, 0));
            points.add(new Point(0.9, s.p90 / 1e3, 0));
            points.add(new Point(0.99, s.p99 / 1e3, 0));
            points.add(new Point(0.999, s.p999 / 1e3, 0));
            points.add(new Point(0.9999, s.p9999 / 1e3, 0));
            points.add(new Point(1.0, s.max / 1e3, s.count));
        }
        return new Distribution(s.name, s.description, List.copyOf(points), s.count, s.max / 1e3, s.mean / 1e3, true);
    }

    /** The latency at a percentile fraction: the first point at or above it, as HdrHistogram reports it. */
    public double valueAt(double percentile) {
        for (Point p : points)
            if (p.percentile() >= percentile - 1e-12)
                return p.valueMicros();
        return maxMicros;
    }

    /** The points that can be drawn on the nines axis (100% is infinitely far right). */
    List<Point> finitePoints() {
        List<Point> out = new ArrayList<>();
        for (Point p : points)
            if (p.percentile() < 1 && Double.isFinite(p.nines()))
                out.add(p);
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %d samples, %d points", name, totalCount, points.size());
    }
}
