package dev.orderpipe.tools;

import dev.orderpipe.replication.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An embedded media driver's directory left behind by a process killed with SIGKILL: the next start on the same
 * {@code --aeron-dir} takes it over, a start while its owner lives is refused with one line, and the fresh directories
 * of runs without {@code --aeron-dir} do not pile up in /dev/shm.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AeronDirTest {
    @TempDir
    Path dir;

    @Test
    void aDirectoryGivenWithAeronDirIsTakenOverAfterSigkillAndRefusedWhileItsOwnerLives() throws Exception {
        Path aeron = dir.resolve("aeron");
        Path lock = dir.resolve("aeron.lock");
        Path standby = dir.resolve("standby");
        String listen = Endpoint.freeLoopback().toString();
        Process first = replica("first", standby, listen, "--aeron-dir", aeron.toString());
        assertTrue(Files.exists(aeron.resolve("cnc.dat")));

        Cli second = Cli.run("replica", "-d", dir.resolve("other").toString(), "--listen",
                Endpoint.freeLoopback().toString(), "--aeron-dir", aeron.toString());
        assertEquals(1, second.exitCode, second.toString());
        assertEquals("orderpipe: another orderpipe process runs its media driver on " + aeron + " (it holds " + lock
                + "): give each replicate and replica a --aeron-dir of its own, or leave it out",
                second.oneLineError());
        assertTrue(first.isAlive(), "the first went on");

        first.destroyForcibly(); // SIGKILL: nothing is cleaned up
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.exists(aeron.resolve("cnc.dat")), "the dead driver's directory is left behind");

        Process next = replica("next", standby, listen, "--aeron-dir", aeron.toString());
        next.destroy(); // SIGTERM: a clean stop removes the directory and its lock
        assertTrue(next.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, next.exitValue(), ChildJvm.log(dir, "next"));
        assertTrue(!Files.exists(aeron), "directory removed");
        assertTrue(!Files.exists(lock), "lock file removed");
    }

    @Test
    void freshDirectoriesOfKilledProcessesAreDeletedByTheNextStart() throws Exception {
        Path standby = dir.resolve("standby");
        Process killed = replica("killed", standby, Endpoint.freeLoopback().toString());
        List<Path> left = ownDirs(killed.pid());
        assertEquals(2, left.size(), "its directory and lock: " + left);
        killed.destroyForcibly();
        assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
        assertEquals(left, ownDirs(killed.pid()), "left behind by SIGKILL");

        Process next = replica("next", standby, Endpoint.freeLoopback().toString());
        assertEquals(List.of(), ownDirs(killed.pid()), "the next start deleted them");
        assertEquals(2, ownDirs(next.pid()).size());
        next.destroy();
        assertTrue(next.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, next.exitValue(), ChildJvm.log(dir, "next"));
        assertEquals(List.of(), ownDirs(next.pid()), "a clean stop leaves nothing");
    }

    /** Starts {@code orderpipe replica} in a child JVM and waits until it listens. */
    private Process replica(String name, Path data, String listen, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("replica", "-d", data.toString(), "--listen", listen));
        args.addAll(List.of(more));
        Process p = ChildJvm.start(dir, name, args.toArray(String[]::new));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(dir.resolve(name + ".out")).contains(" listening on ")) {
            assertTrue(p.isAlive() && System.nanoTime() < end, ChildJvm.log(dir, name));
            Thread.sleep(20);
        }
        return p;
    }

    /** The fresh driver directory of process {@code pid} and its lock file (a start without --aeron-dir). */
    private static List<Path> ownDirs(long pid) throws IOException {
        Path shm = Path.of("/dev/shm");
        Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                : Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> files = Files.list(base)) {
            return files.filter(p -> p.getFileName().toString().startsWith("orderpipe-aeron-" + pid + "-")).sorted()
                    .toList();
        }
    }
}
