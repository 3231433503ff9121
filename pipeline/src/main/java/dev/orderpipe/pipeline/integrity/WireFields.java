package dev.orderpipe.pipeline.integrity;

import java.nio.charset.StandardCharsets;

/**
 * Reads integer fields of a Chronicle binary-wire document by name, as plain bytes: enough of the format to read a
 * queue file's header without mapping the file or trusting the rest of it. A field is its name (code
 * {@code FIELD_NAME0 + length}, then the name), optional padding, then the value: a small integer (0-127 as the byte
 * itself), an integer of 1 to 8 bytes, an array of longs ({@code I64_ARRAY}: capacity, used, values), or a short
 * text ({@code STRING0 + length}, then the bytes).
 */
final class WireFields {
    private static final int FIELD_NAME0 = 0xC0;
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
        if (p >= d.length)
            return null;
        int code = d[p] & 0xFF;
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
                long used = le(d, p + 9, 8);
                if (used < 0 || used > 64 || !fits(d, p, 16 + 8 * (int) used))
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

    private static boolean fits(byte[] d, int codeAt, int bytes) {
        return codeAt + 1 + bytes <= d.length;
    }

    private static long le(byte[] d, int at, int bytes) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--)
            v = (v << 8) | (d[at + i] & 0xFF);
        return v;
    }
}
