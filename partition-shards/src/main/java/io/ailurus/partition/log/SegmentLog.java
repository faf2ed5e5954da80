package io.ailurus.partition.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition's log, kept as Kafka keeps it: a directory of segments holding record batches in their wire form
 * (magic v2), each with a sparse offset index and time index.
 *
 * <p>Appends validate every batch (size, magic, CRC, record count) before anything is written, so a request is
 * appended whole or not at all; offsets, the leader epoch and, for LogAppendTime topics, the timestamp are stamped
 * into the batch header in place. Reads return file ranges of whole batches. Durability is explicit: {@link #flush}
 * fsyncs everything up to an offset, so that one fsync can cover many appends (group commit) and the owner acks only
 * durable data. Opening a log after a crash verifies every batch after the recovery point and cuts a torn tail.
 *
 * <p>Errors a client caused come out as kafka-clients' {@code ApiException}s ({@link CorruptRecordException},
 * {@link InvalidRecordException}, {@link RecordTooLargeException}, {@link OffsetOutOfRangeException}), so
 * {@code Errors.forException} gives the wire code. A disk failure fails the log: every later call throws
 * {@link KafkaStorageException} until it is reopened.
 *
 * <p>Threading: one writer thread calls the mutating methods ({@code append*}, {@code truncate*}, {@code delete*},
 * {@code close}); {@link #flush} may run on another thread at the same time (a group-commit flusher); reads and the
 * offset getters are safe from any thread and see only whole, appended batches.
 */
public final class SegmentLog implements Closeable {

    /** A merged compacted segment waits under this suffix between its commit point and taking its place. */
    static final String SWAP_SUFFIX = ".swap";

    private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);
    /** {@code -Dailurus.log.preallocate=false} turns the zero-filled runway off (for file systems where it costs more). */
    private static final boolean RUNWAY_ENABLED = !"false".equals(System.getProperty("ailurus.log.preallocate"));
    static final String CLEAN_SHUTDOWN_FILE = ".clean-shutdown";
    /** How long a deleted segment's channel stays open for readers that still hold a slice of it. */
    private static final long RETIRED_CLOSE_DELAY_NS = TimeUnit.SECONDS.toNanos(30);

    private final Path dir;
    private final String name;
    private volatile LogConfig config;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final ArrayDeque<Retired> retired = new ArrayDeque<>();
    private final AtomicLong flushedOffset = new AtomicLong();
    private volatile Segment active;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long highWatermark;
    private volatile long uploadedOffset = -1;
    private static final java.lang.invoke.VarHandle UPLOADED;

    static {
        try {
            UPLOADED = java.lang.invoke.MethodHandles.lookup().findVarHandle(SegmentLog.class, "uploadedOffset", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private volatile String failure;
    private volatile boolean closed;
    private long recoveryPoint;
    /** A segment file was created and the directory has not been fsynced since. */
    private final java.util.concurrent.atomic.AtomicBoolean directoryDirty = new java.util.concurrent.atomic.AtomicBoolean();

    private record Retired(Segment segment, long closeAtNs) {
    }

    private SegmentLog(final Path dir, final LogConfig config) {
        this.dir = dir;
        this.name = dir.getParent() == null ? dir.toString() : dir.getParent().getFileName() + "/" + dir.getFileName();
        this.config = config;
    }

    // ---------------------------------------------------------------------------------------------------- open

    /**
     * Opens (or creates) the log in {@code dir}. After a clean shutdown the sealed indexes are trusted; otherwise
     * every segment from the recovery point on is scanned batch by batch and cut at the first torn or corrupt batch,
     * together with every later segment.
     */
    public static SegmentLog open(final Path dir, final LogConfig config) throws IOException {
        Files.createDirectories(dir);
        final SegmentLog log = new SegmentLog(dir, config);
        log.load();
        return log;
    }

    private void load() throws IOException {
        final long startNs = System.nanoTime();
        final Path marker = dir.resolve(CLEAN_SHUTDOWN_FILE);
        final boolean clean = Files.exists(marker);
        final LogCheckpoint checkpoint = LogCheckpoint.read(dir);
        final TreeSet<Long> bases = listSegmentsAndRemoveStrays();
        String cut = null;
        int dropped = 0;
        final List<Segment> scanned = new ArrayList<>();
        for (final long base : bases) {
            if (cut != null) {
                // Everything after a corruption point follows a hole in the log: it cannot be kept.
                Segment.open(dir, base, config.indexIntervalBytes()).deleteFiles();
                dropped++;
                continue;
            }
            final Segment segment = Segment.open(dir, base, config.indexIntervalBytes());
            final Long next = bases.higher(base);
            final boolean sealed = clean || (next != null && next <= checkpoint.recoveryPoint());
            if (!(sealed && segment.loadIndexes())) {
                final String problem = segment.recover();
                scanned.add(segment);
                if (problem != null) {
                    cut = "segment " + base + ": " + problem;
                }
            }
            segments.put(base, segment);
        }
        if (segments.isEmpty()) {
            final Segment first = Segment.create(dir, checkpoint.logStartOffset(), config.indexIntervalBytes());
            segments.put(first.baseOffset(), first);
        }
        active = segments.lastEntry().getValue();
        logEndOffset = active.nextOffset();
        // Scanned segments were read from the page cache: make them durable before the checkpoint vouches for them.
        for (final Segment segment : scanned) {
            segment.flush();
            if (segment != active) {
                segment.sealIndexes();
            }
        }
        logStartOffset = Math.max(checkpoint.logStartOffset(), segments.firstKey());
        highWatermark = logStartOffset;
        flushedOffset.set(logEndOffset);
        Files.deleteIfExists(marker);
        if (logStartOffset > logEndOffset) {
            // Recovery cut below where the log was already said to start: restart there, never reuse those offsets.
            truncateFullyAndStartAt(logStartOffset);
        }
        writeCheckpoint(active.baseOffset());
        final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        if (cut != null) {
            LOG.warn("Recovered log {}: truncated {}{}; offsets now [{}, {}), {} ms", name, cut,
                    dropped > 0 ? " and dropped " + dropped + " later segment(s)" : "", logStartOffset, logEndOffset, ms);
        } else if (bases.isEmpty()) {
            LOG.info("Created log {} at offset {}", name, logEndOffset);
        } else {
            LOG.info("Opened log {} ({} shutdown): {} segment(s), offsets [{}, {}), {} ms", name,
                    clean ? "clean" : "unclean", segments.size(), logStartOffset, logEndOffset, ms);
        }
    }

    /** Base offsets of the segment files; deletes index and temp files that have no segment. */
    private TreeSet<Long> listSegmentsAndRemoveStrays() throws IOException {
        completeInterruptedSwaps();
        final TreeSet<Long> bases = new TreeSet<>();
        final List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                final String fileName = file.getFileName().toString();
                final long base = Segment.parseBaseOffset(fileName, Segment.LOG_SUFFIX);
                if (base >= 0) {
                    bases.add(base);
                } else {
                    others.add(file);
                }
            }
        }
        for (final Path file : others) {
            final String fileName = file.getFileName().toString();
            final long indexBase = Math.max(Segment.parseBaseOffset(fileName, Segment.INDEX_SUFFIX),
                    Segment.parseBaseOffset(fileName, Segment.TIME_INDEX_SUFFIX));
            if ((indexBase >= 0 && !bases.contains(indexBase)) || fileName.endsWith(".tmp")
                    || fileName.endsWith(LogCompactor.CLEANED_SUFFIX)) {   // a compaction the crash interrupted
                Files.deleteIfExists(file);
            }
        }
        return bases;
    }

    // ---------------------------------------------------------------------------------------------------- append

    /**
     * Appends batches as the leader: validates them, assigns offsets from the log end offset, stamps
     * {@code leaderEpoch} (and the append time on LogAppendTime logs) into each header in place, and writes them.
     * The caller's buffer is modified. Nothing is durable until {@link #flush}.
     */
    public LogAppendInfo append(final MemoryRecords records, final int leaderEpoch, final long nowMs) {
        checkUsable();
        validate(records, -1);
        final boolean appendTime = config.timestampType() == TimestampType.LOG_APPEND_TIME;
        long next = logEndOffset;
        for (final MutableRecordBatch batch : records.batches()) {
            final long last = next + (batch.lastOffset() - batch.baseOffset());
            batch.setLastOffset(last);
            batch.setPartitionLeaderEpoch(leaderEpoch);
            if (appendTime) {
                batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, nowMs);
            }
            next = last + 1;
        }
        final long first = logEndOffset;
        write(records, next - 1, nowMs);
        return new LogAppendInfo(first, next - 1, appendTime ? nowMs : RecordBatch.NO_TIMESTAMP, records.sizeInBytes());
    }

    /**
     * Appends batches exactly as a leader stamped them (a replica's path): offsets must continue the log without a
     * gap, and nothing in the batches is changed.
     */
    public LogAppendInfo appendReplicated(final MemoryRecords records, final long nowMs) {
        checkUsable();
        final long last = validate(records, logEndOffset);
        final long first = logEndOffset;
        write(records, last, nowMs);
        return new LogAppendInfo(first, last, RecordBatch.NO_TIMESTAMP, records.sizeInBytes());
    }

    /**
     * Checks every batch before anything is written. With {@code expectedBase} ≥ 0 the batches must carry contiguous
     * offsets starting there. Returns the last offset the batches carry.
     */
    private long validate(final MemoryRecords records, final long expectedBase) {
        final int maxBytes = config.maxMessageBytes();
        final boolean compacted = config.cleanupPolicy().compacts();
        long expected = expectedBase;
        long last = -1;
        int validBytes = 0;
        for (final MutableRecordBatch batch : records.batches()) {
            final int size = batch.sizeInBytes();
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                throw new InvalidRecordException("record batch magic " + batch.magic() + " is not supported (only v2)");
            }
            if (size > maxBytes) {
                throw new RecordTooLargeException("record batch of " + size + " bytes exceeds max.message.bytes " + maxBytes);
            }
            if (!batch.isValid()) {
                throw new CorruptRecordException("record batch at offset " + batch.baseOffset() + " fails its CRC check");
            }
            final Integer count = batch.countOrNull();
            final long span = batch.lastOffset() - batch.baseOffset() + 1;
            // A producer's batch is dense; a replicated one may have been compacted on the leader: records gone
            // (or all of them), its offsets kept.
            if (count == null || (expected >= 0 ? count < 0 || count > span : count <= 0 || count != span)) {
                throw new InvalidRecordException("record batch holds " + count + " records but spans offsets "
                        + batch.baseOffset() + ".." + batch.lastOffset());
            }
            if (expected < 0 && compacted && !batch.isControlBatch()) {
                requireKeys(batch);
            }
            if (expected >= 0) {
                if (batch.baseOffset() != expected) {
                    throw new InvalidRecordException("replicated batch starts at " + batch.baseOffset() + ", expected " + expected);
                }
                expected = batch.lastOffset() + 1;
            }
            last = batch.lastOffset();
            validBytes += size;
        }
        if (validBytes != records.sizeInBytes()) {
            throw new CorruptRecordException("incomplete record batch after " + validBytes + " of " + records.sizeInBytes() + " bytes");
        }
        if (validBytes == 0) {
            throw new InvalidRecordException("no record batch to append");
        }
        return last;
    }

    /** Compaction keeps the newest record per key: a record without one has no place in a compacted log (Kafka's rule). */
    private void requireKeys(final MutableRecordBatch batch) {
        try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                if (!records.next().hasKey()) {
                    throw new InvalidRecordException("compacted topic " + name + " cannot accept a record without a key");
                }
            }
        }
    }

    private void write(final MemoryRecords records, final long lastOffset, final long nowMs) {
        try {
            final Segment segment = active;
            final LogConfig c = config;
            if (!segment.isEmpty() && ((long) segment.sizeInBytes() + records.sizeInBytes() > c.segmentBytes()
                    || nowMs - segment.firstAppendMs() >= c.segmentMs()
                    || lastOffset - segment.baseOffset() > Integer.MAX_VALUE)) {
                roll();
            }
            active.append(records, nowMs);
            logEndOffset = lastOffset + 1;
        } catch (IOException e) {
            throw fail("append", e);
        }
    }

    /**
     * Starts a new active segment at the log end offset. Nothing here waits for the disk: the old segment is fsynced
     * and sealed (indexes written, recovery point moved) by the next {@link #flush}, off the append path.
     */
    private synchronized void roll() throws IOException {
        active.trimRunway();   // a metadata change only; the next flush makes it durable with the old segment
        final Segment next = Segment.create(dir, active.nextOffset(), config.indexIntervalBytes());
        directoryDirty.set(true);
        segments.put(next.baseOffset(), next);
        active = next;
    }

    // ---------------------------------------------------------------------------------------------------- durability

    /**
     * Makes every offset below {@code upToOffset} (capped at the log end offset) durable. Many appends followed by one
     * flush cost one fsync per touched segment: call it from a group-commit loop, not per append. It also finishes
     * rolls: new segment files are made durable in the directory, and fully flushed old segments are sealed.
     */
    public void flush(final long upToOffset) {
        if (closed) {
            return;   // a group-commit request that raced with close: close flushed everything
        }
        checkUsable();
        // The target is read first: any segment holding offsets below it was created before, so the directory
        // fsync below covers its file.
        final long target = Math.min(upToOffset, logEndOffset);
        final long done = flushedOffset.get();
        try {
            if (directoryDirty.getAndSet(false)) {
                Directories.fsync(dir);
            }
            if (target > done) {
                final Long from = segments.floorKey(done);
                for (final Segment segment : segments.tailMap(from == null ? segments.firstKey() : from, true).values()) {
                    if (segment.baseOffset() >= target) {
                        break;
                    }
                    segment.flush();
                }
                flushedOffset.accumulateAndGet(target, Math::max);
            }
            sealFlushedSegments();
        } catch (IOException e) {
            throw fail("flush", e);
        }
    }

    /**
     * Keeps the active segment's zero-filled runway ahead of its data (see {@code Segment}), so that the fsyncs of
     * group commit skip the file-system journal. Blocking I/O, for a flusher thread, after it reported its flush.
     * A failure here costs speed, not data: it is logged and the log goes on without a runway.
     */
    public void extendRunway() {
        if (!RUNWAY_ENABLED || closed || failure != null) {
            return;
        }
        final Segment segment = active;
        try {
            segment.extendRunway(config.segmentBytes());
        } catch (IOException e) {
            if (!closed) {   // a close or roll racing with the extension is expected
                LOG.warn("Log {}: could not extend the preallocated runway of {}: {}", name, segment, e.toString());
            }
        }
    }

    /** Whether {@link #extendRunway} has work to do: a cheap check for callers that flush on their own thread. */
    public boolean runwayLow() {
        return RUNWAY_ENABLED && !closed && failure == null && active.runwayLow(config.segmentBytes());
    }

    /** Seals every closed segment whose data is on disk and moves the recovery point past them. */
    private synchronized void sealFlushedSegments() throws IOException {
        final Segment current = active;
        long point = recoveryPoint;
        for (final Segment segment : segments.tailMap(point, true).values()) {
            if (segment == current || segment.nextOffset() > flushedOffset.get()) {
                break;
            }
            segment.sealIndexes();
            point = segments.higherKey(segment.baseOffset());
        }
        if (point != recoveryPoint) {
            writeCheckpoint(point);
        }
    }

    /** Every offset below this is on disk. */
    public long flushedOffset() {
        return flushedOffset.get();
    }

    // ---------------------------------------------------------------------------------------------------- read

    /**
     * Reads whole batches starting with the one that holds {@code offset}: at most {@code maxBytes}, but always the
     * first batch whole even when it is larger (so that a consumer can make progress), and never a batch that reaches
     * {@code maxOffsetExclusive} (the high watermark for consumers, the log end offset for replicas).
     *
     * @throws OffsetOutOfRangeException when {@code offset} is below the log start offset or beyond the log end offset
     */
    public LogSlice read(final long offset, final int maxBytes, final long maxOffsetExclusive) {
        checkUsable();
        final long start = logStartOffset;
        final long end = logEndOffset;
        if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException("offset " + offset + " is outside the log's range [" + start + ", " + end + "]");
        }
        if (offset >= end || offset >= maxOffsetExclusive) {
            return LogSlice.empty(offset);
        }
        Map.Entry<Long, Segment> entry = segments.floorEntry(offset);
        while (entry != null) {
            final LogSlice slice = entry.getValue().read(offset, maxBytes, maxOffsetExclusive);
            if (slice != null) {
                return slice;
            }
            entry = segments.higherEntry(entry.getKey());
        }
        return LogSlice.empty(offset);
    }

    /**
     * ListOffsets by timestamp: the first record at or after the log start offset whose timestamp is ≥
     * {@code timestamp}, or null when there is none.
     */
    public TimestampAndOffset offsetForTimestamp(final long timestamp) {
        checkUsable();
        final long start = logStartOffset;
        final Long firstBase = segments.floorKey(start);
        for (final Segment segment : segments.tailMap(firstBase == null ? segments.firstKey() : firstBase, true).values()) {
            final TimestampAndOffset found = segment.offsetForTimestamp(timestamp, start);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** ListOffsets MAX_TIMESTAMP: the first record with the largest timestamp in the log, or null when empty. */
    public TimestampAndOffset maxTimestampRecord() {
        checkUsable();
        Segment best = null;
        for (final Segment segment : segments.values()) {
            if (segment.nextOffset() > logStartOffset && (best == null || segment.maxTimestamp() > best.maxTimestamp())) {
                best = segment;
            }
        }
        return best == null ? null : best.recordWithMaxTimestamp(logStartOffset);
    }

    // ---------------------------------------------------------------------------------------------------- removal

    /**
     * Removes every batch holding an offset ≥ {@code offset} (Raft log divergence). A batch that straddles the offset
     * goes whole. Returns the new log end offset.
     */
    public synchronized long truncateTo(final long offset) {
        checkUsable();
        if (offset >= logEndOffset) {
            return logEndOffset;
        }
        if (offset <= segments.firstKey()) {
            truncateFullyAndStartAt(offset);
            return offset;
        }
        try {
            for (final Segment doomed : new ArrayList<>(segments.tailMap(offset, true).descendingMap().values())) {
                segments.remove(doomed.baseOffset());
                retire(doomed);
            }
            final Segment last = segments.lastEntry().getValue();
            final long newEnd = last.truncateTo(offset);
            // The segment may have been sealed; it is active again, so recovery must scan it rather than trust its index.
            Files.deleteIfExists(dir.resolve(Segment.fileName(last.baseOffset(), Segment.INDEX_SUFFIX)));
            Files.deleteIfExists(dir.resolve(Segment.fileName(last.baseOffset(), Segment.TIME_INDEX_SUFFIX)));
            active = last;
            logEndOffset = newEnd;
            highWatermark = Math.min(highWatermark, newEnd);
            logStartOffset = Math.min(logStartOffset, newEnd);
            flushedOffset.accumulateAndGet(newEnd, Math::min);
            writeCheckpoint(Math.min(recoveryPoint, last.baseOffset()));
            LOG.info("Truncated log {} to offset {}", name, newEnd);
            return newEnd;
        } catch (IOException e) {
            throw fail("truncate", e);
        }
    }

    /** Drops every segment and starts an empty log at {@code offset} (a replica far behind, or before the log start). */
    public synchronized void truncateFullyAndStartAt(final long offset) {
        checkUsable();
        try {
            for (final Segment doomed : new ArrayList<>(segments.values())) {
                segments.remove(doomed.baseOffset());
                retire(doomed);
            }
            final Segment fresh = Segment.create(dir, offset, config.indexIntervalBytes());
            Directories.fsync(dir);
            segments.put(offset, fresh);
            active = fresh;
            logEndOffset = offset;
            logStartOffset = offset;
            highWatermark = offset;
            flushedOffset.set(offset);
            writeCheckpoint(offset);
            LOG.info("Emptied log {}; it now starts at offset {}", name, offset);
        } catch (IOException e) {
            throw fail("truncate", e);
        }
    }

    /**
     * Applies retention: deletes the oldest closed segments whose newest record is older than {@code retention.ms},
     * then those beyond {@code retention.bytes}. Only whole segments below the high watermark go. Returns how many.
     */
    public synchronized int deleteExpiredSegments(final long nowMs) {
        checkUsable();
        final LogConfig c = config;
        final boolean tiered = c.remote().enabled();
        // A tiered log keeps locally what local retention says, and deletes only what the bucket already holds; the
        // bucket's own retention (retention.*) is the tier's business.
        // A compacted topic without "delete" keeps its segments whatever their age or size (Kafka's rule).
        final boolean deletes = c.cleanupPolicy().deletes();
        final long retentionMs = !deletes ? -1 : tiered ? c.remote().effectiveLocalRetentionMs(c.retentionMs()) : c.retentionMs();
        final long retentionBytes = !deletes ? -1
                : tiered ? c.remote().effectiveLocalRetentionBytes(c.retentionBytes()) : c.retentionBytes();
        int deleted = 0;
        try {
            if (retentionMs >= 0) {
                Segment first;
                while ((first = deletableHead(tiered)) != null && first.retentionTimestamp() < nowMs - retentionMs) {
                    deleteHead(first);
                    deleted++;
                }
            }
            if (retentionBytes >= 0) {
                long excess = sizeInBytes() - retentionBytes;
                Segment first;
                while ((first = deletableHead(tiered)) != null && excess - first.sizeInBytes() >= 0) {
                    excess -= first.sizeInBytes();
                    deleteHead(first);
                    deleted++;
                }
            }
            if (deleted > 0) {
                writeCheckpoint(recoveryPoint);
                LOG.info("{}etention deleted {} segment(s) of log {}; {}log start offset now {}", tiered ? "Local r" : "R",
                        deleted, name, tiered ? "local " : "", logStartOffset);
            }
            closeRetired(false);
        } catch (IOException e) {
            throw fail("retention", e);
        }
        return deleted;
    }

    /**
     * DeleteRecords: moves the log start offset up to {@code offset} (at most the high watermark) and deletes the
     * segments wholly below it. Returns the new log start offset.
     */
    public synchronized long deleteRecordsBefore(final long offset) {
        checkUsable();
        if (offset > highWatermark || offset < 0) {
            throw new OffsetOutOfRangeException("cannot delete records before " + offset + ": the high watermark is " + highWatermark);
        }
        if (offset <= logStartOffset) {
            return logStartOffset;
        }
        try {
            logStartOffset = offset;
            if (!active.isEmpty() && active.nextOffset() <= offset) {
                roll();
            }
            Segment first;
            while ((first = deletableHead()) != null && first.nextOffset() <= offset) {
                deleteHead(first);
            }
            writeCheckpoint(recoveryPoint);
            LOG.info("Log {} now starts at offset {} (DeleteRecords)", name, logStartOffset);
            return logStartOffset;
        } catch (IOException e) {
            throw fail("delete records", e);
        }
    }

    /** The oldest segment if it is closed and wholly below the high watermark, else null. */
    private Segment deletableHead() {
        final Segment first = segments.firstEntry().getValue();
        return first != active && first.nextOffset() <= highWatermark ? first : null;
    }

    /** As {@link #deletableHead()}, and on a tiered log only once the bucket holds all of it. */
    private Segment deletableHead(final boolean tiered) {
        final Segment first = deletableHead();
        return first != null && (!tiered || first.nextOffset() - 1 <= uploadedOffset) ? first : null;
    }

    // ---------------------------------------------------------------------------------------------------- tiering

    /**
     * Tells the log that the bucket holds every offset up to {@code offset}: local retention of a tiered log may then
     * delete segments up to it. Called by the tier (any thread); never moves back.
     */
    public void markUploadedTo(final long offset) {
        long current;
        while ((current = uploadedOffset) < offset) {
            if (UPLOADED.compareAndSet(this, current, offset)) {
                return;
            }
        }
    }

    /** The last offset the bucket is known to hold, or -1. */
    public long uploadedOffset() {
        return uploadedOffset;
    }

    /**
     * For upload: the rest of the closed segment holding {@code offset} (from the batch holding it to the segment's
     * end), when that segment is closed and wholly committed; null otherwise (the offset is in the active segment,
     * beyond the high watermark, or no longer local).
     */
    public SegmentRange closedRangeFrom(final long offset) {
        if (failure != null || offset < logStartOffset) {
            return null;
        }
        final Map.Entry<Long, Segment> entry = segments.floorEntry(offset);
        if (entry == null) {
            return null;
        }
        final Segment segment = entry.getValue();
        if (segment == active || segment.nextOffset() > highWatermark || offset >= segment.nextOffset()) {
            return null;
        }
        return segment.rangeFrom(offset);
    }

    /**
     * Rolls the active segment when its first batch is older than {@code maxAgeMs}, so that a quiet partition's
     * recent records still reach the bucket. Writer thread only. Returns whether it rolled.
     */
    public synchronized boolean rollIfOlderThan(final long maxAgeMs, final long nowMs) {
        checkUsable();
        if (active.isEmpty() || nowMs - active.firstAppendMs() < maxAgeMs) {
            return false;
        }
        try {
            roll();
            return true;
        } catch (IOException e) {
            throw fail("roll", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------- compaction

    /**
     * The segments a compactor may rewrite, oldest first: closed, sealed (fsynced, indexes written: below the recovery
     * point) and wholly below the high watermark, so they hold only committed records that no truncation can touch.
     */
    synchronized List<Segment> cleanableSegments() {
        final List<Segment> out = new ArrayList<>();
        for (final Segment s : segments.values()) {
            if (s == active || s.nextOffset() > recoveryPoint || s.nextOffset() > highWatermark) {
                break;
            }
            out.add(s);
        }
        return out;
    }

    /**
     * Replaces a closed segment by its compacted copy {@code cleaned} (same base offset and batches' offsets, fewer
     * records), crash-safely: its index files go first, then the copy is renamed over the segment file (atomic), then
     * the new indexes are written. A crash in between leaves the old or the new file whole, and missing indexes are
     * rebuilt when the log opens. Readers still holding the old file keep reading it until it is closed (later).
     * Returns false, deleting the copy, when the segment is no longer part of the log (retention, truncation).
     */
    synchronized boolean replaceWithCleaned(final Segment old, final Path cleaned) throws IOException {
        return replaceWithCleaned(List.of(old), cleaned);
    }

    /**
     * The same for consecutive closed segments compacted into one file, named after the first: merging happens here.
     * The copy is first renamed to {@code <first>.log.swap}, the commit point: from then on a crash is completed when
     * the log opens ({@link #completeInterruptedSwaps}), which deletes the segments the swap file covers and renames it
     * into place. A single segment needs no swap file: its rename over the old file is atomic.
     */
    synchronized boolean replaceWithCleaned(final List<Segment> olds, final Path cleaned) throws IOException {
        checkUsable();
        for (final Segment old : olds) {
            if (segments.get(old.baseOffset()) != old || old == active) {
                Files.deleteIfExists(cleaned);
                return false;
            }
        }
        final Segment first = olds.get(0);
        final long base = first.baseOffset();
        if (olds.size() == 1) {
            Files.deleteIfExists(dir.resolve(Segment.fileName(base, Segment.INDEX_SUFFIX)));
            Files.deleteIfExists(dir.resolve(Segment.fileName(base, Segment.TIME_INDEX_SUFFIX)));
            Directories.fsync(dir);
            Files.move(cleaned, first.logFile(), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Directories.fsync(dir);
        } else {
            final Path swap = dir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX) + SWAP_SUFFIX);
            Files.move(cleaned, swap, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Directories.fsync(dir);
            swapIn(swap, base, olds.get(olds.size() - 1).nextOffset());
            for (final Segment old : olds.subList(1, olds.size())) {
                segments.remove(old.baseOffset());
                retired.add(new Retired(old, System.nanoTime() + RETIRED_CLOSE_DELAY_NS));   // its files are gone
            }
        }
        final Segment old = first;
        final Segment fresh = Segment.open(dir, base, config.indexIntervalBytes());
        final String problem = fresh.recover();   // builds its indexes, checking every batch once more
        if (problem != null) {
            throw new IOException("compacted segment " + base + " of " + name + " is damaged: " + problem);
        }
        fresh.sealIndexes();
        segments.put(base, fresh);
        retired.add(new Retired(old, System.nanoTime() + RETIRED_CLOSE_DELAY_NS));   // its file is gone already
        closeRetired(false);
        return true;
    }

    /**
     * Finishes a committed merge: deletes the segments (and indexes) of {@code [base, end)}, then renames the swap file
     * to {@code <base>.log}. Repeating it after a crash at any point gives the same result.
     */
    private void swapIn(final Path swap, final long base, final long end) throws IOException {
        final List<Path> covered = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                final String fileName = file.getFileName().toString();
                for (final String suffix : List.of(Segment.LOG_SUFFIX, Segment.INDEX_SUFFIX, Segment.TIME_INDEX_SUFFIX)) {
                    final long fileBase = Segment.parseBaseOffset(fileName, suffix);
                    if (fileBase >= base && fileBase < end && !(fileBase == base && suffix.equals(Segment.LOG_SUFFIX))) {
                        covered.add(file);
                    }
                }
            }
        }
        for (final Path file : covered) {
            Files.deleteIfExists(file);
        }
        Directories.fsync(dir);
        Files.move(swap, dir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX)), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Directories.fsync(dir);
    }

    /** Completes the merges a crash interrupted after their commit point (a {@code .swap} file is whole: fsynced). */
    private void completeInterruptedSwaps() throws IOException {
        final List<Path> swaps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                if (Segment.parseBaseOffset(file.getFileName().toString(), Segment.LOG_SUFFIX + SWAP_SUFFIX) >= 0) {
                    swaps.add(file);
                }
            }
        }
        for (final Path swap : swaps) {
            final long base = Segment.parseBaseOffset(swap.getFileName().toString(), Segment.LOG_SUFFIX + SWAP_SUFFIX);
            long end = base;
            try (org.apache.kafka.common.record.FileRecords records =
                    org.apache.kafka.common.record.FileRecords.open(swap.toFile(), false)) {
                for (final RecordBatch batch : records.batches()) {
                    end = batch.nextOffset();
                }
            }
            LOG.info("Log {}: completing the merge of compacted segments {}..{} a crash interrupted", name, base, end - 1);
            swapIn(swap, base, end);
        }
    }

    private void deleteHead(final Segment first) throws IOException {
        segments.remove(first.baseOffset());
        retire(first);
        logStartOffset = Math.max(logStartOffset, segments.firstKey());
    }

    private void retire(final Segment segment) throws IOException {
        segment.deleteFiles();
        retired.add(new Retired(segment, System.nanoTime() + RETIRED_CLOSE_DELAY_NS));
    }

    private void closeRetired(final boolean all) throws IOException {
        final long now = System.nanoTime();
        while (!retired.isEmpty() && (all || retired.peek().closeAtNs() - now <= 0)) {
            retired.poll().segment().close();
        }
    }

    // ---------------------------------------------------------------------------------------------------- state

    public long logStartOffset() {
        return logStartOffset;
    }

    /** The offset the next appended record gets. */
    public long logEndOffset() {
        return logEndOffset;
    }

    /**
     * The end of the committed (consumer-visible) prefix. The log does not move it on its own: its owner (the
     * partition, Raft) sets it once data is durable on enough replicas. It starts at the log start offset.
     */
    public long highWatermark() {
        return highWatermark;
    }

    /** Sets the high watermark, clamped to [log start offset, log end offset]. */
    public void setHighWatermark(final long offset) {
        highWatermark = Math.max(logStartOffset, Math.min(offset, logEndOffset));
    }

    public LogConfig config() {
        return config;
    }

    /** New settings apply from the next append (roll, size limits) and the next retention pass. */
    public void updateConfig(final LogConfig newConfig) {
        config = newConfig;
    }

    public long sizeInBytes() {
        long total = 0;
        for (final Segment segment : segments.values()) {
            total += segment.sizeInBytes();
        }
        return total;
    }

    /** Base offsets of the segments, oldest first; the last one is the active segment. */
    public List<Long> segmentBaseOffsets() {
        return new ArrayList<>(segments.keySet());
    }

    /** Bytes of data in the active segment (its runway not counted). For tests. */
    int activeSegmentBytes() {
        return active.sizeInBytes();
    }

    long activeSegmentBaseOffset() {
        return active.baseOffset();
    }

    public Path directory() {
        return dir;
    }

    // ---------------------------------------------------------------------------------------------------- close

    /** Flushes, seals the active segment's indexes and marks the shutdown clean, so the next open skips the scan. */
    @Override
    public synchronized void close() throws IOException {
        if (failure == null) {
            active.trimRunway();
            flush(Long.MAX_VALUE);
            active.sealIndexes();
            writeCheckpoint(active.baseOffset());
            Files.write(dir.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]);
            Directories.fsync(dir);
        }
        closed = true;
        closeChannels();
    }

    /** Closes the files without any shutdown bookkeeping, as a crash would leave them. For tests. */
    void closeAsIfCrashed() throws IOException {
        closeChannels();
    }

    private void closeChannels() throws IOException {
        for (final Segment segment : segments.values()) {
            segment.close();
        }
        closeRetired(true);
    }

    private synchronized void writeCheckpoint(final long newRecoveryPoint) throws IOException {
        recoveryPoint = newRecoveryPoint;
        new LogCheckpoint(newRecoveryPoint, logStartOffset).write(dir);
    }

    private void checkUsable() {
        final String f = failure;
        if (f != null) {
            throw new KafkaStorageException("log " + name + " is offline after a failed " + f);
        }
    }

    private KafkaStorageException fail(final String operation, final IOException e) {
        failure = operation;
        LOG.error("Log {} is offline: {} failed: {}", name, operation, e.toString());
        return new KafkaStorageException("log " + name + " failed during " + operation, e);
    }

    @Override
    public String toString() {
        return "SegmentLog[" + name + ", offsets " + logStartOffset + ".." + logEndOffset + "]";
    }
}
