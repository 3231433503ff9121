package dev.orderpipe.replay;

import dev.orderpipe.pipeline.BuildInfo;
import dev.orderpipe.pipeline.infra.CpuPlacement;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills in where a run happened: the build, JVM, arguments, host, OS, CPUs, and the garbage collections during the
 * run. Reads local files only, never the network.
 */
final class RunEnvironment {
    private RunEnvironment() {
    }

    static void describe(RunSummary s) {
        BuildInfo build = BuildInfo.current();
        s.orderpipeVersion = build.version();
        s.orderpipeCommit = build.commit();
        s.javaVersion = System.getProperty("java.version", "");
        s.jvm = System.getProperty("java.vm.name", "") + " " + System.getProperty("java.vm.version", "")
                + " (" + System.getProperty("java.vm.vendor", "") + ")";
        s.jvmArguments = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
        s.host = hostName();
        s.os = System.getProperty("os.name", "") + " " + System.getProperty("os.version", "") + " "
                + System.getProperty("os.arch", "");
        s.cpus = CpuPlacement.processCpus();
        s.cpuModel = cpuModel();
    }

    /** Collections so far and the milliseconds they took, over every collector of this JVM. */
    static long[] gcTotals() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[]{count, millis};
    }

    /** The collections since {@code before} ({@link #gcTotals()}) and the collectors' names. */
    static void gcSince(RunSummary s, long[] before) {
        long[] now = gcTotals();
        s.gcCount = now[0] - before[0];
        s.gcMillis = now[1] - before[1];
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
            names.add(gc.getName());
        s.gcCollectors = String.join(", ", names);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank())
            return env.trim();
        String file = firstLine(Path.of("/proc/sys/kernel/hostname"));
        if (file == null)
            file = firstLine(Path.of("/etc/hostname"));
        return file == null ? "unknown" : file.trim();
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
            for (String line : lines)
                if (line.startsWith("model name")) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? "" : line.substring(colon + 1).trim();
                }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: leave it empty
        }
        return System.getProperty("os.arch", "");
    }

    private static String firstLine(Path p) {
        try {
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            return lines.isEmpty() || lines.get(0).isBlank() ? null : lines.get(0);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
