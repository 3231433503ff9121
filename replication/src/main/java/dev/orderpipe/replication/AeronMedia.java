package dev.orderpipe.replication;

import dev.orderpipe.pipeline.util.FileTrees;
import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An Aeron client and, by default, the media driver it talks to, embedded in this process (one command per host):
 * its directory is this process's own ({@code aeronDir}, or a fresh one under /dev/shm or the temp directory), created
 * at start and deleted at close. With an external driver ({@code external}), the client connects to the media driver
 * already running on {@code aeronDir} (Aeron's default directory when null) and leaves it alone.
 */
final class AeronMedia implements AutoCloseable {
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Path ownDir;

    private AeronMedia(MediaDriver driver, Aeron aeron, Path ownDir) {
        this.driver = driver;
        this.aeron = aeron;
        this.ownDir = ownDir;
    }

    static AeronMedia start(String aeronDir, boolean external) {
        if (external) {
            Aeron.Context ctx = new Aeron.Context();
            if (aeronDir != null)
                ctx.aeronDirectoryName(aeronDir);
            try {
                return new AeronMedia(null, Aeron.connect(ctx), null);
            } catch (RuntimeException e) {
                throw new ReplicationException("no Aeron media driver runs on " + ctx.aeronDirectoryName() + " ("
                        + e.getMessage() + "): start one (io.aeron.driver.MediaDriver), or leave --external-driver out"
                        + " to run it embedded");
            }
        }
        Path dir = aeronDir != null ? Path.of(aeronDir) : defaultDir();
        MediaDriver.Context ctx = new MediaDriver.Context()
                .aeronDirectoryName(dir.toString())
                .threadingMode(ThreadingMode.SHARED)
                // the driver shares the host with the pipeline: back off rather than spin a core, to 100 us at most
                // (each hop of a record and of its acknowledgement may wait that long)
                .sharedIdleStrategy(new BackoffIdleStrategy(100, 10, 1_000, 100_000))
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true);
        MediaDriver driver = MediaDriver.launchEmbedded(ctx);
        try {
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            return new AeronMedia(driver, aeron, dir);
        } catch (RuntimeException e) {
            driver.close();
            throw e;
        }
    }

    private static Path defaultDir() {
        Path shm = Path.of("/dev/shm");
        Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return base.resolve("orderpipe-aeron-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    Aeron aeron() {
        return aeron;
    }

    /**
     * Adds a subscription, turning the media driver's refusal (the address is in use or not this host's) into one
     * line naming the option to change.
     */
    io.aeron.Subscription subscribe(String channel, int stream, io.aeron.AvailableImageHandler onImage,
                                    String option, Endpoint endpoint) {
        try {
            return aeron.addSubscription(channel, stream, onImage != null ? onImage : image -> { }, image -> { });
        } catch (io.aeron.exceptions.RegistrationException e) {
            throw new ReplicationException("cannot listen on " + endpoint + " (" + option + "): " + e.getMessage()
                    + "; is another replicate or replica listening there? choose another " + option);
        }
    }

    /**
     * Adds an exclusive publication, turning the media driver's refusal (a host it cannot resolve, an address it
     * cannot send to) into one line naming the option to change.
     */
    io.aeron.ExclusivePublication publish(String channel, int stream, String option, Endpoint endpoint) {
        try {
            return aeron.addExclusivePublication(channel, stream);
        } catch (io.aeron.exceptions.RegistrationException e) {
            throw new ReplicationException("cannot send to " + endpoint + " (" + option + "): " + e.getMessage()
                    + "; give a host this machine can resolve and reach in " + option);
        }
    }

    @Override
    public void close() {
        aeron.close();
        if (driver != null) {
            driver.close();
            try {
                FileTrees.delete(ownDir); // dirDeleteOnShutdown leaves the directory itself on some versions
            } catch (java.io.IOException | RuntimeException e) {
                // nothing to do: a stale driver directory is deleted by the next start (dirDeleteOnStart)
            }
        }
    }
}
