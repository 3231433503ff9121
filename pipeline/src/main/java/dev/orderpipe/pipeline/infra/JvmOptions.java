package dev.orderpipe.pipeline.infra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM options Chronicle needs on Java 17+, as declared once in the parent pom ({@code orderpipe.jvm.options}, plus
 * {@code orderpipe.jvm.options.jdk23} on Java 23 and newer) and filtered into this module's resources by the build. Every JVM the project forks takes them from
 * here; the launcher takes the same list from {@code tools/target/jvm.options}.
 */
public final class JvmOptions {
    private static final String RESOURCE = "/dev/orderpipe/pipeline/jvm.options";
    /** What Java 23 and newer also need (Java 17 refuses these options). */
    private static final String RESOURCE_JDK23 = "/dev/orderpipe/pipeline/jvm-jdk23.options";

    private JvmOptions() {
    }

    /** The options for a JVM of the running Java version, one per element. */
    public static List<String> list() {
        List<String> options = read(RESOURCE);
        if (Runtime.version().feature() >= 23)
            options.addAll(read(RESOURCE_JDK23));
        return options;
    }

    private static List<String> read(String resource) {
        try (InputStream in = JvmOptions.class.getResourceAsStream(resource)) {
            if (in == null)
                throw new IllegalStateException(resource + " is missing: build with Maven so the JVM options are filtered in");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            if (text.startsWith("${"))
                throw new IllegalStateException(resource + " was not filtered by the build");
            List<String> options = new ArrayList<>();
            for (String s : text.split("\\s+"))
                if (!s.isEmpty())
                    options.add(s);
            return options;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    /**
     * A command line that starts {@code mainClass} in a child JVM with the same java binary, class path and the
     * project's JVM options, followed by {@code extraJvmOptions} and {@code args}.
     */
    public static List<String> javaCommand(List<String> extraJvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(list());
        cmd.addAll(extraJvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }
}
