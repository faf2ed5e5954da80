package io.ailurus.partition.producer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and the sequence numbers and offsets of its
 * last five batches (as many as a producer may have in flight), so that a retried batch is recognised and answered
 * with its original offsets instead of being written twice.
 *
 * <p>Rules (Kafka's): an older epoch is fenced (INVALID_PRODUCER_EPOCH); a new epoch must start at sequence 0; within
 * an epoch each batch must follow the previous one (OUT_OF_ORDER_SEQUENCE_NUMBER); a producer the partition has no
 * state for (new, or whose batches were all deleted) may start at any sequence.
 *
 * <p>Not thread-safe: owned by the partition actor. Rebuilt after a restart by replaying the log's batch headers.
 */
public final class ProducerStateTable {

    /** How many recent batches per producer are remembered for duplicate detection. */
    public static final int MAX_CACHED_BATCHES = 5;

    /** Where one appended batch of a producer landed. */
    public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset) {
    }

    /** The outcome of checking a batch: OK to append, a duplicate of an appended batch, or an error. */
    public record Check(Errors error, BatchMetadata duplicateOf, String message) {
        static final Check OK = new Check(Errors.NONE, null, null);

        public boolean isDuplicate() {
            return duplicateOf != null;
        }
    }

    private static final class Entry {
        short epoch;
        /** The coordinator epoch of the newest transaction marker: an older coordinator's marker is fenced. */
        int coordinatorEpoch = -1;
        long lastTimestamp = RecordBatch.NO_TIMESTAMP;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(MAX_CACHED_BATCHES);

        Entry(final short epoch) {
            this.epoch = epoch;
        }
    }

    private final Map<Long, Entry> producers = new HashMap<>();

    /** Checks a batch of producer {@code producerId} before it is appended. */
    public Check check(final long producerId, final short epoch, final int firstSeq, final int lastSeq) {
        if (producerId == RecordBatch.NO_PRODUCER_ID) {
            return Check.OK;
        }
        final Entry entry = producers.get(producerId);
        if (entry == null) {
            return Check.OK;
        }
        if (epoch < entry.epoch) {
            return new Check(Errors.INVALID_PRODUCER_EPOCH, null,
                    "producer " + producerId + " epoch " + epoch + " is older than the current epoch " + entry.epoch);
        }
        if (firstSeq == RecordBatch.NO_SEQUENCE) {
            return Check.OK;   // a coordinator's transactional write (offsets): fenced by epoch only, as in Kafka
        }
        if (epoch > entry.epoch) {
            return firstSeq == 0 ? Check.OK : new Check(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, null,
                    "producer " + producerId + " started epoch " + epoch + " at sequence " + firstSeq + ", not 0");
        }
        for (final BatchMetadata b : entry.batches) {
            if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                return new Check(Errors.DUPLICATE_SEQUENCE_NUMBER, b, null);
            }
        }
        final BatchMetadata covering = covering(entry, firstSeq, lastSeq);
        if (covering != null) {
            return new Check(Errors.DUPLICATE_SEQUENCE_NUMBER, covering, null);
        }
        final BatchMetadata last = entry.batches.peekLast();
        if (last != null && !inSequence(last.lastSeq(), firstSeq)) {
            return new Check(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, null, "producer " + producerId + " sent sequence "
                    + firstSeq + " after " + last.lastSeq());
        }
        return Check.OK;
    }

    /**
     * The remembered batch holding {@code lastSeq} when the whole range lies inside the remembered batches but was cut
     * differently: a writer that replays with sequences derived from its stored progress (data transforms) may batch
     * the same records another way. A Kafka producer never sends such a batch; Kafka would answer it out of order.
     */
    private static BatchMetadata covering(final Entry entry, final int firstSeq, final int lastSeq) {
        final BatchMetadata oldest = entry.batches.peekFirst();
        if (oldest == null || firstSeq < oldest.firstSeq() || lastSeq < firstSeq) {
            return null;
        }
        for (final BatchMetadata b : entry.batches) {
            if (b.firstSeq() <= lastSeq && lastSeq <= b.lastSeq()) {
                return b;
            }
        }
        return null;
    }

    /** A producer as DescribeProducers shows it ({@code currentTxnStartOffset} -1: no transaction open). */
    public record ProducerSnapshot(long producerId, short epoch, int lastSequence, long lastTimestamp,
            long currentTxnStartOffset) {
    }

    /**
     * Every producer the partition remembers, with its latest batch (appended, not necessarily committed) and where
     * its open transaction started.
     */
    public java.util.List<ProducerSnapshot> snapshot(final PartitionTransactions transactions) {
        final java.util.List<ProducerSnapshot> all = new java.util.ArrayList<>(producers.size());
        producers.forEach((id, entry) -> {
            final BatchMetadata last = entry.batches.peekLast();
            all.add(new ProducerSnapshot(id, entry.epoch, last == null ? -1 : last.lastSeq(), entry.lastTimestamp,
                    transactions.openTransactionStart(id)));
        });
        return all;
    }

    /** Records an appended (or replayed) batch. */
    public void record(final long producerId, final short epoch, final int firstSeq, final int lastSeq,
            final long firstOffset, final long lastOffset, final long maxTimestamp) {
        if (producerId == RecordBatch.NO_PRODUCER_ID) {
            return;
        }
        Entry entry = producers.get(producerId);
        if (entry == null) {
            entry = new Entry(epoch);
            producers.put(producerId, entry);
        } else if (epoch > entry.epoch) {
            entry.epoch = epoch;
            entry.batches.clear();
        } else if (epoch < entry.epoch) {
            return;
        }
        if (firstSeq == RecordBatch.NO_SEQUENCE) {
            return;   // no sequence to remember for duplicate detection
        }
        if (entry.batches.size() == MAX_CACHED_BATCHES) {
            entry.batches.pollFirst();
        }
        entry.batches.addLast(new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset));
        entry.lastTimestamp = Math.max(entry.lastTimestamp, maxTimestamp);
    }

    /**
     * Checks a transaction marker before it is appended: one from an older epoch than the producer's is fenced (a
     * newer epoch of the same transactional id has taken over and wrote its own markers), and so is one from an older
     * transaction coordinator than the one that wrote the last marker (a deposed coordinator's late marker would
     * otherwise end the producer's next transaction, which has the same epoch).
     */
    public Check checkMarker(final long producerId, final short epoch, final int coordinatorEpoch) {
        final Entry entry = producers.get(producerId);
        if (entry != null && epoch < entry.epoch) {
            return new Check(Errors.INVALID_PRODUCER_EPOCH, null, "marker of producer " + producerId + " epoch " + epoch
                    + " is older than the current epoch " + entry.epoch);
        }
        if (entry != null && epoch == entry.epoch && coordinatorEpoch < entry.coordinatorEpoch) {
            return new Check(Errors.TRANSACTION_COORDINATOR_FENCED, null, "marker of producer " + producerId
                    + " from coordinator epoch " + coordinatorEpoch + ", older than " + entry.coordinatorEpoch);
        }
        return Check.OK;
    }

    /**
     * Records an appended transaction marker: it carries the producer's epoch as the coordinator knows it, so a
     * bumped epoch (a fenced zombie's transaction aborted) takes effect here and the zombie's batches are refused.
     */
    public void recordMarker(final long producerId, final short epoch, final int coordinatorEpoch) {
        Entry entry = producers.get(producerId);
        if (entry == null) {
            entry = new Entry(epoch);
            producers.put(producerId, entry);
        } else if (epoch > entry.epoch) {
            entry.epoch = epoch;
            entry.batches.clear();
        } else if (epoch < entry.epoch) {
            return;
        }
        entry.coordinatorEpoch = Math.max(entry.coordinatorEpoch, coordinatorEpoch);
    }

    /** Forgets everything (before a replay after truncation). */
    public void clear() {
        producers.clear();
    }

    public int producerCount() {
        return producers.size();
    }

    private static boolean inSequence(final int lastSeq, final int nextSeq) {
        return nextSeq == lastSeq + 1 || (lastSeq == Integer.MAX_VALUE && nextSeq == 0);
    }
}
