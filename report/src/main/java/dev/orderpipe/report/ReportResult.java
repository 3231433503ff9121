package dev.orderpipe.report;

import java.nio.file.Path;
import java.util.List;

/**
 * What a report or comparison wrote.
 *
 * @param html   the self-contained HTML page
 * @param images the charts as PNG files, beside the page
 */
public record ReportResult(Path html, List<Path> images) {
    public ReportResult {
        images = List.copyOf(images);
    }
}
