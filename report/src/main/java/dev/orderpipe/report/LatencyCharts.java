package dev.orderpipe.report;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.util.AtomicFile;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the report's charts with XChart and exports them as inline SVG (for the page) and PNG (for terminals and
 * tickets). Rendering is headless; XChart draws text as outlines, so the SVG needs no font and looks the same as the
 * PNG everywhere.
 */
public final class LatencyCharts {
    static {
        // charts are drawn by command line tools and CI jobs without a display; set before any AWT class asks
        if (System.getProperty("java.awt.headless") == null)
            System.setProperty("java.awt.headless", "true");
    }

    /** Chart size in SVG user units and PNG points. */
    static final int WIDTH = 760;
    static final int HEIGHT = 430;
    /** PNGs at twice the screen density, so they stay sharp in tickets and on high-DPI screens. */
    private static final int PNG_DPI = 144;

    // Tableau 10: distinguishable, colour-blind friendlier than XChart's default, and each histogram keeps its colour
    // in every chart of a report.
    static final Color END_TO_END = new Color(0x4E79A7);
    private static final Color[] STAGE_COLOURS = {
            new Color(0xF28E2B), new Color(0x59A14F), new Color(0xB07AA1), new Color(0x76B7B2),
            new Color(0xEDC948), new Color(0xFF9DA7), new Color(0x9C755F)};
    /** Latency over time: the median in the end-to-end colour, the tail in red, the maximum in grey. */
    static final Color P50 = END_TO_END;
    static final Color P99 = new Color(0xE15759);
    static final Color MAX = new Color(0x79706E);
    /** Comparison: run A (the baseline) grey, run B orange, in every chart of the page. */
    static final Color RUN_A = new Color(0x5F6B78);
    static final Color RUN_B = new Color(0xF28E2B);

    private static final Color INK = new Color(0x1F2933);
    private static final Color GRID = new Color(0xE4E7EB);
    private static final Color FRAME = new Color(0xB8BFC7);
    private static final BasicStroke SOLID = new BasicStroke(2.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    private static final BasicStroke DASHED = new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND,
            10f, new float[]{6f, 4f}, 0f);
    private static final double MEDIAN_NINES = Math.log10(2);
    /** The nines axis always reaches 99.99%, so runs of different lengths share an axis. */
    private static final int MIN_NINES = 4;

    private static final Pattern LONG_DECIMAL = Pattern.compile("-?\\d+\\.\\d{3,}");
    private static final Pattern ID = Pattern.compile("id=\"([^\"]+)\"");
    private static final Pattern URL_REF = Pattern.compile("url\\(#([^)]+)\\)");

    private LatencyCharts() {
    }

    /**
     * One line of a chart.
     *
     * @param label  legend text
     * @param x      x values
     * @param y      y values, same length
     * @param colour line colour
     * @param dashed dashed rather than solid
     */
    public record Series(String label, double[] x, double[] y, Color colour, boolean dashed) {
        boolean isEmpty() {
            return x.length == 0;
        }
    }

    /** The colour of a histogram: end-to-end blue, the stages in data-flow order after it. */
    static Color colour(String histogram) {
        if (histogram.equals(dev.orderpipe.replay.RunSummary.END_TO_END))
            return END_TO_END;
        int i = RunData.KNOWN_HISTOGRAMS.indexOf(histogram);
        int index = i > 0 ? i - 1 : RunData.KNOWN_HISTOGRAMS.size() - 1 + Math.floorMod(histogram.hashCode(), 3);
        return STAGE_COLOURS[index % STAGE_COLOURS.length];
    }

