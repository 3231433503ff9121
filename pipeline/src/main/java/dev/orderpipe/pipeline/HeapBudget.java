package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.book.MatchingEngine;
import dev.orderpipe.pipeline.config.ConfigException;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.risk.RiskEngine;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Refuses capacities the heap cannot hold before any table is allocated. The risk and matching engines preallocate
 * every table at start ({@code risk.orderIdCapacity}, {@code matching.maxOpenOrders}...); a config asking for more
 * than the JVM has would otherwise end, after seconds of garbage collection, in an OutOfMemoryError. The tables may
 * take three quarters of the maximum heap ({@code -Xmx}); the rest is for Chronicle, the stages and the JVM.
 * With snapshots enabled, matching's copy of the books (off the heap, some 46 bytes per {@code matching.maxOpenOrders}
 * slot) may likewise take three quarters of the JVM's direct memory limit ({@code -XX:MaxDirectMemorySize}, by
 * default the maximum heap): beyond it the stage would die at its start with "OutOfMemoryError: Cannot reserve ...
 * bytes of direct buffer memory".
 */
final class HeapBudget {
    private HeapBudget() {
    }

    /**
     * Throws a {@link ConfigException} naming the capacity key with the largest tables, its figures and the heap's when
     * the tables do not fit in three quarters of {@code maxHeapBytes}.
     */
    static void check(PipelineConfig config, long maxHeapBytes) {
        check(config, maxHeapBytes, maxHeapBytes);
    }

    /**
     * {@link #check(PipelineConfig, long)}, then, with snapshots enabled, a {@link ConfigException} naming the matching
     * capacity key with the largest share of the snapshot copy when the copy does not fit in three quarters of
     * {@code maxDirectBytes}.
     */
    static void check(PipelineConfig config, long maxHeapBytes, long maxDirectBytes) {
        checkHeap(config, maxHeapBytes);
        if (!config.snapshots.enabled)
            return;
        int books = config.risk.symbols.size();
        MatchingConfig m = config.matching;
        long copy = MatchingEngine.snapshotCopyBytes(m, books);
        if (copy <= maxDirectBytes / 4 * 3)
            return;
        long orders = copy - MatchingEngine.snapshotCopyBytes(matching(m, 1, m.maxPriceLevels), books);
        long levels = copy - MatchingEngine.snapshotCopyBytes(matching(m, m.maxOpenOrders, 1), books);
        String key = levels > orders ? "matching.maxPriceLevels" : "matching.maxOpenOrders";
        long value = levels > orders ? m.maxPriceLevels : m.maxOpenOrders;
        throw new ConfigException(key + " " + value + " needs about " + size(copy) + " of direct memory for matching's"
                + " snapshot copy of the books, the JVM allows " + size(maxDirectBytes) + " (-XX:MaxDirectMemorySize,"
                + " by default -Xmx) and the copy may use 3/4 of it: lower " + key + ", raise"
                + " -XX:MaxDirectMemorySize or set snapshots.enabled: false");
    }

    /** The JVM's direct memory limit: {@code -XX:MaxDirectMemorySize}, or with none given the maximum heap. */
    static long maxDirectMemory() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long set = vm == null ? 0 : Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
            if (set > 0)
                return set;
        } catch (RuntimeException e) {
            // not a HotSpot JVM: its default, the heap
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static void checkHeap(PipelineConfig config, long maxHeapBytes) {
        int books = config.risk.symbols.size();
        long risk = RiskEngine.heapBytes(config.risk);
        long matching = MatchingEngine.heapBytes(config.matching, books);
        long total = risk + matching;
        long budget = maxHeapBytes / 4 * 3;
        if (total <= budget)
            return;
        // the key to lower: the one whose tables shrink most when it is set to its minimum
        String key = "risk.orderIdCapacity";
        long value = config.risk.orderIdCapacity;
        long share = risk - RiskEngine.heapBytes(risk(config.risk, 1, config.risk.accountCapacity));
        long accounts = risk - RiskEngine.heapBytes(risk(config.risk, config.risk.orderIdCapacity, 1));
        if (accounts > share) {
            key = "risk.accountCapacity";
            value = config.risk.accountCapacity;
            share = accounts;
        }
        MatchingConfig m = config.matching;
        long orders = matching - MatchingEngine.heapBytes(matching(m, 1, m.maxPriceLevels), books);
        if (orders > share) {
            key = "matching.maxOpenOrders";
            value = m.maxOpenOrders;
            share = orders;
        }
        long levels = matching - MatchingEngine.heapBytes(matching(m, m.maxOpenOrders, 1), books);
        if (levels > share) {
            key = "matching.maxPriceLevels";
            value = m.maxPriceLevels;
            share = levels;
        }
        throw new ConfigException(key + " " + value + " needs about " + size(share) + " of heap (all preallocated "
                + "tables " + size(total) + "), the JVM has " + size(maxHeapBytes) + " (-Xmx) and the tables may use 3/4 "
                + "of it: lower " + key + " or raise -Xmx");
    }

    private static RiskConfig risk(RiskConfig config, int orderIdCapacity, int accountCapacity) {
        RiskConfig c = config.deepCopy();
        c.orderIdCapacity = orderIdCapacity;
        c.accountCapacity = accountCapacity;
        return c;
    }

    private static MatchingConfig matching(MatchingConfig config, int maxOpenOrders, int maxPriceLevels) {
        MatchingConfig c = config.deepCopy();
        c.maxOpenOrders = maxOpenOrders;
        c.maxPriceLevels = maxPriceLevels;
        return c;
    }

    /** Bytes as MB below a gigabyte, GB with one decimal above. */
    static String size(long bytes) {
        if (bytes < 1L << 30)
            return (bytes + (1 << 19) >> 20) + " MB";
        return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
    }
}
