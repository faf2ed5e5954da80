package io.ailurus.kafka.txn;

import com.typesafe.config.Config;

/**
 * Transaction coordination settings (the {@code ailurus.transactions} config block), after Kafka's broker configs.
 *
 * @param stateTopicPartitions        partitions of {@code __transaction_state} (transaction.state.log.num.partitions)
 * @param stateTopicSegmentBytes      segment size of {@code __transaction_state} (transaction.state.log.segment.bytes)
 * @param maxTimeoutMs                transaction.max.timeout.ms
 * @param abortTimedOutIntervalMs     transaction.abort.timed.out.transaction.cleanup.interval.ms
 */
public record TransactionSettings(int stateTopicPartitions, int stateTopicSegmentBytes, int maxTimeoutMs, long abortTimedOutIntervalMs) {

    public static TransactionSettings from(final Config root) {
        final Config c = root.getConfig("ailurus.transactions");
        return new TransactionSettings(c.getInt("state-topic-partitions"),
                (int) c.getBytes("state-topic-segment-bytes").longValue(), (int) c.getDuration("max-timeout").toMillis(),
                c.getDuration("abort-timed-out-interval").toMillis());
    }
}
