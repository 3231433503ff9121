package dev.orderpipe.pipeline.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FileTreesTest {
    private static boolean linked(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Test
    void deletesATreeAndRemovesLinksWithoutFollowingThem(@TempDir Path dir) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "k");
        Path root = Files.createDirectories(dir.resolve("run/a/b")).getParent().getParent();
        Files.writeString(root.resolve("a/b/f"), "x");
        Files.writeString(root.resolve("g"), "y");
        assumeTrue(linked(root.resolve("a/link"), outside), "no symbolic links here");

        FileTrees.delete(root);
        assertFalse(Files.exists(root, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(outside.resolve("keep")), "the link was followed");
        FileTrees.delete(root); // gone: nothing to do
        FileTrees.delete(null);

        // a root that is itself a dangling link is removed
        Path dangling = dir.resolve("dangling");
        assumeTrue(linked(dangling, dir.resolve("nowhere")));
        FileTrees.delete(dangling);
        assertFalse(Files.exists(dangling, LinkOption.NOFOLLOW_LINKS));
    }
}
