package dev.orderpipe.tools.cli;

import dev.orderpipe.replication.Endpoint;
import dev.orderpipe.replication.ReplicationSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code orderpipe replicate}: streams a data directory's queues to standby replicas over Aeron. */
@Command(name = "replicate", mixinStandardHelpOptions = true,
        description = {"Primary side of replication: stream every queue of a data directory (orders, checked, "
                + "executions and any other queue there) record by record to one or more replicas "
                + "('orderpipe replica') over Aeron UDP, each from the replica's last index, after any disconnect or "
                + "restart of either side. Runs beside the pipeline (it only reads) until SIGTERM or Ctrl-C.",
                "Lag per replica and queue: 'orderpipe stats DATA_DIR' and the metrics (replication.dat, whose layout"
                        + " is in docs/formats.md)."})
public final class ReplicateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR", description = "The data directory.")
    Path data;
    @Option(names = "--to", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "The replicas' --listen endpoints; a multicast group (224.0.0.0/4) reaches every replica"
                    + " listening on it.")
    String to;
    @Option(names = "--listen", defaultValue = "0.0.0.0:40457", paramLabel = "HOST:PORT",
            description = "Where replicas send their hellos and acknowledgements (default ${DEFAULT-VALUE}: every"
                    + " address of this host, replicas reply to the address the data comes from).")
    String listen;
    @Option(names = "--term-length", defaultValue = "4194304", paramLabel = "BYTES",
            description = "Aeron term length of each replica's stream (a power of two, 64 KiB to 1 GiB; default"
                    + " ${DEFAULT-VALUE}): bounds what may be in flight.")
    int termLength;
    @Mixin
    ReplicationOptions options;

    private volatile boolean stopped;

    @Override
    public Integer call() {
        if (Integer.bitCount(termLength) != 1 || termLength < 65536 || termLength > 1 << 30)
            throw UserException.usage("--term-length " + termLength + " is not a power of two from 65536 to 1073741824");
        List<Endpoint> replicas = ReplicationOptions.endpoints(to, "--to");
        Endpoint control = ReplicationOptions.endpoint(listen, "--listen");
        for (Endpoint e : replicas)
            if (e.sameSocketAs(control))
                throw UserException.usage("--to names replicate's own --listen " + control + " (" + e + "): the"
                        + " stream would come back to replicate, never reach a replica; give the replicas' --listen"
                        + " endpoints");
        try (ReplicationSource source = new ReplicationSource(data, replicas, control, options.settings(termLength))) {
            Signal.handle(new Signal("INT"), s -> stopped = true);
            Signal.handle(new Signal("TERM"), s -> stopped = true);
            spec.commandLine().getOut().println("replicating " + data + " to " + to + " (control on " + listen + ")");
            spec.commandLine().getOut().flush();
            source.run(() -> stopped);
        }
        return 0;
    }
}
