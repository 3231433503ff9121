package dev.orderpipe.replay;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.Action;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.infra.QueueInput;
import dev.orderpipe.pipeline.infra.Queues;
import dev.orderpipe.pipeline.snapshot.SnapshotSeed;
import dev.orderpipe.pipeline.snapshot.SnapshotStore;
import net.openhft.chronicle.queue.ChronicleQueue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One trading session of a multi-day queue capture, as {@code replay --from-session} re-drives it: the capture's
 * inputs after the previous session's close up to and including this session's close (or the capture's end when it
 * never closed), the state risk and matching had at that previous close (their snapshots in the capture's data
 * directory, {@link SnapshotSeed}), and the capture's reports those inputs made (by seq), which the replay's must
 * equal. Session N is the capture's N-th SESSION_OPEN on {@code orders}; a date names the session opened for it. Session
 * 1 starts at the capture's start, from nothing, and needs no snapshot.
 */
final class SessionRange {
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern NUMBER = Pattern.compile("[1-9]\\d{0,8}");

    /** The session's number (1-based) and trading date (YYYYMMDD). */
    final int number;
    final long date;
    /** The orders index of the previous session's close, -1 for the first session (from the capture's start). */
    final long after;
    /** The orders index of this session's close, {@link Long#MAX_VALUE} when the capture ends before it. */
    final long through;
    /** The seed of the replay's pipeline, null for the first session. */
    final SnapshotSeed seed;
    /** The capture's reports of the session: seqs after {@code afterSeq} up to {@code throughSeq}. */
    final long afterSeq;
    final long throughSeq;

    private SessionRange(int number, long date, long after, long through, SnapshotSeed seed, long afterSeq,
                         long throughSeq) {
        this.number = number;
        this.date = date;
        this.after = after;
        this.through = through;
        this.seed = seed;
        this.afterSeq = afterSeq;
        this.throughSeq = throughSeq;
    }

    /** Whether the capture record at {@code index} is one of the session's inputs. */
    boolean holds(long index) {
        return index > after && index <= through;
    }

    /**
     * Finds the session {@code selector} names (a number from 1, or a date YYYY-MM-DD) in the orders queue
     * {@code orders} of a pipeline data directory, and the snapshots that start it.
     *
     * @throws ReplayException in one line: a selector that is neither, no such session, no snapshot for it
     */
    static SessionRange find(Path orders, String selector, PipelineConfig config) {
        String how = "replay --from-session " + selector;
        if (!DATE.matcher(selector).matches() && !NUMBER.matcher(selector).matches())
            throw ReplayException.usage(how + ": give a session number (1 for the capture's first SESSION_OPEN) or"
                    + " a trading date YYYY-MM-DD");
        List<long[]> sessions = sessions(orders); // {open index, date, close index or MAX}
        int n = -1;
        if (NUMBER.matcher(selector).matches()) {
            n = Integer.parseInt(selector);
        } else {
            long date = Long.parseLong(selector.replace("-", ""));
            for (int i = 0; i < sessions.size() && n < 0; i++)
                if (sessions.get(i)[1] == date)
                    n = i + 1;
        }
        if (n < 1 || n > sessions.size())
            throw ReplayException.usage(how + ": capture " + orders + " holds no such session (its " + sessions.size()
                    + " sessions: " + describe(sessions) + ")");
        long[] s = sessions.get(n - 1);
        if (n == 1) {
            Path data = orders.getParent();
            Path checkedDir = data.resolve(config.risk.queue);
            Path executionsDir = data.resolve(config.matching.queue);
            long through = Long.MAX_VALUE;
            if (Queues.isQueueDir(checkedDir) && Queues.isQueueDir(executionsDir))
                through = throughSeq(executionsDir, -1, checkedOf(checkedDir, -2, s[2])[1], new OrderInfo(), how);
            return new SessionRange(1, s[1], -1, s[2], null, 0, through);
        }
        long[] previous = sessions.get(n - 2);
        if (previous[2] == Long.MAX_VALUE)
            throw ReplayException.usage(how + ": session " + (n - 1) + " (" + date(previous[1]) + ") has no close in"
                    + " capture " + orders + ", so no snapshot can start session " + n);
        return seeded(orders, config, n, s, previous, how);
    }

