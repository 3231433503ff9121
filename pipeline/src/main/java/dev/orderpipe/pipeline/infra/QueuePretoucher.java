package dev.orderpipe.pipeline.infra;

import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A background thread that keeps the memory ahead of each queue's write position mapped and touched, so the stage
 * threads that append never pay for mapping a new chunk of the queue file or for a first-touch page fault.
 *
 * <p>Why not {@code ExcerptAppender.pretouch()}: in the open-source Chronicle Queue of our BOM (queue 2026.4) the
 * pretoucher is an Enterprise feature; without the Enterprise classes {@code pretouch()} logs "only supported in
 * Chronicle Queue Enterprise" and then fails with a {@link StackOverflowError} (its fallback factory calls
 * {@code queue.createPretoucher()}, which calls the factory again). This class does what the old open-source
 * {@code Pretoucher} did, with public queue and bytes API only:
 * <ul>
 *     <li>every {@code intervalNanos} it reads the write position of the current cycle's file;</li>
 *     <li>it touches every page from there to {@code headroom} bytes ahead (what the writer adds in eight intervals at
 *     its last rate, from {@link #MIN_HEADROOM} to {@link #MAX_HEADROOM}) with a compare-and-swap of 0 for 0, which
 *     faults the page in for writing and never changes a byte; Chronicle's own pretoucher touched pages the same
 *     way;</li>
 *     <li>touching through the queue's own {@link MappedFile} maps the next chunk before the appender needs it; the
 *     pretoucher holds its reference to that chunk until the writer has moved into it, so the appender's
 *     {@code MappedFile} hands the writer the mapping that is already there.</li>
 * </ul>
 * It never creates a cycle file: the first write of a cycle still creates its file (creating empty cycle files ahead
 * can stall tailers, Chronicle-Queue#1438). A failure disables pretouching of that queue with one warning; the
 * pipeline never stops because of it.
 *
 * <p>On a memory filesystem (/dev/shm) a first touch allocates and zeroes the page; on disk it also allocates the
 * file block. Either way the cost moves from the appending thread to this one, which sleeps between rounds so a
 * 2-core machine keeps its CPUs for the stages.
 */
public final class QueuePretoucher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueuePretoucher.class);
    /** Pages touched ahead of the write position at least. */
    public static final long MIN_HEADROOM = 4L << 20;
    /**
     * Pages touched ahead at most. Each touched page is memory the queue file holds from then on (a tmpfs page, a
     * disk block): a headroom that followed a round's advance alone grew without bound when rounds slowed down (a
     * round that touches more takes longer, and the advance over a longer round is larger), and a replica's copy
     * of 323 MB was touched to 2.4 GB, its thread busy a whole CPU at 100,000 orders/s.
     */
    public static final long MAX_HEADROOM = 64L << 20;
    /** Default time between rounds. */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long PAGE = 4096;

    /** Read by the thread, added to by {@link #add}: copied on write. */
    private final List<Touched> queues = new CopyOnWriteArrayList<>();
    private final long intervalNanos;
    private final Thread thread;
    private final AtomicLong pagesTouched = new AtomicLong();
    private volatile long mostAhead;
    private volatile boolean running = true;
    private BitSet keepOff = new BitSet();

    /**
     * @param name          thread name suffix: the thread is {@code orderpipe-pretouch-<name>}
     * @param queues        the queues to keep touched ahead (queues of another implementation are ignored)
     * @param intervalNanos time between rounds
     */
    public QueuePretoucher(String name, List<ChronicleQueue> queues, long intervalNanos) {
        if (intervalNanos <= 0)
            throw new IllegalArgumentException("pretouch interval must be > 0, was " + intervalNanos);
        for (ChronicleQueue q : queues)
            if (q instanceof SingleChronicleQueue)
                this.queues.add(new Touched((SingleChronicleQueue) q));
        this.intervalNanos = intervalNanos;
        this.thread = new Thread(this::run, "orderpipe-pretouch-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * CPUs the thread keeps off (the CPUs stage groups are pinned to: it must not take a spinning group's CPU);
     * call before {@link #start()}. Returns this.
     */
    public QueuePretoucher keepOff(BitSet cpus) {
        keepOff = (BitSet) cpus.clone();
        return this;
    }

    /**
     * Keeps {@code queue} touched ahead too, from the next round on (a queue of another implementation is ignored):
     * for an owner that opens its queues as they come (a replica). Any thread.
     */
    public void add(ChronicleQueue queue) {
        if (queue instanceof SingleChronicleQueue)
            queues.add(new Touched((SingleChronicleQueue) queue));
    }

    /** Starts the background thread; returns this. */
    public QueuePretoucher start() {
        thread.start();
        return this;
    }

    /** The most bytes any round touched ahead of its queue's write position (for tests). */
    long mostAhead() {
        return mostAhead;
    }

    /** Pages touched so far, across all queues. */
    public long pagesTouched() {
        return pagesTouched.get();
    }

    /** Stops the thread and releases what it holds; call before closing the queues. Safe to call more than once. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (!thread.isAlive())
            return;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        CpuPlacement.keepOff(keepOff, thread.getName());
        try {
            while (running) {
                for (int i = 0; i < queues.size(); i++) // by index: no iterator every round (it ran for hours)
                    queues.get(i).round();
                LockSupport.parkNanos(intervalNanos);
            }
        } finally {
            for (Touched t : queues)
                t.release();
        }
    }

    /** The state for one queue: its current cycle's store and the chunks held ahead of the writer. */
    private final class Touched implements ReferenceOwner {
        private final SingleChronicleQueue queue;
        private SingleChronicleQueueStore store;
        private MappedFile file;
        private int cycle = Integer.MIN_VALUE;
        private long touchedTo;
        private long lastPosition;
        private long lastNanos = System.nanoTime();
        private long chunkSize;
        private MappedBytesStore ahead;
        private MappedBytesStore waiting;
        private boolean failed;

        Touched(SingleChronicleQueue queue) {
            this.queue = queue;
        }

        void round() {
            if (failed || queue.isClosing())
                return;
            try {
                if (!openCycle())
                    return;
                long position = store.writePosition();
                if (waiting != null && position >= waiting.start()) {
                    waiting.release(this);
                    waiting = null;
                }
                long now = System.nanoTime();
                long advanced = Math.max(0, position - lastPosition);
                // what the writer adds in eight intervals at the rate it wrote since the last round (not eight
                // rounds' advance: a round can take far longer than the interval), within the bounds above
                long elapsed = Math.max(intervalNanos, now - lastNanos);
                long headroom = Math.min(MAX_HEADROOM, Math.max(MIN_HEADROOM,
                        (long) (advanced * 8.0 * intervalNanos / elapsed)));
                lastPosition = position;
                lastNanos = now;
                long target = position + headroom;
                if (touchedTo < position)
                    touchedTo = position & -PAGE;
                long n = 0;
                for (; touchedTo < target && running; touchedTo += PAGE, n++)
                    storeFor(touchedTo, position).compareAndSwapLong(touchedTo, 0L, 0L);
                pagesTouched.addAndGet(n);
                if (touchedTo - position > mostAhead)
                    mostAhead = touchedTo - position;
            } catch (Throwable t) {
                failed = true;
                LOG.warn("pretouch of queue {} stopped: {}", queue.fileAbsolutePath(), t.toString());
                release();
            }
        }

        /** Opens the store of the current cycle when the cycle changed; false while its file does not exist. */
        private boolean openCycle() {
            int current = queue.cycle();
            if (current == cycle && store != null)
                return true;
            release();
            store = queue.storeForCycle(current, queue.epoch(), false, null);
            if (store == null)
                return false;
            cycle = current;
            file = store.bytes().mappedFile();
            chunkSize = file.chunkSize();
            touchedTo = 0;
            lastPosition = store.writePosition();
            return true;
        }

        /**
         * The mapped chunk holding {@code offset}, chosen by chunk (not by the overlap a mapping also covers), so the
         * next chunk is mapped here before the writer reaches it. A chunk the writer has not reached yet stays held
         * until it has (see {@link #round()}); the writer's own reference keeps the chunk it is in.
         */
        private MappedBytesStore storeFor(long offset, long writePosition) throws Exception {
            long start = offset - offset % chunkSize;
            if (ahead != null && ahead.start() == start)
                return ahead;
            MappedBytesStore next = file.acquireByteStore(this, offset);
            if (ahead != null) {
                if (writePosition >= ahead.start()) {
                    ahead.release(this);
                } else {
                    if (waiting != null)
                        waiting.release(this);
                    waiting = ahead;
                }
            }
            ahead = next;
            return next;
        }

        void release() {
            if (ahead != null)
                ahead.release(this);
            if (waiting != null)
                waiting.release(this);
            ahead = null;
            waiting = null;
            file = null;
            if (store != null)
                queue.closeStore(store);
            store = null;
            cycle = Integer.MIN_VALUE;
        }

        @Override
        public String referenceName() {
            return "orderpipe-pretouch";
        }
    }
}
