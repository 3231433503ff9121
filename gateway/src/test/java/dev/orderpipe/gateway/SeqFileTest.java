package dev.orderpipe.gateway;

import dev.orderpipe.pipeline.infra.CycleFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeqFileTest {
    @Test
    void keepsItsValueAcrossReopens(@TempDir Path dir) {
        Path file = dir.resolve("in.seq");
        try (SeqFile s = new SeqFile(file)) {
            assertEquals(0, s.get());
            s.set(42);
        }
        try (SeqFile s = new SeqFile(file)) {
            assertEquals(42, s.get());
        }
    }

    /**
     * A session's in.seq that is a symbolic link to nothing: the gateway created the link's target wherever it
     * pointed (on a filesystem its disk guard does not watch); refused in one line instead.
     */
    @Test
    void aDanglingLinkIsRefusedAndItsTargetNeverCreated(@TempDir Path dir) throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere")).resolve("x");
        Path file = dir.resolve("in.seq");
        Files.createSymbolicLink(file, elsewhere);
        CycleFiles.RefusedException e = assertThrows(CycleFiles.RefusedException.class, () -> new SeqFile(file));
        assertTrue(e.getMessage().startsWith(file + " is a symbolic link to " + elsewhere + ", which leads to no file"),
                e.getMessage());
        assertFalse(Files.exists(elsewhere));
    }
}
