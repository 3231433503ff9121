package dev.orderpipe.replication;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The replication protocol's messages, little-endian, each starting with an int type and the primary's session (a
 * number the primary draws at each start). Primary to replicas, on the data stream: {@link #ANNOUNCE} (every few
 * hundred ms: the session, the replica's slot and where to send control messages), {@link #RESUME} (the answer to a
 * replica's hello: the records after it start where the hello asked; then the primary's {@link #PROTOCOL}),
 * {@link #QUEUE} (a queue's id in this session, its name, roll cycle and epoch), {@link #RECORDS} (a queue id, a count,
 * and that many records of the queue, in order, each its index, a CRC32C of its bytes, their length and the raw bytes
 * of the record as the queue holds them), {@link #PART} (a part of one record too large for one message of the stream,
 * whose term length bounds a message to an eighth of it: the queue id, the record's index, CRC32C and length, the
 * part's offset and bytes; the parts of a record go in order, no other record between them, side files and
 * announcements may), {@link #DIVERGED} (the primary cannot serve this replica's copy), {@link #FILE} (a side file of
 * the data directory, {@link SideFiles}: its name, a CRC32C and length of its bytes, the bytes).
 * Replica to primary, on the control stream: {@link #HELLO} (its name, a fresh nonce, its last index per queue, then
 * its {@link #PROTOCOL}) and {@link #ACK} (its last written index per queue id).
 *
 * <p>Protocol 1 (before {@link #PROTOCOL} was sent) carried one record per message ({@link #RECORD}); each message
 * costs the publication, the media drivers and the replica's poll a frame header and a callback, so protocol 2 sends
 * as many records as one frame holds in one message. Protocol 2 sent a record larger than a message of the stream
 * can hold (a snapshot's chunk of up to 1 MiB, against 512 KiB at the default term length) whole, which Aeron refused:
 * the primary stopped; protocol 3 sends it in {@link #PART}s. A primary refuses a hello of another protocol with a
 * {@link #DIVERGED} the replica stops on with one line, and a replica refuses a resume of another.
 */
final class Messages {
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int DATA_STREAM = 1901;
    static final int CONTROL_STREAM = 1902;

    static final int ANNOUNCE = 1;
    static final int RESUME = 2;
    static final int QUEUE = 3;
    /** Protocol 1's one record per message: a replica refuses it (a primary of another version). */
    static final int RECORD = 4;
    static final int DIVERGED = 5;
    static final int FILE = 6;
    static final int RECORDS = 7;
    static final int PART = 8;
    static final int HELLO = 11;
    static final int ACK = 12;

    /** type, session */
    static final int HEADER = 4 + 8;
    /** This version's protocol: RESUME and HELLO end with it (none: protocol 1). */
    static final int PROTOCOL = 3;
    /** Offsets of a RECORDS message after the header: queue id, count, then the records. */
    static final int RECORDS_QUEUE = HEADER;
    static final int RECORDS_COUNT = RECORDS_QUEUE + 4;
    static final int RECORDS_FIRST = RECORDS_COUNT + 4;
    /** Offsets in one record of a RECORDS message, from its start: index, crc, length, bytes. */
    static final int RECORD_INDEX = 0;
    static final int RECORD_CRC = RECORD_INDEX + 8;
    static final int RECORD_LENGTH = RECORD_CRC + 4;
    static final int RECORD_BYTES = RECORD_LENGTH + 4;
    /**
     * Offsets of a PART message after the header: queue id, the record's index, CRC32C of all its bytes, their length,
     * this part's offset in them, then this part's bytes (to the message's end).
     */
    static final int PART_QUEUE = HEADER;
    static final int PART_INDEX = PART_QUEUE + 4;
    static final int PART_CRC = PART_INDEX + 8;
    static final int PART_LENGTH = PART_CRC + 4;
    static final int PART_OFFSET = PART_LENGTH + 4;
    static final int PART_BYTES = PART_OFFSET + 4;
    /** Why a primary refuses a replica in a DIVERGED that ends with this marker: another protocol, not a copy. */
    static final int DIVERGED_PROTOCOL = 1;

    private Messages() {
    }

    static int header(MutableDirectBuffer b, int type, long session) {
        b.putInt(0, type, ORDER);
        b.putLong(4, session, ORDER);
        return HEADER;
    }

    static int type(DirectBuffer b, int offset) {
        return b.getInt(offset, ORDER);
    }

    static long session(DirectBuffer b, int offset) {
        return b.getLong(offset + 4, ORDER);
    }

    /** Writes {@code s} as an int length and UTF-8 bytes at {@code at}; returns the offset after it. */
    static int putString(MutableDirectBuffer b, int at, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putInt(at, bytes.length, ORDER);
        b.putBytes(at + 4, bytes);
        return at + 4 + bytes.length;
    }

    /**
     * A cursor over a message after its header, for the messages other than a RECORD; one instance serves every
     * message of a loop ({@link #wrap}), so an acknowledgement allocates nothing (the strings and byte arrays of the
     * rare messages that carry them do).
     */
    static final class Reader {
        private DirectBuffer buffer;
        private int at;

        Reader() {
        }

        Reader(DirectBuffer buffer, int offset) {
            wrap(buffer, offset);
        }

        /** Points the cursor at the body of the message at {@code offset} of {@code buffer}. */
        Reader wrap(DirectBuffer buffer, int offset) {
            this.buffer = buffer;
            this.at = offset + HEADER;
            return this;
        }

        /** Whether the message that ends at {@code end} (its offset plus length) has bytes left after the cursor. */
        boolean hasMore(int end) {
            return at < end;
        }

        int getInt() {
            int v = buffer.getInt(at, ORDER);
            at += 4;
            return v;
        }

        long getLong() {
            long v = buffer.getLong(at, ORDER);
            at += 8;
            return v;
        }

        byte[] getBytes(int length) {
            byte[] bytes = new byte[length];
            buffer.getBytes(at, bytes);
            at += length;
            return bytes;
        }

        String getString() {
            int length = getInt();
            byte[] bytes = new byte[length];
            buffer.getBytes(at, bytes);
            at += length;
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
