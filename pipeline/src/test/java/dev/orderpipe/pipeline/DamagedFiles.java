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