    /** Session {@code n}, started from the snapshots taken at the close of {@code previous}. */
    private static SessionRange seeded(Path orders, PipelineConfig config, int n, long[] s, long[] previous,
                                       String how) {
        Path data = orders.getParent();
        Path checkedDir = data.resolve(config.risk.queue);
        Path executionsDir = data.resolve(config.matching.queue);
        if (!Queues.isQueueDir(checkedDir) || !Queues.isQueueDir(executionsDir))
            throw ReplayException.usage(how + ": capture " + orders + " is not the orders queue of a data directory"
                    + " with its checked and executions queues and snapshots beside it: give that data directory");
        // matching's input is risk's output: the checked records made of the two closes
        long[] checked = checkedOf(checkedDir, previous[2], s[2]);
        String at = "the close of session " + (n - 1) + " (" + date(previous[1]) + ", orders index "
                + Queues.describeIndex(config.rollCycle(), previous[2]) + ")";
        String fix = " (none was taken there, it is damaged, or of another config than the replay's: a WARN names"
                + " those); snapshots are taken at each close with snapshots.atSessionClose: replay with the capture's"
                + " config (--config), or the capture from its start, without --from-session";
        SnapshotStore.Found risk = SnapshotSeed.find(data, config, "risk", previous[2]);
        if (risk == null)
            throw ReplayException.usage(how + ": no valid snapshot of risk in " + SnapshotStore.dir(data, "risk")
                    + " covers " + at + fix);
        SnapshotStore.Found matching = checked[0] < 0 ? null : SnapshotSeed.find(data, config, "matching", checked[0]);
        if (matching == null)
            throw ReplayException.usage(how + ": no valid snapshot of matching in "
                    + SnapshotStore.dir(data, "matching") + " covers " + at + fix);
        OrderInfo last = new OrderInfo();
        long throughSeq = throughSeq(executionsDir, matching.outputLast, checked[1], last, how);
        return new SessionRange(n, s[1], previous[2], s[2], SnapshotSeed.of(data, config, risk, matching, last),
                last.seq(), throughSeq);
    }

    /**
     * The seq of the last report made of the checked record at {@code checkedClose} (the session's close), read from
     * the report at {@code from} on (that one into {@code first}; -1: from the queue's start); MAX_VALUE when there is
     * none (a session the capture ends in).
     */
    private static long throughSeq(Path executionsDir, long from, long checkedClose, OrderInfo first, String how) {
        try (ChronicleQueue q = open(executionsDir); QueueInput in = new QueueInput(executionsDir.toString(), q)) {
            in.open();
            if (from >= 0 && (!in.moveTo(from) || !in.read(first)))
                throw ReplayException.usage(how + ": the report the matching snapshot names as its last is not on "
                        + executionsDir);
            OrderInfo r = new OrderInfo();
            while (checkedClose >= 0 && in.readOrEnd(r)) {
                if (r.sourceIndex() == checkedClose && r.lastForInput())
                    return r.seq();
            }
        }
        return Long.MAX_VALUE;
    }

    /** Every SESSION_OPEN of the capture with its date and the index of the first SESSION_CLOSE after it. */
    private static List<long[]> sessions(Path orders) {
        List<long[]> sessions = new ArrayList<>();
        OrderInfo r = new OrderInfo();
        try (ChronicleQueue q = open(orders); QueueInput in = new QueueInput(orders.toString(), q).open()) {
            long[] open = null;
            while (in.readOrEnd(r)) {
                if (r.action() == Action.SESSION_OPEN) {
                    open = new long[]{in.lastReadIndex(), r.quantity(), Long.MAX_VALUE};
                    sessions.add(open);
                } else if (r.action() == Action.SESSION_CLOSE && open != null && open[2] == Long.MAX_VALUE) {
                    open[2] = in.lastReadIndex();
                }
            }
        }
        return sessions;
    }

    /** The indexes of the checked records made of the orders at {@code from} and {@code to} (-1: none). */
    private static long[] checkedOf(Path checkedDir, long from, long to) {
        long[] found = {-1, -1};
        OrderInfo r = new OrderInfo();
        try (ChronicleQueue q = open(checkedDir); QueueInput in = new QueueInput(checkedDir.toString(), q).open()) {
            while (in.readOrEnd(r)) {
                if (r.sourceIndex() == from)
                    found[0] = in.lastReadIndex();
                if (r.sourceIndex() == to) {
                    found[1] = in.lastReadIndex();
                    break;
                }
            }
        }
        return found;
    }

    private static ChronicleQueue open(Path dir) {
        try {
            return Queues.openExisting(dir);
        } catch (BadFileException e) {
            throw ReplayException.usage("capture " + e.getMessage());
        }
    }

    private static String describe(List<long[]> sessions) {
        if (sessions.isEmpty())
            return "none: it holds no SESSION_OPEN";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sessions.size(); i++) {
            if (i == 3 && sessions.size() > 4) {
                sb.append(", ... ").append(sessions.size()).append(' ').append(date(sessions.get(sessions.size() - 1)[1]));
                break;
            }
            sb.append(i == 0 ? "" : ", ").append(i + 1).append(' ').append(date(sessions.get(i)[1]));
        }
        return sb.toString();
    }

    static String date(long yyyymmdd) {
        return String.format("%04d-%02d-%02d", yyyymmdd / 10_000, yyyymmdd / 100 % 100, yyyymmdd % 100);
    }

    @Override
    public String toString() {
        return "session " + number + " (" + date(date) + ")";
    }
}
