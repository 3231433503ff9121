package dev.orderpipe.pipeline;

import java.lang.management.ManagementFactory;

/** Bytes allocated by a thread, from com.sun.management.ThreadMXBean (HotSpot). */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean BEAN =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /** Bytes allocated so far by the calling thread. */
    public static long current() {
        return BEAN.getCurrentThreadAllocatedBytes();
    }

    /** Bytes allocated so far by a thread. */
    public static long of(Thread thread) {
        return BEAN.getThreadAllocatedBytes(thread.getId());
    }
}
