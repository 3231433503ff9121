package dev.orderpipe.gateway;

/** A reusable ASCII view of part of a byte array, to set FIX values from stored bytes without a String. */
final class ByteChars implements CharSequence {
    private byte[] bytes = new byte[0];
    private int offset;
    private int length;

    ByteChars wrap(byte[] b, int off, int len) {
        bytes = b;
        offset = off;
        length = len;
        return this;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        return (char) (bytes[offset + index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().substring(start, end);
    }

    @Override
    public String toString() {
        return new String(bytes, offset, length, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
