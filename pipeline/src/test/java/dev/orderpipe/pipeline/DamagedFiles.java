package dev.orderpipe.pipeline;

import dev.orderpipe.pipeline.infra.Queues;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Damages queue files the ways disks and people do, precisely: it finds the records of a cycle file by walking
 * Chronicle's 4-byte header words itself (bit 31 not complete, bit 30 metadata, 30 bits of length, each header
 * 4-byte aligned), independently of the code under test. Shared by tests of every module (pipeline test-jar).
 */
public final class DamagedFiles {
    private DamagedFiles() {
    }

    /** The ways a test damages a queue. */
    public enum Damage {
        /** 64 random bytes written inside a record. */
        BYTES,
        /** A record's 4-byte header word set to zero. */
        HEADER,
        /** The cycle file cut in the middle of a record. */
        CUT_MID,
        /** The cycle file cut to 0 bytes. */
        CUT_TO_ZERO,
        /** The cycle file cut to 100 bytes (inside Chronicle's own queue header). */
        CUT_TO_100;

        /** Whether the damage is to one record (and so has its index and offset), not to the whole file. */
        public boolean inRecord() {
            return this == BYTES || this == HEADER || this == CUT_MID;
        }
    }

    /** The newest cycle file of a queue directory. */
    public static Path newestCycleFile(Path queueDir) {
        try (Stream<Path> files = Files.list(queueDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(Queues.QUEUE_FILE_SUFFIX)).sorted()
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no cycle file in " + queueDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Byte offsets of the header words of the data records of a cycle file, in order. */
    public static List<Long> recordOffsets(Path cycleFile) {
        try (RandomAccessFile f = new RandomAccessFile(cycleFile.toFile(), "r")) {
            List<Long> offsets = new ArrayList<>();
            long pos = 0;
            ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            while (pos + 4 <= f.length()) {
                word.clear();
                f.getChannel().read(word, pos);
                int h = word.getInt(0);
                if (h == 0 || (h & 0x80000000) != 0)
                    break;
                if ((h & 0x40000000) == 0)
                    offsets.add(pos);
                pos = (pos + 4 + (h & 0x3FFFFFFF) + 3) & ~3L;
            }
            return offsets;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Chronicle's index in a cycle file, found the way Chronicle lays it out: the first document after the queue
     * header is the {@code index2index} array (its entry k the position of the k-th index array, whose entry i the
     * position of record {@code (k * indexCount + i) * indexSpacing}); each array is an event name, padding, the code
     * {@code 0x8D}, its capacity and used count (longs), then the values.
     */
    public static final class ChronicleIndex {
        private final Path file;
        private final long index2index;

        private ChronicleIndex(Path file, long index2index) {
            this.file = file;
            this.index2index = index2index;
        }

        /** Byte offset of entry k of the index2index array. */
        public long index2indexEntry(int k) {
            return index2index + 8L * k;
        }

        /** Byte offset of entry i of the k-th index array (the one index2index names). */
        public long entry(int k, int i) {
            return valuesOf(file, readLong(file, index2indexEntry(k))) + 8L * i;
        }

        /** Byte offset of the index entry of data record {@code record} of the file (0-based; indexed ones only). */
        public long entryOf(int record, int indexCount, int indexSpacing) {
            if (record % indexSpacing != 0)
                throw new IllegalArgumentException("record " + record + " is not indexed");
            int n = record / indexSpacing;
            return entry(n / indexCount, n % indexCount);
        }
    }

    /** The index of a cycle file ({@link ChronicleIndex}). */
    public static ChronicleIndex chronicleIndex(Path cycleFile) {
        long header = readInt(cycleFile, 0) & 0x3FFFFFFFL;
        long second = (4 + header + 3) & ~3L;
        return new ChronicleIndex(cycleFile, valuesOf(cycleFile, second));
    }

    /** Where the values of the array document at {@code doc} start: after its name, padding, code, capacity, used. */
    private static long valuesOf(Path file, long doc) {
        byte[] head = new byte[64];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(doc + 4);
            f.readFully(head);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if ((head[0] & 0xFF) != 0xB9)
            throw new AssertionError("no index document at byte " + doc + " of " + file);
        int p = 2 + head[1];
        while ((head[p] & 0xFF) != 0x8D) {
            if ((head[p] & 0xFF) == 0x8F)
                p++;
            else if ((head[p] & 0xFF) == 0x8E)
                p += 5 + ByteBuffer.wrap(head, p + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            else
                throw new AssertionError("no array of longs in the index document at byte " + doc + " of " + file);
        }
        return doc + 4 + p + 1 + 16;
    }

    /** The little-endian long at byte {@code offset} of {@code file}. */
    public static long readLong(Path file, long offset) {
        return read(file, offset, 8).getLong(0);
    }

    private static int readInt(Path file, long offset) {
        return read(file, offset, 4).getInt(0);
    }

    private static ByteBuffer read(Path file, long offset, int length) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            f.getChannel().read(b, offset);
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code value} as a little-endian long at byte {@code offset} of {@code file} (an index entry). */
    public static void writeLong(Path file, long offset, long value) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.getChannel().write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value), offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Damages the newest cycle file of {@code queueDir}.
     *
     * @param record for damage inside a record, which data record of the file (0-based)
     * @return the byte offset of the damaged record's header (0 for damage to the whole file)
     */
    public static long damage(Path queueDir, Damage damage, int record) {
        Path file = newestCycleFile(queueDir);
        long offset = damage.inRecord() ? recordOffsets(file).get(record) : 0;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            switch (damage) {
                case BYTES: {
                    byte[] noise = new byte[64];
                    new Random(record).nextBytes(noise);
                    f.seek(offset + 4 + 40);
                    f.write(noise);
                    break;
                }
                case HEADER:
                    f.seek(offset);
                    f.writeInt(0);
                    break;
                case CUT_MID:
                    f.setLength(offset + 4 + OrderInfo.BINARY_LENGTH / 3);
                    break;
                case CUT_TO_ZERO:
                    f.setLength(0);
                    break;
                case CUT_TO_100:
                    f.setLength(100);
                    break;
                default:
                    throw new AssertionError(damage);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return offset;
    }

    /** Sets the "not complete" bit of the first header of the newest cycle file (a crash while creating it). */
    public static void markFirstHeaderIncomplete(Path queueDir) {
        Path file = newestCycleFile(queueDir);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] b = new byte[4];
            f.readFully(b);
            b[3] |= (byte) 0x80;
            f.seek(0);
            f.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flips the bits of {@code mask} in the byte at {@code offset} of {@code file} (a bit flipped on disk). */
    public static void xorByte(Path file, long offset, int mask) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ mask);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies a directory tree (a data directory fixture) to {@code to}, keeping files sparse: Chronicle pre-sizes
     * cycle files at tens of MB of which a small test writes a few hundred KB.
     */
    public static Path copyTree(Path from, Path to) {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p))
                    Files.createDirectories(target);
                else
                    copySparse(p, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    private static void copySparse(Path from, Path to) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(from.toFile(), "r");
             RandomAccessFile out = new RandomAccessFile(to.toFile(), "rw")) {
            byte[] block = new byte[1 << 16];
            long size = in.length();
            for (long pos = 0; pos < size; pos += block.length) {
                int n = (int) Math.min(block.length, size - pos);
                in.readFully(block, 0, n);
                boolean zero = true;
                for (int i = 0; i < n && zero; i++)
                    zero = block[i] == 0;
                if (!zero) {
                    out.seek(pos);
                    out.write(block, 0, n);
                }
            }
            out.setLength(size);
        }
    }
}
