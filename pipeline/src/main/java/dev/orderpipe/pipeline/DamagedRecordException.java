package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.infra.QueueInput;
import net.openhft.chronicle.core.io.InvalidMarshallableException;

/**
 * A queue record that is not an intact {@link OrderInfo}: too short, of another format, or with bytes that do not
 * match its CRC32C. Thrown while reading, as one of three pre-allocated, stackless instances so that the read path
 * stays garbage-free; whoever reads names the queue and the index ({@link dev.orderpipe.pipeline.stage.QueueInput}).
 */
public final class DamagedRecordException extends InvalidMarshallableException {
    private static final long serialVersionUID = 1L;

    /** Fewer bytes than an OrderInfo record has. */
    public static final DamagedRecordException LENGTH = new DamagedRecordException(
            "record is shorter than an orderpipe record (" + OrderInfo.BINARY_LENGTH + " bytes)");
    /** A format byte other than {@link OrderInfo#FORMAT}. */
    public static final DamagedRecordException FORMAT = new DamagedRecordException(
            "record is not an orderpipe record of format " + OrderInfo.FORMAT
                    + " (a foreign queue, one written by another orderpipe version, or damaged)");
    /** The record's bytes do not match its checksum. */
    public static final DamagedRecordException CHECKSUM = new DamagedRecordException(
            "record's bytes do not match its CRC32C checksum (damaged)");

    private DamagedRecordException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // pre-allocated: a stack trace would name whoever created it, not the reader
    }
}
