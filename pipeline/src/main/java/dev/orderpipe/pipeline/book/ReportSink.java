package dev.orderpipe.pipeline.book;

import dev.orderpipe.pipeline.OrderInfo;

/**
 * Where the matching engine writes execution reports. The engine {@link #claim()}s a reused, reset record, fills
 * its business fields and {@link #publish()}es it; the sink adds sequence number and provenance. Nothing is allocated.
 */
public interface ReportSink {
    /** A reset record to fill with the next report. */
    OrderInfo claim();

    /** Emits the record returned by the last {@link #claim()}. */
    void publish();
}
