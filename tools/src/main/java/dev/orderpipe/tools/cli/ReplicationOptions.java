package dev.orderpipe.tools.cli;

import dev.orderpipe.replication.Endpoint;
import dev.orderpipe.replication.ReplicationSettings;
import picocli.CommandLine.Option;

import java.util.List;

/** The media driver and channel options {@code replicate} and {@code replica} share. */
public final class ReplicationOptions {
    @Option(names = "--aeron-dir", paramLabel = "DIR",
            description = "The Aeron directory: the embedded media driver's (default: a fresh one under /dev/shm,"
                    + " deleted at exit), or with --external-driver the running driver's (default: Aeron's).")
    String aeronDir;
    @Option(names = "--external-driver",
            description = "Use a media driver already running on --aeron-dir instead of embedding one.")
    boolean externalDriver;
    @Option(names = "--interface", paramLabel = "ADDRESS",
            description = "The network interface of a multicast group (an address of this host), default the"
                    + " system's choice.")
    String networkInterface;

    ReplicationSettings settings(int termLength) {
        return new ReplicationSettings(aeronDir, externalDriver, networkInterface, termLength);
    }

    static Endpoint endpoint(String text, String option) {
        try {
            return Endpoint.parse(text, option);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
    }

    static List<Endpoint> endpoints(String text, String option) {
        try {
            return Endpoint.parseList(text, option);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
    }
}
