package io.ailurus.broker.cli;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;

/**
 * The text of the {@code ailurus txn} commands: the space-aligned tables of {@link GroupFormat}, with the field names of
 * Kafka's {@code kafka-transactions} where it has one; times in UTC, ISO-8601; "-" where there is no value.
 */
final class TxnFormat {

    static final String NONE = GroupFormat.NONE;

    private static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private TxnFormat() {
    }

    /** {@code txn list}: one line per transactional id, sorted. */
    static String list(final Collection<TransactionListing> transactions) {
        final GroupFormat.Table table = new GroupFormat.Table("TRANSACTIONAL-ID", "PRODUCER-ID", "STATE");
        transactions.stream().sorted(Comparator.comparing(TransactionListing::transactionalId)).forEach(t -> table.row(
                t.transactionalId(), number(t.producerId()), t.state().toString()));
        return table.render();
    }

    /** Begun and not yet complete: its records hold back read_committed consumers. */
    static boolean isOpen(final TransactionState state) {
        return state == TransactionState.ONGOING || state == TransactionState.PREPARE_COMMIT
                || state == TransactionState.PREPARE_ABORT;
    }

    /**
     * {@code txn describe}: a line about the transaction, then one line per partition in it.
     *
     * @param startOffsets per partition, the offset of the transaction's first record there; missing prints "-"
     * @param nowMs        the time the duration of an open transaction is counted to
     */
    static String describe(final String transactionalId, final TransactionDescription txn,
            final Map<TopicPartition, Long> startOffsets, final long nowMs) {
        final OptionalLong started = txn.transactionStartTimeMs();
        final boolean timed = started.isPresent() && started.getAsLong() >= 0;
        final StringBuilder out = new StringBuilder();
        out.append("Transaction: ").append(transactionalId)
                .append("\tState: ").append(txn.state())
                .append("\tProducerId: ").append(number(txn.producerId()))
                .append("\tProducerEpoch: ").append(number(txn.producerEpoch()))
                .append("\tTimeoutMs: ").append(txn.transactionTimeoutMs())
                .append("\tStarted: ").append(timed ? Instant.ofEpochMilli(started.getAsLong()).toString() : NONE)
                // How long it has held the partitions; a finished one's start time is history.
                .append("\tDurationMs: ").append(timed && isOpen(txn.state())
                        ? Long.toString(Math.max(0, nowMs - started.getAsLong())) : NONE)
                .append("\tCoordinator: ").append(txn.coordinatorId() < 0 ? NONE : Integer.toString(txn.coordinatorId()))
                .append('\n');
        if (txn.topicPartitions().isEmpty()) {
            return out.append("(no partitions in the transaction)\n").toString();
        }
        final GroupFormat.Table table = new GroupFormat.Table("TOPIC", "PARTITION", "START-OFFSET");
        txn.topicPartitions().stream().sorted(BY_TOPIC_AND_PARTITION).forEach(tp -> table.row(
                tp.topic(), Integer.toString(tp.partition()), number(startOffsets.get(tp))));
        return out.append(table.render()).toString();
    }

    /** {@code txn describe-producers}: one line per producer and partition, by partition and producer id. */
    static String producers(final Map<TopicPartition, PartitionProducerState> states) {
        final GroupFormat.Table table = new GroupFormat.Table("TOPIC", "PARTITION", "PRODUCER-ID", "EPOCH",
                "LAST-SEQUENCE", "LAST-TIMESTAMP", "TXN-START-OFFSET");
        final Map<TopicPartition, PartitionProducerState> sorted = new TreeMap<>(BY_TOPIC_AND_PARTITION);
        sorted.putAll(states);
        sorted.forEach((tp, state) -> state.activeProducers().stream()
                .sorted(Comparator.comparingLong(ProducerState::producerId)).forEach(p -> table.row(
                        tp.topic(), Integer.toString(tp.partition()), number(p.producerId()),
                        number(p.producerEpoch()), number(p.lastSequence()),
                        p.lastTimestamp() < 0 ? NONE : Instant.ofEpochMilli(p.lastTimestamp()).toString(),
                        p.currentTransactionStartOffset().isPresent()
                                ? number(p.currentTransactionStartOffset().getAsLong()) : NONE)));
        if (table.isEmpty()) {
            return table.render() + "(no producers with state in "
                    + (states.size() == 1 ? "the partition" : "these partitions") + ")\n";
        }
        return table.render();
    }

    private static String number(final Long n) {
        return n == null || n < 0 ? NONE : Long.toString(n);
    }

    private static String number(final long n) {
        return n < 0 ? NONE : Long.toString(n);
    }
}
