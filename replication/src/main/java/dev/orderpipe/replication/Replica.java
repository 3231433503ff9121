package dev.orderpipe.replication;

import dev.orderpipe.pipeline.infra.CrashPoints;
import dev.orderpipe.pipeline.infra.DataDirLock;
import dev.orderpipe.pipeline.infra.QueuePretoucher;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * {@code orderpipe replica}: the standby side. Listens on its endpoint for a primary's data stream and writes every
 * record into its own data directory's queues at the primary's indexes ({@link ReplicaQueue}), checked, exactly once
 * and in order. It holds the data directory's pipeline lock while it runs, so no pipeline writes there meanwhile.
 *
 * <p>Resume: whenever it hears a primary it is not in step with (a new primary session, a new image after a
 * disconnect, a primary that has lost track of it), it says hello with a fresh nonce and its last index per queue,
 * drops everything until the primary's resume for that nonce, and then takes the records from its last index on (the
 * primary resends that one, which is compared). It acknowledges its last index per queue after every batch.
 */
public final class Replica implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replica.class);
    private static final long HELLO_RETRY_NANOS = 200_000_000L;

    private final Path dataDir;
    private final String name;
    private final DataDirLock lock;
    private final AeronMedia media;
    private final Subscription data;
    private final FragmentAssembler assembler;
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
    private final Map<String, ReplicaQueue> queues = new LinkedHashMap<>();
    /**
     * Touches the pages ahead of each copy's end on a thread of its own, as the pipeline's does for its queues: the
     * first write to a page of a queue file faults it in (allocated and zeroed), which was the largest part of the
     * replica's work per record; this thread sleeps between rounds.
     */
    private final QueuePretoucher pretoucher = new QueuePretoucher("replica", List.of(),
            QueuePretoucher.DEFAULT_INTERVAL_NANOS);
    /** The queues of the primary's current session by its ids; null where not announced. */
    private ReplicaQueue[] byId = new ReplicaQueue[16];
    /**
     * By the same ids: whether a record of that queue was written or compared since the resume. Only those are
     * acknowledged: until the record the primary sends again has been compared, the last index is not known to hold
     * the primary's record.
     */
    private boolean[] confirmed = new boolean[16];
    private byte[] record = new byte[512];
    /**
     * The record arriving in parts ({@link Messages#PART}): its queue id and index, and how many of its bytes are in
     * {@link #record}; -1 when none (a part that does not continue it is dropped: the primary sends the record again
     * from its first part after the next resume).
     */
    private int partQueue = -1;
    private long partIndex;
    private int partFilled;
    private Publication control;
    private String controlChannel;
    private long session;
    private int slot;
    private long nonce;
    private boolean inStep;
    /** The next hello needs a fresh nonce: what the primary sent since the last one cannot be trusted to follow. */
    private boolean needFresh;
    private volatile boolean imageChanged;
    private boolean progress;
    /** An acknowledgement the control publication refused, to be sent again ({@link #poll}). */
    private boolean ackOwed;
    private long helloSentAt;
    private int gapsInARow;
    private long recordsWritten;
    /** Read by other threads (tests, the bench); written rarely. */
    private volatile long sideFilesWritten;
    private volatile ReplicationException failure;

    /**
     * @param dataDir  the replica's data directory (created when missing)
     * @param listen   where the primary's data stream arrives: this host's address and port, or a multicast group
     * @param name     the replica's name, as the primary's lag shows it
     * @param settings the media driver and channel settings
     */
    public Replica(Path dataDir, Endpoint listen, String name, ReplicationSettings settings) {
        this.dataDir = dataDir;
        this.name = name;
        this.lock = DataDirLock.acquire(dataDir);
        AeronMedia m = null;
        pretoucher.start();
        try {
            for (String left : SideFiles.removeLeftovers(dataDir))
                LOG.info("replica {}: removed {}, a side file half written when the replica stopped", name, left);
            for (String q : ReplicationSource.queueNames(dataDir))
                open(q, null);
            m = AeronMedia.start(settings.aeronDir(), settings.externalDriver());
            this.data = m.subscribe(listen.channel(settings.networkInterface(), 0), Messages.DATA_STREAM,
                    this::imageAvailable, "--listen", listen);
        } catch (RuntimeException e) {
            if (m != null)
                m.close();
            pretoucher.close();
            queues.values().forEach(ReplicaQueue::close);
            lock.close();
            throw e;
        }
        this.media = m;
        this.assembler = new FragmentAssembler(this::onFragment);
    }

    private ReplicaQueue open(String queue, net.openhft.chronicle.queue.RollCycle rollCycle) {
        ReplicaQueue q = queues.get(queue);
        if (q == null) {
            if (rollCycle == null)
                rollCycle = dev.orderpipe.pipeline.integrity.QueueMetadata.read(queue, dataDir.resolve(queue))
                        .rollCycle();
            q = new ReplicaQueue(dataDir, queue, rollCycle, 0);
            queues.put(queue, q);
            pretoucher.add(q.queue());
        } else if (rollCycle != null && !q.rollCycle().equals(rollCycle)) {
            throw new ReplicationException("the replica's queue " + dataDir.resolve(queue) + " has roll cycle "
                    + q.rollCycle() + ", the primary's " + rollCycle + ": it is not a copy of this primary's; move"
                    + " it away and start the replica again");
        }
        return q;
    }

    /** A new image: a primary (again) sends to us; what it sent while we were apart is lost, so say hello again. */
    private void imageAvailable(Image image) {
        imageChanged = true; // on Aeron's conductor thread: the polling thread acts on it
    }

    /**
     * Runs until {@code stop} says so or replication fails.
     *
     * @throws ReplicationException when the copies diverge or a record arrives damaged
     */
    public void run(BooleanSupplier stop) {
        IdleStrategy idle = ReplicationLoop.idleStrategy();
        while (!stop.getAsBoolean())
            idle.idle(poll());
    }

    /**
     * Does one round of work (for tests and the bench, which drive the replica themselves): the embedded driver's
     * work (the records in), the records, the acknowledgement, the driver's work again (the acknowledgement out);
     * returns the work done.
     */
    public int poll() {
        progress = false;
        int work = media.doDriverWork();
        int fragments = data.poll(assembler, 256);
        if (failure != null)
            throw failure;
        // an acknowledgement the control publication refused is made again each round until it goes: an acknowledged
        // write waits for it, and no later record may come to carry a later one
        if (progress || ackOwed)
            ackOwed = !sendAck();
        return work + fragments + media.doDriverWork();
    }

    private void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
        if (failure != null)
            return;
        try {
            handle(buffer, offset, length, header);
        } catch (ReplicationException e) {
            failure = e;
        }
    }

    private void handle(DirectBuffer buffer, int offset, int length, Header header) {
        if (imageChanged) {
            imageChanged = false;
            inStep = false;
            needFresh = true;
        }
        int type = Messages.type(buffer, offset);
        long msgSession = Messages.session(buffer, offset);
        switch (type) {
            case Messages.RECORDS -> {
                if (!inStep || msgSession != session)
                    return;
                int id = buffer.getInt(offset + Messages.RECORDS_QUEUE, Messages.ORDER);
                int count = buffer.getInt(offset + Messages.RECORDS_COUNT, Messages.ORDER);
                ReplicaQueue q = queueOf(id);
                int at = offset + Messages.RECORDS_FIRST;
                for (int i = 0; i < count && inStep; i++) // a gap drops the rest: the primary resumes before it
                    at = record(id, q, buffer, at);
            }
            case Messages.PART -> {
                if (!inStep || msgSession != session)
                    return;
                part(buffer, offset, length);
            }
            case Messages.RECORD -> throw protocolMismatch(1);
            case Messages.ANNOUNCE -> {
                Messages.Reader r = new Messages.Reader(buffer, offset);
                int announcedSlot = r.getInt();
                long slotNonce = r.getLong();
                String controlEndpoint = r.getString();
                if (inStep && msgSession == session && slotNonce == nonce)
                    return;
                connectControl(controlEndpoint, header);
                boolean fresh = needFresh || inStep || msgSession != session || announcedSlot != slot;
                if (fresh) {
                    session = msgSession;
                    slot = announcedSlot;
                    inStep = false;
                    needFresh = false;
                    hello(true);
                } else if (System.nanoTime() - helloSentAt > HELLO_RETRY_NANOS) {
                    hello(false); // the last one may have been lost before the control stream connected
                }
            }
            case Messages.RESUME -> {
                Messages.Reader r = new Messages.Reader(buffer, offset);
                if (msgSession == session && r.getLong() == nonce && !inStep) {
                    int protocol = r.hasMore(offset + length) ? r.getInt() : 1;
                    if (protocol != Messages.PROTOCOL)
                        throw protocolMismatch(protocol);
                    inStep = true;
                    partQueue = -1;
                    byId = new ReplicaQueue[16];
                    confirmed = new boolean[16];
                    LOG.info("replica {}: in step with primary session {}", name, Long.toHexString(session));
                }
            }
            case Messages.QUEUE -> {
                if (!inStep || msgSession != session)
                    return;
                Messages.Reader r = new Messages.Reader(buffer, offset);
                int id = r.getInt();
                String queue = r.getString();
                String rollCycle = r.getString();
                long epoch = r.getLong();
                if (!ReplicationSource.validQueueName(queue))
                    throw new ReplicationException("the primary announced a queue named '" + queue + "', which a"
                            + " replica never writes: replica and primary speak different versions; run the same"
                            + " orderpipe on both");
                if (epoch != 0)
                    throw new ReplicationException("the primary's queue " + queue + " has epoch " + epoch
                            + ": not an orderpipe queue");
                ReplicaQueue q = open(queue, rollCycle(rollCycle));
                if (id >= byId.length) {
                    byId = java.util.Arrays.copyOf(byId, Math.max(id + 1, byId.length * 2));
                    confirmed = java.util.Arrays.copyOf(confirmed, byId.length);
                }
                byId[id] = q;
            }
            case Messages.FILE -> {
                if (!inStep || msgSession != session)
                    return;
                Messages.Reader r = new Messages.Reader(buffer, offset);
                String file = r.getString();
                int crc = r.getInt();
                byte[] bytes = r.getBytes(r.getInt());
                writeSideFile(file, crc, bytes);
            }
            case Messages.DIVERGED -> {
                if (msgSession != session)
                    return;
                Messages.Reader r = new Messages.Reader(buffer, offset);
                long forNonce = r.getLong();
                String what = r.getString();
                boolean protocol = r.hasMore(offset + length) && r.getInt() == Messages.DIVERGED_PROTOCOL;
                if (forNonce == nonce)
                    throw new ReplicationException(protocol ? what : "the replica diverges from the primary: " + what);
            }
            default -> LOG.warn("replica {}: ignored a message of unknown type {}", name, type);
        }
    }

    /**
     * Applies the record at {@code at} of a RECORDS message of {@code q}'s queue; returns the offset after it.
     */
    private int record(int id, ReplicaQueue q, DirectBuffer buffer, int at) {
        long index = buffer.getLong(at + Messages.RECORD_INDEX, Messages.ORDER);
        int crc = buffer.getInt(at + Messages.RECORD_CRC, Messages.ORDER);
        int len = buffer.getInt(at + Messages.RECORD_LENGTH, Messages.ORDER);
        if (record.length < len)
            record = new byte[len];
        buffer.getBytes(at + Messages.RECORD_BYTES, record, 0, len);
        apply(id, q, index, len, crc);
        return at + Messages.RECORD_BYTES + len;
    }

    /** The queue the primary announced as {@code id} in this session. */
    private ReplicaQueue queueOf(int id) {
        ReplicaQueue q = id >= 0 && id < byId.length ? byId[id] : null;
        if (q == null)
            throw new ReplicationException("the primary sent a record of queue id " + id + " it never announced:"
                    + " replica and primary speak different versions; run the same orderpipe on both");
        return q;
    }

    /** Takes a part of a record too large for one message; the record is applied when its last part is in. */
    private void part(DirectBuffer buffer, int offset, int length) {
        int id = buffer.getInt(offset + Messages.PART_QUEUE, Messages.ORDER);
        ReplicaQueue q = queueOf(id);
        long index = buffer.getLong(offset + Messages.PART_INDEX, Messages.ORDER);
        int crc = buffer.getInt(offset + Messages.PART_CRC, Messages.ORDER);
        int len = buffer.getInt(offset + Messages.PART_LENGTH, Messages.ORDER);
        int from = buffer.getInt(offset + Messages.PART_OFFSET, Messages.ORDER);
        int n = length - Messages.PART_BYTES;
        if (from == 0) {
            partQueue = id;
            partIndex = index;
            partFilled = 0;
            if (record.length < len)
                record = new byte[len];
        } else if (id != partQueue || index != partIndex || from != partFilled) {
            partQueue = -1; // its first parts were not seen here
            return;
        }
        if (n < 0 || partFilled + n > len)
            throw new ReplicationException("the primary sent a part of record " + Long.toHexString(index) + " of "
                    + q.name() + " beyond its length: replica and primary speak different versions; run the same"
                    + " orderpipe on both");
        buffer.getBytes(offset + Messages.PART_BYTES, record, partFilled, n);
        partFilled += n;
        if (partFilled < len) {
            CrashPoints.hit(CrashPoints.Point.REPLICA_PART_RECEIVED);
            return;
        }
        partQueue = -1;
        apply(id, q, index, len, crc);
    }

    /** Applies the record in {@link #record} ({@code len} bytes) to {@code q} at {@code index}. */
    private void apply(int id, ReplicaQueue q, long index, int len, int crc) {
        int applied = q.apply(index, record, len, crc);
        if (applied == ReplicaQueue.GAP) {
            gap(q, index);
        } else {
            gapsInARow = 0;
            confirmed[id] = true;
            if (applied == ReplicaQueue.WRITTEN)
                recordsWritten++;
            progress = true;
        }
    }

    private static ReplicationException protocolMismatch(int primaryProtocol) {
        return new ReplicationException("replica and primary speak different replication protocols (the primary "
                + primaryProtocol + ", the replica " + Messages.PROTOCOL + "): run the same orderpipe version on both"
                + " hosts");
    }

    /**
     * Replaces the side file {@code file} ({@link SideFiles}) with {@code bytes} after checking them against the
     * primary's CRC32C: written beside it, forced to disk, renamed over it in one step, read back and compared, so a
     * fail-over run finds either the version before or this one, whole.
     */
    private void writeSideFile(String file, int crc, byte[] bytes) {
        if (!SideFiles.allowed(file))
            throw new ReplicationException("the primary sent a file named '" + file + "', which a replica never"
                    + " writes: replica and primary speak different versions; run the same orderpipe on both");
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(bytes);
        if ((int) c.getValue() != crc)
            throw new ReplicationException(file + " arrived damaged (its CRC32C does not match the primary's);"
                    + " restart the replica, which is sent it again");
        Path target = dataDir.resolve(file);
        try {
            if (java.nio.file.Files.exists(target)
                    && java.util.Arrays.equals(java.nio.file.Files.readAllBytes(target), bytes))
                return;
            java.nio.file.Files.createDirectories(target.getParent());
            try (dev.orderpipe.pipeline.util.AtomicFile f = dev.orderpipe.pipeline.util.AtomicFile.create(target)) {
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f.temp(),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
                    if (CrashPoints.armed(CrashPoints.Point.REPLICA_SIDE_FILE_PARTIAL)) { // a crash test's: half
                        b.limit(bytes.length / 2);
                        while (b.hasRemaining())
                            ch.write(b);
                        CrashPoints.hit(CrashPoints.Point.REPLICA_SIDE_FILE_PARTIAL);
                        b.limit(bytes.length);
                    }
                    while (b.hasRemaining())
                        ch.write(b);
                    ch.force(true);
                }
                f.commit();
            }
            CrashPoints.hit(CrashPoints.Point.REPLICA_SIDE_FILE_REPLACED);
            if (!java.util.Arrays.equals(java.nio.file.Files.readAllBytes(target), bytes))
                throw new ReplicationException(target + " does not read back as written: check the standby's disk");
        } catch (java.io.IOException e) {
            throw new ReplicationException("cannot write " + target + ": " + e.getMessage());
        }
        sideFilesWritten++;
    }

    private static net.openhft.chronicle.queue.RollCycle rollCycle(String name) {
        net.openhft.chronicle.queue.RollCycle rc = dev.orderpipe.pipeline.config.PipelineConfig.rollCycleNamed(name);
        if (rc == null)
            throw new ReplicationException("the primary's queues roll with " + name + ", which this orderpipe does"
                    + " not know: run the same orderpipe on both hosts");
        return rc;
    }

    private void gap(ReplicaQueue q, long index) {
        if (++gapsInARow > 3)
            throw new ReplicationException("queue " + q.name() + ": the primary's record at index "
                    + dev.orderpipe.pipeline.infra.Queues.describeIndex(q.rollCycle(), index) + " cannot be written"
                    + " at its index after the replica's last, "
                    + dev.orderpipe.pipeline.infra.Queues.describeIndex(q.rollCycle(), q.lastIndex())
                    + ", even after resuming: the primary's queue skips records there");
        LOG.warn("replica {}: queue {} skipped from {} to {}: asking the primary to resume", name, q.name(),
                Long.toHexString(q.lastIndex()), Long.toHexString(index));
        inStep = false;
        needFresh = false;
        hello(true);
    }

    /** The control publication to the primary's control endpoint (a wildcard host: the address it sends from). */
    private void connectControl(String endpoint, Header header) {
        Endpoint e;
        try {
            e = Endpoint.parse(endpoint, "the primary's control endpoint");
            if (e.wildcard()) {
                Image image = data.imageBySessionId(header.sessionId());
                String source = image != null ? image.sourceIdentity() : null;
                if (source != null)
                    e = new Endpoint(Endpoint.parse(source, "the primary's address").host(), e.port());
            }
        } catch (IllegalArgumentException x) {
            throw new ReplicationException(x.getMessage() + ": replica and primary speak different versions; run the"
                    + " same orderpipe on both");
        }
        String channel = e.channel(null, 0);
        if (channel.equals(controlChannel))
            return;
        if (control != null)
            control.close();
        control = null;
        controlChannel = null;
        try {
            control = media.aeron().addPublication(channel, Messages.CONTROL_STREAM);
        } catch (io.aeron.exceptions.AeronException x) {
            // the primary's --listen names a host this one cannot resolve or send to: the primary can never hear us
            throw new ReplicationException("cannot send to the primary's control endpoint " + e + " (" + x.getMessage()
                    + "): give replicate a --listen HOST:PORT that this standby resolves and reaches (or"
                    + " 0.0.0.0:PORT: the address the primary sends from)");
        }
        controlChannel = channel;
    }

    private void hello(boolean fresh) {
        if (fresh)
            nonce = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        int at = Messages.header(out, Messages.HELLO, session);
        out.putInt(at, slot, Messages.ORDER);
        out.putLong(at + 4, nonce, Messages.ORDER);
        at = Messages.putString(out, at + 12, name);
        out.putInt(at, queues.size(), Messages.ORDER);
        at += 4;
        for (ReplicaQueue q : queues.values()) {
            at = Messages.putString(out, at, q.name());
            out.putLong(at, q.lastIndex(), Messages.ORDER);
            at += 8;
        }
        out.putInt(at, Messages.PROTOCOL, Messages.ORDER);
        at += 4;
        helloSentAt = System.nanoTime();
        if (control != null)
            control.offer(out, 0, at); // lost when not connected yet: the next announce brings it again
    }

    /**
     * Sends the replica's last index of each confirmed queue; false when the control publication refused it for now
     * (back pressure, a new term begun: Aeron's ADMIN_ACTION, the primary not yet connected) and it must be sent again.
     */
    private boolean sendAck() {
        if (control == null)
            return true; // no primary to tell yet: its resume asks for the indexes

        int at = Messages.header(out, Messages.ACK, session);
        out.putInt(at, slot, Messages.ORDER);
        out.putLong(at + 4, nonce, Messages.ORDER);
        at += 12;
        int countAt = at;
        at += 4;
        int count = 0;
        for (int id = 0; id < byId.length; id++) {
            ReplicaQueue q = byId[id];
            if (q == null || !confirmed[id])
                continue;
            out.putInt(at, id, Messages.ORDER);
            out.putLong(at + 4, q.lastIndex(), Messages.ORDER);
            at += 12;
            count++;
        }
        out.putInt(countAt, count, Messages.ORDER);
        long result = control.offer(out, 0, at);
        return result >= 0 || result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED;
    }

    /** Whether the replica is in step with a primary (has had its resume). */
    public boolean inStep() {
        return inStep;
    }

    /** Records written (not those compared) since start. */
    public long recordsWritten() {
        return recordsWritten;
    }

    /** Side files (risk config history, consumer positions) replaced since start. */
    public long sideFilesWritten() {
        return sideFilesWritten;
    }

    /** The replica's last index per queue. */
    public Map<String, Long> lastIndexes() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (ReplicaQueue q : queues.values())
            m.put(q.name(), q.lastIndex());
        return m;
    }

    public String name() {
        return name;
    }

    /**
     * Closes the media (its driver's threads), the queues and the lock, each whatever the others threw (an Error
     * too: a driver thread left running would keep the JVM alive after the command ended); then throws the first.
     */
    @Override
    public void close() {
        Throwable first = null;
        try {
            media.close();
        } catch (Throwable t) {
            first = t;
        }
        pretoucher.close(); // before the queues it touches
        for (ReplicaQueue q : queues.values()) {
            try {
                q.close();
            } catch (Throwable t) {
                first = first == null ? t : first;
            }
        }
        try {
            lock.close();
        } catch (Throwable t) {
            first = first == null ? t : first;
        }
        if (first instanceof RuntimeException r)
            throw r;
        if (first instanceof Error err)
            throw err;
    }
}
