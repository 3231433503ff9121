package dev.orderpipe.pipeline.csv;

import dev.orderpipe.pipeline.Symbols;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocation-free formatting of numbers, prices and symbols, and what reaches the file when. */
class AsciiOutTest {
    private final AsciiOut out = new AsciiOut();

    @Test
    void numbers() {
        out.number(0).ch(' ').number(7).ch(' ').number(1_234_567_890_123L).ch(' ').number(-42).ch(' ')
                .number(Long.MAX_VALUE).ch(' ').number(Long.MIN_VALUE).ch('.');
        assertEquals("0 7 1234567890123 -42 9223372036854775807 -9223372036854775808.", out.takeText());
        out.numberOrEmpty(0).ch('|').numberOrEmpty(10).ch('|').numberOrEmpty(-3);
        assertEquals("|10|-3", out.takeText());
    }

    @Test
    void pricesHaveExactlyFourDecimals() {
        out.price(1_892_500).ch(' ').price(1).ch(' ').price(10_000).ch(' ').price(12_345_678).ch(' ')
                .price(4_567).ch(' ').price(-1_892_501).ch('|').price(0).ch('|');
        assertEquals("189.2500 0.0001 1.0000 1234.5678 0.4567 -189.2501||", out.takeText());
    }

    @Test
    void symbolsOfEveryLength() {
        out.symbol(Symbols.encode("A")).ch(' ').symbol(Symbols.encode("BRK.B")).ch(' ')
                .symbol(Symbols.encode("ABCDEFGH")).ch('|').symbol(0).ch('|');
        assertEquals("A BRK.B ABCDEFGH||", out.takeText());
    }

    @Test
    void takeTextEmptiesTheBufferAndIsOnlyForMemory(@TempDir Path dir) {
        out.text("abc");
        assertEquals("abc", out.takeText());
        assertEquals("", out.takeText());
        out.flush(); // in memory: the text stays until taken
        out.text("d").flush();
        assertEquals("d", out.takeText());
        try (AsciiOut file = new AsciiOut(dir.resolve("f"))) {
            assertThrows(IllegalStateException.class, file::takeText);
        }
    }

    @Test
    void aFileGetsLinesAsTheBufferFillsAndTheRestOnClose(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.csv");
        String line = "x".repeat(99);
        int lines = 2_000; // 200 KB: more than the 64 KB buffer
        StringBuilder expected = new StringBuilder();
        try (AsciiOut w = new AsciiOut(file)) {
            for (int i = 0; i < lines; i++) {
                w.text(line).newline();
                expected.append(line).append('\n');
            }
            long onDisk = Files.size(file);
            // newline() writes out before the buffer is full, never later
            assertEquals(0, onDisk % 100, "only whole lines: " + onDisk);
            long buffered = lines * 100L - onDisk;
            assertTrue(buffered > 0 && buffered <= (1 << 16) - 1024, "buffered " + buffered);
        }
        assertEquals(expected.toString(), Files.readString(file, StandardCharsets.US_ASCII));
    }

    @Test
    void aNewFileTruncatesAndAppendContinues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.csv");
        Files.writeString(file, "old contents that are longer\n");
        try (AsciiOut w = new AsciiOut(file)) {
            w.text("new").newline();
        }
        assertEquals("new\n", Files.readString(file));
        try (AsciiOut w = AsciiOut.append(file)) {
            w.text("more").newline();
        }
        assertEquals("new\nmore\n", Files.readString(file));
        try (AsciiOut w = AsciiOut.append(dir.resolve("created.csv"))) {
            w.number(1);
        }
        assertEquals("1", Files.readString(dir.resolve("created.csv")));
    }

    @Test
    void flushAllButKeepsTheLastBytesForLater(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.csv");
        try (AsciiOut w = new AsciiOut(file)) {
            w.text("1,first\n2,second\n");
            w.flushAllBut(7);
            assertEquals("1,first\n2,", Files.readString(file), "a torn line on disk");
            w.flushAllBut(7); // nothing more than the kept bytes: nothing written
            assertEquals("1,first\n2,", Files.readString(file));
            w.flushAllBut(8);
            assertEquals("1,first\n2,", Files.readString(file));
            w.text("3\n");
            w.flushAllBut(1);
            assertEquals("1,first\n2,second\n3", Files.readString(file));
        }
        assertEquals("1,first\n2,second\n3\n", Files.readString(file), "close writes the kept bytes");
        AsciiOut memory = new AsciiOut();
        memory.text("abc").flushAllBut(1);
        assertEquals("abc", memory.takeText(), "in memory nothing is written anywhere");
    }

    @Test
    void aStreamGetsWhatWasWrittenOnFlushAndIsClosedWithTheWriter() {
        boolean[] closed = {false};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        AsciiOut w = AsciiOut.to(bytes);
        w.text("a,b").newline().text("c").newline();
        assertEquals("", bytes.toString(StandardCharsets.US_ASCII), "short lines stay buffered");
        w.flush();
        assertEquals("a,b\nc\n", bytes.toString(StandardCharsets.US_ASCII));
        w.number(5);
        assertFalse(closed[0]);
        w.close();
        assertEquals("a,b\nc\n5", bytes.toString(StandardCharsets.US_ASCII));
        assertTrue(closed[0]);
        new AsciiOut().close(); // in memory: nothing to close
    }
}
