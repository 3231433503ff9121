package dev.orderpipe.tools.cli;

import dev.orderpipe.replication.Replica;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code orderpipe replica}: a standby's copy of a primary's data directory, kept by replication over Aeron. */
@Command(name = "replica", mixinStandardHelpOptions = true,
        description = {"Standby side of replication: receive a primary's queues ('orderpipe replicate --to "
                + "THIS_HOST:PORT') and write each record into this data directory's queue at the primary's index, "
                + "checking its CRC32C; exactly once and in order, resuming from its last index after any "
                + "disconnect or restart. Stops with one line (exit 1) if its copy ever diverges from the primary's.",
                "Holds the data directory's pipeline lock while it runs. Fail-over: stop it (SIGTERM), then "
                        + "'orderpipe run --data DIR' continues the pipeline on the copy.",
                "The queues and the data-directory layout: docs/formats.md."})
public final class ReplicaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR",
            description = "The replica's data directory (created when missing).")
    Path data;
    @Option(names = "--listen", defaultValue = "0.0.0.0:40456", paramLabel = "HOST:PORT",
            description = "Where the primary's stream arrives (default ${DEFAULT-VALUE}), or a multicast group.")
    String listen;
    @Option(names = "--name", paramLabel = "NAME",
            description = "The replica's name in the primary's lag (default: this host's name).")
    String name;
    @Mixin
    ReplicationOptions options;

    private volatile boolean stopped;

    @Override
    public Integer call() {
        String replicaName = name != null ? name : hostName();
        try (Replica replica = new Replica(data, ReplicationOptions.endpoint(listen, "--listen"), replicaName,
                options.settings(0))) {
            Signal.handle(new Signal("INT"), s -> stopped = true);
            Signal.handle(new Signal("TERM"), s -> stopped = true);
            spec.commandLine().getOut().println("replica " + replicaName + " of " + data + " listening on " + listen);
            spec.commandLine().getOut().flush();
            replica.run(() -> stopped);
        }
        return 0;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "replica";
        }
    }
}
