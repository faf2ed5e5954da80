package io.ailurus.partition.log;

import io.ailurus.partition.producer.PartitionTransactions;
import io.ailurus.partition.producer.ProducerStateTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;

/**
 * Log compaction of one {@link SegmentLog}: keeps the newest record per key in the log's closed, committed segments.
 *
 * <p>One pass: (1) walk the batch headers of the cleanable segments to learn which transactions were aborted and
 * where the first undecided one starts (nothing from there on is cleaned); (2) map each key to the offset of its
 * newest record, aborted records left out; (3) rewrite each segment that has something to drop, with kafka-clients'
 * {@link MemoryRecords#filterTo}: a record goes when a newer one has its key, when it belongs to an aborted
 * transaction, or when it is a tombstone older than {@code delete.retention.ms}. Offsets never change: batches are
 * emptied, and runs of emptied batches of one epoch folded into one (a producer's last batches kept as they are), so a
 * follower that replicates a compacted range appends it like any other; a batch nothing is dropped from is copied as
 * it is. Each replica compacts its own copy (as Kafka's do); they agree on every key's newest value.
 *
 * <p>Runs on the node's cleaner thread; the log's writer keeps appending meanwhile (only closed segments are touched).
 */
public final class LogCompactor {

    /** A rewritten segment waits under this suffix until it replaces the original; a crash leaves it to be deleted. */
    public static final String CLEANED_SUFFIX = ".cleaned";

    /** Bytes read and rewritten per step, so memory stays small whatever the segment size (a bigger batch goes alone). */
    private static final int CHUNK_BYTES = 4 << 20;

    /** How a pass is paced: called with the bytes just read, it may sleep to stay under a rate. */
    @FunctionalInterface
    public interface Throttle {
        void paced(int bytes) throws InterruptedException;
    }

    /** What a pass did. {@code cleanedUpTo}: the end of the range it compacted (the next pass's dirty part starts there). */
    public record Result(long cleanedUpTo, int segmentsRewritten, long bytesBefore, long bytesAfter, long recordsDropped) {
    }

    private final int maxKeys;
    private final Throttle throttle;
    /** Reused by every pass (one cleaner thread), so a pass allocates neither per key nor per chunk. */
    private final KeyOffsetMap keyMap;
    private final ChunkBuffers buffers = new ChunkBuffers();

    public LogCompactor(final int maxKeys, final Throttle throttle) {
        this.maxKeys = maxKeys;
        this.throttle = throttle;
        this.keyMap = new KeyOffsetMap(maxKeys);
    }

    /** The three buffers a chunk goes through (read, filtered, runs folded), grown when a bigger batch comes. */
    private static final class ChunkBuffers {
        private ByteBuffer input = ByteBuffer.allocate(0);
        private ByteBuffer filtered = ByteBuffer.allocate(0);
        private ByteBuffer merged = ByteBuffer.allocate(0);

        ByteBuffer input(final int bytes) {
            input = fit(input, bytes);
            return input;
        }

        ByteBuffer filtered(final int bytes) {
            filtered = fit(filtered, bytes);
            return filtered;
        }

        ByteBuffer merged(final int bytes) {
            merged = fit(merged, bytes);
            return merged;
        }

        private static ByteBuffer fit(final ByteBuffer buffer, final int bytes) {
            final ByteBuffer b = buffer.capacity() >= bytes ? buffer : ByteBuffer.allocate(Math.max(bytes, CHUNK_BYTES));
            b.clear().limit(bytes);
            return b;
        }
    }

