package dev.orderpipe.replication;

import dev.orderpipe.pipeline.infra.DataDirLock;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.integrity.QueueMetadata;
import dev.orderpipe.pipeline.integrity.RecordKind;
import dev.orderpipe.pipeline.metrics.ReplicationStatus;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * {@code orderpipe replicate}: the primary side. Streams every queue of a data directory (orders, checked,
 * executions and any other queue there, looked for every 100 ms) to each replica, record by record (as many to a
 * message as one Aeron frame holds): the raw bytes of the record as the queue holds them, with the queue and the
 * index. Reads only; the pipeline runs beside it.
 *
 * <p>Order across queues: a stage's output record is written after the input record it names, so the replica must
 * never hold an output whose input it lacks (a pipeline started on it would refuse the directory). Each round takes
 * every queue's last index downstream first (executions, then checked, then orders) and then sends upstream first up
 * to those indexes: whatever a sent output names was written before its queue's bound was taken, so before the
 * input's, and is sent before it. A replica that stops anywhere holds what a crash of the pipeline could have left.
 *
 * <p>Per replica (a slot: one publication to one {@code --to} endpoint): announcements every 200 ms carry the session
 * (drawn at each start), the slot, the nonce of the replica's last hello it answered and where to send control
 * messages; a replica's hello rewinds the slot to the replica's last index per queue (that record is sent again, and
 * compared there), its acks move the slot's acknowledged indexes (lag, acknowledged durability:
 * {@link ReplicationStatus}).
 */
