package dev.orderpipe.report;

import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Checks shared by the report and comparison page tests. */
final class Pages {
    static final String SVG_NS = "http://www.w3.org/2000/svg";
    /** The only URIs a page may contain: XML namespace names, which are identifiers, never fetched. */
    private static final List<String> NAMESPACES = List.of(Page.XHTML_NS, SVG_NS, "http://www.w3.org/1999/xlink");
    private static final Set<String> LINK_ATTRIBUTES = Set.of("href", "src", "srcset", "action", "formaction",
            "data", "poster", "background", "cite", "manifest");

    private Pages() {
    }

    /** Parses the page as XML: it must be well-formed polyglot XHTML. */
    static Document parse(Path html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setExpandEntityReferences(false);
        DocumentBuilder builder = f.newDocumentBuilder();
        builder.setErrorHandler(null);
        Document doc = builder.parse(html.toFile());
        assertEquals(Page.XHTML_NS, doc.getDocumentElement().getNamespaceURI(), "root is XHTML");
        return doc;
    }

    static Element byId(Document doc, String id) {
        NodeList all = doc.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (id.equals(e.getAttribute("id")))
                return e;
        }
        return null;
    }

    static void assertHasIds(Document doc, String... ids) {
        for (String id : ids)
            assertNotNull(byId(doc, id), "element with id " + id);
    }

    /** No script, no stylesheet or font or image from anywhere, no link off the page but to local files. */
    static void assertSelfContained(Path html, Document doc) throws Exception {
        assertEquals(0, doc.getElementsByTagNameNS("*", "script").getLength(), "no script");
        assertEquals(0, doc.getElementsByTagNameNS("*", "link").getLength(), "no <link> (stylesheets, fonts)");
        assertEquals(0, doc.getElementsByTagNameNS("*", "iframe").getLength(), "no iframe");
        NodeList all = doc.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            NamedNodeMap attributes = all.item(i).getAttributes();
            for (int j = 0; j < attributes.getLength(); j++) {
                Attr a = (Attr) attributes.item(j);
                String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
                String value = a.getValue().trim().toLowerCase();
                if (LINK_ATTRIBUTES.contains(name) && (value.contains("://") || value.startsWith("//")))
                    fail(all.item(i).getNodeName() + " " + a.getName() + "=\"" + a.getValue() + "\" leaves the page");
                if (name.startsWith("on"))
                    fail("event handler attribute " + a.getName());
                if (value.contains("url(") && !value.replace(" ", "").contains("url(#"))
                    fail("url() to something other than the page: " + a.getValue());
            }
        }
        String text = Files.readString(html, StandardCharsets.UTF_8);
        String stripped = text;
        for (String ns : NAMESPACES)
            stripped = stripped.replace(ns, "");
        assertFalse(stripped.contains("http://"), "a URI other than an XML namespace");
        assertFalse(stripped.contains("https://"), "a URI other than an XML namespace");
        assertFalse(text.contains("@import"), "CSS import");
        assertFalse(text.contains("@font-face"), "web font");
        assertFalse(text.toLowerCase().contains("<script"), "script");
    }

    /** The text of each cell ({@code th} or {@code td}) of each row of the first table body within an element. */
    static List<List<String>> rows(Element within) {
        return cells(first(within, "tbody"));
    }

    /** The text of the header cells of the first table within an element. */
    static List<String> header(Element within) {
        List<List<String>> rows = cells(first(within, "thead"));
        assertEquals(1, rows.size(), "one header row");
        return rows.get(0);
    }

    /** A table of two columns (the key/value and count tables) as a map, in the table's order. */
    static Map<String, String> keyValues(Element within) {
        Map<String, String> map = new LinkedHashMap<>();
        for (List<String> row : rows(within)) {
            assertEquals(2, row.size(), "key and value: " + row);
            assertNull(map.put(row.get(0), row.get(1)), "key shown twice: " + row.get(0));
        }
        return map;
    }

    /** Descendants of an element with an XHTML or SVG name, in document order. */
    static List<Element> elements(Element within, String ns, String name) {
        NodeList list = within.getElementsByTagNameNS(ns, name);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++)
            out.add((Element) list.item(i));
        return out;
    }

    private static Element first(Element within, String name) {
        List<Element> found = elements(within, Page.XHTML_NS, name);
        assertFalse(found.isEmpty(), "no <" + name + "> in " + within.getAttribute("id"));
        return found.get(0);
    }

    private static List<List<String>> cells(Element section) {
        List<List<String>> rows = new ArrayList<>();
        for (Element tr : elements(section, Page.XHTML_NS, "tr")) {
            List<String> row = new ArrayList<>();
            for (Node c = tr.getFirstChild(); c != null; c = c.getNextSibling())
                if (c instanceof Element cell)
                    row.add(cell.getTextContent().trim());
            rows.add(row);
        }
        return rows;
    }

    static int svgCount(Document doc) {
        return doc.getElementsByTagNameNS(SVG_NS, "svg").getLength();
    }

    static String text(Document doc) {
        return doc.getDocumentElement().getTextContent();
    }

    static void assertOneLine(RuntimeException e) {
        assertNotNull(e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().length() < 300, "short: " + e.getMessage());
    }
}
