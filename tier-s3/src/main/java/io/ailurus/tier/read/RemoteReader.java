package io.ailurus.tier.read;

import io.ailurus.partition.producer.PartitionTransactions;
import io.ailurus.partition.tier.RemoteLog;
import io.ailurus.tier.manifest.ObjectKeys;
import io.ailurus.tier.manifest.PartitionManifest;
import io.ailurus.tier.manifest.RemoteSegment;
import io.ailurus.tier.manifest.SegmentIndex;
import io.ailurus.tier.s3.ObjectStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.Records;

/**
 * Reads one partition's bucket data for the request path: the manifest (kept current by the tier actor) says which
 * segment holds an offset, the segment's index says where to start, and ranged GETs of cache chunks bring the bytes.
 * Answers are whole batches cut from the object exactly as uploaded: nothing is re-encoded.
 */
public final class RemoteReader implements RemoteLog {

    /** Chunks fetched ahead of a sequential reader. */
    static final int READ_AHEAD_CHUNKS = 2;

    private final String topic;
    private final int partition;
    private final Supplier<PartitionManifest> manifest;
    private final java.util.function.BooleanSupplier ready;
    private final ObjectStore store;
    private final ChunkCache chunks;
    private final IndexCache indexes;

    public RemoteReader(final String topic, final int partition, final Supplier<PartitionManifest> manifest,
            final java.util.function.BooleanSupplier ready, final ObjectStore store, final ChunkCache chunks,
            final IndexCache indexes) {
        this.ready = ready;
        this.topic = topic;
        this.partition = partition;
        this.manifest = manifest;
        this.store = store;
        this.chunks = chunks;
        this.indexes = indexes;
    }

    @Override
    public boolean ready() {
        return ready.getAsBoolean();
    }

    @Override
    public long startOffset() {
        return manifest.get().startOffset();
    }

    @Override
    public long endOffset() {
        return manifest.get().nextOffset();
    }

    @Override
    public long sizeInBytes() {
        return manifest.get().sizeBytes();
    }

