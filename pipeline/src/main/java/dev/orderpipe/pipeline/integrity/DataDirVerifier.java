package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.infra.HistoryStart;
import dev.orderpipe.pipeline.infra.QueueDamagedException;
import dev.orderpipe.pipeline.config.PipelineConfig;
import net.openhft.chronicle.queue.RollCycle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code orderpipe verify}: reads every record of the three queues of a data directory off their files, once, in
 * step, and checks
 * <ul>
 *     <li>the framing of every cycle file (queue header, read field by field as Chronicle reads it, every record
 *     header to the end of the data, nothing hidden after it or as metadata, no file cut short), Chronicle's index
 *     against the records ({@link CycleIndex}; entries of 0 a killed writer leaves are noted, not damage) and every
 *     record's length, format, CRC32C and kind ({@link RecordKind}: orders on orders, checked orders on checked, reports on
 *     executions);</li>
 *     <li>every record's place in its queue, by the rules every reader applies
 *     ({@link dev.orderpipe.pipeline.infra.RecordContinuity}): each order-entry writer's numbers on {@code orders},
 *     seq 1, 2, 3... on {@code executions} with the reports of each input together, the last one flagged;</li>
 *     <li>{@code checked}: the k-th record names the k-th {@code orders} record ({@code sourceIndex}) and carries
 *     over its order ({@link RecordLink}): risk turns every input into exactly one output, in order;</li>
 *     <li>{@code executions}: the reports name {@code checked} records in order, carry over what matching copies of
 *     them ({@link RecordLink}), and every checked record gets at least one report (an input's reports cut short at
 *     the very end are a pipeline stopped mid-input, which a restart finishes).</li>
 * </ul>
 * What the pipeline's start-up repair handles (a newest cycle file left half-created by a crash, a missing or
 * half-created {@code metadata.cq4t}) is not damage: it is reported per queue ({@link QueueReport#repairs}), unless
 * another queue names records that such a newest file would have held, which makes it damage (records lost).
 * It keeps the first problem per queue (a queue whose records are intact but whose chain is broken is reported at
 * the first record that breaks it), counts how far each stage is behind its input, and never writes.
 */
public final class DataDirVerifier {
    private DataDirVerifier() {
    }

    /** Verifies the queues of {@code config}'s data directory that exist. */
    public static Report verify(PipelineConfig config) {
        long t0 = System.nanoTime();
        Path data = config.dataPath();
        RollCycle rc = config.rollCycle();
        QueueReport orders = new QueueReport(config.ingress.queue, data.resolve(config.ingress.queue), rc,
                RecordKind.ORDER);
        QueueReport checked = new QueueReport(config.risk.queue, data.resolve(config.risk.queue), rc,
                RecordKind.CHECKED);
        QueueReport executions = new QueueReport(config.matching.queue, data.resolve(config.matching.queue), rc,
                RecordKind.REPORT);
        try {
            new Walk(orders, checked, executions).run();
        } finally {
            orders.close();
            checked.close();
            executions.close();
        }
        return new Report(data, List.of(orders, checked, executions), System.nanoTime() - t0);
    }

    /** The three queues read in step: orders as checked names them, executions as they name checked records. */
    private static final class Walk {
        private final QueueReport orders;
        private final QueueReport checked;
        private final QueueReport executions;
        private final QueueScanner o;
        private final QueueScanner c;
        private final QueueScanner e;
        private boolean eHave;
        /**
         * Whether the chains are still at their heads, where a queue whose oldest files retention removed
         * ({@link HistoryStart}) starts later than the queue it is linked to: records before the other's start are
         * not compared (their partners were removed).
         */
        private boolean riskHead;
        private boolean matchingHead;

        Walk(QueueReport orders, QueueReport checked, QueueReport executions) {
            this.orders = orders;
            this.checked = checked;
            this.executions = executions;
            this.o = orders.scanner;
            this.c = checked.scanner;
            this.e = executions.scanner;
            this.riskHead = o != null && c != null && (o.files().history() != null || c.files().history() != null);
            this.matchingHead = c != null && e != null
                    && (c.files().history() != null || e.files().history() != null);
        }

        /** The first index kept of a queue retention cut, else -1. */
        private static long start(QueueScanner s) {
            return s.files().history() == null ? -1 : s.files().history().firstIndex();
        }

        void run() {
            boolean riskChain = o != null && c != null;
            boolean matchingChain = c != null && e != null;
            eHave = nextExecution();
            long notMatched = 0;
            while (c != null && c.next()) {
                long ci = c.index();
                if (riskChain)
                    riskChain = checkRisk(ci, c.record().sourceIndex());
                if (!matchingChain)
                    continue;
                if (!eHave) {
                    notMatched++;
                    continue;
                }
                matchingChain = consumeReportsOf(ci);
            }
            boolean checkedWhole = c != null && c.damage() == null;
            if (matchingChain && checkedWhole && eHave) {
                if (c.repair() != null) {
                    // checked's newest file, taken for a crash's leftover, held the records the reports name
                    c.lost("the report with seq " + e.record().seq() + " on executions names checked index "
                            + c.describe(e.record().sourceIndex()));
                    checkedWhole = false;
                    matchingChain = false;
                } else {
                    e.fail("the report names checked index " + c.describe(e.record().sourceIndex())
                            + ", beyond the last checked record" + (c.records() == 0 ? " (checked holds none)"
                            : " " + c.describe(c.index())));
                    eHave = false;
                }
            }
            if (riskChain && checkedWhole) {
                long notChecked = 0;
                while (o.next())
                    notChecked++;
                checked.behind = o.damage() == null ? notChecked : -1;
            } else if (o != null) {
                while (o.next()) {
                    // framing and checksums of the rest
                }
            }
            if (matchingChain && checkedWhole)
                executions.behind = notMatched;
            while (eHave)
                eHave = nextExecution();
            // a queue that is gone while the next one holds what was made from it: not a sound directory
            if (!orders.present() && c != null && c.records() > 0)
                orders.missing(checked, c.records());
            if (!checked.present() && e != null && e.records() > 0)
                checked.missing(executions, e.records());
        }

        /**
         * The k-th checked record must name the k-th orders record. When it names a later one than the next on
         * orders, checked lost records (or repeated a later one); when an earlier one, orders lost it. It must carry
         * over that order ({@link RecordLink}).
         */
        private boolean checkRisk(long ci, long source) {
            if (riskHead) {
                if (source < start(o))
                    return true; // an order retention removed
                riskHead = false;
                // the orders whose checked records retention removed
                while (c.files().history() != null && o.next() && o.index() < source) {
                    // nothing to compare them with
                }
                if (o.damage() == null && o.records() > 0 && o.index() >= source)
                    return linkRisk(ci, source);
            }
            if (!o.next()) {
                if (o.repair() != null)
                    o.lost("checked index " + c.describe(ci) + " names orders index " + o.describe(source));
                else if (o.damage() == null)
                    c.fail("the record names orders index " + o.describe(source) + ", but orders ends before it"
                            + (o.records() == 0 ? " (it holds no records)" : ", at " + o.describe(o.index())));
                return false;
            }
            return linkRisk(ci, source);
        }

        /** {@link #checkRisk} once orders is at its next record. */
        private boolean linkRisk(long ci, long source) {
            if (source > o.index()) {
                c.fail("the record names orders index " + o.describe(source) + ", but the next orders record is "
                        + o.describe(o.index()) + ", which no checked record names (records were lost, repeated or"
                        + " reordered)");
                return false;
            }
            if (source < o.index()) {
                o.fail("the next orders record should be index " + o.describe(source) + ", which checked index "
                        + c.describe(ci) + " names, but it is missing (orders records were lost)");
                return false;
            }
            String differs = RecordLink.differs(RecordKind.CHECKED, o.record(), c.record());
            if (differs != null) {
                // either queue may hold the stranger; orders records exchanged or reordered read as in place up to
                // where the order rules break, further on: a problem of orders' own names the culprit, so orders is
                // read on first and checked is blamed only when orders is sound
                String problem = RecordLink.problem(checked.name, c.describe(ci), orders.name, o.describe(source),
                        differs);
                while (o.next()) {
                    // its framing, checksums and order to the end
                }
                if (o.damage() == null)
                    c.fail(problem);
                return false;
            }
            return true;
        }

        /**
         * Reads the reports of checked record {@code ci}: they must come next, at least one. (That an input's reports
         * come together and end with the one flagged last is the scanner's order check.) A report that names an
         * earlier checked record than {@code ci} names one that checked lost; a later one, {@code ci}'s reports are
         * lost.
         *
         * @return whether the chain still holds
         */
        private boolean consumeReportsOf(long ci) {
            OrderInfo r = e.record();
            if (matchingHead) {
                // reports of checked records retention removed
                while (eHave && r.sourceIndex() < ci && r.sourceIndex() < start(c))
                    eHave = nextExecution();
                if (!eHave)
                    return e.damage() == null;
                // a checked record whose reports retention removed
                if (r.sourceIndex() > ci && e.files().history() != null)
                    return true;
                matchingHead = false;
            }
            if (r.sourceIndex() < ci) {
                c.fail("the next checked record should be index " + c.describe(r.sourceIndex()) + ", which the next"
                        + " report (seq " + r.seq() + ") names, but it is missing (checked records were lost)");
                return false; // the rest of executions is still read for its own checks
            }
            if (r.sourceIndex() > ci) {
                e.fail("the report (seq " + r.seq() + ") names checked index " + c.describe(r.sourceIndex())
                        + ", but the next checked record is " + c.describe(ci) + ", which has no report"
                        + " (reports were lost, repeated or reordered)");
                eHave = false;
                return false;
            }
            while (true) {
                // a checked record found out of place is no input to compare the reports with
                String differs = c.damage() != null ? null : RecordLink.differs(RecordKind.REPORT, c.record(), r);
                if (differs != null) {
                    e.fail(RecordLink.problem(executions.name, e.describe(e.index()), checked.name, c.describe(ci),
                            differs));
                    eHave = false;
                    return false;
                }
                boolean lastForInput = r.lastForInput();
                eHave = nextExecution();
                if (!eHave) {
                    if (!lastForInput && e.damage() == null)
                        executions.note = "matching stopped inside the reports of checked index " + c.describe(ci)
                                + " (a restart finishes them)";
                    return e.damage() == null;
                }
                if (r.sourceIndex() != ci)
                    return true; // the order check saw that the report before was flagged last for its input
            }
        }

        /** The next report (seq and the grouping of each input's reports checked by the scanner). */
        private boolean nextExecution() {
            return e != null && e.next();
        }
    }

    /** What verify found in one queue. */
    public static final class QueueReport implements AutoCloseable {
        private final String name;
        private final QueueScanner scanner;
        private final QueueDamagedException listing;
        private final QueueDamagedException metadataRepair;
        private long behind = -1;
        private String note;
        /** The queue is absent while the next queue holds records made from its records. */
        private QueueDamagedException missing;

        QueueReport(String name, Path dir, RollCycle fallback, RecordKind kind) {
            this.name = name;
            QueueScanner s = null;
            QueueDamagedException failure = null;
            QueueDamagedException repair = null;
            try {
                QueueFiles files = QueueFiles.list(name, dir, fallback, kind);
                repair = files.repair();
                if (files.count() > 0)
                    s = new QueueScanner(files);
            } catch (QueueDamagedException ex) {
                failure = ex;
            }
            this.scanner = s;
            this.listing = failure;
            this.metadataRepair = repair;
        }

        public String name() {
            return name;
        }

        /** Whether the data directory has this queue (a directory with cycle files). */
        public boolean present() {
            return scanner != null || listing != null;
        }

        /** Intact records read before the first problem (all of them when sound). */
        public long records() {
            return scanner == null ? 0 : scanner.records();
        }

        /** Cycle files. */
        public int files() {
            return scanner == null ? 0 : scanner.files().count();
        }

        /** Bytes of the cycle files (sparse: more than they take on disk). */
        public long bytes() {
            return scanner == null ? 0 : scanner.files().bytes();
        }

        /** First and last intact index as people read them, "-" when none. */
        public String firstIndex() {
            return scanner == null || scanner.firstIndex() < 0 ? "-" : "0x" + Long.toHexString(scanner.firstIndex());
        }

        public String lastIndex() {
            return scanner == null || scanner.records() == 0 ? "-" : "0x" + Long.toHexString(scanner.index());
        }

        /** The first problem, or null when the queue is sound. */
        public QueueDamagedException problem() {
            return listing != null ? listing : missing != null ? missing : scanner == null ? null : scanner.damage();
        }

        /** Absent, while {@code next} holds {@code records} records made from this queue's: they were lost. */
        void missing(QueueReport next, long records) {
            missing = new QueueDamagedException(name, -1, "the data directory", String.format(Locale.ROOT,
                    "the queue is missing, but %s holds %,d records made from its records (records were lost)",
                    next.name, records));
        }

        /**
         * What the start-up repair would do to this queue (a missing or half-created {@code metadata.cq4t}, a newest
         * cycle file left half-created by a crash), each naming the file; empty when nothing. The records are intact:
         * a reader refuses the queue until {@code orderpipe run} has repaired it.
         */
        public List<QueueDamagedException> repairs() {
            List<QueueDamagedException> r = new ArrayList<>(2);
            if (metadataRepair != null)
                r.add(metadataRepair);
            if (scanner != null && scanner.repair() != null)
                r.add(scanner.repair());
            return r;
        }

        /**
         * Input records the stage writing this queue has not yet turned into output (orders not yet checked,
         * checked records not yet matched), or -1 when that is unknown (no input, or a problem on the way).
         */
        public long behind() {
            return behind;
        }

        /** Something worth knowing that is not a problem, or null. */
        public String note() {
            String history = history();
            String n = note == null ? history : history == null ? note : history + "; " + note;
            long unindexed = scanner == null ? 0 : scanner.unindexed();
            if (unindexed == 0)
                return n;
            String notIndexed = String.format(Locale.ROOT, "%,d Chronicle index entr%s 0 (the first for index %s): a"
                    + " writer killed between writing a record and indexing it leaves that; readers that move near"
                    + " %s scan from an earlier entry (slower, not wrong)", unindexed, unindexed == 1 ? "y is" : "ies are",
                    scanner.describe(scanner.firstUnindexed()), unindexed == 1 ? "it" : "them");
            return n == null ? notIndexed : n + "; " + notIndexed;
        }

        /** Where the queue's history starts when retention removed its oldest files, for the note; else null. */
        private String history() {
            HistoryStart h = scanner == null ? null : scanner.files().history();
            if (h == null)
                return null;
            return String.format(Locale.ROOT, "history starts at index %s (%,d earlier records removed by"
                    + " retention)", scanner.describe(h.firstIndex()), h.recordsBefore());
        }

        @Override
        public void close() {
            if (scanner != null)
                scanner.close();
        }
    }

    /** What verify found in a data directory. */
    public static final class Report {
        private final Path dataDir;
        private final List<QueueReport> queues;
        private final long nanos;

        Report(Path dataDir, List<QueueReport> queues, long nanos) {
            this.dataDir = dataDir;
            this.queues = queues;
            this.nanos = nanos;
        }

        public Path dataDir() {
            return dataDir;
        }

        /** Orders, checked and executions, in that order (absent ones included). */
        public List<QueueReport> queues() {
            return queues;
        }

        /** The queues with a problem. */
        public List<QueueReport> damaged() {
            List<QueueReport> d = new ArrayList<>();
            for (QueueReport q : queues)
                if (q.problem() != null)
                    d.add(q);
            return d;
        }

        /** Whether every present queue is sound (it may still need the start-up repair: {@link #needsRepair}). */
        public boolean sound() {
            return damaged().isEmpty();
        }

        /** Whether a queue needs the start-up repair ({@link QueueReport#repairs}). */
        public boolean needsRepair() {
            for (QueueReport q : queues)
                if (!q.repairs().isEmpty())
                    return true;
            return false;
        }

        /** Records read, all queues. */
        public long records() {
            long n = 0;
            for (QueueReport q : queues)
                n += q.records();
            return n;
        }

        /** How long the verification took. */
        public long nanos() {
            return nanos;
        }
    }
}
