package dev.orderpipe.pipeline.integrity;

import java.nio.charset.StandardCharsets;

/**
 * Reads integer fields of a Chronicle binary-wire document by name, as plain bytes: enough of the format to read a
 * queue file's header without mapping the file or trusting the rest of it. A field is its name (code
 * {@code FIELD_NAME0 + length}, or {@code FIELD_NAME_ANY}, a stop-bit length and the name), optional padding, then
 * the value: a small integer (0-127 as the byte itself), an integer of 1 to 8 bytes, an array of longs
 * ({@code I64_ARRAY}: capacity, used, room for capacity values), a short text ({@code STRING0 + length}, then the
 * bytes), or a typed nested document ({@code TYPE_PREFIX}, the type's name, {@code BYTES_LENGTH32} and its length).
 */
final class WireFields {
    private static final int FIELD_NAME0 = 0xC0;
    /** A field or event name of any length: the code, a stop-bit length, the name. */
    private static final int FIELD_NAME_ANY = 0xB9;
    private static final int TYPE_PREFIX = 0xB6;
    /** A nested document: the code, then its length as a 4-byte little-endian int. */
    private static final int BYTES_LENGTH32 = 0x82;
    private static final int I64_ARRAY = 0x8D;
    private static final int PADDING32 = 0x8E;
    private static final int PADDING = 0x8F;
    private static final int UINT8 = 0xA1;
    private static final int UINT16 = 0xA2;
    private static final int UINT32 = 0xA3;
    private static final int INT8 = 0xA4;
    private static final int INT16 = 0xA5;
    private static final int INT32 = 0xA6;
    private static final int INT64 = 0xA7;
    /** A text of 0 to 31 bytes: the code is STRING0 + its length. */
    private static final int STRING0 = 0xE0;
    private static final long[] NONE = new long[0];

    private WireFields() {
    }

