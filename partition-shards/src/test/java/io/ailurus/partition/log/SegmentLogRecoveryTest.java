package io.ailurus.partition.log;

import static io.ailurus.partition.log.Batches.batch;
import static io.ailurus.partition.log.Batches.readAll;
import static io.ailurus.partition.log.Batches.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash cases made on real files: each damages what a crash or a bad disk leaves behind, reopens, and checks every record. */
class SegmentLogRecoveryTest {

    private static final LogConfig SMALL_SEGMENTS = LogConfig.defaults().withSegmentBytes(1000).withIndexIntervalBytes(100);

    @TempDir
    Path dir;

    private SegmentLog log;

    @AfterEach
    void closeLog() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    /** Appends {@code n} single-record batches "v0".."v{n-1}" and returns their values. */
    private List<String> fill(final int n) {
        final List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            log.append(batch("v" + i), 0, 1);
            values.add("v" + i);
        }
        return values;
    }

    private SegmentLog reopen(final LogConfig config) throws IOException {
        log = SegmentLog.open(dir, config);
        log.setHighWatermark(log.logEndOffset());
        return log;
    }

    private Path segmentFile(final long base) {
        return dir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX));
    }

    private static int batchSize() {
        return batch("v0").sizeInBytes();
    }

    @Test
    void aFileCutInTheMiddleOfABatchLosesOnlyThatBatch() throws IOException {
        log = SegmentLog.open(dir, LogConfig.defaults());
        final List<String> values = fill(10);
        log.closeAsIfCrashed();
        final Path file = segmentFile(0);
        final long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size - 7);
        }
        reopen(LogConfig.defaults());
        assertEquals(9, log.logEndOffset());
        assertEquals(values.subList(0, 9), values(readAll(log)));
        assertEquals(size - batchSize(), Files.size(file), "the torn tail is cut from the file");
        assertEquals(9, log.append(batch("after"), 0, 1).firstOffset());
        log.setHighWatermark(10);
        assertEquals("after", readAll(log).get(9).value());
    }

    @Test
    void aFlippedByteCutsTheLogAtThatBatch() throws IOException {
        log = SegmentLog.open(dir, LogConfig.defaults());
        final List<String> values = fill(10);
        log.closeAsIfCrashed();
        flipByte(segmentFile(0), batchSize() * 6L + batchSize() - 2);   // inside batch 6's value
        reopen(LogConfig.defaults());
        assertEquals(6, log.logEndOffset());
        assertEquals(values.subList(0, 6), values(readAll(log)));
    }

    @Test
    void aCorruptLengthFieldIsTreatedLikeATornTail() throws IOException {
        log = SegmentLog.open(dir, LogConfig.defaults());
        final List<String> values = fill(5);
        log.closeAsIfCrashed();
        try (FileChannel ch = FileChannel.open(segmentFile(0), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).putInt(0, 3), batchSize() * 3L + 8);   // length below a batch header
        }
        reopen(LogConfig.defaults());
        assertEquals(values.subList(0, 3), values(readAll(log)));
    }

    @Test
    void corruptionInAnEarlierUnsealedSegmentDropsEveryLaterSegment() throws IOException {
        log = SegmentLog.open(dir, SMALL_SEGMENTS);
        final List<String> values = fill(60);
        final List<Long> bases = log.segmentBaseOffsets();
        assertTrue(bases.size() >= 4, "segments " + bases);
        log.closeAsIfCrashed();
        Files.delete(dir.resolve(LogCheckpoint.FILE_NAME));   // no recovery point: every segment is scanned
        final long victim = bases.get(1);
        flipByte(segmentFile(victim), batchSize() * 2L + 30);
        reopen(SMALL_SEGMENTS);
        assertEquals(victim + 2, log.logEndOffset());
        assertEquals(values.subList(0, (int) victim + 2), values(readAll(log)));
        assertEquals(List.of(bases.get(0), victim), log.segmentBaseOffsets());
        assertFalse(Files.exists(segmentFile(bases.get(2))));
    }

    @Test
    void sealedSegmentsBeforeTheRecoveryPointAreTrustedAndTheActiveOneIsScanned() throws IOException {
        log = SegmentLog.open(dir, SMALL_SEGMENTS);
        final List<String> values = fill(40);
        final long activeBase = log.segmentBaseOffsets().get(log.segmentBaseOffsets().size() - 1);
        log.flush(log.logEndOffset());
        assertEquals(activeBase, LogCheckpoint.read(dir).recoveryPoint());
        log.closeAsIfCrashed();
        final long size = Files.size(segmentFile(activeBase));
        try (FileChannel ch = FileChannel.open(segmentFile(activeBase), StandardOpenOption.WRITE)) {
            ch.truncate(size - 1);
        }
        reopen(SMALL_SEGMENTS);
        assertEquals(39, log.logEndOffset());
        assertEquals(values.subList(0, 39), values(readAll(log)));
    }

    @Test
    void aMissingIndexIsRebuiltFromTheSegment() throws IOException {
        log = SegmentLog.open(dir, SMALL_SEGMENTS);
        final List<String> values = fill(40);
        final List<Long> bases = log.segmentBaseOffsets();
        log.close();
        Files.delete(dir.resolve(Segment.fileName(bases.get(1), Segment.INDEX_SUFFIX)));
        Files.delete(dir.resolve(Segment.fileName(bases.get(2), Segment.TIME_INDEX_SUFFIX)));
        Files.write(dir.resolve(Segment.fileName(bases.get(0), Segment.INDEX_SUFFIX)), new byte[] {1, 2, 3});
        reopen(SMALL_SEGMENTS);
        assertEquals(values, values(readAll(log)));
        assertTrue(Files.exists(dir.resolve(Segment.fileName(bases.get(1), Segment.INDEX_SUFFIX))), "rebuilt and written");
        for (int i = 0; i < 40; i++) {
            assertEquals(i, log.read(i, 1, 40).firstBatchOffset());
        }
    }

    @Test
    void anIndexThatPointsPastTheSegmentIsRejectedAndRebuilt() throws IOException {
        log = SegmentLog.open(dir, SMALL_SEGMENTS);
        final List<String> values = fill(40);
        final long first = log.segmentBaseOffsets().get(0);
        log.close();
        final ByteBuffer bogus = ByteBuffer.allocate(SparseIndex.ENTRY_BYTES).putLong(3).putInt(1 << 20);
        Files.write(dir.resolve(Segment.fileName(first, Segment.INDEX_SUFFIX)), bogus.array());
        reopen(SMALL_SEGMENTS);
        assertEquals(values, values(readAll(log)));
    }

    @Test
    void anEmptyTrailingSegmentIsKeptAndAppendsContinue() throws IOException {
        log = SegmentLog.open(dir, LogConfig.defaults());
        final List<String> values = fill(5);
        log.closeAsIfCrashed();
        Files.createFile(segmentFile(5));   // a crash right after a roll created the next segment
        reopen(LogConfig.defaults());
        assertEquals(5, log.logEndOffset());
        assertEquals(List.of(0L, 5L), log.segmentBaseOffsets());
        assertEquals(5, log.append(batch("v5"), 0, 1).firstOffset());
        log.setHighWatermark(6);
        final List<String> expected = new ArrayList<>(values);
        expected.add("v5");
        assertEquals(expected, values(readAll(log)));
    }

    @Test
    void strayFilesFromAnInterruptedWriteAreRemoved() throws IOException {
        log = SegmentLog.open(dir, LogConfig.defaults());
        fill(3);
        log.close();
        Files.write(dir.resolve(Segment.fileName(999, Segment.INDEX_SUFFIX)), new byte[12]);
        Files.write(dir.resolve(LogCheckpoint.FILE_NAME + ".tmp"), new byte[3]);
        reopen(LogConfig.defaults());
        assertFalse(Files.exists(dir.resolve(Segment.fileName(999, Segment.INDEX_SUFFIX))));
        assertFalse(Files.exists(dir.resolve(LogCheckpoint.FILE_NAME + ".tmp")));
        assertEquals(3, log.logEndOffset());
    }

    @Test
    void aCleanShutdownIsRemembered() throws IOException {
        log = SegmentLog.open(dir, LogConfig.defaults());
        fill(3);
        log.close();
        assertTrue(Files.exists(dir.resolve(SegmentLog.CLEAN_SHUTDOWN_FILE)));
        reopen(LogConfig.defaults());
        assertFalse(Files.exists(dir.resolve(SegmentLog.CLEAN_SHUTDOWN_FILE)),
                "the marker goes at open, so that a crash after it is recovered");
    }

    private static void flipByte(final Path file, final long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            final ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x10));
            one.rewind();
            ch.write(one, position);
        }
    }
}
