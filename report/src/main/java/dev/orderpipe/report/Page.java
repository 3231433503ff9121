package dev.orderpipe.report;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.util.AtomicFile;
import dev.orderpipe.replay.RunSummary;
import org.knowm.xchart.XYChart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * What the report and comparison pages share: the document skeleton and style sheet, banners, figures (inline SVG
 * plus a PNG beside the page) and output paths. Pages are polyglot XHTML5 with no script and no network reference.
 */
final class Page {
    static final String XHTML_NS = "http://www.w3.org/1999/xhtml";

    private static final String CSS = """
            :root { --ink: #1f2933; --muted: #52606d; --line: #e4e7eb; --bg: #f5f7fa; --card: #ffffff;
                    --warn-bg: #fff4e0; --warn: #8a5300; --bad-bg: #fde8e8; --bad: #9b1c1c;
                    --ok-bg: #e6f4ea; --ok: #1e6b34; --info-bg: #e8f0fb; --info: #1f4e8c; }
            * { box-sizing: border-box; }
            body { margin: 0; background: var(--bg); color: var(--ink);
                   font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            main { max-width: 1240px; margin: 0 auto; padding: 24px 20px 48px; }
            header h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
            header p { margin: 0; color: var(--muted); }
            h2 { font-size: 19px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
            h3 { font-size: 15px; margin: 18px 0 8px; }
            section { margin-top: 8px; }
            code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
                        font-size: 13px; }
            pre { white-space: pre-wrap; word-break: break-all; margin: 0; }
            .banner { border-radius: 6px; padding: 12px 16px; margin: 14px 0; border-left: 5px solid; }
            .banner strong { display: block; margin-bottom: 2px; }
            .banner.warn { background: var(--warn-bg); color: var(--warn); }
            .banner.bad { background: var(--bad-bg); color: var(--bad); }
            .banner.ok { background: var(--ok-bg); color: var(--ok); }
            .banner.info { background: var(--info-bg); color: var(--info); }
            .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px;
                     margin: 18px 0; }
            .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
            .card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
            .card .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
            .card .u { font-size: 13px; color: var(--muted); font-weight: 400; }
            .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
            figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px;
                     padding: 8px; }
            figure svg.chart { display: block; width: 100%; height: auto; }
            figcaption { color: var(--muted); font-size: 13px; padding: 4px 8px; }
            figcaption a { color: var(--info); }
            .empty { color: var(--muted); padding: 32px; text-align: center; }
            table { border-collapse: collapse; background: var(--card); border: 1px solid var(--line);
                    margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
            th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
            th { background: #eef1f5; font-weight: 600; font-size: 13px; }
            td.n, th.n { text-align: right; white-space: nowrap; }
            table.kv th { width: 220px; background: #f8f9fb; }
            tbody tr:nth-child(even) td { background: #fafbfc; }
            td.group { background: var(--card) !important; font-weight: 600; }
            .banner ul { margin: 6px 0 0; padding-left: 20px; }
            .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 8px;
                      vertical-align: -1px; }
            td.fail { background: var(--bad-bg) !important; color: var(--bad); font-weight: 600; }
            td.up { color: var(--warn); }
            td.down { color: var(--ok); }
            details { margin: 8px 0 16px; }
            summary { cursor: pointer; color: var(--info); }
            .note { color: var(--muted); font-size: 13px; }
            .two { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; }
            footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
            """;

    private Page() {
    }

    /** The document up to the opening of {@code <main>}. */
    static void start(Xhtml x, String title) {
        x.raw("<!DOCTYPE html>\n");
        x.open("html", "xmlns", XHTML_NS, "lang", "en", "xml:lang", "en").raw("\n");
        x.open("head").raw("\n");
        x.empty("meta", "charset", "UTF-8").raw("\n");
        x.empty("meta", "name", "viewport", "content", "width=device-width, initial-scale=1").raw("\n");
        x.element("title", title);
        x.open("style").raw("\n").raw(CSS).close("style");
        x.close("head");
        x.open("body").open("main").raw("\n");
    }

