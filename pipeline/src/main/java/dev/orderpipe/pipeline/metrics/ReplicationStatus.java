package dev.orderpipe.pipeline.metrics;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.RollingChronicleQueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each replica is, as the primary's {@code orderpipe replicate} sees it: {@code <dataDir>/replication.dat},
 * created afresh by each start of {@code replicate}, written by it (mapped) and read by any process: {@code stats},
 * the Prometheus endpoint, and order entry waiting for a replica's acknowledgement ({@link Reader#ackedIndex}).
 *
 * <p>Layout (little-endian longs, docs/formats.md): a 64-byte header (magic {@code OPREPLIC}, version, pid, start
 * time in epoch ms, number of entries, when it stopped in epoch ms or 0 while it runs, its last heartbeat in epoch ms,
 * every 100 ms), then one 128-byte entry per replica and queue: the replica's slot, the index it acknowledged
 * (written as each acknowledgement arrives), the last index sent to it, the primary's last index, the records after
 * the acknowledged one, since when (epoch microseconds) it has not had all of them (0 while it has), when the entry
 * was last updated (epoch ms), the replica's name (32 ASCII bytes) and the queue's (32 ASCII bytes).
 */
public final class ReplicationStatus implements AutoCloseable {
    /** File name in the data directory. */
    public static final String FILE = "replication.dat";
    static final long MAGIC = 0x43494C504552504FL; // "OPREPLIC" as little-endian bytes
    static final long VERSION = 1;
    static final int HEADER = 64;
    static final int ENTRY = 128;
    static final int SIZE = 64 * 1024;
    static final int MAX_ENTRIES = (SIZE - HEADER) / ENTRY;
    static final int H_MAGIC = SharedFiles.H_MAGIC;
    static final int H_VERSION = SharedFiles.H_VERSION;
    static final int H_PID = SharedFiles.H_PID;
    static final int H_START = SharedFiles.H_START;
    static final int H_ENTRIES = 32;
    static final int H_STOPPED = 40;
    static final int H_HEARTBEAT = 48;
    static final int E_SLOT = 0;
    static final int E_ACKED = 8;
    static final int E_SENT = 16;
    static final int E_LAST = 24;
    static final int E_BEHIND = 32;
    static final int E_BEHIND_SINCE = 40;
    static final int E_UPDATED = 48;
    static final int E_REPLICA = 64;
    static final int E_QUEUE = 96;
    static final int NAME_BYTES = 32;

    private final FileChannel channel;
    private final MappedByteBuffer buffer;
    /** Entry number by slot and queue id, -1 when none yet. */
    private int[][] entries = new int[0][];
    private int count;

    private ReplicationStatus(FileChannel channel, MappedByteBuffer buffer) {
        this.channel = channel;
        this.buffer = buffer;
    }

    /** Creates (or replaces) the file in {@code dataDir} and writes its header. */
    public static ReplicationStatus create(Path dataDir) {
        SharedFiles.Mapped m = SharedFiles.create(dataDir.resolve(FILE), SIZE);
        m.buffer().putLong(H_HEARTBEAT, System.currentTimeMillis());
        m.publish(VERSION, MAGIC);
        return new ReplicationStatus(m.channel(), m.buffer());
    }

    private int entry(int slot, int queue, String replica, String queueName) {
        if (slot >= entries.length) {
            int[][] grown = java.util.Arrays.copyOf(entries, slot + 1);
            for (int i = entries.length; i <= slot; i++)
                grown[i] = new int[0];
            entries = grown;
        }
        int[] row = entries[slot];
        if (queue >= row.length) {
            int old = row.length;
            row = java.util.Arrays.copyOf(row, queue + 1);
            java.util.Arrays.fill(row, old, row.length, -1);
            entries[slot] = row;
        }
        if (row[queue] < 0) {
            if (count == MAX_ENTRIES)
                return -1;
            int at = HEADER + count * ENTRY;
            buffer.putLong(at + E_SLOT, slot);
            buffer.putLong(at + E_ACKED, -1);
            buffer.putLong(at + E_SENT, -1);
            buffer.putLong(at + E_LAST, -1);
            putName(at + E_QUEUE, queueName);
            row[queue] = count++;
            buffer.putLong(H_ENTRIES, count);
        }
        int at = HEADER + row[queue] * ENTRY;
        putName(at + E_REPLICA, replica); // a replica names itself in its hello: the slot's name may change
        return at;
    }

