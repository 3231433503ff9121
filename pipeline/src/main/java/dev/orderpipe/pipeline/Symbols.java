package dev.orderpipe.pipeline;

/**
 * Symbols as {@code long}: 1 to 8 characters of {@code A-Z 0-9 .}, one ASCII byte each, packed big-endian so that
 * the first character is in the highest non-zero byte. {@code 0} is "no symbol". Encoding and the byte-level
 * {@link #append(long, int)} are allocation-free; {@link #toString(long)} allocates and is for tools, not the hot path.
 */
public final class Symbols {
    /** Longest symbol. */
    public static final int MAX_LENGTH = 8;

    private Symbols() {
    }

    /** Whether {@code b} may appear in a symbol. */
    public static boolean isSymbolByte(int b) {
        return (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '.';
    }

    /** Appends one validated character to a symbol being built. */
    public static long append(long symbol, int b) {
        return (symbol << 8) | (b & 0xFF);
    }

    /**
     * Encodes a symbol.
     *
     * @throws IllegalArgumentException if {@code text} is not 1 to 8 of {@code A-Z 0-9 .}
     */
    public static long encode(CharSequence text) {
        int length = text.length();
        if (length < 1 || length > MAX_LENGTH)
            throw new IllegalArgumentException("symbol '" + text + "' must be 1 to 8 of A-Z 0-9 .");
        long symbol = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!isSymbolByte(c))
                throw new IllegalArgumentException("symbol '" + text + "' must be 1 to 8 of A-Z 0-9 .");
            symbol = append(symbol, c);
        }
        return symbol;
    }

    /** Whether {@code symbol} is a valid encoded symbol. */
    public static boolean isValid(long symbol) {
        if (symbol == 0)
            return false;
        long s = symbol;
        while ((s & 0xFF00000000000000L) == 0)
            s <<= 8;
        for (int i = 0; i < MAX_LENGTH && s != 0; i++, s <<= 8) {
            if (!isSymbolByte((int) (s >>> 56)))
                return false;
        }
        return true;
    }

    /** Decodes for display; empty for 0. Allocates: not for the hot path. */
    public static String toString(long symbol) {
        if (symbol == 0)
            return "";
        StringBuilder sb = new StringBuilder(MAX_LENGTH);
        for (int shift = 56; shift >= 0; shift -= 8) {
            int b = (int) (symbol >>> shift) & 0xFF;
            if (b != 0 || sb.length() > 0)
                sb.append((char) b);
        }
        return sb.toString();
    }
}
