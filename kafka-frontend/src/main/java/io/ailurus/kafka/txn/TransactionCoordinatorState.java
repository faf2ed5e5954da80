package io.ailurus.kafka.txn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transaction coordinator of one {@code __transaction_state} partition as a pure state machine (Kafka's rules,
 * KIP-98 with the epoch fencing of KIP-360): each call takes the time and returns a {@link Decision} — the metadata
 * to write (the answer waits until it is durable), the answer, and the markers to write once the write is durable.
 * The actor around it ({@link TransactionCoordinatorShard}) persists, answers and drives the markers.
 *
 * <p>Decisions apply at once, so a request arriving while an earlier write is in flight sees its effect; the actor
 * answers in write order and rebuilds from the log if a write fails.
 */
public final class TransactionCoordinatorState {

    /** Markers to write to every partition of a decided transaction, with the epoch the transaction ends in. */
    public record Markers(String transactionalId, long producerId, short producerEpoch, boolean commit,
            Set<TopicPartition> partitions) {
    }

    /**
     * What to do: persist {@code write} (when not null), then answer {@code error} with {@code txn}'s producer id and
     * epoch, then write {@code markers} (when not null).
     */
    public record Decision(Errors error, TxnMetadata txn, TxnMetadata write, Markers markers) {
        static Decision answer(final Errors error, final TxnMetadata txn) {
            return new Decision(error, txn, null, null);
        }
    }

    private final Map<String, TxnMetadata> transactions = new HashMap<>();
    private final LongSupplier newProducerId;
    private final int maxTimeoutMs;

    public TransactionCoordinatorState(final LongSupplier newProducerId, final int maxTimeoutMs) {
        this.newProducerId = newProducerId;
        this.maxTimeoutMs = maxTimeoutMs;
    }

    // ------------------------------------------------------------------------------------------------ replay

    /** A record of the partition, replayed in log order. */
    public void replay(final TxnMetadata metadata) {
        transactions.put(metadata.transactionalId(), metadata);
    }

