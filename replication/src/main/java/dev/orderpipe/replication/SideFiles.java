package dev.orderpipe.replication;

import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.risk.RiskConfigHistory;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The files of a data directory besides its queues that a fail-over {@code run} reads at start, as the primary reads
 * them for replication: {@value RiskConfigHistory#FILE} (which risk config wrote which {@code checked} records; a
 * restart refuses a verdict that differs under the config it was written with) and {@code consumers/NAME.position}
 * (named execution feeds' committed positions), and each queue's {@value HistoryStart#FILE} (where retention cut
 * its history: a replica that starts after a retention pass starts there too, and counts the records before it).
 *
 * <p>Order: risk writes a new line of its history before the records it describes, so the primary looks at the file
 * after taking the queues' bounds in every round that found new records and sends a new version before that round's
 * records; the replica so never holds a {@code checked} record without the line that names its config. A history
 * start matters to a replica that starts after a retention pass: the primary looks at them in the round in which a
 * replica comes in step and every 100 ms besides, and sends one to a replica that holds none of its queue before
 * anything else. A replica that holds records of the queue (in step, or coming back) holds the records a retention
 * pass removes, and gets a changed history start only once it acknowledged every snapshot queue up to where it ended
 * when the change was seen (ReplicationSource#historyStartDue): the pass cut only where a snapshot covers, and a
 * replica stopped holding the new start without that snapshot could not fail over. Positions are best-effort: read
 * every 100 ms and sent only once the replica has been sent the report a position names, so a consumer on the standby
 * resumes at most that long (and the replica's lag) before where it was, and sees those reports again.
 *
 * <p>Cost: a look is a stat of the file (5 us and more on a virtual machine; the missing file's exception of the
 * NIO call costs three times that, so a missing file is looked for without one). Looking at every file in every
 * round cost more than the records of the round: the primary spent most of its time in stat.
 */
final class SideFiles {
    /** The names a primary may send and a replica writes: no other path of the replica is ever written. */
    private static final Pattern NAMES = Pattern.compile(Pattern.quote(RiskConfigHistory.FILE)
            + "|consumers/[A-Za-z0-9_.-]{1,64}\\.position"
            + "|(" + Pattern.quote(SnapshotStore.DIR) + "/)?[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}/"
            + Pattern.quote(HistoryStart.FILE));
    /** A side file's temporary file ({@link dev.orderpipe.pipeline.util.AtomicFile}): its target's name is group 1. */
    private static final Pattern LEFTOVER = Pattern.compile("\\.tmp-[0-9]+-(.+)");
    private static final String CONSUMERS = "consumers";
    private static final long POSITIONS_NANOS = 100_000_000L;

    private final Path dataDir;
    private final List<SideFile> files = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private long lastPositions;

    SideFiles(Path dataDir) {
        this.dataDir = dataDir;
        add(RiskConfigHistory.FILE, false);
    }

    /** Whether {@code name} is one a replica accepts (relative to its data directory). */
    static boolean allowed(String name) {
        return NAMES.matcher(name).matches();
    }

    /**
     * Removes what a replica killed while it wrote a side file left: the temporary file beside the target
     * ({@code .tmp-PID-NAME}, {@link dev.orderpipe.pipeline.util.AtomicFile}), never renamed. Left, it would stay for
     * good (the next start writes under its own pid) and, beside a position, read as a consumer of its own
     * ({@code consumers/.tmp-PID-NAME.position}: retention kept the reports it names, and a standby that became a
     * primary replicated it on). Called while the replica holds the data directory's lock: nobody else writes there.
     *
     * @return the files removed, relative to {@code dataDir}
     */
    static List<String> removeLeftovers(Path dataDir) {
        List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(dataDir))
            return removed;
        try (Stream<Path> all = Files.walk(dataDir, 3)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                java.util.regex.Matcher m = LEFTOVER.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p))
                    continue;
                String target = dataDir.relativize(p.resolveSibling(m.group(1))).toString().replace('\\', '/');
                if (!allowed(target))
                    continue;
                Files.deleteIfExists(p);
                removed.add(dataDir.relativize(p).toString());
            }
        } catch (IOException e) {
            throw new ReplicationException("cannot remove the half-written side files in " + dataDir + ": "
                    + e.getMessage() + "; remove its .tmp-* files by hand");
        }
        return removed;
    }

    private SideFile add(String name, boolean position) {
        SideFile f = new SideFile(files.size(), name, dataDir.resolve(name), position,
                name.endsWith("/" + HistoryStart.FILE));
        files.add(f);
        return f;
    }

    List<SideFile> files() {
        return files;
    }

    /**
     * Adds the history start ({@link HistoryStart}: what retention removed) of the queue {@code queue}: it goes to the
     * replica before the queue's records, so a replica that starts after a retention pass starts where the primary's
     * history starts and knows it (its checks and readers count the records before it), never with a silent gap.
     */
    void addHistoryStart(String queue) {
        String name = queue + "/" + HistoryStart.FILE;
        if (files.stream().noneMatch(f -> f.name.equals(name)))
            add(name, false);
    }

    /**
     * Looks at the risk config history when {@code newRecords} (one stat), and at the queues' history starts when
     * {@code all} or every 100 ms; every 100 ms at the consumers' positions too.
     */
    void refresh(long now, boolean newRecords, boolean all) {
        boolean timed = now - lastPositions >= POSITIONS_NANOS;
        for (SideFile f : files)
            if (!f.position && (f.historyStart ? all || timed : newRecords || all || timed))
                f.refreshWhenChanged(crc);
        if (!timed)
            return;
        lastPositions = now;
        Path consumers = dataDir.resolve(CONSUMERS);
        if (Files.isDirectory(consumers)) {
            try (Stream<Path> list = Files.list(consumers)) {
                for (Path p : (Iterable<Path>) list::iterator) {
                    String name = CONSUMERS + "/" + p.getFileName();
                    if (allowed(name) && files.stream().noneMatch(f -> f.name.equals(name)))
                        add(name, true);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + consumers, e);
            }
        }
        for (SideFile f : files)
            if (f.position)
                f.refresh(crc);
    }

    /** One file: its bytes as last read, and a version that rises whenever they change. */
    static final class SideFile {
        final int id;
        final String name;
        final Path path;
        final boolean position;
        /** A queue's history start: looked at as a replica comes in step and every 100 ms (sent as the class says). */
        final boolean historyStart;
        byte[] bytes;
        int crc;
        /** 0 while the file does not exist. */
        long version;
        /**
         * A history start's: the last index of each snapshot queue (by source id, -1 for none or not a snapshot queue)
         * when version {@link #needsVersion} was seen. The retention pass that wrote it cut only where a snapshot
         * written before covers, so a replica holding records of the queue gets it once it acknowledged those
         * (ReplicationSource#historyStartDue).
         */
        long[] needs;
        long needsVersion;
        private Object key;
        private long modified;
        private long size = -1;

        SideFile(int id, String name, Path path, boolean position, boolean historyStart) {
            this.id = id;
            this.name = name;
            this.path = path;
            this.position = position;
            this.historyStart = historyStart;
        }

        /** The report a position names (0: none committed yet). */
        long positionIndex() {
            return bytes != null && bytes.length >= Long.BYTES ? ByteBuffer.wrap(bytes).getLong(0) : 0;
        }

        /** Reads the file again when it was replaced or changed size or time since the last look. */
        void refreshWhenChanged(CRC32C crc) {
            if (size < 0 && !Files.exists(path))
                return; // never seen yet (or gone): looked for without NIO's exception
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                size = -1; // gone: looked for as one never seen from now on
                return;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
            long m = a.lastModifiedTime().toMillis();
            if (a.size() == size && m == modified && java.util.Objects.equals(a.fileKey(), key))
                return;
            key = a.fileKey();
            modified = m;
            size = a.size();
            refresh(crc);
        }

        /** Reads the file; a new version when its bytes differ. */
        void refresh(CRC32C crc) {
            byte[] now;
            try {
                now = Files.readAllBytes(path);
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
            if (bytes != null && Arrays.equals(bytes, now))
                return;
            bytes = now;
            crc.reset();
            crc.update(now);
            this.crc = (int) crc.getValue();
            version++;
        }
    }
}
