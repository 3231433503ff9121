package dev.orderpipe.tools.cli;

import dev.orderpipe.pipeline.ExitCodes;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.QueueInput;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code orderpipe dump}: readable records of a queue, with index and cycle. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print the records of a queue (orders, checked or executions), one per line or as YAML.")
public final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue directory, e.g. data/pipeline/executions.")
    Path queue;
    @Option(names = "--from", paramLabel = "INDEX",
            description = "First index to print: decimal, or hex with 0x as printed by dump (default: the start).")
    String from;
    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Print at most N records.")
    Long count;
    @Option(names = {"-f", "--follow"}, description = "Keep printing records as they are appended (until Ctrl-C).")
    boolean follow;
    @Option(names = "--yaml", description = "One YAML document per record instead of one line.")
    boolean yaml;

    private volatile boolean stopped;

    @Override
    public Integer call() throws InterruptedException {
        if (count != null && count < 0)
            throw UserException.usage("--count must be 0 or more, was " + count);
        PrintWriter out = spec.commandLine().getOut();
        long fromIndex = from == null ? -1 : parseIndex(from);
        if (follow) {
            Signal.handle(new Signal("INT"), s -> stopped = true);
            Signal.handle(new Signal("TERM"), s -> stopped = true);
        }
        try (ChronicleQueue q = QueueArgs.openExisting(queue); QueueInput input = new QueueInput(queue.toString(), q)) {
            RollCycle rc = q.rollCycle();
            input.open();
            if (fromIndex >= 0 && !input.moveTo(fromIndex))
                throw UserException.failure("index " + from + " is not in " + queue + " (first 0x"
                        + Long.toHexString(q.firstIndex()) + ", last 0x" + Long.toHexString(q.lastIndex()) + ")");
            OrderInfo r = new OrderInfo();
            long printed = 0;
            while (count == null || printed < count) {
                if (!input.readOrEnd(r)) {
                    if (!follow || stopped)
                        break;
                    out.flush();
                    Thread.sleep(10);
                    continue;
                }
                print(out, r, input.lastReadIndex(), rc);
                printed++;
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    private void print(PrintWriter out, OrderInfo r, long index, RollCycle rc) {
        String where = "0x" + Long.toHexString(index) + " cycle " + rc.toCycle(index) + " seq " + rc.toSequenceNumber(index);
        if (yaml) {
            out.println("--- # " + where);
            String s = r.toString();
            for (String field : s.substring(1, s.length() - 1).split(", "))
                out.println(field);
        } else {
            out.println(where + " " + r);
        }
    }

    static long parseIndex(String text) {
        try {
            return text.startsWith("0x") || text.startsWith("0X") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw UserException.usage("--from '" + text + "' is not an index (decimal, or hex with 0x)");
        }
    }
}
