package io.ailurus.partition.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * One segment of a partition log: a file of record batches in their wire form, named after its base offset, with a
 * sparse offset index ({@code .index}) and time index ({@code .timeindex}) beside it.
 *
 * <p>Lifecycle: created empty (or opened) → appended to while it is the active segment → sealed when the log rolls
 * (indexes written) → deleted by retention or truncation. Threading: as {@link SegmentLog}: one writer, any readers;
 * readers see {@code FileRecords.sizeInBytes()}, which grows only after a whole append reached the file.
 *
 * <p><b>Runway.</b> The active segment's file is kept longer than its data by a zero-filled, fsynced runway
 * ({@link #extendRunway}, off the append path). An fsync of data written over blocks that are already allocated and
 * written needs no file-system journal commit: on ext4 over virtio 0.20 ms against 0.36 ms for an fsync of an
 * appending write on a quiet disk (3.6 ms with other writers' journal traffic), and an acks=all produce waits for
 * exactly that fsync. The logical end is
 * {@code FileRecords.sizeInBytes()}; the runway is cut when the segment rolls and on a clean close, and a crash leaves
 * a zero tail that {@link #recover} recognises and cuts.
 */
final class Segment {

    private static final int FILENAME_DIGITS = 20;
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";

    private final Path dir;
    private final long baseOffset;
    private final int indexIntervalBytes;
    private final FileRecords records;
    private SparseIndex offsetIndex = new SparseIndex();  // relative offset of a batch → its position
    private SparseIndex timeIndex = new SparseIndex();    // max timestamp of all earlier batches → relative offset

    private volatile long nextOffset;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile long maxTimestampBatchOffset = -1;
    private long firstAppendMs = -1;
    private int bytesSinceLastIndexEntry;

    // Runway: guarded by this segment's monitor, which also covers every write to the file, so zeros never land on data.
    private long zeroedEnd;        // bytes of file written, either data or runway zeros
    private boolean runwayClosed;  // trimmed (rolled or closed): no more runway
    private final AtomicBoolean extending = new AtomicBoolean();

    private Segment(final Path dir, final long baseOffset, final int indexIntervalBytes, final FileRecords records) {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = indexIntervalBytes;
        this.records = records;
        this.nextOffset = baseOffset;
    }

    static String fileName(final long baseOffset, final String suffix) {
        final String digits = Long.toString(baseOffset);
        return "0".repeat(Math.max(0, FILENAME_DIGITS - digits.length())) + digits + suffix;
    }

    /** The base offset named by a segment file, or -1 when the name is not one of ours. */
    static long parseBaseOffset(final String fileName, final String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != FILENAME_DIGITS + suffix.length()) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, FILENAME_DIGITS));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static Segment create(final Path dir, final long baseOffset, final int indexIntervalBytes) throws IOException {
        final Path file = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)));
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)));
        return new Segment(dir, baseOffset, indexIntervalBytes, FileRecords.open(file.toFile(), true, false, 0, false));
    }

    /** Opens an existing segment file; call {@link #loadIndexes} or {@link #recover} before using it. */
    static Segment open(final Path dir, final long baseOffset, final int indexIntervalBytes) throws IOException {
        final Path file = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        return new Segment(dir, baseOffset, indexIntervalBytes, FileRecords.open(file.toFile(), true, true, 0, false));
    }

    long baseOffset() {
        return baseOffset;
    }

    /** The segment's batches, for a reader that walks all of them (the compactor). */
    FileRecords records() {
        return records;
    }

    Path logFile() {
        return dir.resolve(fileName(baseOffset, LOG_SUFFIX));
    }

    /** The offset after the last batch, or the base offset when empty. */
    long nextOffset() {
        return nextOffset;
    }

    int sizeInBytes() {
        return records.sizeInBytes();
    }

    boolean isEmpty() {
        return records.sizeInBytes() == 0;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    /**
     * The time retention judges this segment by: its newest record timestamp, or, when no batch carries one (Raft's
     * control batches have none), the file's last modification, as Kafka does.
     */
    long retentionTimestamp() {
        if (maxTimestamp >= 0) {
            return maxTimestamp;
        }
        try {
            return Files.getLastModifiedTime(dir.resolve(fileName(baseOffset(), LOG_SUFFIX))).toMillis();
        } catch (java.io.IOException e) {
            return Long.MAX_VALUE;   // cannot tell: keep it
        }
    }

    /** When the first batch went in (wall clock), for {@code segment.ms}; -1 when empty. */
    long firstAppendMs() {
        return firstAppendMs;
    }

    // ---------------------------------------------------------------------------------------------------- writes

    /** Writes already validated and stamped batches at the end of the file, then indexes them. */
    void append(final MemoryRecords batches, final long nowMs) throws IOException {
        int position = records.sizeInBytes();
        synchronized (this) {
            try {
                records.append(batches);
            } catch (IOException | RuntimeException e) {
                // A short write leaves junk past the published size; cut it so the next append lands on a batch
                // boundary (the runway goes with it).
                cutFileTo(position);
                throw e;
            }
            zeroedEnd = Math.max(zeroedEnd, records.sizeInBytes());
        }
        if (firstAppendMs < 0) {
            firstAppendMs = nowMs;
        }
        for (final MutableRecordBatch batch : batches.batches()) {
            onBatch(batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp(), position, batch.sizeInBytes());
            position += batch.sizeInBytes();
        }
    }

    private void onBatch(final long base, final long last, final long batchMaxTimestamp, final int position,
            final int size) {
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(base - baseOffset, position);
            if (maxTimestamp > timeIndex.lastKey() && maxTimestamp >= 0) {
                timeIndex.append(maxTimestamp, (int) (base - baseOffset));
            }
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += size;
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestampBatchOffset = base;
            maxTimestamp = batchMaxTimestamp;
        }
        nextOffset = last + 1;
    }

    void flush() throws IOException {
        force(false);
    }

    /** Segments smaller than this get no runway: a quiet partition should not cost megabytes of zeros. */
    static final int RUNWAY_MIN_SEGMENT_BYTES = 1 << 20;
    /** The runway grows with the segment (up to this), so little-used segments waste little. */
    static final int RUNWAY_MAX_BYTES = 16 << 20;
    private static final int ZERO_CHUNK = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_CHUNK).asReadOnlyBuffer();

    /** Whether less than half a runway is left ahead of the data (and the segment is big enough to get one). */
    synchronized boolean runwayLow(final int segmentBytes) {
        final int size = records.sizeInBytes();
        if (size < RUNWAY_MIN_SEGMENT_BYTES || runwayClosed) {
            return false;
        }
        return zeroedEnd - size < Math.min(RUNWAY_MAX_BYTES, size) / 2 && zeroedEnd < runwayEnd(size, segmentBytes);
    }

    /** Where the runway of a segment holding {@code size} bytes should end: as far again as the data, within limits. */
    private static long runwayEnd(final int size, final int segmentBytes) {
        return Math.min(segmentBytes, (long) size + Math.min(RUNWAY_MAX_BYTES, size));
    }

    /**
     * Zero-fills and fsyncs one more chunk (1 MiB) ahead of the data when less than half a runway is left, never past
     * {@code segmentBytes}. Blocking I/O: call it from a flusher thread, after each flush. Concurrent calls do the work
     * once; appends go on meanwhile (the chunk holds the writer off only while it is copied into the page cache).
     */
    void extendRunway(final int segmentBytes) throws IOException {
        if (!runwayLow(segmentBytes) || !extending.compareAndSet(false, true)) {
            return;
        }
        try {
            // One chunk per call: the flusher calls this after every flush, so the zeros go out in step with the data
            // rather than in bursts that hold a flusher thread (and the page cache's dirty budget) for long.
            synchronized (this) {
                final int size = records.sizeInBytes();
                final long target = runwayEnd(size, segmentBytes);
                // Never below the data: the writer may have moved on since the last chunk.
                final long from = Math.max(zeroedEnd, size);
                if (runwayClosed || from >= target) {
                    return;
                }
                final ByteBuffer zeros = ZEROS.duplicate();
                zeros.limit((int) Math.min(ZERO_CHUNK, target - from));
                long at = from;
                while (zeros.hasRemaining()) {
                    at += records.channel().write(zeros, at);
                }
                zeroedEnd = at;
            }
            // Allocates the blocks for good, so later data fsyncs skip the journal. A data fsync running meanwhile
            // waits for the writeback of this one chunk at most (fsync covers the whole file).
            records.channel().force(false);
        } finally {
            extending.set(false);
        }
    }

    /** Cuts the runway: the file ends where the data ends. Called when the segment stops being the active one. */
    synchronized void trimRunway() throws IOException {
        runwayClosed = true;
        cutFileTo(records.sizeInBytes());
    }

    /** Truncates the file (data and runway) to {@code position}; callers hold the monitor or are the only user. */
    private synchronized void cutFileTo(final int position) throws IOException {
        records.truncateTo(position);   // truncates the file whenever it is longer, which a runway makes it
        zeroedEnd = position;
    }

    /** fsync; with the test-only {@link DurabilityJournal} on, also records how many bytes that fsync covered. */
    private void force(final boolean metaData) throws IOException {
        final long durable = records.sizeInBytes();   // read before: later appends may miss this fsync
        records.channel().force(metaData);
        if (DurabilityJournal.enabled()) {
            DurabilityJournal.forced(records.file().toPath(), durable);
        }
    }

    /** Writes both indexes to disk; after a crash a sealed segment is trusted without a scan. */
    void sealIndexes() throws IOException {
        offsetIndex.writeTo(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)));
        timeIndex.writeTo(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)));
    }

    /**
     * Removes every batch that holds an offset ≥ {@code offset} (a batch is never split: one that straddles the
     * offset goes too). Returns the new next offset.
     */
    long truncateTo(final long offset) throws IOException {
        final FileChannelRecordBatch first = batchAtOrAfter(offset);
        if (first == null) {
            return nextOffset;
        }
        final int position = first.position();
        cutFileTo(position);
        force(false);
        offsetIndex.truncateTo(offsetIndex.floorByValue(position - 1) + 1);
        timeIndex.truncateTo(timeIndex.floorByValue((int) (first.baseOffset() - baseOffset) - 1) + 1);
        rescanAfterTruncation();
        return nextOffset;
    }

    private void rescanAfterTruncation() {
        long max = RecordBatch.NO_TIMESTAMP;
        long maxOffset = -1;
        long next = baseOffset;
        for (final FileChannelRecordBatch batch : records.batches()) {
            if (batch.maxTimestamp() > max) {
                max = batch.maxTimestamp();
                maxOffset = batch.baseOffset();
            }
            next = batch.lastOffset() + 1;
        }
        maxTimestamp = max;
        maxTimestampBatchOffset = maxOffset;
        nextOffset = next;
        final int lastIndexed = Math.max(0, offsetIndex.lastValue());
        bytesSinceLastIndexEntry = records.sizeInBytes() - lastIndexed;
        if (records.sizeInBytes() == 0) {
            firstAppendMs = -1;
        }
    }

    // ---------------------------------------------------------------------------------------------------- open

    /**
     * Loads the index files of a segment that was sealed (or cleanly closed), checking them against the file; returns
     * false when they are missing or do not fit, in which case the caller rebuilds them with {@link #recover}.
     */
    boolean loadIndexes() throws IOException {
        final int size = records.sizeInBytes();
        final SparseIndex offsets = SparseIndex.load(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)), Math.max(size, 1));
        final SparseIndex times = SparseIndex.load(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)), Integer.MAX_VALUE);
        if (offsets == null || times == null) {
            return false;
        }
        offsetIndex = offsets;
        timeIndex = times;
        // Walk the unindexed tail (at most about one index interval) to learn the next offset and newest timestamp.
        final int from = Math.max(0, offsets.lastValue());
        long max = times.size() == 0 ? RecordBatch.NO_TIMESTAMP : times.lastKey();
        long maxOffset = times.size() == 0 ? -1 : baseOffset + times.valueAt(times.size() - 1);
        long next = baseOffset;
        int end = from;
        try {
            for (final FileChannelRecordBatch batch : records.batchesFrom(from)) {
                if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                    return false;
                }
                if (batch.maxTimestamp() > max) {
                    max = batch.maxTimestamp();
                    maxOffset = batch.baseOffset();
                }
                next = batch.lastOffset() + 1;
                end += batch.sizeInBytes();
            }
        } catch (KafkaException e) {
            return false;
        }
        if (end != size || (size > 0 && next == baseOffset)) {
            return false;
        }
        nextOffset = next;
        maxTimestamp = max;
        maxTimestampBatchOffset = maxOffset;
        bytesSinceLastIndexEntry = size - from;
        firstAppendMs = firstBatchTimestamp();
        return true;
    }

    /**
     * Rebuilds the indexes by walking every batch, verifying each one (magic, length, CRC, offsets that grow), and
     * truncates the file at the first batch that fails. Returns a description of what was cut, or null.
     */
    String recover() throws IOException {
        offsetIndex = new SparseIndex();
        timeIndex = new SparseIndex();
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        maxTimestampBatchOffset = -1;
        bytesSinceLastIndexEntry = 0;
        nextOffset = baseOffset;
        final int size = records.sizeInBytes();
        int valid = 0;
        String problem = null;
        try {
            for (final FileChannelRecordBatch batch : records.batchesFrom(0)) {
                problem = check(batch);
                if (problem != null) {
                    break;
                }
                onBatch(batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp(), valid, batch.sizeInBytes());
                valid += batch.sizeInBytes();
            }
        } catch (KafkaException e) {
            problem = "unreadable batch header (" + e.getMessage() + ")";
        }
        if (valid == size) {
            firstAppendMs = firstBatchTimestamp();
            return null;
        }
        final boolean runwayOnly = zerosFrom(valid, size);
        cutFileTo(valid);
        force(true);
        firstAppendMs = firstBatchTimestamp();
        if (runwayOnly) {
            return null;   // the zero-filled runway of a segment that was active at a crash: nothing was lost
        }
        if (problem == null) {
            problem = "incomplete batch";
        }
        return problem + " at position " + valid + ", " + (size - valid) + " bytes cut";
    }

    /** Whether every byte of the file in [from, to) is zero. */
    private boolean zerosFrom(final int from, final int to) throws IOException {
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long at = from;
        while (at < to) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), to - at));
            final int read = records.channel().read(buffer, at);
            if (read <= 0) {
                return false;
            }
            for (int i = 0; i < read; i++) {
                if (buffer.get(i) != 0) {
                    return false;
                }
            }
            at += read;
        }
        return true;
    }

    private String check(final FileChannelRecordBatch batch) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            return "batch with magic " + batch.magic();
        }
        if (!batch.isValid()) {
            return "batch failing its CRC";
        }
        if (batch.baseOffset() < nextOffset || batch.lastOffset() < batch.baseOffset()) {
            return "batch with offsets " + batch.baseOffset() + ".." + batch.lastOffset() + " after " + (nextOffset - 1);
        }
        if (batch.lastOffset() - baseOffset > Integer.MAX_VALUE) {
            return "batch offset " + batch.lastOffset() + " beyond the segment's range";
        }
        return null;
    }

    private long firstBatchTimestamp() {
        final Iterator<FileChannelRecordBatch> it = records.batches().iterator();
        return it.hasNext() ? Math.max(0, it.next().maxTimestamp()) : -1;
    }

    // ---------------------------------------------------------------------------------------------------- reads

    /** The first batch whose last offset is ≥ {@code offset}, or null when the segment ends before it. */
    FileChannelRecordBatch batchAtOrAfter(final long offset) {
        final int i = offsetIndex.floorByKey(offset - baseOffset);
        final int from = i < 0 ? 0 : offsetIndex.valueAt(i);
        for (final FileChannelRecordBatch batch : records.batchesFrom(from)) {
            if (batch.lastOffset() >= offset) {
                return batch;
            }
        }
        return null;
    }

    /**
     * Whole batches from the one holding {@code offset}, stopping before any batch that reaches
     * {@code maxOffsetExclusive} and before {@code maxBytes} is exceeded — except that the first batch is returned
     * whole even when it alone is larger. Null when the segment ends before {@code offset}.
     */
    LogSlice read(final long offset, final int maxBytes, final long maxOffsetExclusive) {
        final FileChannelRecordBatch first = batchAtOrAfter(offset);
        if (first == null) {
            return null;
        }
        if (first.lastOffset() >= maxOffsetExclusive) {
            return LogSlice.empty(offset);
        }
        final int start = first.position();
        final long budgetEnd = (long) start + Math.max(maxBytes, first.sizeInBytes());
        int end = start + first.sizeInBytes();
        // Every index entry marks a batch start, and every batch before it is whole: jump to the furthest one allowed.
        final int byPosition = offsetIndex.floorByValue((int) Math.min(Integer.MAX_VALUE, budgetEnd));
        final int byOffset = offsetIndex.floorByKey(maxOffsetExclusive - 1 - baseOffset);
        final int j = Math.min(byPosition, byOffset);
        if (j >= 0 && offsetIndex.valueAt(j) > end) {
            end = offsetIndex.valueAt(j);
        }
        for (final FileChannelRecordBatch batch : records.batchesFrom(end)) {
            if (batch.lastOffset() >= maxOffsetExclusive || end + (long) batch.sizeInBytes() > budgetEnd) {
                break;
            }
            end += batch.sizeInBytes();
        }
        return new LogSlice(records.slice(start, end - start), first.baseOffset());
    }

    /** From the batch holding {@code offset} to the end of this (closed) segment, or null when no batch holds it. */
    SegmentRange rangeFrom(final long offset) {
        final FileChannelRecordBatch first = batchAtOrAfter(offset);
        if (first == null) {
            return null;
        }
        final int start = first.position();
        final int size = records.sizeInBytes() - start;
        return new SegmentRange(dir.resolve(fileName(baseOffset, LOG_SUFFIX)), start, records.slice(start, size),
                first.baseOffset(), nextOffset);
    }

    /** The first record at or after {@code minOffset} whose timestamp is ≥ {@code timestamp}, or null. */
    TimestampAndOffset offsetForTimestamp(final long timestamp, final long minOffset) {
        if (maxTimestamp < timestamp) {
            return null;
        }
        final int t = timeIndex.floorByKey(timestamp - 1);
        final long fromOffset = Math.max(minOffset, t < 0 ? baseOffset : baseOffset + timeIndex.valueAt(t));
        final int i = offsetIndex.floorByKey(fromOffset - baseOffset);
        return records.searchForTimestamp(timestamp, i < 0 ? 0 : offsetIndex.valueAt(i), minOffset);
    }

    /** The first record carrying this segment's largest timestamp, or null when it has none at or after minOffset. */
    TimestampAndOffset recordWithMaxTimestamp(final long minOffset) {
        final long batchOffset = maxTimestampBatchOffset;
        if (batchOffset < 0) {
            return null;
        }
        final FileChannelRecordBatch batch = batchAtOrAfter(batchOffset);
        if (batch == null) {
            return null;
        }
        for (final Record record : batch) {
            if (record.timestamp() == batch.maxTimestamp() || batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME) {
                if (record.offset() >= minOffset) {
                    return new TimestampAndOffset(batch.maxTimestamp(), record.offset(),
                            java.util.Optional.of(batch.partitionLeaderEpoch()));
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------- end

    void close() throws IOException {
        records.close();
    }

    /** Unlinks the files. The channel stays open so that a reader holding a slice can finish; close it later. */
    void deleteFiles() throws IOException {
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, LOG_SUFFIX)));
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)));
        Files.deleteIfExists(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)));
    }

    @Override
    public String toString() {
        return "Segment[" + baseOffset + ".." + (nextOffset - 1) + ", " + records.sizeInBytes() + " bytes]";
    }
}