    /**
     * Compacts {@code log} when due: its cleanable part (closed, committed, older than {@code min.compaction.lag.ms},
     * before any undecided transaction) is at least {@code min.cleanable.dirty.ratio} dirty since
     * {@code cleanedUpTo}, or its oldest dirty record is older than {@code max.compaction.lag.ms}.
     * Empty when nothing was due.
     */
    public Optional<Result> compact(final SegmentLog log, final long cleanedUpTo, final long nowMs)
            throws IOException, InterruptedException {
        final CompactionConfig config = log.config().compaction();
        if (!config.policy().compacts()) {
            return Optional.empty();
        }
        final List<Segment> candidates = new ArrayList<>();
        for (final Segment s : log.cleanableSegments()) {
            if (config.minCompactionLagMs() > 0 && s.maxTimestamp() > nowMs - config.minCompactionLagMs()) {
                break;
            }
            candidates.add(s);
        }
        final Transactions txns = Transactions.of(candidates);
        final List<Segment> range = new ArrayList<>();
        for (final Segment s : candidates) {
            if (s.nextOffset() > txns.firstUndecided()) {
                break;
            }
            range.add(s);
        }
        if (range.isEmpty() || !due(range, cleanedUpTo, config, nowMs)) {
            return Optional.empty();
        }
        final KeyOffsetMap newest = keyMap;
        newest.clear();
        final int mapped = mapKeys(range, txns, newest);
        final List<Segment> rewrite = range.subList(0, mapped);
        long before = 0;
        long after = 0;
        long dropped = 0;
        int rewritten = 0;
        final Set<Long> txnDataRetained = new HashSet<>();   // producers whose transaction so far keeps a record
        for (final List<Segment> group : groupBySize(rewrite, log.config().segmentBytes())) {
            final Segment first = group.get(0);
            final Path cleaned = first.logFile().resolveSibling(first.logFile().getFileName() + CLEANED_SUFFIX);
            final Copy copy = copyRetained(group, cleaned, newest, txns, txnDataRetained, nowMs, config.deleteRetentionMs());
            final long groupBytes = group.stream().mapToLong(Segment::sizeInBytes).sum();
            before += groupBytes;
            if (copy.dropped() == 0 && group.size() == 1) {
                Files.deleteIfExists(cleaned);
                after += groupBytes;
                continue;
            }
            if (log.replaceWithCleaned(group, cleaned)) {
                rewritten += group.size();
                dropped += copy.dropped();
                after += copy.bytes();
            }
        }
        final long end = rewrite.isEmpty() ? cleanedUpTo : rewrite.get(rewrite.size() - 1).nextOffset();
        return Optional.of(new Result(end, rewritten, before, after, dropped));
    }

    private static boolean due(final List<Segment> range, final long cleanedUpTo, final CompactionConfig config,
            final long nowMs) {
        long total = 0;
        long dirty = 0;
        long oldestDirty = Long.MAX_VALUE;
        for (final Segment s : range) {
            total += s.sizeInBytes();
            if (s.baseOffset() >= cleanedUpTo) {
                dirty += s.sizeInBytes();
                oldestDirty = Math.min(oldestDirty, Math.max(0, s.firstAppendMs()));
            }
        }
        if (dirty == 0) {
            return false;
        }
        return (double) dirty / total >= config.minCleanableDirtyRatio()
                || nowMs - oldestDirty > config.maxCompactionLagMs();
    }

    /**
     * Maps every key to the offset of its newest record in {@code range}, aborted records left out. Stops at a
     * segment boundary once {@link #maxKeys} keys are mapped; returns how many segments were mapped (those, and only
     * those, may be rewritten: a record dropped there always has a newer one that stays).
     */
    private int mapKeys(final List<Segment> range, final Transactions txns, final KeyOffsetMap newest)
            throws InterruptedException {
        int mapped = 0;
        for (final Segment s : range) {
            if (newest.size() >= maxKeys && mapped > 0) {
                break;
            }
            for (final FileChannelRecordBatch batch : s.records().batches()) {
                if (batch.isControlBatch() || txns.aborted(batch)) {
                    continue;
                }
                for (final Record record : batch) {
                    if (record.hasKey()) {
                        newest.put(record.key(), record.offset());
                    }
                }
            }
            throttle.paced(s.sizeInBytes());
            mapped++;
        }
        return mapped;
    }

