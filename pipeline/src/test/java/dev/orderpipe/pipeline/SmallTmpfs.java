package dev.orderpipe.pipeline;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A size-limited tmpfs for tests of a full disk (published in the pipeline test-jar). Mounting needs root (CI is
 * root); elsewhere the test using it is skipped with a message.
 */
public final class SmallTmpfs implements AutoCloseable {
    private final Path mount;

    private SmallTmpfs(Path mount) {
        this.mount = mount;
    }

    /** Mounts a tmpfs of {@code megabytes} at {@code dir}, created; skips the calling test when it cannot. */
    public static SmallTmpfs mount(Path dir, int megabytes) throws IOException, InterruptedException {
        Path mount = Files.createDirectories(dir);
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mount.toString()),
                "skipped: cannot mount a " + megabytes + " MB tmpfs here (needs root)");
        return new SmallTmpfs(mount);
    }

    public Path path() {
        return mount;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", "-l", mount.toString());
    }

    private static boolean run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