    /** After a replay: the decided transactions whose markers may not all be written yet. */
    public List<Markers> undeliveredMarkers() {
        final List<Markers> out = new ArrayList<>();
        for (final TxnMetadata m : transactions.values()) {
            if (m.state().isPrepare()) {
                out.add(markersOf(m));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ requests

    /**
     * InitProducerId with a transactional id: a new producer id, or the current one with its epoch bumped (fencing
     * every older incarnation). An open transaction is aborted first (the caller is told to retry meanwhile, with
     * CONCURRENT_TRANSACTIONS, as Kafka does). {@code expectedProducerId}/{@code expectedEpoch} (KIP-360, -1 when not
     * given) must name the current producer.
     */
    public Decision initProducerId(final String transactionalId, final int timeoutMs, final long expectedProducerId,
            final short expectedEpoch, final long nowMs) {
        if (timeoutMs <= 0 || timeoutMs > maxTimeoutMs) {
            return Decision.answer(Errors.INVALID_TRANSACTION_TIMEOUT, null);
        }
        final TxnMetadata current = transactions.get(transactionalId);
        if (current == null) {
            final TxnMetadata created = new TxnMetadata(transactionalId, newProducerId.getAsLong(), (short) 0, timeoutMs,
                    TxnState.EMPTY, TxnMetadata.noPartitions(), -1, nowMs);
            return apply(Errors.NONE, created, null);
        }
        if (expectedProducerId >= 0 && (expectedProducerId != current.producerId() || expectedEpoch != current.producerEpoch())) {
            return Decision.answer(Errors.PRODUCER_FENCED, null);
        }
        if (current.state().isPrepare()) {
            return Decision.answer(Errors.CONCURRENT_TRANSACTIONS, null);
        }
        if (current.state() == TxnState.ONGOING) {
            return abort(current, nowMs, Errors.CONCURRENT_TRANSACTIONS);
        }
        final TxnMetadata next = current.producerEpoch() >= Short.MAX_VALUE - 1
                // the epoch is exhausted: a new producer id starts again at 0
                ? current.withProducer(newProducerId.getAsLong(), (short) 0, timeoutMs, nowMs)
                : current.withProducer(current.producerId(), (short) (current.producerEpoch() + 1), timeoutMs, nowMs);
        return apply(Errors.NONE, next, null);
    }

    /** AddPartitionsToTxn (and AddOffsetsToTxn, with the group's offsets partition): the transaction begins or grows. */
    public Decision addPartitions(final String transactionalId, final long producerId, final short epoch,
            final Collection<TopicPartition> partitions, final long nowMs) {
        final TxnMetadata current = transactions.get(transactionalId);
        final Errors invalid = checkProducer(current, producerId, epoch);
        if (invalid != Errors.NONE) {
            return Decision.answer(invalid, current);
        }
        if (current.state().isPrepare()) {
            return Decision.answer(Errors.CONCURRENT_TRANSACTIONS, current);
        }
        if (current.state() == TxnState.ONGOING && current.partitions().containsAll(partitions)) {
            return Decision.answer(Errors.NONE, current);
        }
        final boolean beginning = current.state() != TxnState.ONGOING;
        final Set<TopicPartition> all = new TreeSet<>(current.partitions());
        if (beginning) {
            all.clear();
        }
        all.addAll(partitions);
        return apply(Errors.NONE, current.with(TxnState.ONGOING, all, beginning ? nowMs : current.startTimestampMs(),
                nowMs), null);
    }

    /**
     * A partition leader's check before it appends a producer's first transactional batch (KIP-890 part 1): NONE when
     * the producer's current transaction is open and holds the partition, so that a batch delayed past the end of
     * its transaction cannot open one no coordinator knows of.
     */
    public Errors verify(final String transactionalId, final long producerId, final short epoch, final TopicPartition partition) {
        final TxnMetadata current = transactions.get(transactionalId);
        if (current == null || current.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (epoch != current.producerEpoch()) {
            return Errors.INVALID_PRODUCER_EPOCH;
        }
        return current.state() == TxnState.ONGOING && current.partitions().contains(partition)
                ? Errors.NONE : Errors.INVALID_TXN_STATE;
    }

    /** EndTxn: the transaction is decided (durably) and its markers are written afterwards. */
    public Decision endTransaction(final String transactionalId, final long producerId, final short epoch,
            final boolean commit, final long nowMs) {
        final TxnMetadata current = transactions.get(transactionalId);
        final Errors invalid = checkProducer(current, producerId, epoch);
        if (invalid != Errors.NONE) {
            return Decision.answer(invalid, current);
        }
        final TxnState prepare = commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
        final TxnState complete = commit ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT;
        return switch (current.state()) {
            case ONGOING -> {
                final TxnMetadata decided = current.with(prepare, current.partitions(), current.startTimestampMs(), nowMs);
                yield apply(Errors.NONE, decided, markersOf(decided));
            }
            // a retry of the decision being completed
            case PREPARE_COMMIT, PREPARE_ABORT -> Decision.answer(
                    current.state() == prepare ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE, current);
            // a retry of a completed decision (the answer was lost)
            case COMPLETE_COMMIT, COMPLETE_ABORT -> Decision.answer(
                    current.state() == complete ? Errors.NONE : Errors.INVALID_TXN_STATE, current);
            case EMPTY -> Decision.answer(Errors.INVALID_TXN_STATE, current);
        };
    }

    /** Every partition has its marker: the transaction completes. */
    public Decision markersWritten(final Markers markers, final long nowMs) {
        final TxnMetadata current = transactions.get(markers.transactionalId());
        if (current == null || current.producerId() != markers.producerId()
                || current.producerEpoch() != markers.producerEpoch() || !current.state().isPrepare()) {
            return Decision.answer(Errors.NONE, current);   // superseded meanwhile: nothing to complete
        }
        final TxnState complete = current.state() == TxnState.PREPARE_COMMIT ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT;
        return apply(Errors.NONE, current.with(complete, TxnMetadata.noPartitions(), -1, nowMs), null);
    }

    /** Aborts every open transaction older than its timeout, bumping the epoch so the producer is fenced (Kafka's). */
    public List<Decision> expireTimedOut(final long nowMs) {
        final List<Decision> out = new ArrayList<>();
        for (final TxnMetadata m : List.copyOf(transactions.values())) {
            if (m.state() == TxnState.ONGOING && nowMs - m.startTimestampMs() > m.timeoutMs()) {
                out.add(abort(m, nowMs, Errors.NONE));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ reads

    public TxnMetadata get(final String transactionalId) {
        return transactions.get(transactionalId);
    }

    public Collection<TxnMetadata> all() {
        return transactions.values();
    }

    // ------------------------------------------------------------------------------------------------ internals

    /** Aborts an open transaction in a bumped epoch: the producer's in-flight writes in the old epoch are fenced. */
    private Decision abort(final TxnMetadata open, final long nowMs, final Errors answer) {
        final TxnMetadata bumped = open.withEpoch((short) (open.producerEpoch() + 1))
                .with(TxnState.PREPARE_ABORT, open.partitions(), open.startTimestampMs(), nowMs);
        return apply(answer, bumped, markersOf(bumped));
    }

    private Decision apply(final Errors answer, final TxnMetadata next, final Markers markers) {
        transactions.put(next.transactionalId(), next);
        return new Decision(answer, next, next, markers);
    }

    private static Markers markersOf(final TxnMetadata m) {
        return new Markers(m.transactionalId(), m.producerId(), m.producerEpoch(), m.state() == TxnState.PREPARE_COMMIT,
                m.partitions());
    }

    private static Errors checkProducer(final TxnMetadata current, final long producerId, final short epoch) {
        if (current == null || current.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (epoch != current.producerEpoch()) {
            return Errors.PRODUCER_FENCED;
        }
        return Errors.NONE;
    }
}
