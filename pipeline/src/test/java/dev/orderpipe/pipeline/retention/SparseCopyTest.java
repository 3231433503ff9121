package dev.orderpipe.pipeline.retention;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The archive's cross-filesystem copy: the same bytes, with the source's unwritten reserve left a hole. */
class SparseCopyTest {
    private static final long SIZE = 64L << 20;

    @Test
    void aSparseFileIsCopiedByteForByteAndStaysSparse(@TempDir Path dir) throws Exception {
        Path from = dir.resolve("20261129.cq4");
        try (FileChannel ch = FileChannel.open(from, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("header".getBytes(StandardCharsets.US_ASCII)), 0);
            ch.write(ByteBuffer.wrap(new byte[]{1, 0, 0, 2}), 40L << 20); // a record far from the start
            ch.write(ByteBuffer.wrap(new byte[]{3}), (1 << 16) - 1);       // the last byte of the first chunk
            ch.write(ByteBuffer.wrap(new byte[]{0}), SIZE - 1);            // a zero tail (the reserve)
        }
        Path to = dir.resolve("archive.part");
        Files.writeString(to, "an earlier, longer partial copy ".repeat(10_000)); // a pass killed mid-copy

        Retention.copySparse(from, to);

        assertEquals(SIZE, Files.size(to));
        assertEquals(-1, Files.mismatch(from, to), "the copy differs from its source");
        long blocks = allocatedBytes(to);
        assumeTrue(blocks >= 0, "stat is not available to tell the allocated size");
        assertTrue(blocks < 1 << 20, "the copy allocates " + blocks + " bytes of a " + SIZE + "-byte file");
    }

    @Test
    void anEmptyFileAndOneOfZerosAreCopied(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty"));
        Retention.copySparse(empty, dir.resolve("empty.copy"));
        assertEquals(0, Files.size(dir.resolve("empty.copy")));

        Path zeros = Files.write(dir.resolve("zeros"), new byte[100_001]);
        Retention.copySparse(zeros, dir.resolve("zeros.copy"));
        assertEquals(-1, Files.mismatch(zeros, dir.resolve("zeros.copy")));
    }

    /** The bytes the file system allocated to {@code file} ({@code stat %b * %B}), or -1 when it cannot tell. */
    private static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (p.waitFor() != 0)
            return -1;
        String[] f = out.split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }
}
