package dev.orderpipe.pipeline.util;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by a thread, from HotSpot's {@code com.sun.management.ThreadMXBean}: how the replay, the bench and
 * the zero-allocation tests measure the hot path. -1 where the JVM cannot tell (another JVM, or measurement off).
 */
public final class ThreadAllocation {
    private static final com.sun.management.ThreadMXBean BEAN = bean();

    private ThreadAllocation() {
    }

    private static com.sun.management.ThreadMXBean bean() {
        java.lang.management.ThreadMXBean b = ManagementFactory.getThreadMXBean();
        if (b instanceof com.sun.management.ThreadMXBean) {
            com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) b;
            if (sun.isThreadAllocatedMemorySupported()) {
                if (!sun.isThreadAllocatedMemoryEnabled())
                    sun.setThreadAllocatedMemoryEnabled(true);
                return sun;
            }
        }
        return null;
    }

    /** Allocated so far by the calling thread, or -1. */
    public static long current() {
        return of(Thread.currentThread());
    }

    /** Allocated so far by {@code thread}, or -1 (also once it has ended). */
    public static long of(Thread thread) {
        return BEAN == null ? -1 : BEAN.getThreadAllocatedBytes(thread.getId());
    }
}
