package dev.orderpipe.replication;

import dev.orderpipe.pipeline.util.FileTrees;
import io.aeron.Aeron;
import io.aeron.driver.Configuration;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.AgentInvoker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * An Aeron client and, by default, the media driver it talks to, embedded in this process (one command per host):
 * its directory is this process's own ({@code aeronDir}, or a fresh one under /dev/shm or the temp directory), created
 * at start and deleted at close. With an external driver ({@code external}), the client connects to the media driver
 * already running on {@code aeronDir} (Aeron's default directory when null) and leaves it alone.
 *
 * <p>An embedded driver's directory is held with an OS lock on {@code DIR.lock} beside it, which the OS releases when
 * the process dies however it dies. So a directory left behind by a process killed with SIGKILL is told apart at once
 * from one in use: the next start on the same {@code --aeron-dir} takes it over (Aeron's own check would wait out the
 * dead driver's heartbeat timeout, 10 s), a start on a directory a live process holds is refused with one line, and
 * each start without {@code --aeron-dir} deletes the fresh directories that dead processes left (they would pile up
 * in /dev/shm, which is memory).
 *
 * <p>The embedded driver has no thread of its own: it runs in {@link ThreadingMode#INVOKER} mode, its sender,
 * receiver and conductor invoked by the replication loop's thread ({@link #doDriverWork}) between its own work, and
 * so does the Aeron client's conductor. On a
 * host of two CPUs that share with the pipeline this halves the threads replication needs, and a record or an
 * acknowledgement crosses no hand-off between threads inside a process: each hop that had to wait for another thread
 * to wake (100 us and more each, four of them per process and round trip) is gone.
 */
final class AeronMedia implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AeronMedia.class);
    /**
     * The receiver window and UDP socket buffers an embedded driver asks for: Aeron's default window (128 KB) lets
     * the primary send only some 600 records before the replica's status message comes back, and both loops park
     * when idle, so a burst waited for round trips; 2 MB keeps the copy streaming. Capped to what the OS grants
     * ({@link #windowFor}).
     */
    static final int WINDOW = 2 << 20;
    /** Fragments and control messages taken per poll: enough that a burst is drained in few rounds. */
    static final int POLL_LIMIT = 1024;
    /** Driver duty cycles per round at most: the sender sends one datagram (an MTU) per publication and cycle. */
    private static final int DRIVER_CYCLES = 64;

    private final MediaDriver driver;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker clientInvoker;
    private final Aeron aeron;
    private static final String PREFIX = "orderpipe-aeron-";
    private static final String LOCK = ".lock";

    private final Path ownDir;
    private final DirLock lock;
    private final Faults faults;

    private AeronMedia(MediaDriver driver, Aeron aeron, Path ownDir, DirLock lock, Faults faults) {
        this.faults = faults;
        this.driver = driver;
        this.driverInvoker = driver == null ? null : driver.sharedAgentInvoker();
        this.clientInvoker = driver == null ? null : aeron.conductorAgentInvoker();
        this.aeron = aeron;
        this.ownDir = ownDir;
        this.lock = lock;
    }

    static AeronMedia start(String aeronDir, boolean external) {
        if (external) {
            Faults faults = new Faults();
            Aeron.Context ctx = new Aeron.Context().errorHandler(faults);
            if (aeronDir != null)
                ctx.aeronDirectoryName(aeronDir);
            try {
                return new AeronMedia(null, Aeron.connect(ctx), null, null, faults);
            } catch (RuntimeException e) {
                throw new ReplicationException("no Aeron media driver runs on " + ctx.aeronDirectoryName() + " ("
                        + e.getMessage() + "): start one (io.aeron.driver.MediaDriver), or leave --external-driver out"
                        + " to run it embedded");
            }
        }
        Path dir;
        if (aeronDir != null) {
            dir = Path.of(aeronDir).toAbsolutePath();
        } else {
            dir = defaultDir();
            sweep(dir.getParent());
        }
        DirLock lock = DirLock.tryAcquire(dir);
        if (lock == null)
            throw new ReplicationException("another orderpipe process runs its media driver on " + dir + " (it holds "
                    + dir + LOCK + "): give each replicate and replica a --aeron-dir of its own, or leave it out");
        try {
            return launch(dir, lock);
        } catch (RuntimeException | Error e) {
            lock.release();
            throw e;
        }
    }

    /** Starts the embedded driver on {@code dir}, which this process holds: anything there is a dead one's. */
    private static AeronMedia launch(Path dir, DirLock lock) {
        MediaDriver.Context ctx = new MediaDriver.Context()
                .aeronDirectoryName(dir.toString())
                .threadingMode(ThreadingMode.INVOKER) // run by the loop's thread: doDriverWork
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true);
        windows(ctx);
        MediaDriver driver = MediaDriver.launchEmbedded(ctx);
        try {
            // while the client waits for the driver's answer (adding a publication), it runs the driver itself
            // the client's conductor too (keep-alives, images coming and going) runs on the loop's thread
            Faults faults = new Faults();
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())
                    .driverAgentInvoker(driver.sharedAgentInvoker()).useConductorAgentInvoker(true)
                    .errorHandler(faults));
            return new AeronMedia(driver, aeron, dir, lock, faults);
        } catch (RuntimeException e) {
            driver.close();
            throw e;
        }
    }

    /**
     * Sets the embedded driver's receiver window and socket buffers to {@link #WINDOW}, or to what the OS grants
     * when it caps UDP buffers lower ({@code net.core.rmem_max}, {@code wmem_max}), saying so once; leaves each alone
     * that the user set through Aeron's own properties ({@code -Daeron.rcv.initial.window.length}, ...). A window
     * larger than the socket's buffer would let a burst overrun it (dropped datagrams, retransmitted after a NAK).
     */
    private static void windows(MediaDriver.Context ctx) {
        int rcvbuf = granted(StandardSocketOptions.SO_RCVBUF);
        int sndbuf = granted(StandardSocketOptions.SO_SNDBUF);
        int window = windowFor(rcvbuf);
        if (window == 0) {
            LOG.warn("the OS grants UDP sockets {} bytes of receive buffer (net.core.rmem_max): replication keeps"
                    + " Aeron's default receiver window, which slows bursts; raise net.core.rmem_max to {}", rcvbuf,
                    WINDOW);
            return;
        }
        if (window < WINDOW)
            LOG.warn("the OS grants UDP sockets {} bytes of receive buffer (net.core.rmem_max): replication's receiver"
                    + " window is {} bytes instead of {}; raise net.core.rmem_max to {} for bursts", rcvbuf, window,
                    WINDOW, WINDOW);
        if (System.getProperty(Configuration.SOCKET_RCVBUF_LENGTH_PROP_NAME) == null
                && System.getProperty(Configuration.INITIAL_WINDOW_LENGTH_PROP_NAME) == null) {
            ctx.socketRcvbufLength(window);
            ctx.initialWindowLength(window);
        }
        int send = windowFor(sndbuf);
        if (System.getProperty(Configuration.SOCKET_SNDBUF_LENGTH_PROP_NAME) == null && send > 0)
            ctx.socketSndbufLength(send);
    }

    /**
     * The window for a socket buffer of {@code granted} bytes as the OS reports it (as Aeron compares them):
     * {@link #WINDOW} at most, 0 when that is below Aeron's default window (then left as it is).
     */
    static int windowFor(int granted) {
        int window = Math.min(WINDOW, granted);
        return window < Configuration.INITIAL_WINDOW_LENGTH_DEFAULT ? 0 : window;
    }

    /** The buffer the OS grants a UDP socket that asks for {@link #WINDOW} bytes of {@code option}; 0 if unknown. */
    private static int granted(java.net.SocketOption<Integer> option) {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.setOption(option, WINDOW);
            return ch.getOption(option);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Path defaultDir() {
        Path shm = Path.of("/dev/shm");
        Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                : Path.of(System.getProperty("java.io.tmpdir"));
        return base.resolve(PREFIX + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    /** Deletes the fresh driver directories in {@code base} whose process is gone (their lock is free). */
    private static void sweep(Path base) {
        List<Path> locks;
        try (Stream<Path> files = Files.list(base)) {
            locks = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PREFIX) && n.endsWith(LOCK);
            }).toList();
        } catch (IOException e) {
            return; // nothing swept: the start goes on
        }
        for (Path lockFile : locks) {
            String n = lockFile.getFileName().toString();
            Path dir = lockFile.resolveSibling(n.substring(0, n.length() - LOCK.length()));
            DirLock stale = DirLock.tryAcquire(dir);
            if (stale == null)
                continue; // a live process's
            try {
                FileTrees.delete(dir);
            } catch (IOException | RuntimeException e) {
                // left for the next start: a directory that cannot be deleted now blocks nothing
            }
            stale.release();
        }
    }

    Aeron aeron() {
        return aeron;
    }

    /**
     * Runs the embedded driver's duty cycle (sender, receiver, conductor) until it finds nothing to do, a few dozen
     * times at most, and the client's conductor once; nothing with an external driver, whose client and driver have
     * threads of their own. The loop's thread calls it in
     * every round, before and after its own work, so what the loop offered leaves in the same round; when a round
     * finds nothing to do, the loop waits with {@link ReplicationLoop#idleStrategy()}.
     *
     * @return the work done
     * @throws ReplicationException when the Aeron client has closed itself: this process stood still longer than
     *                              Aeron's timeouts, and its publications and subscriptions are gone
     */
    int doDriverWork() {
        if (aeron.isClosed())
            throw faults.clientClosed();
        if (driverInvoker == null)
            return 0;
        int work = 0;
        for (int i = 0; i < DRIVER_CYCLES; i++) {
            int w = driverInvoker.invoke();
            if (w <= 0)
                break;
            work += w;
        }
        return work + clientInvoker.invoke();
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
        try {
            aeron.close();
        } finally { // the driver's threads stop whatever the client threw, or they would keep the JVM alive
            closeDriver();
        }
    }

    private void closeDriver() {
        if (driver == null)
            return;
        try {
            driver.close();
            try {
                FileTrees.delete(ownDir); // dirDeleteOnShutdown leaves the directory itself on some versions
            } catch (java.io.IOException | RuntimeException e) {
                // nothing to do: a stale driver directory is deleted by the next start (dirDeleteOnStart)
            }
        } finally {
            lock.release();
        }
    }

    /**
     * The Aeron client's error handler: one line per error instead of Aeron's stack trace on stderr, and the fatal
     * error kept to name why the client closed itself. It does so when its conductor did not run for longer than the
     * driver's client liveness timeout (Aeron's 10 s, {@code -Daeron.client.liveness.timeout}): the
     * process was stopped (SIGSTOP), paused (a VM, a long GC) or starved; its driver has dropped it by then, so
     * nothing arrives or leaves any more, and the loop must end rather than go on polling what is closed (it did: the
     * process then hung, silent after two stack traces).
     */
    private static final class Faults implements org.agrona.ErrorHandler {
        private volatile Throwable first;

        @Override
        public void onError(Throwable error) {
            if (error instanceof org.agrona.concurrent.AgentTerminationException)
                return; // the client ending after its fatal error, which is kept
            if (error instanceof io.aeron.exceptions.AeronException e
                    && e.category() == io.aeron.exceptions.AeronException.Category.FATAL) {
                if (first == null)
                    first = error; // named by the loop's one line (doDriverWork)
                return;
            }
            LOG.warn("aeron: {}", error.toString());
        }

        ReplicationException clientClosed() {
            Throwable why = first;
            return new ReplicationException("the Aeron client closed itself (" + (why == null ? "no error given"
                    : why.getMessage()) + "): this process stood still longer than Aeron's timeouts (stopped with"
                    + " SIGSTOP, a VM or GC pause, a starved host) or its media driver stopped, so its streams are"
                    + " gone; start it again: the replica resumes from its copy's last index");
        }
    }

    /** The OS lock on {@code DIR.lock}: held while a process's embedded driver uses DIR. */
    private static final class DirLock {
        private final Path file;
        private final FileChannel channel;

        private DirLock(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        /** The lock of {@code dir}, or null when another process (or this one) holds it. */
        static DirLock tryAcquire(Path dir) {
            Path file = dir.resolveSibling(dir.getFileName() + LOCK);
            FileChannel ch = null;
            try {
                Files.createDirectories(file.getParent());
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null;
                }
                if (l == null) {
                    ch.close();
                    return null;
                }
                return new DirLock(file, ch);
            } catch (IOException e) {
                closeQuietly(ch);
                throw new ReplicationException("cannot lock " + file + ": " + e.getMessage()
                        + "; give a --aeron-dir in a directory this user may write");
            }
        }

        /** Deletes the lock file (while still holding it, so no one takes a file about to vanish), then unlocks. */
        void release() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // an empty file left beside: the next start locks and reuses it
            }
            closeQuietly(channel);
        }

        private static void closeQuietly(FileChannel ch) {
            if (ch == null)
                return;
            try {
                ch.close();
            } catch (IOException e) {
                // closing a lock's channel: nothing to do
            }
        }
    }
}
