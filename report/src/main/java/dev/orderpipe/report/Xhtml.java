package dev.orderpipe.report;

/**
 * A small writer of polyglot XHTML5: every element closed, every attribute quoted, every text escaped, so the page
 * parses both as HTML and as XML (which is how the tests check it).
 */
final class Xhtml {
    private static final java.util.Set<String> VOID = java.util.Set.of("meta", "br", "hr", "img", "link", "col", "wbr");
    private final StringBuilder out = new StringBuilder(1 << 16);

    /** Opens an element; {@code attributes} are name, value pairs, and a null value leaves the attribute out. */
    Xhtml open(String tag, String... attributes) {
        out.append('<').append(tag);
        attributes(attributes);
        out.append('>');
        return this;
    }

    Xhtml close(String tag) {
        out.append("</").append(tag).append(">\n");
        return this;
    }

    /** An element with only text in it. */
    Xhtml element(String tag, String text, String... attributes) {
        return open(tag, attributes).text(text).close(tag);
    }

    /**
     * A void element (meta, br, ...), written self-closed. Only void elements: an HTML parser reads
     * {@code <span/>} as an opening tag.
     */
    Xhtml empty(String tag, String... attributes) {
        if (!VOID.contains(tag))
            throw new IllegalArgumentException(tag + " is not a void element; open and close it");
        out.append('<').append(tag);
        attributes(attributes);
        out.append("/>");
        return this;
    }

    Xhtml text(String text) {
        out.append(escape(text));
        return this;
    }

    /** Markup made by this package (inline SVG), written as is. */
    Xhtml raw(String markup) {
        out.append(markup);
        return this;
    }

    private void attributes(String[] attributes) {
        if (attributes.length % 2 != 0)
            throw new IllegalArgumentException("attributes must come in name, value pairs");
        for (int i = 0; i < attributes.length; i += 2) {
            if (attributes[i + 1] == null)
                continue;
            out.append(' ').append(attributes[i]).append("=\"").append(escape(attributes[i + 1])).append('"');
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /**
     * Escapes text for XML content and attribute values, and replaces characters XML 1.0 does not allow (control
     * characters, lone surrogates) so that no string from a summary can make the page malformed.
     */
    static String escape(String s) {
        if (s == null)
            return "";
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1));
                    if (pair) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0xD800)
                            || (c > 0xDFFF && c < 0xFFFE)) {
                        sb.append(c);
                    } else {
                        sb.append('\uFFFD');
                    }
                }
            }
        }
        return sb.toString();
    }
}