    /**
     * The value of the first field called {@code name}: one long for an integer, the used values of an array of
     * longs; empty when the field is missing, has another type or runs past the document.
     */
    static long[] longs(byte[] doc, String name) {
        byte[] field = name.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + 1 + field.length < doc.length; i++) {
            if ((doc[i] & 0xFF) != FIELD_NAME0 + field.length || !matches(doc, i + 1, field))
                continue;
            long[] value = value(doc, i + 1 + field.length);
            if (value != null)
                return value;
        }
        return NONE;
    }

    /** The value of the first field called {@code name} that is a short text (up to 31 bytes), or null. */
    static String text(byte[] doc, String name) {
        byte[] field = name.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + 1 + field.length < doc.length; i++) {
            if ((doc[i] & 0xFF) != FIELD_NAME0 + field.length || !matches(doc, i + 1, field))
                continue;
            int p = i + 1 + field.length;
            int code = doc[p] & 0xFF;
            if (code >= STRING0 && p + 1 + code - STRING0 <= doc.length)
                return new String(doc, p + 1, code - STRING0, StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    private static boolean matches(byte[] doc, int at, byte[] field) {
        for (int j = 0; j < field.length; j++)
            if (doc[at + j] != field[j])
                return false;
        return true;
    }

    private static long[] value(byte[] d, int p) {
        return value(d, skipPadding(d, p), null);
    }

    private static int skipPadding(byte[] d, int p) {
        while (p < d.length) {
            int code = d[p] & 0xFF;
            if (code == PADDING) {
                p++;
            } else if (code == PADDING32 && p + 5 <= d.length) {
                p += 5 + (int) le(d, p + 1, 4);
            } else {
                break;
            }
        }
        return p;
    }

    /**
     * The integer or array of longs whose code is at {@code p}, null when it is another type or runs past the
     * document; {@code end}, when given, receives the position after it.
     */
    private static long[] value(byte[] d, int p, int[] end) {
        if (p >= d.length)
            return null;
        int code = d[p] & 0xFF;
        if (end != null)
            end[0] = p + 1 + valueBytes(d, p, code);
        if (code < 0x80)
            return new long[]{code};
        switch (code) {
            case UINT8: return fits(d, p, 1) ? new long[]{le(d, p + 1, 1)} : null;
            case UINT16: return fits(d, p, 2) ? new long[]{le(d, p + 1, 2)} : null;
            case UINT32: return fits(d, p, 4) ? new long[]{le(d, p + 1, 4)} : null;
            case INT8: return fits(d, p, 1) ? new long[]{(byte) le(d, p + 1, 1)} : null;
            case INT16: return fits(d, p, 2) ? new long[]{(short) le(d, p + 1, 2)} : null;
            case INT32: return fits(d, p, 4) ? new long[]{(int) le(d, p + 1, 4)} : null;
            case INT64: return fits(d, p, 8) ? new long[]{le(d, p + 1, 8)} : null;
            case I64_ARRAY: {
                if (!fits(d, p, 16))
                    return null;
                long capacity = le(d, p + 1, 8);
                long used = le(d, p + 9, 8);
                if (used < 0 || used > capacity || capacity > 64 || !fits(d, p, 16 + 8 * (int) capacity))
                    return null;
                long[] values = new long[(int) used];
                for (int i = 0; i < used; i++)
                    values[i] = le(d, p + 17 + 8 * i, 8);
                return values;
            }
            default:
                return null;
        }
    }

    /** Bytes after the code of the value at {@code p} (meaningful only for the types {@link #value} reads). */
    private static int valueBytes(byte[] d, int p, int code) {
        switch (code) {
            case UINT8: case INT8: return 1;
            case UINT16: case INT16: return 2;
            case UINT32: case INT32: return 4;
            case INT64: return 8;
            case I64_ARRAY: // capacity, used, then room for capacity values
                return fits(d, p, 16) ? 16 + 8 * (int) Math.min(64, Math.max(0, le(d, p + 1, 8))) : 0;
            default: return 0;
        }
    }

    private static boolean fits(byte[] d, int codeAt, int bytes) {
        return codeAt + 1 + bytes <= d.length;
    }

    private static long le(byte[] d, int at, int bytes) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--)
            v = (v << 8) | (d[at + i] & 0xFF);
        return v;
    }

    /**
     * Reads one binary-wire document strictly, in the order its fields were written, the way Chronicle's own
     * {@code readMarshallable} of a known type reads it: every name, type and nested length must be exactly what is
     * expected, so a damaged byte anywhere in them is found, not skipped over. Positions in messages are offsets in
     * the document.
     */
    static final class Reader {
        private final byte[] d;
        private int p;

        Reader(byte[] doc) {
            this.d = doc;
        }

        /** The next field (or event) must be called {@code name}. */
        Reader field(String name) {
            int at = p;
            int code = at < d.length ? d[at] & 0xFF : -1;
            int length;
            if (code >= FIELD_NAME0 && code < FIELD_NAME0 + 32) {
                length = code - FIELD_NAME0;
                p = at + 1;
            } else if (code == FIELD_NAME_ANY && at + 1 < d.length && d[at + 1] >= 0) {
                length = d[at + 1];
                p = at + 2;
            } else {
                throw new Malformed(at, "expected the field '" + name + "'");
            }
            if (!named(name, length))
                throw new Malformed(at, "expected the field '" + name + "'");
            return this;
        }

        /** The next value must carry the type prefix {@code type}. */
        Reader type(String type) {
            int at = p;
            if (at + 1 >= d.length || (d[at] & 0xFF) != TYPE_PREFIX || d[at + 1] < 0)
                throw new Malformed(at, "expected the type " + type);
            p = at + 2;
            if (!named(type, d[at + 1]))
                throw new Malformed(at, "expected the type " + type);
            return this;
        }

        private boolean named(String name, int length) {
            if (length != name.length() || p + length > d.length)
                return false;
            for (int i = 0; i < length; i++)
                if (d[p + i] != name.charAt(i))
                    return false;
            p += length;
            return true;
        }

        /** Enters a nested document; returns where it ends, for {@link #end(int)}. */
        int nested() {
            int at = p;
            if (at + 5 > d.length || (d[at] & 0xFF) != BYTES_LENGTH32)
                throw new Malformed(at, "expected a nested document");
            long length = le(d, at + 1, 4);
            if (at + 5 + length > d.length)
                throw new Malformed(at, "a nested document of " + length + " bytes runs past the header's end");
            p = at + 5;
            return (int) (at + 5 + length);
        }

        /** The nested document (or the whole document) must end here. */
        void end(int end) {
            if (p != end)
                throw new Malformed(p, "expected the end of a document at offset " + end);
        }

        /** An integer value, after any padding. */
        long integer(String name) {
            int at = skipPadding(d, p);
            if (at < d.length && (d[at] & 0xFF) == I64_ARRAY)
                throw new Malformed(at, "the value of '" + name + "' is not an integer");
            return values(name, at)[0];
        }

        /** An array of longs ({@code I64_ARRAY}), after any padding. */
        long[] longs(String name) {
            int at = skipPadding(d, p);
            if (at >= d.length || (d[at] & 0xFF) != I64_ARRAY)
                throw new Malformed(at, "the value of '" + name + "' is not an array of longs");
            return values(name, at);
        }

        /**
         * The head of an array of longs ({@code I64_ARRAY}, after any padding) of any capacity, without its values:
         * {capacity, used}; the reader is left at its first value (the values themselves may lie beyond the bytes
         * given: a caller reads them from the file).
         */
        long[] arrayHead(String name) {
            int at = skipPadding(d, p);
            if (at >= d.length || (d[at] & 0xFF) != I64_ARRAY)
                throw new Malformed(at, "the value of '" + name + "' is not an array of longs");
            if (!fits(d, at, 16))
                throw new Malformed(at, "the array '" + name + "' is cut off");
            p = at + 17;
            return new long[]{le(d, at + 1, 8), le(d, at + 9, 8)};
        }

        private long[] values(String name, int at) {
            int[] end = new int[1];
            long[] v = value(d, at, end);
            if (v == null)
                throw new Malformed(at, "the value of '" + name + "' is not a number");
            p = end[0];
            return v;
        }

        int position() {
            return p;
        }
    }

    /** A document that is not what a strict {@link Reader} expected, at {@code offset} in the document. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int offset;

        Malformed(int offset, String what) {
            super(what, null, false, false);
            this.offset = offset;
        }
    }
}
