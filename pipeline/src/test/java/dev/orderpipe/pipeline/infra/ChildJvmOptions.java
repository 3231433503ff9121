package dev.orderpipe.pipeline.infra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM options of the child JVMs the tests start (a pipeline halted at a crash point, a replica, a gateway, a second
 * process), added to the project's {@link JvmOptions}: a small heap, the serial collector and the client compiler
 * only. No test measures a child's speed or allocation (those that do, such as the Epsilon run, choose their own
 * options); C2 would spend more CPU compiling a short run's loops than it saves, beside the test JVM on a 2-core
 * machine, so a child stops at C1 and starts in about half the CPU time.
 */
public final class ChildJvmOptions {
    /** The options of a child JVM whose speed is not what is tested. */
    public static final List<String> QUICK = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private ChildJvmOptions() {
    }

    /** {@link #QUICK} followed by {@code more} (a crash point's system property, another limit). */
    public static List<String> quick(String... more) {
        List<String> options = new ArrayList<>(QUICK);
        options.addAll(Arrays.asList(more));
        return options;
    }
}
