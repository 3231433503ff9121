package dev.orderpipe.replay;

import java.lang.management.ManagementFactory;

/** Bytes allocated by the current thread (HotSpot's {@code com.sun.management.ThreadMXBean}), -1 if unsupported. */
final class ThreadAllocation {
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
    static long current() {
        return BEAN == null ? -1 : BEAN.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