    private void putName(int at, String name) {
        SharedFiles.putName(buffer, at, name, NAME_BYTES);
    }

    /**
     * Writes what the primary knows of one replica on one queue; the records behind are counted on {@code queue}.
     *
     * @param last              the queue's last index as the caller knows it (-1: empty)
     * @param behindSinceMicros since when (epoch µs) the replica has not had the queue's last record, 0 while it has
     */
    public void update(int slot, int queueId, String replica, String queueName, ChronicleQueue queue, long last,
                       long acked, long sent, long behindSinceMicros) {
        int at = entry(slot, queueId, replica, queueName);
        if (at < 0)
            return;
        long behind;
        if (last < 0 || acked >= last)
            behind = 0;
        else if (acked < 0)
            behind = ((RollingChronicleQueue) queue).countExcerpts(queue.firstIndex(), last) + 1;
        else
            behind = ((RollingChronicleQueue) queue).countExcerpts(acked, last);
        buffer.putLong(at + E_ACKED, acked);
        buffer.putLong(at + E_SENT, sent);
        buffer.putLong(at + E_LAST, last);
        buffer.putLong(at + E_BEHIND, behind);
        buffer.putLong(at + E_BEHIND_SINCE, behind == 0 ? 0 : behindSinceMicros);
        buffer.putLong(at + E_UPDATED, System.currentTimeMillis());
    }

    /** Writes a replica's acknowledgement at once (order entry may be waiting for it). */
    public void acked(int slot, int queueId, long index) {
        if (slot < entries.length && queueId < entries[slot].length && entries[slot][queueId] >= 0)
            buffer.putLong(HEADER + entries[slot][queueId] * ENTRY + E_ACKED, index);
    }

    /** Tells readers the writer is alive. */
    public void heartbeat() {
        buffer.putLong(H_HEARTBEAT, System.currentTimeMillis());
    }

    /** Marks replication stopped: readers then know the entries are final. */
    public void stopped() {
        buffer.putLong(H_STOPPED, System.currentTimeMillis());
    }

    @Override
    public void close() {
        try {
            buffer.force();
            channel.close();
        } catch (IOException | RuntimeException e) {
            // the status is for live reading: nothing is lost when the last values do not reach the disk
        }
    }

    /** One replica on one queue, as read. */
    public record Entry(int slot, String replica, String queue, long ackedIndex, long sentIndex, long lastIndex,
                        long recordsBehind, long behindSinceMicros, long updatedMillis) {
        /** Microseconds behind at {@code nowMicros}: since it last had the queue's last record; 0 while it has. */
        public long microsBehind(long nowMicros) {
            return behindSinceMicros == 0 ? 0 : Math.max(0, nowMicros - behindSinceMicros);
        }
    }

    /** The whole file at a time. */
    public record Snapshot(long pid, long startMillis, long stoppedMillis, long heartbeatMillis, long readMicros,
                           List<Entry> entries) {
        /** Whether the replicate process looks alive: not stopped, and a heartbeat in the last 5 seconds. */
        public boolean live() {
            return stoppedMillis == 0 && readMicros / 1000 - heartbeatMillis < 5_000;
        }
    }

    /**
     * Reads a replication status file from any process, by positional reads (never through a mapping: a file cut
     * short under the reader is a short read, not a SIGBUS).
     */
    public static final class Reader implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer whole = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer word = ByteBuffer.allocateDirect(8).order(ByteOrder.LITTLE_ENDIAN);
        private final byte[] name = new byte[NAME_BYTES];
        private final ByteBuffer nameBuffer = ByteBuffer.wrap(name);
        private final long[] acks = new long[MAX_ENTRIES];

