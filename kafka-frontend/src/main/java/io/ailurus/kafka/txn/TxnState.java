package io.ailurus.kafka.txn;

/**
 * Where a transactional id's current transaction stands, with Kafka's names (DescribeTransactions and
 * ListTransactions show them). Prepare states are decided and durable; markers are then written to every partition
 * of the transaction, after which it completes.
 */
public enum TxnState {
    EMPTY("Empty"),
    ONGOING("Ongoing"),
    PREPARE_COMMIT("PrepareCommit"),
    PREPARE_ABORT("PrepareAbort"),
    COMPLETE_COMMIT("CompleteCommit"),
    COMPLETE_ABORT("CompleteAbort");

    private final String kafkaName;

    TxnState(final String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }

    public boolean isPrepare() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** The state the kafka-clients admin filter names, or null. */
    public static TxnState ofKafkaName(final String name) {
        for (final TxnState s : values()) {
            if (s.kafkaName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