    /** A distribution as a line on the nines axis, in microseconds. */
    static Series distribution(String label, Distribution d, Color colour, boolean dashed) {
        List<Distribution.Point> points = d.finitePoints();
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i).nines();
            y[i] = points.get(i).valueMicros();
        }
        return new Series(label, x, y, colour, dashed);
    }

    /**
     * Latency by percentile as HdrHistogram's plotter draws it: x is 1/(1-percentile) on a log axis, labelled with
     * the percentiles (0%, 50%, 90%, 99%, 99.9%, ...), y is linear latency in microseconds.
     *
     * @return the chart, or null when no series has a point
     */
    static XYChart percentiles(String title, List<Series> series) {
        return percentiles(title, series, false);
    }

    /**
     * {@link #percentiles(String, List)}, with {@code logY} the latency on a log axis (points at 0 left out): the
     * median and the tail of one run on one readable chart.
     */
    static XYChart percentiles(String title, List<Series> series, boolean logY) {
        List<Series> drawn = nonEmpty(series);
        if (logY)
            drawn = nonEmpty(drawn.stream().map(LatencyCharts::positive).toList());
        if (drawn.isEmpty())
            return null;
        // XChart's log axis cannot take a tick label formatter (it loops), so the axis is linear in
        // log10(1/(1-p)) and the formatter names each whole number of nines
        double maxX = 0;
        double maxY = 0;
        for (Series s : drawn) {
            for (double x : s.x())
                maxX = Math.max(maxX, x);
            for (double y : s.y())
                maxY = Math.max(maxY, y);
        }
        double minY = Double.POSITIVE_INFINITY;
        for (Series s : drawn)
            for (double y : s.y())
                if (y > 0)
                    minY = Math.min(minY, y);
        int nines = Math.max(MIN_NINES, (int) Math.ceil(maxX - 1e-9));
        XYChart chart = base(title, "Percentile", logY ? "Latency (µs, log scale)" : "Latency (µs)");
        XYStyler st = chart.getStyler();
        st.setXAxisMin(0.0);
        st.setXAxisMax((double) nines);
        double yLow = 0.0;
        if (logY) {
            st.setYAxisLogarithmic(true);
            yLow = Math.pow(10, Math.floor(Math.log10(minY))); // a whole decade: XChart labels only those
            st.setYAxisMin(yLow);
        } else {
            st.setYAxisMin(0.0);
        }
        st.setYAxisMax(maxY > 0 ? maxY : 1.0);
        // a hint of ~70% of one decade's width makes XChart step one decade at a time
        st.setXAxisTickMarkSpacingHint(Math.max(60, (int) (0.7 * (WIDTH - 110) / nines)));
        st.setxAxisTickLabelsFormattingFunction(LatencyCharts::ninesLabel);
        st.setLegendPosition(Styler.LegendPosition.InsideNW);
        for (Series s : drawn)
            add(chart, s);
        addMedianTick(chart, yLow, maxY > 0 ? maxY : 1.0);
        return chart;
    }

    /** Label of a tick on the nines axis: whole numbers of nines only. */
    static String ninesLabel(double u) {
        double k = Math.rint(u);
        if (Math.abs(u - k) > 1e-6 || k < 0)
            return "";
        if (k == 0)
            return "0%";
        BigDecimal p = BigDecimal.valueOf(100).subtract(BigDecimal.valueOf(100).movePointLeft((int) k));
        return p.stripTrailingZeros().toPlainString() + "%";
    }

    /**
     * 50% is not a whole number of nines, so XChart puts no tick there: draw a grid line and a label in the tick
     * label row ourselves. The label is placed in screen space, measured from a first layout of the chart.
     */
    private static void addMedianTick(XYChart chart, double minY, double maxY) {
        XYStyler st = chart.getStyler();
        chart.addAnnotation(new AnnotationLine(MEDIAN_NINES, true, false));
        BitmapEncoder.getBufferedImage(chart);
        double x = chart.getScreenXFromChart(MEDIAN_NINES);
        double yZero = chart.getScreenYFromChart(minY);
        double yMax = chart.getScreenYFromChart(maxY);
        double content = yZero - yMax;
        double margin = content * (1 - st.getPlotContentSize()) / 2 / st.getPlotContentSize();
        double plotBottom = yZero + margin;
        Font font = st.getAxisTickLabelsFont();
        double ascent = font.getLineMetrics("50%", new FontRenderContext(null, true, true)).getAscent();
        double labelCentre = plotBottom + st.getAxisTickMarkLength() + st.getAxisTickPadding() + ascent / 2 + 3;
        // screen-space annotations count y from the bottom of the chart
        chart.addAnnotation(new AnnotationText("50%", x, HEIGHT - labelCentre, true));
    }

    /**
     * Values over the run's time (seconds since the first interval).
     *
     * @param yTitle  y axis title with its unit
     * @param allowLog use a log y axis when the values span two decades or more: the maximum is often 100x the
     *                 median, and a linear axis would flatten the median. XChart labels only whole decades of a log
     *                 axis, so a narrower range stays linear to keep its labels.
     * @return the chart, or null when no series has a point
     */
    static XYChart overTime(String title, String yTitle, boolean allowLog, List<Series> series) {
        return overTime(title, yTitle, allowLog, false, series);
    }

    /** {@link #overTime(String, String, boolean, List)}, with {@code forceLog} a log y axis whatever the span. */
    static XYChart overTime(String title, String yTitle, boolean allowLog, boolean forceLog, List<Series> series) {
        List<Series> drawn = nonEmpty(series);
        if (drawn.isEmpty())
            return null;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = 0;
        for (Series s : drawn) {
            for (double y : s.y()) {
                maxY = Math.max(maxY, y);
                if (y > 0)
                    minY = Math.min(minY, y);
            }
        }
        boolean logY = allowLog && (forceLog ? minY < Double.POSITIVE_INFINITY : maxY >= 100 * minY);
        if (logY)
            drawn = nonEmpty(drawn.stream().map(LatencyCharts::positive).toList());
        XYChart chart = base(title, "Time since first interval (s)", logY ? logTitle(yTitle) : yTitle);
        XYStyler st = chart.getStyler();
        st.setYAxisLogarithmic(logY);
        if (!logY) {
            // headroom above the highest point, so a flat line does not sit on the frame
            st.setYAxisMin(0.0);
            st.setYAxisMax(maxY > 0 ? maxY * 1.15 : 1.0);
        }
        st.setXAxisTickMarkSpacingHint(70);
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setLegendVisible(drawn.size() > 1);
        for (Series s : drawn)
            add(chart, s);
        return chart;
    }

    /** "Latency (µs)" becomes "Latency (µs, log scale)". */
    private static String logTitle(String title) {
        return title.endsWith(")") ? title.substring(0, title.length() - 1) + ", log scale)" : title + " (log scale)";
    }

    private static XYChart base(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        XYStyler st = chart.getStyler();
        style(st);
        st.setMarkerSize(5);
        return chart;
    }

    /** The look every chart shares: white, a light grid, the plot frame as the axis, readable fonts. */
    private static void style(AxesChartStyler st) {
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(FRAME);
        st.setPlotGridLinesColor(GRID);
        st.setPlotGridLinesStroke(new BasicStroke(1f));
        st.setChartFontColor(INK);
        st.setAxisTickLabelsColor(INK);
        st.setAxisTickMarksColor(FRAME);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendBorderColor(FRAME);
        st.setLegendBackgroundColor(new Color(255, 255, 255, 230));
        st.setChartTitleBoxVisible(false);
        // the plot frame is the axis; XChart's own axis lines would sit a few pixels off it
        st.setAxisTicksLineVisible(false);
        st.setChartPadding(12);
        st.setAnnotationLineColor(GRID);
        st.setAnnotationLineStroke(new BasicStroke(1f));
        st.setAnnotationTextFont(st.getAxisTickLabelsFont());
        st.setAnnotationTextFontColor(INK);
        st.setLocale(Locale.ROOT);
        st.setAntiAlias(true);
    }

    /**
     * Latency by offered rate, both axes logarithmic (the bench: one colour per variant, p50 solid and p99 dashed);
     * dashed lines stay out of the legend, where the solid line of the same colour names them.
     *
     * @return the chart, or null when no series has a point
     */
    public static XYChart byRate(String title, List<Series> series) {
        List<Series> drawn = nonEmpty(nonEmpty(series).stream().map(LatencyCharts::positive).toList());
        if (drawn.isEmpty())
            return null;
        XYChart chart = base(title, "Offered rate (orders/s, log scale)", "Latency (µs, log scale)");
        XYStyler st = chart.getStyler();
        st.setXAxisLogarithmic(true);
        st.setYAxisLogarithmic(true);
        st.setXAxisDecimalPattern("#,##0");
        st.setYAxisDecimalPattern("#,##0.#");
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setLegendLayout(Styler.LegendLayout.Vertical);
        for (Series s : drawn) {
            add(chart, s);
            XYSeries xy = chart.getSeriesMap().get(s.label());
            xy.setMarker(SeriesMarkers.CIRCLE);
            xy.setShowInLegend(!s.dashed());
        }
        return chart;
    }

    /**
     * One bar per label (the bench's flat-out throughput per variant), in the given order.
     *
     * @return the chart, or null when there is no bar
     */
    public static CategoryChart bars(String title, String yTitle, List<String> labels, List<Double> values) {
        if (labels.isEmpty())
            return null;
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yTitle)
                .build();
        CategoryStyler st = chart.getStyler();
        style(st);
        st.setLegendVisible(false);
        st.setXAxisLabelRotation(30);
        st.setYAxisMin(0.0);
        st.setYAxisDecimalPattern("#,##0");
        st.setLabelsVisible(true);
        st.setLabelsFont(st.getAxisTickLabelsFont());
        st.setLabelsFontColor(INK);
        st.setLabelsFontColorAutomaticEnabled(false);
        st.setLabelsPosition(1.0);
        st.setSeriesColors(new Color[]{END_TO_END});
        chart.addSeries(yTitle, labels, values);
        return chart;
    }

    /** The colour of the {@code i}-th of several lines that stand for no histogram (the bench's variants). */
    public static Color nth(int i) {
        return i == 0 ? END_TO_END : i == 1 ? P99 : STAGE_COLOURS[(i - 2) % STAGE_COLOURS.length];
    }

    private static void add(XYChart chart, Series s) {
        XYSeries xy = chart.addSeries(s.label(), s.x(), s.y());
        xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        xy.setLineColor(s.colour());
        xy.setLineStyle(s.dashed() ? DASHED : SOLID);
        // a single interval is a point, not a line: give it a marker so it shows
        xy.setMarker(s.x().length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        xy.setMarkerColor(s.colour());
    }

    private static List<Series> nonEmpty(List<Series> series) {
        List<Series> out = new ArrayList<>();
        for (Series s : series)
            if (!s.isEmpty())
                out.add(s);
        return out;
    }

    /** Drops points a log axis cannot show (empty intervals report 0). */
    private static Series positive(Series s) {
        int n = 0;
        for (double y : s.y())
            if (y > 0)
                n++;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0, j = 0; i < s.y().length; i++) {
            if (s.y()[i] > 0) {
                x[j] = s.x()[i];
                y[j++] = s.y()[i];
            }
        }
        return new Series(s.label(), x, y, s.colour(), s.dashed());
    }

    /**
     * The chart as an {@code <svg>} element to inline in the page: no XML prolog or DOCTYPE (which names a DTD on
     * the network), ids prefixed with {@code id} so several charts can share a page, coordinates rounded to 0.01 to
     * keep the page small, and a title for screen readers.
     */
    static String svg(XYChart chart, String id, String title) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 18);
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, bytes, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String svg = bytes.toString(StandardCharsets.UTF_8);
        int start = svg.indexOf("<svg");
        if (start < 0)
            throw new IllegalStateException("XChart wrote no <svg> element");
        svg = svg.substring(start).trim();
        svg = ID.matcher(svg).replaceAll(m -> "id=\"" + Matcher.quoteReplacement(id + "-" + m.group(1)) + "\"");
        svg = URL_REF.matcher(svg).replaceAll(m -> "url(#" + Matcher.quoteReplacement(id + "-" + m.group(1)) + ")");
        svg = svg.replace("href=\"#", "href=\"#" + id + "-");
        svg = LONG_DECIMAL.matcher(svg).replaceAll(m -> round(m.group()));
        int tagEnd = svg.indexOf('>');
        String head = svg.substring(0, tagEnd);
        boolean selfClosed = head.endsWith("/");
        if (selfClosed)
            throw new IllegalStateException("XChart wrote an empty <svg> element");
        String escapedTitle = Xhtml.escape(title);
        return head + " class=\"chart\" role=\"img\" aria-label=\"" + escapedTitle + "\">\n<title>" + escapedTitle
                + "</title>" + svg.substring(tagEnd + 1) + "\n";
    }

    private static String round(String number) {
        String r = new BigDecimal(number).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return r.equals("-0") ? "0" : r;
    }

    /** Writes the chart as a PNG file. */
    public static void png(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) {
        try (AtomicFile out = AtomicFile.create(file)) {
            BitmapEncoder.saveBitmapWithDPI(chart, out.temp().toString(), BitmapEncoder.BitmapFormat.PNG, PNG_DPI);
            out.commit();
        } catch (IOException e) {
            throw new BadFileException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