public final class ReplicationSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSource.class);
    private static final long ANNOUNCE_NANOS = 200_000_000L;
    /** How often new queues are looked for: a pipeline started after replicate creates its queues with their first records. */
    private static final long RESCAN_NANOS = 100_000_000L;
    private static final long STATUS_NANOS = 100_000_000L;

    private final Path dataDir;
    private final AeronMedia media;
    private final Subscription control;
    private final FragmentAssembler controlAssembler;
    private final String controlEndpoint;
    private final long session = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final Slot[] slots;
    /** By id (the order found in). */
    private final List<Source> sources = new ArrayList<>();
    /** Upstream first. */
    private final List<Source> inOrder = new ArrayList<>();
    /** The queues that could not be opened and why, each said once. */
    private final java.util.Set<String> unopenable = new java.util.HashSet<>();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
    private final CRC32C crc = new CRC32C();
    /** Reads every control message (an acknowledgement after each batch the replica wrote): one for all. */
    private final Messages.Reader controlReader = new Messages.Reader();
    private final ReplicationStatus status;
    private final SideFiles sideFiles;
    /** Held while it runs: one replicate per data directory (a second would reset the first's lag figures). */
    private final java.nio.channels.FileChannel statusLock;
    private long[] bounds = new long[8];
    private long lastRescan;
    private long lastStatus;
    private long recordsSent;
    /** A replica came in step since the side files were last looked at: all of them are looked at next. */
    private boolean resumed;

    /**
     * @param dataDir  the primary's data directory
     * @param to       the replicas' endpoints (a multicast group serves every replica listening on it)
     * @param listen   where replicas send their control messages: this host's address as they reach it (a wildcard
     *                 host: they take the address the data comes from)
     * @param settings the media driver and channel settings
     */
    public ReplicationSource(Path dataDir, List<Endpoint> to, Endpoint listen, ReplicationSettings settings) {
        if (!Files.isDirectory(dataDir))
            throw new ReplicationException(dataDir + " is not a directory: give the pipeline's data directory"
                    + " (--data)");
        refuseUnlessDataDir(dataDir);
        this.dataDir = dataDir;
        this.controlEndpoint = listen.toString();
        this.sideFiles = new SideFiles(dataDir);
        this.statusLock = lockStatus(dataDir);
        try {
            this.status = ReplicationStatus.create(dataDir);
        } catch (RuntimeException e) {
            closeQuietly(statusLock);
            throw e;
        }
        AeronMedia m = null;
        try {
            // the queues before the Aeron client: opening them (Chronicle's first start in this JVM too) can take
            // seconds on a busy host, and a client whose conductor waits longer than the driver's client liveness
            // timeout before the first round has closed itself (AeronMedia#doDriverWork)
            rescan();
            m = AeronMedia.start(settings.aeronDir(), settings.externalDriver());
            this.control = m.subscribe(listen.channel(settings.networkInterface(), 0), Messages.CONTROL_STREAM, null,
                    "--listen", listen);
            this.slots = new Slot[to.size()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new Slot(i, to.get(i), m.publish(to.get(i).channel(settings.networkInterface(),
                        settings.termLength()), Messages.DATA_STREAM, "--to", to.get(i)));
                for (Source s : sources)
                    slots[i].add(s);
            }
        } catch (RuntimeException e) {
            if (m != null)
                m.close();
            closeSources();
            status.close();
            closeQuietly(statusLock);
            throw e;
        }
        this.media = m;
        this.controlAssembler = new FragmentAssembler(this::onControl);
    }

    /**
     * Refuses a directory that is not a pipeline's data directory before anything is written there (replication.lock,
     * replication.dat): a queue's own directory (--data one level too deep), or one that holds no queue and where no
     * pipeline ever ran (no {@value DataDirLock#FILE}: a typo, the wrong host's path), which would be served forever
     * with nothing to send while its replicas look in step.
     */
    private static void refuseUnlessDataDir(Path dataDir) {
        if (Queues.isQueueDir(dataDir))
            throw new ReplicationException(dataDir + " is a queue's directory, not a data directory: give the data"
                    + " directory that holds it (--data " + dataDir.toAbsolutePath().getParent() + ")");
        if (queueNames(dataDir).isEmpty() && !Files.exists(dataDir.resolve(DataDirLock.FILE)))
            throw new ReplicationException(dataDir + " holds no orderpipe queue and no pipeline ran there: give the"
                    + " pipeline's data directory (--data), or start replicate after 'orderpipe run' created it");
    }

    /**
     * The queues of {@code dataDir}: its subdirectories that hold queue files and those of {@code snapshots/} (named
     * {@code snapshots/risk}, ...), the pipeline's upstream first (orders, checked, executions: {@link RecordKind}),
     * then any other by name.
     */
    static List<String> queueNames(Path dataDir) {
        if (!Files.isDirectory(dataDir))
            return List.of();
        List<String> names = new ArrayList<>();
        queueDirs(dataDir, "", names);
        queueDirs(dataDir.resolve(SnapshotStore.DIR), SnapshotStore.DIR + "/", names);
        names.sort(Comparator.comparingInt(ReplicationSource::rank).thenComparing(Comparator.naturalOrder()));
        return names;
    }

    private static void queueDirs(Path dir, String prefix, List<String> names) {
        if (!Files.isDirectory(dir))
            return;
        try (Stream<Path> dirs = Files.list(dir)) {
            dirs.filter(Queues::isQueueDir).forEach(p -> names.add(prefix + p.getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Whether {@code name} is one {@link #queueNames} can give: a replica writes no queue elsewhere. */
    static boolean validQueueName(String name) {
        return name.matches("(" + SnapshotStore.DIR + "/)?[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}");
    }

    private static int rank(String queue) {
        RecordKind kind = RecordKind.ofQueueName(queue);
        return kind == null ? RecordKind.values().length : kind.ordinal();
    }

    /** Opens the queues that appeared since the last look. */
    private void rescan() {
        lastRescan = System.nanoTime();
        for (String name : queueNames(dataDir)) {
            if (sources.stream().anyMatch(s -> s.name.equals(name)))
                continue;
            ChronicleQueue q;
            try {
                q = open(dataDir.resolve(name));
            } catch (RuntimeException e) {
                // a queue being created right now (its first file half-written): looked at again in the next rescan;
                // said once per queue and problem, not ten times a second
                if (unopenable.add(name + ": " + e.getMessage()))
                    LOG.warn("replicate: queue {} cannot be opened yet: {}", name, e.getMessage());
                continue;
            }
            Source s = new Source(sources.size(), name, q);
            sideFiles.addHistoryStart(name);
            sources.add(s);
            inOrder.add(s);
            inOrder.sort(Comparator.comparingInt((Source x) -> rank(x.name)).thenComparing(x -> x.name));
            if (bounds.length < sources.size())
                bounds = new long[sources.size() * 2];
            if (slots != null) // null at the first look, from the constructor: each slot adds every source then
                for (Slot slot : slots)
                    slot.add(s);
        }
    }

    /**
     * Opens a queue of the data directory for reading: one of the pipeline's checked as every tool checks it
     * ({@link Queues#openExisting}); any other (its records are not orderpipe's to check) with the roll cycle its
     * metadata records.
     */
    private static ChronicleQueue open(Path dir) {
        RecordKind kind = RecordKind.ofQueueName(dir.getFileName().toString());
        if (kind != null)
            return Queues.openExisting(dir, kind);
        QueueMetadata recorded = QueueMetadata.read(dir.getFileName().toString(), dir);
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(recorded.rollCycle()).epoch(recorded.epoch())
                .readOnly(true).build();
    }

    /** Runs until {@code stop} says so. */
    public void run(BooleanSupplier stop) {
        IdleStrategy idle = ReplicationLoop.idleStrategy();
        while (!stop.getAsBoolean())
            idle.idle(doWork());
    }

    /**
     * One round: the embedded driver's work (acknowledgements in), control messages, announcements, records up to
     * each queue's bound, the status, the driver's work again (the records out); the work done.
     */
    public int doWork() {
        int work = media.doDriverWork();
        work += control.poll(controlAssembler, 64);
        long now = System.nanoTime();
        if (now - lastRescan > RESCAN_NANOS)
            rescan();
        boolean any = false;
        for (Slot slot : slots) {
            if (now - slot.lastAnnounce > ANNOUNCE_NANOS)
                announce(slot, now);
            if (slot.pendingNonce != 0)
                resume(slot);
            any |= slot.nonce != 0;
        }
        // downstream first: see the class comment
        boolean newRecords = false;
        for (int i = inOrder.size() - 1; i >= 0; i--) {
            Source s = inOrder.get(i);
            long bound = s.advanceEnd();
            newRecords |= bound != bounds[s.id];
            bounds[s.id] = bound;
        }
        if (any) { // after the bounds: a history line written before a record within them is read now (SideFiles)
            sideFiles.refresh(now, newRecords, resumed);
            resumed = false;
            noteHistoryStarts();
        }
        if (any)
            for (Slot slot : slots)
                if (slot.nonce != 0)
                    work += send(slot);
        for (Slot slot : slots)
            slot.lag(bounds);
        if (now - lastStatus > STATUS_NANOS) {
            lastStatus = now;
            publishStatus();
        }
        return work + media.doDriverWork();
    }

    private int send(Slot slot) {
        int sent = 0;
        if (!sendFiles(slot, false)) // before the records: they may be what a new history line describes
            return sent;
        // a batch the publication refused goes first: its records were read, and nothing may overtake them
        if (slot.batchLength > 0) {
            int count = slot.batchCount;
            if (!offerBatch(slot))
                return sent;
            sent += count;
        }
        for (Source s : inOrder) {
            SlotQueue sq = slot.queues[s.id];
            if (!sq.announced) {
                if (!offerQueue(slot, s))
                    return sent;
                sq.announced = true;
            }
            long bound = bounds[s.id];
            while (readBatch(slot, s, sq, bound)) {
                int count = slot.batchCount;
                if (!offerBatch(slot))
                    return sent;
                sent += count;
            }
        }
        sendFiles(slot, true);
        return sent;
    }

    /**
     * Reads the records of {@code s} after the slot's last, up to {@code bound}, into the slot's batch: one RECORDS
     * message of as many as one Aeron frame holds (a record larger than that alone, in fragments). Each message costs
     * the publication, both media drivers and the replica's poll a frame header and a callback, which at a few
     * hundred thousand records a second was most of their work. False when there is none to send.
     */
    private boolean readBatch(Slot slot, Source s, SlotQueue sq, long bound) {
        ExpandableArrayBuffer b = slot.batch;
        int limit = slot.publication.maxPayloadLength();
        int at = Messages.RECORDS_FIRST;
        int count = 0;
        long last = -1;
        while (true) {
            try (DocumentContext dc = sq.tailer.readingDocument()) {
                if (!dc.isPresent())
                    break;
                long index = dc.index();
                Bytes<?> bytes = dc.wire().bytes();
                int len = (int) bytes.readRemaining();
                int bodyAt = at + Messages.RECORD_BYTES;
                if (index > bound || (count > 0 && bodyAt + len > limit)) {
                    dc.rollbackOnClose(); // read again by the next batch
                    break;
                }
                if (bodyAt + len > slot.publication.maxMessageLength()) {
                    // more than one message of this stream holds (an eighth of its term): alone, in parts
                    b.checkLimit(len);
                    bytes.read(b.byteArray(), 0, len);
                    crc.reset();
                    crc.update(b.byteArray(), 0, len);
                    slot.parts = true;
                    slot.partOffset = 0;
                    slot.partQueue = s.id;
                    slot.partCrc = (int) crc.getValue();
                    slot.batchLength = len;
                    slot.batchCount = 1;
                    slot.batchLast = index;
                    slot.batchQueue = sq;
                    return true;
                }
                b.checkLimit(bodyAt + len);
                bytes.read(b.byteArray(), bodyAt, len); // straight into the message: one copy
                crc.reset();
                crc.update(b.byteArray(), bodyAt, len);
                b.putLong(at + Messages.RECORD_INDEX, index, Messages.ORDER);
                b.putInt(at + Messages.RECORD_CRC, (int) crc.getValue(), Messages.ORDER);
                b.putInt(at + Messages.RECORD_LENGTH, len, Messages.ORDER);
                at = bodyAt + len;
                count++;
                last = index;
            }
        }
        if (count == 0)
            return false;
        Messages.header(b, Messages.RECORDS, session);
        b.putInt(Messages.RECORDS_QUEUE, s.id, Messages.ORDER);
        b.putInt(Messages.RECORDS_COUNT, count, Messages.ORDER);
        slot.batchLength = at;
        slot.batchCount = count;
        slot.batchLast = last;
        slot.batchQueue = sq;
        return true;
    }

    /**
     * Offers the slot's batch; true when it is out. A batch refused (the replica's window is full) stays the slot's
     * and is offered again next round before anything else: its records were read, so the tailer is past them.
     */
    private boolean offerBatch(Slot slot) {
        if (slot.parts ? !offerParts(slot) : !offer(slot, slot.batch, slot.batchLength))
            return false;
        slot.batchQueue.sentIndex = slot.batchLast;
        recordsSent += slot.batchCount;
        slot.batchLength = 0;
        slot.parts = false;
        return true;
    }

    /**
     * Offers the parts of the one record in the slot's batch that are not out yet ({@link Messages#PART}), each as
     * much as one message of the stream holds; true when the last is out. A part refused is offered again next round,
     * and no other record goes between two parts of a record (a side file or an announcement may).
     */
    private boolean offerParts(Slot slot) {
        ExpandableArrayBuffer m = slot.part;
        int room = slot.publication.maxMessageLength() - Messages.PART_BYTES;
        while (slot.partOffset < slot.batchLength) {
            int n = Math.min(room, slot.batchLength - slot.partOffset);
            Messages.header(m, Messages.PART, session);
            m.putInt(Messages.PART_QUEUE, slot.partQueue, Messages.ORDER);
            m.putLong(Messages.PART_INDEX, slot.batchLast, Messages.ORDER);
            m.putInt(Messages.PART_CRC, slot.partCrc, Messages.ORDER);
            m.putInt(Messages.PART_LENGTH, slot.batchLength, Messages.ORDER);
            m.putInt(Messages.PART_OFFSET, slot.partOffset, Messages.ORDER);
            m.putBytes(Messages.PART_BYTES, slot.batch, slot.partOffset, n);
            if (!offer(slot, m, Messages.PART_BYTES + n))
                return false;
            slot.partOffset += n;
        }
        return true;
    }

    /** Offers {@code length} bytes of {@code message} on the slot's publication; false (and noted) when refused. */
    private boolean offer(Slot slot, ExpandableArrayBuffer message, int length) {
        long result = slot.publication.offer(message, 0, length);
        if (result == Publication.ADMIN_ACTION) // the term rotated: offered again at once, as Aeron advises
            result = slot.publication.offer(message, 0, length);
        if (result < 0) {
            offerFailed(slot, result);
            return false;
        }
        return true;
    }

    /**
     * Sends the side files (positions, or the others) the replica of {@code slot} has not had in their current
     * version; a position only once the report it names was sent. False when the publication refused one.
     */
    private boolean sendFiles(Slot slot, boolean positions) {
        for (SideFiles.SideFile f : sideFiles.files()) {
            if (f.position != positions || f.version == 0 || slot.fileVersion(f.id) == f.version)
                continue;
            if (f.historyStart && !historyStartDue(slot, f))
                continue;
            if (positions && f.positionIndex() > executionsSent(slot))
                continue;
            int at = Messages.header(out, Messages.FILE, session);
            at = Messages.putString(out, at, f.name);
            out.putInt(at, f.crc, Messages.ORDER);
            out.putInt(at + 4, f.bytes.length, Messages.ORDER);
            out.putBytes(at + 8, f.bytes);
            long result = slot.publication.offer(out, 0, at + 8 + f.bytes.length);
            if (result < 0) {
                offerFailed(slot, result);
                return false;
            }
            slot.fileSent(f.id, f.version);
        }
        return true;
    }

    /**
     * Takes, for each history start whose version changed, the snapshot queues' last indexes now: the snapshots the
     * retention pass that wrote it relied on were written before it, so they are within these.
     */
    private void noteHistoryStarts() {
        for (SideFiles.SideFile f : sideFiles.files()) {
            if (!f.historyStart || f.version == 0 || f.needsVersion == f.version)
                continue;
            long[] needs = new long[sources.size()];
            for (Source s : sources)
                needs[s.id] = s.name.startsWith(SnapshotStore.DIR + "/") ? s.advanceEnd() : -1;
            f.needs = needs;
            f.needsVersion = f.version;
        }
    }

    /**
     * Whether the history start {@code f} may go to the replica of {@code slot} now. To a replica that holds none of
     * its queue (it starts at the history start), at once, before the queue's records. To one that holds records of
     * it (in step, or coming back), only once it acknowledged every snapshot queue up to its last index when this
     * version was seen: sent before, a replica stopped in between (the primary dying) would hold a history start
     * later than every snapshot it holds, and a fail-over run on it refuses to start (no snapshot it can restore, the
     * input cut), though it holds every record. Until then the replica keeps its older start: it holds the records
     * the pass removed.
     */
    private boolean historyStartDue(Slot slot, SideFiles.SideFile f) {
        String queue = f.name.substring(0, f.name.length() - HistoryStart.FILE.length() - 1);
        if (holdsNone(slot, queue))
            return true;
        long[] needs = f.needs;
        if (needs == null || f.needsVersion != f.version)
            return false; // not taken yet (this round's look): next round
        for (int i = 0; i < needs.length; i++)
            if (needs[i] >= 0 && slot.queues[i].ackIndex < needs[i])
                return false;
        return true;
    }

    /** Whether the replica of {@code slot} holds no record of {@code queue}: none at its hello, none sent since. */
    private boolean holdsNone(Slot slot, String queue) {
        for (Source s : sources)
            if (s.name.equals(queue))
                return slot.queues[s.id].sentIndex < 0;
        return true;
    }

    /** The last report sent to the replica of {@code slot}, -1 when none (or no executions queue). */
    private long executionsSent(Slot slot) {
        for (Source s : sources)
            if (RecordKind.ofQueueName(s.name) == RecordKind.REPORT)
                return slot.queues[s.id].sentIndex;
        return -1;
    }

    private void offerFailed(Slot slot, long result) {
        if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED) {
            // the replica is gone: what reached it is unknown, so it must say hello again before it gets more
            LOG.info("replicate: replica {} ({}) disconnected", slot.replica, slot.to);
            slot.nonce = 0;
        }
    }

    private boolean offerQueue(Slot slot, Source s) {
        int at = Messages.header(out, Messages.QUEUE, session);
        out.putInt(at, s.id, Messages.ORDER);
        at = Messages.putString(out, at + 4, s.name);
        at = Messages.putString(out, at, dev.orderpipe.pipeline.config.PipelineConfig.rollCycleName(s.queue.rollCycle()));
        out.putLong(at, 0, Messages.ORDER);
        long result = slot.publication.offer(out, 0, at + 8);
        if (result < 0)
            offerFailed(slot, result);
        return result >= 0;
    }

    private void announce(Slot slot, long now) {
        int at = Messages.header(out, Messages.ANNOUNCE, session);
        out.putInt(at, slot.id, Messages.ORDER);
        out.putLong(at + 4, slot.nonce, Messages.ORDER);
        at = Messages.putString(out, at + 12, controlEndpoint);
        long result = slot.publication.offer(out, 0, at);
        if (result >= 0 || result == Publication.NOT_CONNECTED)
            slot.lastAnnounce = now;
    }

    /** Sends the resume a hello asked for; the slot is in step once it is out. */
    private void resume(Slot slot) {
        int at = Messages.header(out, Messages.RESUME, session);
        out.putLong(at, slot.pendingNonce, Messages.ORDER);
        out.putInt(at + 8, Messages.PROTOCOL, Messages.ORDER);
        long result = slot.publication.offer(out, 0, at + 12);
        if (result < 0) {
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED)
                slot.pendingNonce = 0; // the replica says hello again when it is back
            return;
        }
        slot.nonce = slot.pendingNonce;
        resumed = true; // every side file is looked at before the round's records (SideFiles)
        slot.pendingNonce = 0;
        slot.fileVersions = new long[8]; // the replica's side files are unknown: every one is sent again
        for (SlotQueue sq : slot.queues)
            if (sq != null)
                sq.announced = false;
        LOG.info("replicate: replica {} ({}) in step", slot.replica, slot.to);
    }

    private void onControl(DirectBuffer buffer, int offset, int length, Header header) {
        int type = Messages.type(buffer, offset);
        if (Messages.session(buffer, offset) != session)
            return; // a replica answering an earlier run of this primary
        Messages.Reader r = controlReader.wrap(buffer, offset);
        int slotId = r.getInt();
        long nonce = r.getLong();
        if (slotId < 0 || slotId >= slots.length)
            return;
        Slot slot = slots[slotId];
        if (type == Messages.ACK) {
            if (nonce != slot.nonce)
                return;
            int count = r.getInt();
            for (int i = 0; i < count; i++) {
                int id = r.getInt();
                long index = r.getLong();
                if (id >= 0 && id < slot.queues.length && slot.queues[id] != null)
                    slot.acked(id, index);
            }
        } else if (type == Messages.HELLO) {
            if (nonce == slot.nonce || nonce == slot.pendingNonce)
                return;
            String replica = r.getString();
            int count = r.getInt();
            Map<String, Long> indexes = new HashMap<>();
            for (int i = 0; i < count; i++)
                indexes.put(r.getString(), r.getLong());
            int protocol = r.hasMore(offset + length) ? r.getInt() : 1;
            if (protocol != Messages.PROTOCOL) {
                refuse(slot, replica, nonce, "replica and primary speak different replication protocols (the replica "
                        + protocol + ", the primary " + Messages.PROTOCOL + "): run the same orderpipe version on both"
                        + " hosts", Messages.DIVERGED_PROTOCOL);
                return;
            }
            hello(slot, replica, nonce, indexes);
        }
    }

    /** Rewinds {@code slot} to the replica's indexes, or tells it why it cannot be served. */
    private void hello(Slot slot, String replica, long nonce, Map<String, Long> indexes) {
        slot.nonce = 0;
        slot.pendingNonce = 0;
        slot.batchLength = 0; // the tailers rewind: a batch read before is read again if the replica lacks it
        slot.parts = false; // a record sent in parts: from its first part
        slot.rename(replica);
        String diverged = null;
        for (Map.Entry<String, Long> e : indexes.entrySet()) {
            long index = e.getValue();
            if (index >= 0 && sources.stream().noneMatch(s -> s.name.equals(e.getKey())))
                diverged = "the replica holds queue " + e.getKey() + " up to index "
                        + Long.toHexString(index) + ", which the primary's " + dataDir + " does not have";
        }
        for (Source s : sources) {
            long index = indexes.getOrDefault(s.name, -1L);
            String problem = slot.queues[s.id].rewind(index);
            if (problem != null && diverged == null)
                diverged = problem;
        }
        slot.helloIndexes = indexes;
        if (diverged != null) {
            refuse(slot, replica, nonce, diverged, 0);
            return;
        }
        slot.pendingNonce = nonce;
        resume(slot);
    }

    /**
     * Tells the replica that said hello with {@code nonce} why it cannot be served ({@code why}: 0, its copy diverges;
     * {@link Messages#DIVERGED_PROTOCOL}, it speaks another protocol); it stops with that line.
     */
    private void refuse(Slot slot, String replica, long nonce, String problem, int why) {
        slot.nonce = 0;
        slot.pendingNonce = 0;
        LOG.error(why == 0 ? "replicate: replica {} ({}) diverges: {}" : "replicate: replica {} ({}) refused: {}",
                replica, slot.to, problem);
        int at = Messages.header(out, Messages.DIVERGED, session);
        out.putLong(at, nonce, Messages.ORDER);
        at = Messages.putString(out, at + 8, problem);
        out.putInt(at, why, Messages.ORDER);
        slot.publication.offer(out, 0, at + 4);
    }

    private void publishStatus() {
        for (Slot slot : slots)
            for (Source s : sources) {
                SlotQueue sq = slot.queues[s.id];
                status.update(slot.id, s.id, slot.replica, s.name, s.queue, bounds[s.id], sq.ackIndex, sq.sentIndex,
                        sq.behindSince);
            }
        status.heartbeat();
    }

    /** Records sent since start (all replicas). */
    public long recordsSent() {
        return recordsSent;
    }

    /** The index the replica of {@code slot} acknowledged on {@code queue}, -1 when none. */
    public long ackedIndex(int slot, String queue) {
        for (Source s : sources)
            if (s.name.equals(queue))
                return slots[slot].queues[s.id].ackIndex;
        return -1;
    }

    @Override
    public void close() {
        try {
            publishStatus();
            status.stopped();
            status.close();
            media.close();
        } finally {
            closeQuietly(statusLock);
            for (Slot slot : slots)
                for (SlotQueue sq : slot.queues)
                    if (sq != null)
                        sq.tailer.close();
            closeSources();
        }
    }

    private void closeSources() {
        for (Source s : sources) {
            s.end.close();
            s.queue.close();
        }
    }

    private static java.nio.channels.FileChannel lockStatus(Path dataDir) {
        Path file = dataDir.resolve("replication.lock");
        java.nio.channels.FileChannel ch = null;
        boolean locked = false;
        try {
            ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
            locked = tryLock(ch);
        } catch (java.io.IOException e) {
            throw new ReplicationException("cannot lock " + file + ": " + e.getMessage());
        } finally {
            if (!locked)
                closeQuietly(ch);
        }
        if (!locked)
            throw new ReplicationException("another orderpipe replicate runs on " + dataDir + ": stop it first;"
                    + " one replicate serves every replica (--to HOST:PORT,HOST:PORT)");
        return ch;
    }

    /** Whether this process now holds the lock (another JVM's lock, or this one's, makes it false). */
    private static boolean tryLock(java.nio.channels.FileChannel ch) throws java.io.IOException {
        try {
            return ch.tryLock() != null;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false;
        }
    }

    private static void closeQuietly(java.nio.channels.FileChannel ch) {
        if (ch == null)
            return;
        try {
            ch.close();
        } catch (java.io.IOException e) {
            LOG.warn("replicate: cannot close the replication lock: {}", e.getMessage());
        }
    }

    /** The history start retention recorded for {@code source}, null when none or unreadable (then not named). */
    private static HistoryStart historyStart(Source source) {
        try {
            return HistoryStart.read(source.queue.file().toPath());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** One queue of the data directory. */
    private static final class Source {
        final int id;
        final String name;
        final ChronicleQueue queue;
        /**
         * Reads ahead to the queue's last record: its index is the round's bound. Chronicle's lastIndex() creates a
         * tailer at each call, far too dear for every round; this reads only the records added since the last one.
         */
        private final ExcerptTailer end;
        private long last = -1;

        Source(int id, String name, ChronicleQueue queue) {
            this.id = id;
            this.name = name;
            this.queue = queue;
            this.end = queue.createTailer();
        }

        /** The index of the queue's last record now (-1 when empty). */
        long advanceEnd() {
            while (true) {
                try (DocumentContext dc = end.readingDocument()) {
                    if (!dc.isPresent())
                        return last;
                    last = dc.index();
                }
            }
        }
    }

    /** One replica's endpoint: its publication and where it is on each queue. */
    private final class Slot {
        final int id;
        final Endpoint to;
        final ExclusivePublication publication;
        SlotQueue[] queues = new SlotQueue[8];
        String replica;
        long nonce;
        long pendingNonce;
        long lastAnnounce;
        Map<String, Long> helloIndexes = Map.of();
        /** The version of each side file sent since the resume (by id). */
        long[] fileVersions = new long[8];
        /** The RECORDS message being sent ({@link #readBatch}): its length (0: none), records, last index, queue. */
        final ExpandableArrayBuffer batch = new ExpandableArrayBuffer(2048);
        int batchLength;
        int batchCount;
        long batchLast;
        SlotQueue batchQueue;
        /** The batch is one record's bytes, sent in parts ({@link #offerParts}): the next part's offset, its queue. */
        boolean parts;
        int partOffset;
        int partQueue;
        int partCrc;
        /** A part's message. */
        final ExpandableArrayBuffer part = new ExpandableArrayBuffer(1024);

        Slot(int id, Endpoint to, ExclusivePublication publication) {
            this.id = id;
            this.to = to;
            this.publication = publication;
            this.replica = to.toString();
        }

        void add(Source s) {
            if (queues.length <= s.id)
                queues = Arrays.copyOf(queues, s.id * 2 + 1);
            SlotQueue sq = new SlotQueue(s);
            queues[s.id] = sq;
            // a queue found after the replica's hello starts where the replica's copy ends
            String problem = sq.rewind(helloIndexes.getOrDefault(s.name, -1L));
            if (problem != null) {
                LOG.error("replicate: replica {} ({}) diverges: {}", replica, to, problem);
                nonce = 0;
            }
        }

        /** Notes since when the replica has lacked records of each queue (for the lag in microseconds). */
        void lag(long[] bounds) {
            for (SlotQueue sq : queues) {
                if (sq == null)
                    continue;
                if (sq.ackIndex >= bounds[sq.source.id])
                    sq.behindSince = 0;
                else if (sq.behindSince == 0)
                    sq.behindSince = SystemTimeProvider.INSTANCE.currentTimeMicros();
            }
        }

        long fileVersion(int file) {
            return file < fileVersions.length ? fileVersions[file] : 0;
        }

        void fileSent(int file, long version) {
            if (file >= fileVersions.length)
                fileVersions = Arrays.copyOf(fileVersions, file * 2 + 1);
            fileVersions[file] = version;
        }

        void rename(String name) {
            replica = name;
        }

        void acked(int id, long index) {
            SlotQueue sq = queues[id];
            if (index > sq.ackIndex) {
                sq.ackIndex = index;
                status.acked(this.id, id, index);
            }
        }
    }

    /** A slot's place on one queue. */
    private static final class SlotQueue {
        final Source source;
        final ExcerptTailer tailer;
        boolean announced;
        long sentIndex = -1;
        long ackIndex = -1;
        /** Since when (epoch µs) the replica has lacked records of this queue; 0 while it has them all. */
        long behindSince;

        SlotQueue(Source source) {
            this.source = source;
            this.tailer = source.queue.createTailer();
        }

        /** Positions the tailer at the replica's last index (sent again, to be compared); the problem, or null. */
        String rewind(long index) {
            announced = false;
            // a hello's index is no acknowledgement: the replica holds a record there, but whether it is this
            // queue's is known only once it compared the one sent again (then it acknowledges); a replica holding
            // another primary's records would otherwise acknowledge writes waiting up to there (ackedReplicas)
            ackIndex = -1;
            sentIndex = index;
            if (index < 0) {
                tailer.toStart();
                return null;
            }
            if (tailer.moveToIndex(index))
                return null;
            long last = source.queue.lastIndex();
            tailer.toStart();
            HistoryStart history = historyStart(source);
            // the replica's copy is not this queue's: it holds none of its records (and the lag is counted from the
            // queue's start, never from an index the queue lacks, which Chronicle's count refuses)
            sentIndex = -1;
            if (history != null && index < history.firstIndex())
                return "retention removed the primary's queue " + source.name + " up to index "
                        + Long.toHexString(history.firstIndex()) + " (its history start), and the replica's copy ends"
                        + " before it, at " + Long.toHexString(index) + ": it cannot catch up; move the replica's data"
                        + " directory away and start it again (it then starts at the history start)";
            return last < index
                    ? "the replica's queue " + source.name + " goes to index " + Long.toHexString(index)
                    + ", past the primary's last, " + Long.toHexString(last) + ": it holds records this primary never"
                    + " wrote"
                    : "the primary's queue " + source.name + " has no record at index " + Long.toHexString(index)
                    + ", which the replica holds";
        }
    }
}