    @Override
    public CompletableFuture<MemoryRecords> read(final long offset, final int maxBytes) {
        final PartitionManifest m = manifest.get();
        final RemoteSegment segment = offset >= m.startOffset() ? m.segmentHolding(offset) : null;
        if (segment == null) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException("offset " + offset + " is not in the bucket ["
                    + m.startOffset() + ", " + m.nextOffset() + ")"));
        }
        return storageErrors(index(segment).thenCompose(index ->
                readBatches(segment, index.positionFor(offset), offset, Math.max(maxBytes, 1), 0)));
    }

    /**
     * Whole batches from the first one that reaches {@code offset}, reading from {@code from} (an index position at
     * or before it): a window of one index interval plus {@code maxBytes}, widened when the wanted batch is larger.
     */
    private CompletableFuture<MemoryRecords> readBatches(final RemoteSegment segment, final int from, final long offset,
            final int maxBytes, final int minWindow) {
        final long to = Math.min(segment.sizeBytes(),
                (long) from + Math.max(minWindow, SegmentIndex.DEFAULT_INTERVAL + (long) maxBytes));
        return readRange(segment, from, to).thenCompose(bytes -> {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            int position = 0;
            int first = -1;
            int end = -1;
            for (final MutableRecordBatch batch : MemoryRecords.readableRecords(buffer).batches()) {
                final int size = batch.sizeInBytes();
                if (batch.lastOffset() >= offset) {
                    if (first < 0) {
                        first = position;
                        end = position + size;
                    } else if (end + size - first > maxBytes) {
                        break;
                    } else {
                        end += size;
                    }
                }
                position += size;
            }
            if (first >= 0) {
                return CompletableFuture.completedFuture(
                        MemoryRecords.readableRecords(ByteBuffer.wrap(bytes, first, end - first).slice()));
            }
            if (from + (long) position >= segment.sizeBytes()) {
                return CompletableFuture.failedFuture(new KafkaStorageException("segment " + segment.baseOffset() + "-"
                        + segment.lastOffset() + " of " + topic + "-" + partition + " in the bucket ends before offset " + offset));
            }
            // The batch at `position` did not fit in the window: read from it, at least its whole size.
            final int batchSize = bytes.length - position >= Records.LOG_OVERHEAD
                    ? Records.LOG_OVERHEAD + buffer.getInt(position + Records.SIZE_OFFSET) : Records.LOG_OVERHEAD;
            return readBatches(segment, from + position, offset, maxBytes, Math.max(batchSize, minWindow));
        });
    }

    /** Bytes {@code [from, to)} of a segment object, through the chunk cache. */
    private CompletableFuture<byte[]> readRange(final RemoteSegment segment, final long from, final long to) {
        final String key = ObjectKeys.segment(topic, partition, segment);
        final int chunk = chunks.chunkBytes();
        final long firstChunk = from / chunk;
        final long lastChunk = (to - 1) / chunk;
        final List<CompletableFuture<byte[]>> parts = new ArrayList<>();
        for (long c = firstChunk; c <= lastChunk; c++) {
            final long chunkStart = c * chunk;
            final long chunkEnd = Math.min(chunkStart + chunk, segment.sizeBytes());
            parts.add(chunks.get(new ChunkCache.ChunkId(key, c),
                    () -> store.getRange(key, chunkStart, chunkEnd).toCompletableFuture()));
        }
        readAhead(segment, key, lastChunk + 1);
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            final byte[] out = new byte[(int) (to - from)];
            for (int i = 0; i < parts.size(); i++) {
                final byte[] part = parts.get(i).join();
                final long partStart = (firstChunk + i) * chunk;
                final long copyFrom = Math.max(from, partStart);
                final long copyTo = Math.min(to, partStart + part.length);
                if (copyTo > copyFrom) {
                    System.arraycopy(part, (int) (copyFrom - partStart), out, (int) (copyFrom - from), (int) (copyTo - copyFrom));
                }
            }
            return out;
        });
    }

    /**
     * Starts the GETs of the next chunks of a segment being read, unawaited: a consumer reading the bucket in order
     * finds them cached (or in flight) at its next fetch instead of paying a GET's latency each time.
     */
    private void readAhead(final RemoteSegment segment, final String key, final long fromChunk) {
        final int chunk = chunks.chunkBytes();
        for (long c = fromChunk; c < fromChunk + READ_AHEAD_CHUNKS && c * chunk < segment.sizeBytes(); c++) {
            final long chunkStart = c * chunk;
            final long chunkEnd = Math.min(chunkStart + chunk, segment.sizeBytes());
            chunks.get(new ChunkCache.ChunkId(key, c), () -> store.getRange(key, chunkStart, chunkEnd).toCompletableFuture());
        }
    }

    private CompletableFuture<SegmentIndex> index(final RemoteSegment segment) {
        return indexes.get(ObjectKeys.index(topic, partition, segment), store);
    }

    /** From the segment a read at {@code fetchOffset} is served from: a remote read never crosses segments. */
    @Override
    public List<PartitionTransactions.Aborted> abortedIn(final long fetchOffset, final long upTo) {
        final RemoteSegment segment = manifest.get().segmentHolding(fetchOffset);
        return segment == null ? List.of() : segment.abortedIn(fetchOffset, upTo);
    }

    @Override
    public CompletableFuture<Optional<TimestampAndOffset>> offsetForTimestamp(final long timestamp) {
        final PartitionManifest m = manifest.get();
        for (final RemoteSegment segment : m.segments()) {
            if (segment.maxTimestamp() >= timestamp && segment.lastOffset() >= m.startOffset()) {
                return storageErrors(index(segment).thenCompose(index ->
                        searchTimestamp(segment, index.positionForTimestamp(timestamp), timestamp, m.startOffset())));
            }
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /** The first record with a timestamp ≥ {@code timestamp} at or after {@code minOffset}, window by window. */
    private CompletableFuture<Optional<TimestampAndOffset>> searchTimestamp(final RemoteSegment segment, final long from,
            final long timestamp, final long minOffset) {
        if (from >= segment.sizeBytes()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        final long to = Math.min(segment.sizeBytes(), from + chunks.chunkBytes());
        return readRange(segment, from, to).thenCompose(bytes -> {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            int position = 0;
            for (final MutableRecordBatch batch : MemoryRecords.readableRecords(buffer).batches()) {
                position += batch.sizeInBytes();
                if (batch.isControlBatch() || batch.maxTimestamp() < timestamp || batch.lastOffset() < minOffset) {
                    continue;
                }
                for (final Record record : batch) {
                    if (record.timestamp() >= timestamp && record.offset() >= minOffset) {
                        return CompletableFuture.completedFuture(Optional.of(new TimestampAndOffset(record.timestamp(),
                                record.offset(), Optional.of(batch.partitionLeaderEpoch()))));
                    }
                }
            }
            if (position == 0) {   // one batch larger than the window
                final int batchSize = bytes.length >= Records.LOG_OVERHEAD
                        ? Records.LOG_OVERHEAD + buffer.getInt(Records.SIZE_OFFSET) : bytes.length;
                return readRange(segment, from, Math.min(segment.sizeBytes(), from + batchSize)).thenCompose(whole ->
                        searchTimestampIn(whole, timestamp, minOffset, segment, from));
            }
            return searchTimestamp(segment, from + position, timestamp, minOffset);
        });
    }

    private CompletableFuture<Optional<TimestampAndOffset>> searchTimestampIn(final byte[] bytes, final long timestamp,
            final long minOffset, final RemoteSegment segment, final long from) {
        int position = 0;
        for (final MutableRecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(bytes)).batches()) {
            position += batch.sizeInBytes();
            for (final Record record : batch) {
                if (!batch.isControlBatch() && record.timestamp() >= timestamp && record.offset() >= minOffset) {
                    return CompletableFuture.completedFuture(Optional.of(new TimestampAndOffset(record.timestamp(),
                            record.offset(), Optional.of(batch.partitionLeaderEpoch()))));
                }
            }
        }
        if (position == 0) {
            return CompletableFuture.failedFuture(new KafkaStorageException("unreadable batch at " + from + " in segment "
                    + segment.baseOffset() + " of " + topic + "-" + partition));
        }
        return searchTimestamp(segment, from + position, timestamp, minOffset);
    }

    @Override
    public Optional<Long> endOffsetForEpoch(final int epoch) {
        final long end = manifest.get().endOffsetForEpoch(epoch);
        return end < 0 ? Optional.empty() : Optional.of(end);
    }

    /** Kafka errors pass as they are; anything else from the bucket is KafkaStorageException (clients retry it). */
    private <T> CompletableFuture<T> storageErrors(final CompletableFuture<T> read) {
        final CompletableFuture<T> out = new CompletableFuture<>();
        read.whenComplete((value, failure) -> {
            if (failure == null) {
                out.complete(value);
                return;
            }
            final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            out.completeExceptionally(cause instanceof ApiException ? cause
                    : new KafkaStorageException("reading " + topic + "-" + partition + " from the bucket failed: " + cause.getMessage(), cause));
        });
        return out;
    }
}