        private Reader(FileChannel channel) {
            this.channel = channel;
        }

        /** The reader of {@code dataDir}'s status file, or null when there is none (replicate never ran there). */
        public static Reader open(Path dataDir) throws IOException {
            Path file = dataDir.resolve(FILE);
            if (!Files.isRegularFile(file) || Files.size(file) < SIZE)
                return null;
            try {
                return new Reader(FileChannel.open(file, StandardOpenOption.READ));
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        /** The status now; null when the file is not (yet, or any longer) a whole status file of this version. */
        public Snapshot read() throws IOException {
            whole.clear();
            while (whole.hasRemaining())
                if (channel.read(whole, whole.position()) <= 0)
                    return null;
            if (whole.getLong(H_MAGIC) != MAGIC || whole.getLong(H_VERSION) != VERSION)
                return null;
            int n = (int) Math.min(MAX_ENTRIES, Math.max(0, whole.getLong(H_ENTRIES)));
            List<Entry> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int at = HEADER + i * ENTRY;
                list.add(new Entry((int) whole.getLong(at + E_SLOT), name(whole, at + E_REPLICA),
                        name(whole, at + E_QUEUE), whole.getLong(at + E_ACKED), whole.getLong(at + E_SENT),
                        whole.getLong(at + E_LAST), whole.getLong(at + E_BEHIND), whole.getLong(at + E_BEHIND_SINCE),
                        whole.getLong(at + E_UPDATED)));
            }
            return new Snapshot(whole.getLong(H_PID), whole.getLong(H_START), whole.getLong(H_STOPPED),
                    whole.getLong(H_HEARTBEAT), System.currentTimeMillis() * 1000, list);
        }

        private static String name(ByteBuffer b, int at) {
            return SharedFiles.name(b, at, NAME_BYTES);
        }

        /**
         * The index that {@code replicas} replicas at least have acknowledged on queue {@code queue} (the
         * {@code replicas}-th highest acknowledged index), -1 when fewer replicas have acknowledged anything, or when
         * the writer has stopped or its heartbeat is older than {@code staleMillis} (an acknowledgement nobody
         * updates any more proves nothing new). Allocation-free: it reads the words it needs.
         *
         * @param queue the queue's name as ASCII bytes, at most 32
         */
        public long ackedIndex(byte[] queue, int replicas, long staleMillis) throws IOException {
            if (readLong(H_MAGIC) != MAGIC || readLong(H_STOPPED) != 0
                    || System.currentTimeMillis() - readLong(H_HEARTBEAT) > staleMillis)
                return -1;
            int n = (int) Math.min(MAX_ENTRIES, Math.max(0, readLong(H_ENTRIES)));
            int k = 0;
            for (int i = 0; i < n; i++) {
                int at = HEADER + i * ENTRY;
                if (sameName(at + E_QUEUE, queue))
                    acks[k++] = readLong(at + E_ACKED);
            }
            if (k < replicas)
                return -1;
            // the replicas-th highest: a selection pass per rank (replicas is 1 or 2)
            for (int rank = 0; rank < replicas; rank++) {
                int max = rank;
                for (int i = rank + 1; i < k; i++)
                    if (acks[i] > acks[max])
                        max = i;
                long t = acks[rank];
                acks[rank] = acks[max];
                acks[max] = t;
            }
            return acks[replicas - 1];
        }

        private boolean sameName(int at, byte[] expected) throws IOException {
            ByteBuffer b = nameBuffer.clear();
            while (b.hasRemaining())
                if (channel.read(b, at + b.position()) <= 0)
                    return false;
            for (int i = 0; i < NAME_BYTES; i++)
                if (name[i] != (i < expected.length ? expected[i] : 0))
                    return false;
            return true;
        }

        private long readLong(int at) throws IOException {
            word.clear();
            while (word.hasRemaining())
                if (channel.read(word, at + word.position()) <= 0)
                    return -1;
            return word.getLong(0);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
