package dev.orderpipe.pipeline.integrity;

import dev.orderpipe.pipeline.OrderInfo;
import dev.orderpipe.pipeline.codes.ExecType;
import dev.orderpipe.pipeline.config.IngressConfig;
import dev.orderpipe.pipeline.config.MatchingConfig;
import dev.orderpipe.pipeline.config.PipelineConfig;
import dev.orderpipe.pipeline.config.RiskConfig;

/**
 * The kind of record a queue holds, told apart by the fields of docs/formats.md: an execution report has an
 * {@code execType} (every report the matching stage writes has one), a checked order has none but carries
 * {@code riskNanos} (the risk stage's timestamp), an order has neither. Every queue holds one kind: {@code orders}
 * orders, {@code checked} checked orders, {@code executions} reports; a queue directory holding another kind was
 * renamed, swapped or copied over, and reading it as its name says would be wrong. The kind also decides the rules
 * that put each record in its place ({@link dev.orderpipe.pipeline.infra.RecordContinuity}).
 */
public enum RecordKind {
    ORDER("an order", "orders"),
    CHECKED("a checked order", "checked"),
    REPORT("an execution report", "executions");

    private final String article;
    private final String plural;

    RecordKind(String article, String plural) {
        this.article = article;
        this.plural = plural;
    }

    /** The kind of {@code r}. */
    public static RecordKind of(OrderInfo r) {
        if (r.execType() != ExecType.NONE)
            return REPORT;
        return r.riskNanos() != 0 ? CHECKED : ORDER;
    }

    /**
     * The kind that the pipeline's queue called {@code name} holds under the default queue names ({@code orders},
     * {@code checked}, {@code executions}), or null for another name: what a tool expects of a queue directory
     * given by path.
     */
    public static RecordKind ofQueueName(String name) {
        if (new IngressConfig().queue.equals(name))
            return ORDER;
        if (new RiskConfig().queue.equals(name))
            return CHECKED;
        if (new MatchingConfig().queue.equals(name))
            return REPORT;
        return null;
    }

    /**
     * The kind that the queue called {@code name} of a data directory holds: the config's queues' ({@code
     * ingress.queue} orders, {@code risk.queue} checked orders, {@code matching.queue} reports), else as
     * {@link #ofQueueName} says; null for a queue of no known kind.
     */
    public static RecordKind ofQueue(PipelineConfig config, String name) {
        if (name.equals(config.ingress.queue))
            return ORDER;
        if (name.equals(config.risk.queue))
            return CHECKED;
        if (name.equals(config.matching.queue))
            return REPORT;
        return ofQueueName(name);
    }

    /** "an order", "a checked order", "an execution report". */
    public String article() {
        return article;
    }

    /** What the queue of this kind is called by default (and its records in plural): orders, checked, executions. */
    public String queueName() {
        return plural;
    }

    /** "an orders", "a checked", "an executions" (queue). */
    private String queueArticle() {
        return ("aeiou".indexOf(plural.charAt(0)) >= 0 ? "an " : "a ") + plural;
    }

    /** How {@code r} shows it is of its kind, for messages. */
    static String evidence(OrderInfo r) {
        switch (of(r)) {
            case REPORT:
                return "execType " + r.execType() + ", seq " + r.seq();
            case CHECKED:
                return "no execType, riskNanos set";
            default:
                return "no execType, no riskNanos";
        }
    }

    /**
     * Checks that the records of one queue, read in order, are all of one kind: the one expected, or when none is
     * expected the kind of the first record read. Not thread-safe; one per walk of a queue.
     */
    public static final class Check {
        private RecordKind kind;
        private final boolean expected;

        /** @param expected the kind the queue must hold, or null for "whatever its first record is" */
        public Check(RecordKind expected) {
            this.kind = expected;
            this.expected = expected != null;
        }

        /** Null when {@code r} is of the queue's kind, else what is wrong, for a damage message. */
        public String check(OrderInfo r) {
            RecordKind k = of(r);
            if (kind == null)
                kind = k;
            if (k == kind)
                return null;
            String is = "the record is " + k.article + " (" + evidence(r) + ")";
            if (expected)
                return is + ", not " + kind.article + ": this looks like " + k.queueArticle() + " queue, not "
                        + kind.plural + " (queue directories renamed, swapped or copied over?)";
            return is + " but the records before it are " + kind.plural + ": a file of another queue was copied or"
                    + " moved in";
        }

        /** The kind checked against (expected or learned), null before the first record. */
        public RecordKind kind() {
            return kind;
        }
    }
}
