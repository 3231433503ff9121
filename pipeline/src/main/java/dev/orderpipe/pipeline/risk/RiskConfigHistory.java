package dev.orderpipe.pipeline.risk;

import dev.orderpipe.pipeline.BadFileException;
import dev.orderpipe.pipeline.config.RiskConfig;
import dev.orderpipe.pipeline.util.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Which risk config each stretch of the {@code checked} queue was written with, so that a restart can tell a verdict
 * its config changed from one altered on disk. Risk's verdicts are its config's: at a restart it decides the orders it
 * had checked again, and where its config changed since, a verdict may now differ (that is allowed, and said in one
 * WARN line); where the config is the one the record was written with, a different verdict means the record is not
 * what risk wrote, and the restart is refused.
 *
 * <p>The file ({@value #FILE} in the data directory, one line per config, replaced whole: {@link AtomicFile}) holds
 * lines {@code AFTER FINGERPRINT}: the records of {@code checked} with an index above {@code AFTER} (hex; {@code none}
 * for the first) were written with the config whose fingerprint (SHA-256 of its YAML, without the queue's name) is
 * {@code FINGERPRINT}. Records before the first line, in a data directory written before this file existed, were
 * written with a config nobody recorded: their verdicts are treated as a changed config's.
 *
 * <p>{@link #sameConfig(long)} is called once per record during the rebuild and allocates nothing.
 */
public final class RiskConfigHistory {
    /** The file's name in the data directory. */
    public static final String FILE = "risk-configs.txt";
    private static final String NONE = "none";

    private final Path file;
    private final String current;
    private final long[] after;
    private final boolean[] same;
    private final String lastFingerprint;

    private RiskConfigHistory(Path file, String current, long[] after, boolean[] same, String lastFingerprint) {
        this.file = file;
        this.current = current;
        this.after = after;
        this.same = same;
        this.lastFingerprint = lastFingerprint;
    }

    /**
     * Reads the history of the data directory {@code dataDir} (empty when there is none yet) against {@code config}.
     *
     * @throws BadFileException when the file is not one this class wrote
     */
    public static RiskConfigHistory load(Path dataDir, RiskConfig config) {
        Path file = dataDir.resolve(FILE);
        String current = fingerprint(config);
        List<String> lines;
        try {
            lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        long[] after = new long[lines.size()];
        boolean[] same = new boolean[lines.size()];
        String last = null;
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = lines.get(i).split(" ");
            try {
                if (parts.length != 2 || parts[1].length() != 64)
                    throw new NumberFormatException();
                after[i] = NONE.equals(parts[0]) ? -1 : Long.parseUnsignedLong(parts[0], 16);
                HexFormat.of().parseHex(parts[1]);
            } catch (IllegalArgumentException e) { // NumberFormatException too
                throw new BadFileException(file + " line " + (i + 1) + " is not 'INDEX FINGERPRINT' (as risk writes"
                        + " it): '" + lines.get(i) + "'; restore it, or delete it to treat every verdict written so far"
                        + " as written with another config");
            }
            if (i > 0 && after[i] <= after[i - 1])
                throw new BadFileException(file + " line " + (i + 1) + " does not follow the line before it (indexes"
                        + " must rise); restore it, or delete it to treat every verdict written so far as written"
                        + " with another config");
            same[i] = parts[1].equals(current);
            last = parts[1];
        }
        return new RiskConfigHistory(file, current, after, same, last);
    }

    /**
     * Whether the {@code checked} record at {@code index} was written with the config risk runs with now. False for
     * records older than the history.
     */
    public boolean sameConfig(long index) {
        for (int i = after.length - 1; i >= 0; i--)
            if (index > after[i])
                return same[i];
        return false;
    }

    /**
     * Records that the records written after {@code lastIndex} ({@code -1}: none yet) are written with the current
     * config; nothing when it is the config of the last line already. Called before risk writes anything new.
     */
    public void recordCurrent(long lastIndex) {
        if (current.equals(lastFingerprint))
            return;
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            // a config under which nothing was written since its line was recorded gives way to this one
            // and with no record written at all, the history before is moot (the queue was begun anew)
            int keep = lastIndex < 0 ? 0
                    : after.length > 0 && after[after.length - 1] == lastIndex ? lines.size() - 1 : lines.size();
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < keep; i++)
                text.append(lines.get(i)).append('\n');
            text.append(lastIndex < 0 ? NONE : Long.toHexString(lastIndex)).append(' ').append(current).append('\n');
            AtomicFile.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** SHA-256 of the config's YAML, without the name of the queue it writes (which decides no verdict). */
    static String fingerprint(RiskConfig config) {
        RiskConfig c = config.deepCopy();
        c.queue = "";
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(c.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