    /**
     * Consecutive segments whose files together fit one segment ({@code segment.bytes}, and offsets an index can hold
     * relative to the first), so that each group is rewritten as one: compacted segments shrink, and without merging
     * a busy compacted topic would hold more and more small segments, each with open files (Kafka groups them too).
     */
    static List<List<Segment>> groupBySize(final List<Segment> segments, final long maxBytes) {
        final List<List<Segment>> groups = new ArrayList<>();
        List<Segment> current = new ArrayList<>();
        long bytes = 0;
        for (final Segment s : segments) {
            final boolean fits = !current.isEmpty() && bytes + s.sizeInBytes() <= maxBytes
                    && s.nextOffset() - current.get(0).baseOffset() <= Integer.MAX_VALUE;
            if (!current.isEmpty() && !fits) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(s);
            bytes += s.sizeInBytes();
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    private record Copy(long bytes, long dropped) {
    }

    /** Writes the records of the {@code group}'s segments that stay to one file {@code cleaned} (fsynced). */
    private Copy copyRetained(final List<Segment> group, final Path cleaned, final KeyOffsetMap newest,
            final Transactions txns, final Set<Long> txnDataRetained, final long nowMs, final long deleteRetentionMs)
            throws IOException, InterruptedException {
        long written = 0;
        long dropped = 0;
        try (FileChannel out = FileChannel.open(cleaned, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (final Segment segment : group) {
                final Copy copy = copyRetained(segment, out, newest, txns, txnDataRetained, nowMs, deleteRetentionMs);
                written += copy.bytes();
                dropped += copy.dropped();
            }
            out.force(true);
        }
        return new Copy(written, dropped);
    }

    /**
     * Appends the records of {@code segment} that stay to {@code out}, chunk by chunk. {@code txnDataRetained} follows
     * the pass from the log start: a transaction marker goes (Kafka's rule) once no record of its transaction stays,
     * it is older than {@code delete.retention.ms}, and it is not among its producer's last batches (whose marker
     * keeps the coordinator epoch the partition fences late markers with).
     */
    private Copy copyRetained(final Segment segment, final FileChannel out, final KeyOffsetMap newest,
            final Transactions txns, final Set<Long> txnDataRetained, final long nowMs, final long deleteRetentionMs)
            throws IOException, InterruptedException {
        final MemoryRecords.RecordFilter filter = new MemoryRecords.RecordFilter(nowMs, deleteRetentionMs) {
            @Override
            protected BatchRetentionResult checkBatchRetention(final RecordBatch batch) {
                return new BatchRetentionResult(BatchRetention.RETAIN_EMPTY, false);
            }

            @Override
            protected boolean shouldRetainRecord(final RecordBatch batch, final Record record) {
                if (batch.isControlBatch()) {
                    if (!batch.isTransactional()) {
                        return true;   // Raft's own
                    }
                    final boolean dataStays = txnDataRetained.remove(batch.producerId());
                    return dataStays || txns.needed(batch) || batch.maxTimestamp() >= nowMs - deleteRetentionMs;
                }
                final boolean keep = keep(batch, record);
                if (keep && batch.isTransactional()) {
                    txnDataRetained.add(batch.producerId());
                }
                return keep;
            }

            private boolean keep(final RecordBatch batch, final Record record) {
                if (txns.aborted(batch)) {
                    return false;
                }
                if (!record.hasKey()) {
                    return true;
                }
                if (newest.get(record.key()) > record.offset()) {
                    return false;
                }
                return record.hasValue() || batch.maxTimestamp() >= nowMs - deleteRetentionMs;
            }
        };
        long written = 0;
        long dropped = 0;
        try (FileChannel in = FileChannel.open(segment.logFile(), StandardOpenOption.READ)) {
            final int size = segment.sizeInBytes();
            int position = 0;
            while (position < size) {
                final int chunk = chunkEnd(segment, position, size) - position;
                final ByteBuffer input = buffers.input(chunk);
                while (input.hasRemaining()) {
                    if (in.read(input, position + input.position()) < 0) {
                        throw new IOException("segment " + segment.logFile() + " ended early");
                    }
                }
                input.flip();
                final MemoryRecords.FilterResult result = MemoryRecords.readableRecords(input)
                        .filterTo(filter, buffers.filtered(chunk), BufferSupplier.NO_CACHING);
                final ByteBuffer filtered = result.outputBuffer();
                filtered.flip();
                final ByteBuffer output = mergeEmptyRuns(filtered, txns::needed, buffers.merged(filtered.remaining()));
                while (output.hasRemaining()) {
                    written += out.write(output);
                }
                dropped += result.messagesRead() - result.messagesRetained();
                position += chunk;
                throttle.paced(chunk);
            }
        }
        return new Copy(written, dropped);
    }

    /**
     * Folds each run of consecutive emptied batches of one leader epoch into one empty batch spanning their offsets: a
     * topic of one-record batches would otherwise keep a 61-byte header per dropped record. Offsets and epochs (what
     * Raft's log matching compares) stay as they were; a batch {@code needed} for its producer's state (one of its
     * last few, which duplicate detection remembers) is kept as it is, so the producer table rebuilt from the log is
     * the same.
     */
    static ByteBuffer mergeEmptyRuns(final ByteBuffer batches, final java.util.function.Predicate<RecordBatch> needed,
            final ByteBuffer out) {
        RecordBatch runFirst = null;
        RecordBatch runLast = null;
        long runMaxTimestamp = RecordBatch.NO_TIMESTAMP;
        for (final MutableRecordBatch b : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
            // An emptied transaction marker folds like data: with its records gone its header carries nothing.
            final boolean foldable = Integer.valueOf(0).equals(b.countOrNull()) && !needed.test(b);
            if (foldable && runFirst != null && b.partitionLeaderEpoch() == runFirst.partitionLeaderEpoch()) {
                runLast = b;
                runMaxTimestamp = Math.max(runMaxTimestamp, b.maxTimestamp());
                continue;
            }
            writeRun(out, runFirst, runLast, runMaxTimestamp);
            runFirst = null;
            if (foldable) {
                runFirst = b;
                runLast = b;
                runMaxTimestamp = b.maxTimestamp();
            } else {
                b.writeTo(out);
            }
        }
        writeRun(out, runFirst, runLast, runMaxTimestamp);
        out.flip();
        return out;
    }

    private static void writeRun(final ByteBuffer out, final RecordBatch first, final RecordBatch last, final long maxTimestamp) {
        if (first == null) {
            return;
        }
        if (first == last) {
            ((MutableRecordBatch) first).writeTo(out);
            return;
        }
        DefaultRecordBatch.writeEmptyHeader(out, RecordBatch.CURRENT_MAGIC_VALUE, RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, first.baseOffset(), last.lastOffset(),
                first.partitionLeaderEpoch(), first.timestampType(), maxTimestamp, false, false);
    }

    /** The end of the next chunk: whole batches up to {@link #CHUNK_BYTES}, at least one. */
    private static int chunkEnd(final Segment segment, final int from, final int size) {
        int end = from;
        for (final FileChannelRecordBatch batch : segment.records().batchesFrom(from)) {
            if (end > from && end + batch.sizeInBytes() - from > CHUNK_BYTES) {
                break;
            }
            end += batch.sizeInBytes();
            if (end >= size) {
                break;
            }
        }
        return end;
    }

    /** The transactions of the cleanable range, from its batch headers alone. */
    private static final class Transactions {
        private final Map<Long, TreeMap<Long, Long>> abortedByProducer = new HashMap<>();   // first → last offset
        /** Base offsets of each producer's last batches in the range: the ones its state is rebuilt from. */
        private final Map<Long, java.util.ArrayDeque<Long>> lastBatches = new HashMap<>();
        private long firstUndecided = Long.MAX_VALUE;

        static Transactions of(final List<Segment> segments) {
            final PartitionTransactions scan = new PartitionTransactions();
            final Transactions t = new Transactions();
            for (final Segment s : segments) {
                for (final FileChannelRecordBatch batch : s.records().batches()) {
                    if (batch.isControlBatch()) {
                        if (batch.hasProducerId()) {
                            scan.onControlBatch(batch);
                        }
                    } else {
                        scan.onDataBatch(batch);
                    }
                    if (batch.hasProducerId()) {
                        final java.util.ArrayDeque<Long> last = t.lastBatches.computeIfAbsent(batch.producerId(),
                                id -> new java.util.ArrayDeque<>());
                        if (last.size() == ProducerStateTable.MAX_CACHED_BATCHES) {
                            last.pollFirst();
                        }
                        last.addLast(batch.baseOffset());
                    }
                }
            }
            scan.update(Long.MAX_VALUE);
            t.firstUndecided = scan.lastStableOffset();
            for (final PartitionTransactions.Aborted a : scan.abortedIn(0, Long.MAX_VALUE)) {
                t.abortedByProducer.computeIfAbsent(a.producerId(), id -> new TreeMap<>()).put(a.firstOffset(), a.lastOffset());
            }
            return t;
        }

        /** Whether a batch carries producer state the log must keep: one of its producer's last batches. */
        boolean needed(final RecordBatch batch) {
            if (!batch.hasProducerId()) {
                return false;
            }
            final java.util.ArrayDeque<Long> last = lastBatches.get(batch.producerId());
            return last == null || last.contains(batch.baseOffset());
        }

        /** Where the first transaction without a marker in the range starts (Long.MAX_VALUE: none). */
        long firstUndecided() {
            return firstUndecided;
        }

        boolean aborted(final RecordBatch batch) {
            if (!batch.isTransactional()) {
                return false;
            }
            final TreeMap<Long, Long> ranges = abortedByProducer.get(batch.producerId());
            if (ranges == null) {
                return false;
            }
            final Map.Entry<Long, Long> range = ranges.floorEntry(batch.baseOffset());
            return range != null && range.getValue() >= batch.baseOffset();
        }
    }
}
