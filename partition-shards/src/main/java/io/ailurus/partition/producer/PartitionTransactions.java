package io.ailurus.partition.producer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * The transactions of one partition as read_committed consumers need them: the open transaction of each producer
 * (from its first transactional batch to its COMMIT or ABORT marker), the last stable offset (LSO: below it every
 * transaction is decided and its marker committed) and the aborted transactions, which Fetch hands to
 * read_committed consumers so that they drop the aborted records themselves (Kafka's design: the log is never
 * rewritten).
 *
 * <p>Mutated only by the partition actor, as batches are appended or replayed; {@link #lastStableOffset()},
 * {@link #abortedIn}, {@link #hasOpenTransaction} and {@link #markersOf} are read by request threads. Kept in memory and rebuilt by replaying the log when the replica
 * starts leading, like the producer table.
 */
public final class PartitionTransactions implements AbortedTransactionIndex {

    /** An aborted transaction: the producer's records from {@code firstOffset} to its ABORT marker at {@code lastOffset}. */
    public record Aborted(long producerId, long firstOffset, long lastOffset) {
    }

    /** A transaction whose marker is written but not yet committed: it still holds the LSO back. */
    private record Completing(long firstOffset, long markerOffset) {
    }

    private final Map<Long, Long> open = new ConcurrentHashMap<>();
    /** Markers seen per producer: a produce verified against the coordinator carries the count it saw (KIP-890). */
    private final Map<Long, Integer> markers = new ConcurrentHashMap<>();
    private final ArrayDeque<Completing> completing = new ArrayDeque<>();
    private final ConcurrentSkipListMap<Long, Aborted> aborted = new ConcurrentSkipListMap<>();
    private volatile long lastStableOffset;

    /**
     * A data batch was appended: a transactional one opens its producer's transaction if none is open. A batch with no
     * record is what compaction left of a decided transaction (clients cannot send one), whose marker may be gone too:
     * it opens nothing.
     */
    public void onDataBatch(final RecordBatch batch) {
        if (batch.isTransactional() && !batch.isControlBatch() && !Integer.valueOf(0).equals(batch.countOrNull())) {
            open.putIfAbsent(batch.producerId(), batch.baseOffset());
        }
    }

    /** A control batch was appended: a transaction marker ends its producer's open transaction. */
    public void onControlBatch(final RecordBatch batch) {
        final ControlRecordType type = markerType(batch);
        if (type == null) {
            return;
        }
        markers.merge(batch.producerId(), 1, Integer::sum);
        final Long first = open.remove(batch.producerId());
        if (first == null) {
            return;   // a marker for a transaction with no data here (retried marker, or only offsets)
        }
        completing.addLast(new Completing(first, batch.lastOffset()));
        if (type == ControlRecordType.ABORT) {
            aborted.put(batch.lastOffset(), new Aborted(batch.producerId(), first, batch.lastOffset()));
        }
    }

    /** COMMIT or ABORT for a transaction marker batch, else null (Raft's own control batches, data). */
    public static ControlRecordType markerType(final RecordBatch batch) {
        final EndTransactionMarker marker = marker(batch);
        return marker == null ? null : marker.controlType();
    }

    /** The transaction marker a control batch holds, else null. */
    public static EndTransactionMarker marker(final RecordBatch batch) {
        if (!batch.isControlBatch() || !batch.isTransactional()) {
            return null;
        }
        for (final Record r : batch) {
            if (r.hasKey()) {
                final ControlRecordType type = ControlRecordType.parse(r.key());
                if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                    return EndTransactionMarker.deserialize(r);
                }
            }
        }
        return null;
    }

    /** Recomputes the LSO once the high watermark moved (or transactions opened). */
    public void update(final long highWatermark) {
        while (!completing.isEmpty() && completing.peekFirst().markerOffset() < highWatermark) {
            completing.pollFirst();
        }
        long lso = highWatermark;
        for (final long first : open.values()) {
            lso = Math.min(lso, first);
        }
        for (final Completing c : completing) {
            lso = Math.min(lso, c.firstOffset());
        }
        lastStableOffset = lso;
    }

    public long lastStableOffset() {
        return lastStableOffset;
    }

    /** Where the open transaction of {@code producerId} started, or -1. */
    public long openTransactionStart(final long producerId) {
        final Long first = open.get(producerId);
        return first == null ? -1 : first;
    }

    /** Whether {@code producerId} has a transaction open here. Safe from any thread. */
    public boolean hasOpenTransaction(final long producerId) {
        return open.containsKey(producerId);
    }

    /**
     * How many transaction markers of {@code producerId} this partition has seen. Safe from any thread. A transactional
     * produce reads it before it is verified; if it changed by the time the batch is appended (and no transaction is
     * open), the transaction the batch was verified for has ended and the batch must not open a new one.
     */
    public int markersOf(final long producerId) {
        return markers.getOrDefault(producerId, 0);
    }

    public int openTransactions() {
        return open.size();
    }

    @Override
    public List<Aborted> abortedIn(final long fetchOffset, final long upTo) {
        List<Aborted> found = List.of();
        for (final Aborted a : aborted.tailMap(fetchOffset, true).values()) {
            if (a.firstOffset() < upTo) {
                if (found.isEmpty()) {
                    found = new ArrayList<>();
                }
                found.add(a);
            }
        }
        return found;
    }

    /**
     * Forgets aborted transactions wholly below {@code logStartOffset}: the local log's start, since reads below it are
     * served from the bucket, whose manifest keeps the aborted transactions of each uploaded segment.
     */
    public void trimBefore(final long logStartOffset) {
        aborted.headMap(logStartOffset, false).clear();
    }

    /** Forgets everything (before a replay). */
    public void clear() {
        open.clear();
        markers.clear();
        completing.clear();
        aborted.clear();
        lastStableOffset = 0;
    }
}
