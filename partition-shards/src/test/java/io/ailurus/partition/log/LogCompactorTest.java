package io.ailurus.partition.log;

import io.ailurus.partition.producer.PartitionTransactions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.stream.Stream;
import io.ailurus.partition.producer.ProducerStateTable;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction on real segment files: what stays, what goes, offsets and batches kept, crash leftovers. */
class LogCompactorTest {

    private static final long NOW = 10_000_000L;

    @TempDir
    Path dir;

    private SegmentLog log;
    private final LogCompactor compactor = new LogCompactor(1_000_000, bytes -> { });

    @AfterEach
    void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    private static LogConfig compacted(final int segmentBytes) {
        return LogConfig.defaults().withSegmentBytes(segmentBytes)
                .withCompaction(CompactionConfig.DEFAULTS.withPolicy(CleanupPolicy.COMPACT));
    }

    private static MemoryRecords records(final long timestamp, final String... keyValues) {
        final MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(4096), Compression.NONE,
                TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < keyValues.length; i += 2) {
            b.append(timestamp, bytes(keyValues[i]), bytes(keyValues[i + 1]));
        }
        return b.build();
    }

    private static byte[] bytes(final String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Appends, commits and seals everything written so far (the active segment stays uncleanable). */
    private void appendAll(final MemoryRecords... batches) {
        for (final MemoryRecords b : batches) {
            log.append(b, 1, NOW);
        }
        log.setHighWatermark(log.logEndOffset());
        log.flush(log.logEndOffset());
    }

    /** Every record from the start: offset → "key=value" (value "null" for a tombstone). */
    private Map<Long, String> readAll() {
        final Map<Long, String> out = new LinkedHashMap<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            final LogSlice slice = log.read(offset, 1 << 20, log.logEndOffset());
            for (final RecordBatch batch : slice.records().batches()) {
                for (final Record r : batch) {
                    out.put(r.offset(), str(r.key()) + "=" + str(r.value()));
                }
                offset = batch.nextOffset();
            }
        }
        return out;
    }

    private List<long[]> batchRanges() {
        final List<long[]> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            final LogSlice slice = log.read(offset, Integer.MAX_VALUE, log.logEndOffset());
            for (final RecordBatch batch : slice.records().batches()) {
                out.add(new long[] {batch.baseOffset(), batch.lastOffset()});
                offset = batch.nextOffset();
            }
        }
        return out;
    }

    private static String str(final ByteBuffer b) {
        return b == null ? "null" : StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }

    @Test
    void onlyTheNewestRecordPerKeyStaysAndOffsetsAndBatchesAreKept() throws Exception {
        log = SegmentLog.open(dir, compacted(200));
        for (int round = 0; round < 10; round++) {
            appendAll(records(NOW, "a", "a" + round, "b", "b" + round), records(NOW, "c", "c" + round));
        }
        final List<long[]> batchesBefore = batchRanges();
        final long end = log.logEndOffset();
        final Optional<LogCompactor.Result> result = compactor.compact(log, 0, NOW);
        assertTrue(result.isPresent());
        assertTrue(result.get().recordsDropped() > 0);
        assertTrue(result.get().bytesAfter() < result.get().bytesBefore());
        final Map<Long, String> after = readAll();
        // The active segment is not cleaned: its records stay whatever they are; everything before holds each key once.
        final long cleanedTo = result.get().cleanedUpTo();
        final Map<String, Long> keysBelow = new LinkedHashMap<>();
        after.forEach((offset, kv) -> {
            if (offset < cleanedTo) {
                assertEquals(null, keysBelow.put(kv.substring(0, 1), offset), "key twice below " + cleanedTo + ": " + after);
            }
        });
        assertEquals("a=a9", after.get(after.keySet().stream().filter(o -> after.get(o).startsWith("a=")).reduce((x, y) -> y).get()));
        assertEquals(end, log.logEndOffset());
        // Batches are emptied, not removed; runs of emptied ones are folded: the offsets stay covered without a gap,
        // and every batch after starts where one started before and ends where one ended.
        final List<long[]> batchesAfter = batchRanges();
        assertTrue(batchesAfter.size() < batchesBefore.size(), "emptied batches folded");
        final java.util.Set<Long> bases = new java.util.HashSet<>();
        final java.util.Set<Long> lasts = new java.util.HashSet<>();
        batchesBefore.forEach(r -> {
            bases.add(r[0]);
            lasts.add(r[1]);
        });
        long next = 0;
        for (final long[] r : batchesAfter) {
            assertEquals(next, r[0], "no gap between batches");
            assertTrue(bases.contains(r[0]) && lasts.contains(r[1]));
            next = r[1] + 1;
        }
        assertEquals(end, next);
    }

    @Test
    void anIdempotentProducersEmptiedBatchesFoldExceptItsLastFive() throws Exception {
        log = SegmentLog.open(dir, compacted(300));
        final long pid = 11;
        for (int seq = 0; seq < 30; seq++) {
            appendAll(MemoryRecords.withIdempotentRecords(Compression.NONE, pid, (short) 0, seq,
                    new SimpleRecord(NOW, bytes("k" + (seq % 2)), bytes("v" + seq))));
        }
        final LogCompactor.Result r = compactor.compact(log, 0, NOW).orElseThrow();
        int withProducer = 0;
        int batches = 0;
        long offset = 0;
        while (offset < r.cleanedUpTo()) {
            final LogSlice slice = log.read(offset, Integer.MAX_VALUE, r.cleanedUpTo());
            for (final RecordBatch b : slice.records().batches()) {
                batches++;
                withProducer += b.hasProducerId() ? 1 : 0;
                offset = b.nextOffset();
            }
        }
        assertTrue(withProducer <= ProducerStateTable.MAX_CACHED_BATCHES, withProducer + " batches keep the producer id");
        assertTrue(batches < r.cleanedUpTo() / 2, batches + " batches for " + r.cleanedUpTo() + " offsets");
        assertTrue(r.bytesAfter() < r.bytesBefore() / 2, r.bytesBefore() + " -> " + r.bytesAfter());
    }

    @Test
    void aSecondPassWithNothingDirtyDoesNothing() throws Exception {
        log = SegmentLog.open(dir, compacted(200));
        for (int round = 0; round < 6; round++) {
            appendAll(records(NOW, "a", "a" + round, "b", "b" + round));
        }
        final LogCompactor.Result first = compactor.compact(log, 0, NOW).orElseThrow();
        assertTrue(compactor.compact(log, first.cleanedUpTo(), NOW).isEmpty());
    }

    @Test
    void tombstonesStayForDeleteRetentionThenGo() throws Exception {
        log = SegmentLog.open(dir, compacted(150));
        appendAll(records(NOW, "a", "1"), records(NOW, "a", null), records(NOW, "b", "2"), records(NOW, "b", "3"),
                records(NOW, "c", "4"), records(NOW, "c", "5"));
        compactor.compact(log, 0, NOW).orElseThrow();
        assertTrue(readAll().containsValue("a=null"), "a fresh tombstone stays: " + readAll());
        compactor.compact(log, 0, NOW + CompactionConfig.DEFAULT_DELETE_RETENTION_MS + 1).orElseThrow();
        assertFalse(readAll().containsValue("a=null"), "an old tombstone goes: " + readAll());
        assertFalse(readAll().containsValue("a=1"));
    }

    @Test
    void recordsOfAnAbortedTransactionGoAndNeverHideACommittedValue() throws Exception {
        log = SegmentLog.open(dir, compacted(300));
        final long pid = 7;
        appendAll(records(NOW, "k", "committed"));
        appendAll(MemoryRecords.withTransactionalRecords(Compression.NONE, pid, (short) 0, 0,
                new SimpleRecord(NOW, bytes("k"), bytes("aborted"))));
        appendAll(MemoryRecords.withEndTransactionMarker(NOW, pid, (short) 0, new EndTransactionMarker(ControlRecordType.ABORT, 0)));
        for (int i = 0; i < 8; i++) {
            appendAll(records(NOW, "filler", "f" + i));
        }
        compactor.compact(log, 0, NOW).orElseThrow();
        final Map<Long, String> after = readAll();
        assertTrue(after.containsValue("k=committed"), "the aborted write does not supersede: " + after);
        assertFalse(after.containsValue("k=aborted"), after.toString());
    }

    @Test
    void aMarkerGoesOnceItsTransactionsRecordsAreGoneAndDeleteRetentionPassedButAProducersLastStays() throws Exception {
        log = SegmentLog.open(dir, compacted(200));
        final long pid = 7;
        for (int txn = 0; txn < 4; txn++) {
            appendAll(MemoryRecords.withTransactionalRecords(Compression.NONE, pid, (short) 0, txn,
                    new SimpleRecord(NOW, bytes("k"), bytes("v" + txn))));
            appendAll(MemoryRecords.withEndTransactionMarker(NOW, pid, (short) 0,
                    new EndTransactionMarker(ControlRecordType.COMMIT, 0)));
        }
        for (int i = 0; i < 6; i++) {
            appendAll(records(NOW, "filler", "f" + i));
        }
        assertEquals(4, markers());
        compactor.compact(log, 0, NOW).orElseThrow();
        assertEquals(4, markers(), "fresh markers stay");
        final long later = NOW + CompactionConfig.DEFAULT_DELETE_RETENTION_MS + 1;
        compactor.compact(log, 0, later).orElseThrow();
        // The first transaction's marker is not among the producer's last five batches and its record was superseded.
        assertEquals(3, markers(), "an old marker of an emptied transaction goes");
        assertTrue(readAll().containsValue("k=v3"));

        // Nothing looks open: neither to a rebuilt partition nor to the next pass, which cleans on past it.
        final PartitionTransactions rebuilt = new PartitionTransactions();
        forEachBatch(b -> {
            if (b.isControlBatch()) {
                rebuilt.onControlBatch(b);
            } else {
                rebuilt.onDataBatch(b);
            }
        });
        rebuilt.update(log.highWatermark());
        assertEquals(0, rebuilt.openTransactions());
        assertEquals(log.highWatermark(), rebuilt.lastStableOffset());
        for (int i = 0; i < 6; i++) {
            appendAll(records(later, "filler", "g" + i));
        }
        compactor.compact(log, 0, later).orElseThrow();
        assertEquals(Set.of("k=v3"), readAll().values().stream().filter(v -> v.startsWith("k=")).collect(
                java.util.stream.Collectors.toSet()));
        assertFalse(readAll().containsValue("filler=f5"), "cleaned past the emptied transaction");
    }

    private int markers() {
        final int[] n = {0};
        forEachBatch(b -> {
            if (PartitionTransactions.markerType(b) != null) {
                n[0]++;
            }
        });
        return n[0];
    }

    private void forEachBatch(final java.util.function.Consumer<RecordBatch> each) {
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            final LogSlice slice = log.read(offset, Integer.MAX_VALUE, log.logEndOffset());
            for (final RecordBatch batch : slice.records().batches()) {
                each.accept(batch);
                offset = batch.nextOffset();
            }
        }
    }

    @Test
    void anUndecidedTransactionStopsTheCleaning() throws Exception {
        log = SegmentLog.open(dir, compacted(200));
        appendAll(records(NOW, "k", "v1"), records(NOW, "k", "v2"));
        final long open = log.logEndOffset();
        appendAll(MemoryRecords.withTransactionalRecords(Compression.NONE, 9L, (short) 0, 0,
                new SimpleRecord(NOW, bytes("k"), bytes("open"))));
        for (int i = 0; i < 6; i++) {
            appendAll(records(NOW, "k", "later" + i));
        }
        final LogCompactor.Result r = compactor.compact(log, 0, NOW).orElseThrow();
        assertTrue(r.cleanedUpTo() <= open, "cleaned up to " + r.cleanedUpTo() + " past the open transaction at " + open);
        assertTrue(readAll().containsValue("k=open"));
    }

    @Test
    void keylessRecordsAreRefusedByACompactedTopic() throws IOException {
        log = SegmentLog.open(dir, compacted(1 << 20));
        assertThrows(InvalidRecordException.class, () -> log.append(MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(NOW, null, bytes("v"))), 1, NOW));
    }

    @Test
    void aCompactedRangeReplicatesToAFollowerAndItsLeftoversFromACrashAreCleared() throws Exception {
        log = SegmentLog.open(dir, compacted(200));
        for (int round = 0; round < 8; round++) {
            appendAll(records(NOW, "a", "a" + round, "b", "b" + round));
        }
        compactor.compact(log, 0, NOW).orElseThrow();
        final Map<Long, String> leader = readAll();
        try (SegmentLog follower = SegmentLog.open(dir.resolve("follower"), compacted(200))) {
            long offset = 0;
            while (offset < log.logEndOffset()) {
                final LogSlice slice = log.read(offset, 300, log.logEndOffset());
                final MemoryRecords copy = MemoryRecords.readableRecords(ByteBuffer.wrap(readBytes(slice)));
                follower.appendReplicated(copy, NOW);
                for (final RecordBatch b : copy.batches()) {
                    offset = b.nextOffset();
                }
            }
            assertEquals(log.logEndOffset(), follower.logEndOffset());
        }
        // A crash after writing a compacted copy but before it replaced the segment leaves a .cleaned file.
        final Path leftover = dir.resolve(Segment.fileName(0, Segment.LOG_SUFFIX) + LogCompactor.CLEANED_SUFFIX);
        Files.write(leftover, new byte[] {1, 2, 3});
        log.close();
        log = SegmentLog.open(dir, compacted(200));
        assertFalse(Files.exists(leftover));
        assertEquals(leader, readAll(), "reopened (indexes rebuilt where missing) with the same records");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(LogCompactor.CLEANED_SUFFIX)));
        }
    }

    @Test
    void compactedSegmentsAreMergedWhileTheyFitOneSegmentAndAReopenedLogReadsTheSame() throws Exception {
        log = SegmentLog.open(dir, compacted(1024));
        for (int round = 0; round < 60; round++) {
            appendAll(records(NOW, "a", "a" + round, "b", "b" + round));
        }
        // Groups are formed by the segments' current sizes (as Kafka's): full segments are cleaned one by one, and
        // the next pass merges what they shrank to.
        final LogCompactor.Result first = compactor.compact(log, 0, NOW).orElseThrow();
        for (int round = 60; round < 120; round++) {
            appendAll(records(NOW, "a", "a" + round, "b", "b" + round));
        }
        final int before = segmentFiles();
        compactor.compact(log, first.cleanedUpTo(), NOW).orElseThrow();
        final int after = segmentFiles();
        assertTrue(after <= before - 3, "merged: " + before + " segments became " + after);
        final Map<Long, String> compacted = readAll();
        final Map<Long, String> cleanedPart = new LinkedHashMap<>();
        compacted.forEach((offset, kv) -> {
            if (offset < 200) {
                cleanedPart.put(offset, kv);
            }
        });
        assertTrue(cleanedPart.isEmpty(), "the values of the first rounds are gone: " + cleanedPart);
        assertTrue(compacted.containsValue("a=a119") && compacted.containsValue("b=b119"));
        final List<long[]> ranges = batchRanges();
        log.close();
        log = SegmentLog.open(dir, compacted(1024));
        assertEquals(compacted, readAll());
        assertEquals(ranges.size(), batchRanges().size());
        assertEquals(after, segmentFiles());
    }

    @Test
    void aMergeACrashInterruptedAfterItsCommitPointIsCompletedWhenTheLogOpens() throws Exception {
        log = SegmentLog.open(dir, compacted(200));
        for (int round = 0; round < 6; round++) {
            appendAll(records(NOW, "k" + round, "v" + round));
        }
        final Map<Long, String> all = readAll();
        log.close();
        log = null;
        // The merge of the first two segments was written and committed (renamed to .swap); then the crash: the
        // segments it covers are still there, some index files too.
        final List<Path> logs;
        try (Stream<Path> files = Files.list(dir)) {
            logs = files.filter(p -> p.toString().endsWith(Segment.LOG_SUFFIX)).sorted().toList();
        }
        assertTrue(logs.size() >= 3, "segments: " + logs);
        final byte[] first = Files.readAllBytes(logs.get(0));
        final byte[] second = Files.readAllBytes(logs.get(1));
        final byte[] merged = new byte[first.length + second.length];
        System.arraycopy(first, 0, merged, 0, first.length);
        System.arraycopy(second, 0, merged, first.length, second.length);
        Files.write(logs.get(0).resolveSibling(logs.get(0).getFileName() + SegmentLog.SWAP_SUFFIX), merged);

        log = SegmentLog.open(dir, compacted(200));
        assertEquals(all, readAll(), "the same records at the same offsets");
        try (Stream<Path> files = Files.list(dir)) {
            final List<Path> now = files.filter(p -> p.toString().endsWith(Segment.LOG_SUFFIX)).sorted().toList();
            assertEquals(logs.size() - 1, now.size(), "the second segment went into the first");
            assertFalse(now.contains(logs.get(1)));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(SegmentLog.SWAP_SUFFIX)));
        }
        appendAll(records(NOW, "after", "reopen"));
        assertEquals("after=reopen", readAll().get(log.logEndOffset() - 1));
    }

    private int segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(p -> p.toString().endsWith(Segment.LOG_SUFFIX)).count();
        }
    }

    private static byte[] readBytes(final LogSlice slice) throws IOException {
        final ByteBuffer buf = ByteBuffer.allocate(slice.sizeInBytes());
        final org.apache.kafka.common.record.FileRecords file = (org.apache.kafka.common.record.FileRecords) slice.records();
        file.readInto(buf, 0);
        return buf.array();
    }
}
