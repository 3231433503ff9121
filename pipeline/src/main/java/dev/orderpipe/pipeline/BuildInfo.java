package dev.orderpipe.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The build that made these classes: the project version and, when it was built from a git work tree, the commit
 * (with {@code -dirty} when the work tree had uncommitted changes). Stamped at build time: the version into
 * {@code build.properties} (a filtered resource), the commit into {@code commit.txt} (from {@code git rev-parse});
 * {@code orderpipe --version}, replay summaries and reports show it.
 *
 * @param version the project version, such as {@code 0.1.0-SNAPSHOT}
 * @param commit  the abbreviated commit id, {@code -dirty} appended for a modified work tree; empty when unknown
 */
public record BuildInfo(String version, String commit) {
    private static final String RESOURCE = "/dev/orderpipe/pipeline/build.properties";
    private static final String COMMIT = "/dev/orderpipe/pipeline/commit.txt";
    private static final BuildInfo CURRENT = read();

    /** This build's. */
    public static BuildInfo current() {
        return CURRENT;
    }

    /** The version and the commit in brackets when known: {@code 0.1.0-SNAPSHOT (4eb3f61)}. */
    public String describe() {
        return commit.isEmpty() ? version : version + " (" + commit + ")";
    }

    private static BuildInfo read() {
        Properties p = new Properties();
        String commit = "";
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE);
             InputStream c = BuildInfo.class.getResourceAsStream(COMMIT)) {
            if (in != null)
                p.load(in);
            if (c != null)
                commit = new String(c.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        String version = value(p, "version");
        return new BuildInfo(version.isEmpty() ? "unknown" : version, commit);
    }

    /** A property's value; empty when missing or left unfiltered (a build without git has no commit). */
    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        return v.startsWith("${") ? "" : v;
    }
}
