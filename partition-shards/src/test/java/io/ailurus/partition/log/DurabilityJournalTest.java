package io.ailurus.partition.log;

import static io.ailurus.partition.log.Batches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test-only hook the chaos harness's power-loss fault relies on: one journal line per fsync, never ahead of it. */
class DurabilityJournalTest {

    @TempDir
    Path dataDir;

    @AfterEach
    void off() {
        System.clearProperty(DurabilityJournal.PROPERTY);
    }

    @Test
    void journalsTheFsyncedSizeOfTheSegmentAndNothingUnflushed() throws IOException {
        System.setProperty(DurabilityJournal.PROPERTY, "true");
        final Path partitionDir = dataDir.resolve("topic").resolve("0");
        final Path journal = dataDir.resolve(DurabilityJournal.FILE_NAME);
        try (SegmentLog log = SegmentLog.open(partitionDir, LogConfig.defaults())) {
            log.append(batch("a", "b"), 0, 1_000L);
            final long flushedBytes = Files.size(partitionDir.resolve(Segment.fileName(0, Segment.LOG_SUFFIX)));
            log.flush(log.logEndOffset());
            log.append(batch("c"), 0, 1_000L);   // written, never fsynced: must not be in the journal yet

            final List<String> lines = Files.readAllLines(journal);
            final String last = lines.get(lines.size() - 1);
            final Path segment = partitionDir.resolve(Segment.fileName(0, Segment.LOG_SUFFIX)).toAbsolutePath();
            assertEquals(segment + " " + flushedBytes, last);
            assertEquals(true, Files.size(segment) > flushedBytes);
        }
    }

    @Test
    void writesNothingWhenOff() throws IOException {
        try (SegmentLog log = SegmentLog.open(dataDir.resolve("topic").resolve("0"), LogConfig.defaults())) {
            log.append(batch("a"), 0, 1_000L);
            log.flush(log.logEndOffset());
        }
        assertFalse(Files.exists(dataDir.resolve(DurabilityJournal.FILE_NAME)));
    }
}
