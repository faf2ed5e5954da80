package io.ailurus.partition.log;

import static io.ailurus.partition.log.Batches.batch;
import static io.ailurus.partition.log.Batches.concat;
import static io.ailurus.partition.log.Batches.readAll;
import static io.ailurus.partition.log.Batches.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SegmentLogTest {

    @TempDir
    Path dir;

    private SegmentLog log;

    @AfterEach
    void closeLog() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    private SegmentLog open(final LogConfig config) throws IOException {
        log = SegmentLog.open(dir, config);
        return log;
    }

    static Stream<Compression> codecs() {
        return Stream.of(Compression.NONE, Compression.gzip().build(), Compression.snappy().build(),
                Compression.lz4().build(), Compression.zstd().build());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void roundTripsEveryCodecWithHeadersAndNullKeysAndValues(final Compression compression) throws IOException {
        open(LogConfig.defaults());
        final MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(4096), compression,
                TimestampType.CREATE_TIME, 0L);
        b.append(new SimpleRecord(10L, "k1".getBytes(), "v1".getBytes(),
                new RecordHeader[] {new RecordHeader("h", "x".getBytes()), new RecordHeader("empty", null)}));
        b.append(new SimpleRecord(11L, null, "no-key".getBytes()));
        b.append(new SimpleRecord(12L, "tombstone".getBytes(), null));
        b.append(new SimpleRecord(13L, (byte[]) null, (byte[]) null));
        final MemoryRecords first = b.build();

        final LogAppendInfo a1 = log.append(first, 7, 1_000);
        final LogAppendInfo a2 = log.append(Batches.batch(compression, 20L, "x", "y"), 7, 1_000);

        assertEquals(0, a1.firstOffset());
        assertEquals(3, a1.lastOffset());
        assertEquals(4, a2.firstOffset());
        assertEquals(5, a2.lastOffset());
        assertEquals(6, log.logEndOffset());

        final List<Batches.Rec> recs = readAll(log);
        assertEquals(List.of(
                new Batches.Rec(0, 10, "k1", "v1", List.of("h=x", "empty=null")),
                new Batches.Rec(1, 11, null, "no-key", List.of()),
                new Batches.Rec(2, 12, "tombstone", null, List.of()),
                new Batches.Rec(3, 13, null, null, List.of()),
                new Batches.Rec(4, 20, "k-x", "x", List.of()),
                new Batches.Rec(5, 21, "k-y", "y", List.of())), recs);
        for (final RecordBatch batch : log.read(0, 1 << 20, 6).records().batches()) {
            assertEquals(7, batch.partitionLeaderEpoch());
            assertEquals(compression.type(), batch.compressionType());
        }
    }

    @Test
    void oneMebibyteRecordsRoundTripAndAReadAlwaysReturnsTheFirstBatchWhole() throws IOException {
        open(LogConfig.defaults().withMaxMessageBytes(3 << 20));
        final byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        for (int n = 0; n < 3; n++) {
            final MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate((1 << 20) + 1024),
                    Compression.NONE, TimestampType.CREATE_TIME, 0L);
            big[0] = (byte) n;
            b.append(1L, null, big);
            log.append(b.build(), 0, 1);
        }
        final LogSlice slice = log.read(1, 100, log.logEndOffset());
        assertTrue(slice.sizeInBytes() > 1 << 20, "the oversized batch comes whole");
        assertTrue(slice.sizeInBytes() < 2 << 20, "but only that one");
        final Record r = slice.records().records().iterator().next();
        assertEquals(1, r.offset());
        final byte[] read = new byte[r.valueSize()];
        r.value().get(read);
        big[0] = 1;
        assertArrayEquals(big, read);
    }

    @Test
    void readsReturnWholeBatchesWithinMaxBytesAndStopBeforeTheBound() throws IOException {
        open(LogConfig.defaults().withIndexIntervalBytes(100));
        for (int i = 0; i < 50; i++) {
            log.append(batch("a" + i, "b" + i), 0, 1);
        }
        final int batchSize = log.read(0, 1, 100).sizeInBytes();
        final LogSlice slice = log.read(10, batchSize * 5 + batchSize / 2, 100);
        assertEquals(batchSize * 5, slice.sizeInBytes(), "five whole batches fit, the sixth would be cut");
        assertEquals(10, slice.firstBatchOffset());

        final LogSlice fromMiddle = log.read(11, 1 << 20, 100);
        assertEquals(10, fromMiddle.firstBatchOffset(), "a batch is never split");

        final LogSlice bounded = log.read(0, 1 << 20, 21);
        assertEquals(20, countRecords(bounded), "the batch holding offset 21 straddles the bound and is left out");
        assertTrue(log.read(20, 1 << 20, 21).isEmpty());
        assertTrue(log.read(100, 1 << 20, 100).isEmpty(), "reading at the log end is empty, not an error");
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(101, 10, 200));
    }

    private static int countRecords(final LogSlice slice) {
        int n = 0;
        for (final RecordBatch b : slice.records().batches()) {
            n += b.countOrNull();
        }
        return n;
    }

    @Test
    void rollsSegmentsBySizeAndReadsAcrossThem() throws IOException {
        open(LogConfig.defaults().withSegmentBytes(1024));
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            log.append(batch("value-" + i), 0, 1);
            expected.add("value-" + i);
        }
        assertTrue(log.segmentBaseOffsets().size() > 5, "segments: " + log.segmentBaseOffsets());
        for (final long base : log.segmentBaseOffsets()) {
            assertTrue(Files.size(dir.resolve(Segment.fileName(base, ".log"))) <= 1024);
        }
        assertEquals(expected, values(readAll(log)));
    }

    @Test
    void rollsSegmentsByAge() throws IOException {
        open(LogConfig.defaults().withSegmentMs(1000));
        log.append(batch("a"), 0, 10_000);
        log.append(batch("b"), 0, 10_500);
        assertEquals(1, log.segmentBaseOffsets().size());
        log.append(batch("c"), 0, 11_000);
        assertEquals(List.of(0L, 2L), log.segmentBaseOffsets());
        assertEquals(List.of("a", "b", "c"), values(readAll(log)));
    }

    @Test
    void retentionBySizeDeletesWholeClosedSegmentsBelowTheHighWatermark() throws IOException {
        open(LogConfig.defaults().withSegmentBytes(500).withRetentionBytes(1500));
        for (int i = 0; i < 60; i++) {
            log.append(batch("v" + i), 0, 1);
        }
        final int before = log.segmentBaseOffsets().size();
        assertEquals(0, log.deleteExpiredSegments(2), "nothing is committed yet, so nothing may go");
        log.setHighWatermark(log.logEndOffset());
        final int deleted = log.deleteExpiredSegments(2);
        assertTrue(deleted > 0);
        assertEquals(before - deleted, log.segmentBaseOffsets().size());
        assertTrue(log.sizeInBytes() <= 1500 + 500, "size " + log.sizeInBytes());
        assertEquals(log.segmentBaseOffsets().get(0), log.logStartOffset());
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(0, 100, 60));
        final List<Batches.Rec> rest = readAll(log);
        assertEquals(log.logStartOffset(), rest.get(0).offset());
        assertEquals("v59", rest.get(rest.size() - 1).value());
    }

    @Test
    void retentionByTimeDeletesSegmentsWhoseNewestRecordIsTooOld() throws IOException {
        open(LogConfig.defaults().withSegmentBytes(120).withRetentionMs(1000));
        log.append(Batches.batch(Compression.NONE, 1_000, "old1"), 0, 1);
        log.append(Batches.batch(Compression.NONE, 1_100, "old2"), 0, 1);
        log.append(Batches.batch(Compression.NONE, 5_000, "new1"), 0, 1);
        log.append(Batches.batch(Compression.NONE, 5_100, "new2"), 0, 1);
        log.setHighWatermark(log.logEndOffset());
        assertEquals(4, log.segmentBaseOffsets().size());
        assertEquals(2, log.deleteExpiredSegments(5_500));
        assertEquals(2, log.logStartOffset());
        assertEquals(List.of("new1", "new2"), values(readAll(log)));
        assertEquals(0, log.deleteExpiredSegments(5_500));
    }

    @Test
    void deleteRecordsMovesTheLogStartOffsetAndSurvivesRestart() throws IOException {
        open(LogConfig.defaults().withSegmentBytes(300));
        for (int i = 0; i < 20; i++) {
            log.append(batch("v" + i), 0, 1);
        }
        assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(5),
                "records above the high watermark cannot be deleted");
        log.setHighWatermark(20);
        assertEquals(7, log.deleteRecordsBefore(7));
        assertEquals(7, log.logStartOffset());
        assertTrue(log.segmentBaseOffsets().get(0) <= 7);
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(6, 100, 20));
        assertEquals("v7", readAll(log).get(0).value());
        log.close();
        log = SegmentLog.open(dir, LogConfig.defaults().withSegmentBytes(300));
        assertEquals(7, log.logStartOffset());
        assertEquals(20, log.logEndOffset());
    }

    @Test
    void deleteRecordsUpToTheLogEndLeavesAnEmptyLogThatStillAppends() throws IOException {
        open(LogConfig.defaults());
        log.append(batch("a", "b"), 0, 1);
        log.setHighWatermark(2);
        assertEquals(2, log.deleteRecordsBefore(2));
        assertEquals(List.of(2L), log.segmentBaseOffsets());
        assertEquals(3, log.append(batch("c", "d"), 0, 1).lastOffset());
        log.setHighWatermark(4);
        assertEquals(List.of("c", "d"), values(readAll(log)));
    }

    @Test
    void findsTheFirstOffsetWithATimestampAtOrAfterTheTarget() throws IOException {
        open(LogConfig.defaults().withSegmentBytes(400).withIndexIntervalBytes(50));
        // Timestamps go up with a dip, as producers' clocks do: 100,110,...; batch 3 holds an older record.
        long offset = 0;
        final List<long[]> expectations = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            final long[] ts = {100L + b * 10, 100L + b * 10 + 5};
            if (b == 3) {
                ts[1] = 50;
            }
            log.append(Batches.batchWithTimestamps(ts, "b" + b + "-"), 0, 1);
            expectations.add(new long[] {ts[0], offset});
            offset += 2;
        }
        assertTrue(log.segmentBaseOffsets().size() > 3);
        for (final long[] e : expectations) {
            final TimestampAndOffset found = log.offsetForTimestamp(e[0]);
            assertNotNull(found, "timestamp " + e[0]);
            assertEquals(e[1], found.offset, "timestamp " + e[0]);
            assertEquals(e[0], found.timestamp);
        }
        assertEquals(1, log.offsetForTimestamp(101).offset, "record 1 (ts 105) is the first at or after 101");
        assertEquals(0, log.offsetForTimestamp(0).offset);
        assertNull(log.offsetForTimestamp(10_000));

        final TimestampAndOffset max = log.maxTimestampRecord();
        assertEquals(100 + 19 * 10 + 5, max.timestamp);
        assertEquals(39, max.offset);
    }

    @Test
    void logAppendTimeStampsTheBrokerClockAndKeepsTheCrcValid() throws IOException {
        open(LogConfig.defaults().withTimestampType(TimestampType.LOG_APPEND_TIME));
        final LogAppendInfo info = log.append(batch("a", "b"), 3, 123_456);
        assertEquals(123_456, info.logAppendTimeMs());
        for (final RecordBatch b : log.read(0, 1000, 2).records().batches()) {
            assertTrue(b.isValid());
            assertEquals(TimestampType.LOG_APPEND_TIME, b.timestampType());
            for (final Record r : b) {
                assertEquals(123_456, r.timestamp());
            }
        }
        assertEquals(0, log.offsetForTimestamp(123_456).offset);
        assertEquals(0, log.maxTimestampRecord().offset);
    }

    @Test
    void rejectsABatchWithABadCrcAndWritesNothingOfTheRequest() throws IOException {
        open(LogConfig.defaults());
        log.append(batch("ok"), 0, 1);
        final long sizeBefore = log.sizeInBytes();
        final MemoryRecords good = batch("fine");
        final MemoryRecords bad = batch("broken");
        bad.buffer().put(bad.sizeInBytes() - 1, (byte) 0x5A);
        final MemoryRecords request = concat(good, bad);
        final CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> log.append(request, 0, 1));
        assertEquals(Errors.CORRUPT_MESSAGE, Errors.forException(e));
        assertEquals(1, log.logEndOffset());
        assertEquals(sizeBefore, log.sizeInBytes(), "the good batch in front of the bad one is not written either");
        assertEquals(List.of("ok"), values(readAll(log)));
    }

    @Test
    void rejectsMalformedInputWithTypedErrors() throws IOException {
        open(LogConfig.defaults().withMaxMessageBytes(200));
        final byte[] big = new byte[500];
        Arrays.fill(big, (byte) 'x');
        final MemoryRecords tooBig = batch(new String(big, StandardCharsets.US_ASCII));
        assertEquals(Errors.MESSAGE_TOO_LARGE,
                Errors.forException(assertThrows(RecordTooLargeException.class, () -> log.append(tooBig, 0, 1))));

        final MemoryRecords whole = batch("cut short");
        final ByteBuffer truncated = whole.buffer();
        truncated.limit(truncated.limit() - 3);
        assertEquals(Errors.CORRUPT_MESSAGE, Errors.forException(assertThrows(CorruptRecordException.class,
                () -> log.append(MemoryRecords.readableRecords(truncated.slice()), 0, 1))));

        final MemoryRecordsBuilder v1 = MemoryRecords.builder(ByteBuffer.allocate(256), RecordBatch.MAGIC_VALUE_V1,
                Compression.NONE, TimestampType.CREATE_TIME, 0L);
        v1.append(1L, null, "old".getBytes());
        assertEquals(Errors.INVALID_RECORD, Errors.forException(assertThrows(InvalidRecordException.class,
                () -> log.append(v1.build(), 0, 1))));

        assertThrows(InvalidRecordException.class, () -> log.append(MemoryRecords.EMPTY, 0, 1));
        final ByteBuffer garbage = ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5});
        assertThrows(CorruptRecordException.class, () -> log.append(MemoryRecords.readableRecords(garbage), 0, 1));
        assertEquals(0, log.logEndOffset());
        assertEquals(0, log.sizeInBytes());
    }

    @Test
    void truncationRemovesADivergedSuffixAcrossSegments() throws IOException {
        open(LogConfig.defaults().withSegmentBytes(400));
        for (int i = 0; i < 30; i++) {
            log.append(batch("v" + i, "w" + i), 1, 1);
        }
        log.setHighWatermark(60);
        assertEquals(20, log.truncateTo(21), "the batch holding 20..21 straddles offset 21 and goes whole");
        assertEquals(20, log.logEndOffset());
        assertEquals(20, log.highWatermark());
        final LogAppendInfo info = log.append(batch("new"), 2, 1);
        assertEquals(20, info.firstOffset());
        log.setHighWatermark(21);
        final List<Batches.Rec> recs = readAll(log);
        assertEquals(21, recs.size());
        assertEquals("new", recs.get(20).value());
        log.close();
        log = SegmentLog.open(dir, LogConfig.defaults().withSegmentBytes(400));
        assertEquals(21, log.logEndOffset());
        log.setHighWatermark(21);
        assertEquals(recs, readAll(log));
    }

    @Test
    void truncatingToTheStartEmptiesTheLog() throws IOException {
        open(LogConfig.defaults());
        log.append(batch("a", "b", "c"), 0, 1);
        assertEquals(0, log.truncateTo(0));
        assertEquals(0, log.logEndOffset());
        assertEquals(0, log.append(batch("z"), 1, 1).firstOffset());
        log.truncateFullyAndStartAt(500);
        assertEquals(500, log.logStartOffset());
        assertEquals(500, log.append(batch("y"), 1, 1).firstOffset());
    }

    @Test
    void flushTracksTheDurableOffset() throws IOException {
        open(LogConfig.defaults().withSegmentBytes(300));
        for (int i = 0; i < 10; i++) {
            log.append(batch("v" + i), 0, 1);
        }
        assertTrue(log.segmentBaseOffsets().size() > 2);
        assertEquals(0, log.flushedOffset(), "appending, even across segments, waits for no disk");
        log.flush(5);
        assertEquals(5, log.flushedOffset());
        log.flush(Long.MAX_VALUE);
        assertEquals(10, log.flushedOffset());
        final long activeBase = log.segmentBaseOffsets().get(log.segmentBaseOffsets().size() - 1);
        assertEquals(activeBase, LogCheckpoint.read(dir).recoveryPoint(), "flushed closed segments are sealed");
    }

    @Test
    void replicatedAppendsKeepTheLeadersOffsetsAndEpochs() throws IOException {
        open(LogConfig.defaults());
        final Path leaderDir = dir.resolve("leader");
        try (SegmentLog leader = SegmentLog.open(leaderDir, LogConfig.defaults())) {
            leader.append(batch("a", "b"), 4, 1);
            leader.append(batch("c"), 5, 1);
            leader.setHighWatermark(3);
            final SegmentLog follower = SegmentLog.open(dir.resolve("follower"), LogConfig.defaults());
            try {
                final LogSlice slice = leader.read(0, 1 << 20, 3);
                final ByteBuffer copy = ByteBuffer.allocate(slice.sizeInBytes());
                ((org.apache.kafka.common.record.FileRecords) slice.records()).readInto(copy, 0);
                final LogAppendInfo info = follower.appendReplicated(MemoryRecords.readableRecords(copy), 1);
                assertEquals(0, info.firstOffset());
                assertEquals(2, info.lastOffset());
                follower.setHighWatermark(3);
                assertEquals(readAll(leader), readAll(follower));
                final List<Integer> epochs = new ArrayList<>();
                for (final RecordBatch b : follower.read(0, 1 << 20, 3).records().batches()) {
                    epochs.add(b.partitionLeaderEpoch());
                }
                assertEquals(List.of(4, 5), epochs);
                final MemoryRecords gap = batch("x");
                gap.batches().iterator().next().setLastOffset(10);
                assertThrows(InvalidRecordException.class, () -> follower.appendReplicated(gap, 1));
            } finally {
                follower.close();
            }
        }
    }

    @Test
    void concurrentReadersSeeOnlyWholeValidBatches() throws Exception {
        open(LogConfig.defaults().withSegmentBytes(64 * 1024));
        final int batches = 3000;
        final Thread writer = new Thread(() -> {
            for (int i = 0; i < batches; i++) {
                log.append(batch("r" + i, "s" + i, "t" + i), 0, 1);
                log.setHighWatermark(log.logEndOffset());
            }
        });
        writer.start();
        long next = 0;
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (next < batches * 3L && System.nanoTime() < deadline) {
            final LogSlice slice = log.read(next, 4096, log.highWatermark());
            for (final RecordBatch b : slice.records().batches()) {
                assertTrue(b.isValid(), "batch at " + b.baseOffset());
                assertEquals(next, b.baseOffset());
                int i = 0;
                for (final Record r : b) {
                    final String expected = "rst".charAt(i++) + Long.toString(next / 3);
                    assertEquals(expected, StandardCharsets.UTF_8.decode(r.value()).toString());
                }
                next = b.nextOffset();
            }
        }
        writer.join(60_000);
        assertEquals(batches * 3L, next);
    }
}
