package io.ailurus.partition.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Test-only: after each fsync of a segment file, appends {@code <absolute .log path> <durable bytes>} to
 * {@code <data-dir>/durability.journal}, so that the chaos harness can simulate a power loss (cut every segment back
 * to what was fsynced) without a FUSE filesystem. Off unless the JVM runs with
 * {@code -Dailurus.log.durability-journal=true}; when off it costs one property lookup per fsync.
 *
 * <p>The journal itself is not fsynced: the harness only kills the process, so the page cache (and the journal in it)
 * survives; it is the segment bytes that were never forced that the harness throws away.
 */
final class DurabilityJournal {

    static final String PROPERTY = "ailurus.log.durability-journal";
    static final String FILE_NAME = "durability.journal";

    private DurabilityJournal() {
    }

    /** Read on every call (a map lookup, nothing beside an fsync) so that a test can switch it on and off. */
    static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    /**
     * Records that the first {@code durableBytes} of {@code segmentFile} are on disk. The size must have been read
     * before the fsync started: bytes appended during the fsync may not be covered by it.
     */
    static void forced(final Path segmentFile, final long durableBytes) throws IOException {
        // Partition logs live in <data-dir>/<topic>/<partition>/ (PartitionReplica.logDirectory).
        final Path partitionDir = segmentFile.toAbsolutePath().getParent();
        final Path dataDir = partitionDir.getParent() == null ? partitionDir : partitionDir.getParent().getParent();
        append(dataDir.resolve(FILE_NAME), segmentFile.toAbsolutePath() + " " + durableBytes + "\n");
    }

    // One lock for the JVM: several group-commit threads flush different partitions at the same time.
    private static synchronized void append(final Path journal, final String line) throws IOException {
        Files.writeString(journal, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }
}
