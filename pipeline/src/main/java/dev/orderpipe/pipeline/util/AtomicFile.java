package dev.orderpipe.pipeline.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file written whole or not at all: the writer writes a temporary file beside the target ({@link #temp()}) and
 * {@link #commit()} renames it over the target in one step; closing without a commit removes it. A command that fails
 * midway (damage found in its input, a full disk, a bug) so leaves no partial output where a complete one is expected,
 * and an earlier complete file at the target stays as it was. Not for files that are continued (an executions CSV
 * that egress appends to). Not thread-safe.
 *
 * <pre>{@code
 * try (AtomicFile file = AtomicFile.create(out)) {
 *     try (Writer w = Files.newBufferedWriter(file.temp())) {
 *         ... write ...
 *     }
 *     file.commit();
 * }
 * }</pre>
 */
public final class AtomicFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private boolean committed;

    private AtomicFile(Path target) {
        this.target = target;
        // beside the target, so that the rename stays on one filesystem (atomic); hidden; the target's name last, so
        // that writers which add an extension when it is missing (XChart's) write where they were told
        this.temp = target.resolveSibling(".tmp-" + ProcessHandle.current().pid() + "-" + target.getFileName());
    }

    /** Starts writing {@code target}: nothing is created until the writer writes {@link #temp()}. */
    public static AtomicFile create(Path target) {
        return new AtomicFile(target);
    }

    /** Writes {@code content} to {@code target} as UTF-8, whole or not at all. */
    public static void writeString(Path target, CharSequence content) throws IOException {
        try (AtomicFile file = create(target)) {
            Files.writeString(file.temp(), content, StandardCharsets.UTF_8);
            file.commit();
        }
    }

    /** Where to write; closed by the writer before {@link #commit()}. */
    public Path temp() {
        return temp;
    }

    /** The file this becomes. */
    public Path target() {
        return target;
    }

    /** Renames the complete temporary file over the target (replacing an earlier file there). */
    public void commit() throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
    }

    /** Removes the temporary file unless it was committed. */
    @Override
    public void close() {
        if (committed)
            return;
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // nothing more to do: the write already failed, and that failure is what the caller reports
        }
    }
}