    static void end(Xhtml x, String generatedBy) {
        x.open("footer").text(generatedBy + " on "
                + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).close("footer");
        x.close("main").close("body").close("html");
    }

    static void banner(Xhtml x, String kind, String title, String text) {
        x.open("div", "class", "banner " + kind, "role", kind.equals("info") ? "note" : "alert");
        x.element("strong", title);
        if (text != null && !text.isEmpty())
            x.text(text);
        x.close("div");
    }

    /** Warnings a reader must see before trusting a run's numbers. */
    static void runBanners(Xhtml x, RunSummary s, String who) {
        String prefix = who == null ? "" : who + ": ";
        if (s.throughputRun)
            banner(x, "warn", prefix + "Throughput run: latency of a saturated pipeline",
                    "Orders were sent as fast as possible (pacing " + s.pacing + "), so these latencies include"
                            + " queueing behind earlier orders. They measure capacity, not the latency a paced feed"
                            + " would see; compare them only with other throughput runs.");
        if ("differs".equals(s.verification))
            banner(x, "bad", prefix + "Verification differs: outputs do not match the capture",
                    s.differences + " difference(s)" + (s.firstDifference == null || s.firstDifference.isEmpty()
                            ? "." : "; first: " + s.firstDifference));
    }

    /** A chart figure: inline SVG, and the same chart as a PNG beside the page. */
    static void figure(Xhtml x, String id, XYChart chart, String title, String caption, Path html,
                       List<Path> images) {
        x.open("figure", "id", id);
        if (chart == null) {
            x.element("p", title + ": no data.", "class", "empty");
        } else {
            x.raw(LatencyCharts.svg(chart, id, title));
            Path png = pngBeside(html, id);
            LatencyCharts.png(chart, png);
            images.add(png);
            x.open("figcaption").text(caption == null ? "" : caption + " ");
            x.element("a", "PNG", "href", png.getFileName().toString());
            x.close("figcaption");
        }
        x.close("figure");
    }

    static Path pngBeside(Path html, String id) {
        String name = html.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return html.resolveSibling(base + "-" + id.replaceFirst("^chart-", "") + ".png");
    }

    /** A key/value table; values that span lines are shown preformatted. */
    static void keyValues(Xhtml x, String id, Map<String, String> rows) {
        x.open("table", "class", "kv", "id", id).open("tbody");
        for (Map.Entry<String, String> e : rows.entrySet()) {
            x.open("tr").element("th", e.getKey(), "scope", "row").open("td");
            String v = e.getValue() == null ? "" : e.getValue();
            if (v.indexOf('\n') >= 0)
                x.element("pre", v);
            else
                x.element("code", v);
            x.close("td").close("tr");
        }
        x.close("tbody").close("table");
    }

    static void headerRow(Xhtml x, String... cells) {
        x.open("thead").open("tr");
        for (String c : cells) {
            boolean numeric = c.startsWith("#");
            x.element("th", numeric ? c.substring(1) : c, "scope", "col", "class", numeric ? "n" : null);
        }
        x.close("tr").close("thead");
    }

    static void num(Xhtml x, String value) {
        x.element("td", value, "class", "n");
    }

    static void swatchCell(Xhtml x, String name, java.awt.Color colour) {
        x.open("td").open("span", "class", "swatch", "style", "background:" + hex(colour)).raw("</span>").text(name)
                .close("td");
    }

    static String hex(java.awt.Color c) {
        return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    /** Where the page goes: the given file, {@code defaultName} in it when it is a directory, or in {@code dir}. */
    static Path outFile(Path outFile, Path dir, String defaultName) {
        Path out = outFile == null ? dir.resolve(defaultName) : outFile;
        if (Files.isDirectory(out))
            out = out.resolve(defaultName);
        Path parent = out.toAbsolutePath().getParent();
        try {
            if (parent != null)
                Files.createDirectories(parent);
        } catch (IOException e) {
            throw new BadFileException("cannot create " + parent + ": " + e.getMessage());
        }
        return out;
    }

    static void write(Path file, String content) {
        try {
            AtomicFile.writeString(file, content);
        } catch (IOException e) {
            throw new BadFileException("cannot write " + file + ": " + e);
        }
    }
}
