package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TxnFormatTest {

    private static final long STARTED = Instant.parse("2025-03-01T12:00:00.250Z").toEpochMilli();

    private static TopicPartition tp(final String topic, final int partition) {
        return new TopicPartition(topic, partition);
    }

    private static TransactionDescription txn(final TransactionState state, final OptionalLong started,
            final TopicPartition... partitions) {
        return new TransactionDescription(1, state, 4000, 3, 60_000, started, Set.of(partitions));
    }

    @Test
    void listIsSortedAndAligned() {
        assertEquals("""
                TRANSACTIONAL-ID  PRODUCER-ID  STATE
                billing-tx        4001         CompleteCommit
                orders-tx-0       4000         Ongoing
                z                 12           Empty
                """, TxnFormat.list(List.of(
                new TransactionListing("orders-tx-0", 4000, TransactionState.ONGOING),
                new TransactionListing("z", 12, TransactionState.EMPTY),
                new TransactionListing("billing-tx", 4001, TransactionState.COMPLETE_COMMIT))));
    }

    @Test
    void anEmptyListIsJustTheHeader() {
        assertEquals("TRANSACTIONAL-ID  PRODUCER-ID  STATE\n", TxnFormat.list(List.of()));
    }

    @Test
    void describeAnOpenTransactionWithItsPartitionsAndStartOffsets() {
        final TransactionDescription open = txn(TransactionState.ONGOING, OptionalLong.of(STARTED),
                tp("orders", 1), tp("audit", 0), tp("orders", 0));
        assertEquals("""
                Transaction: orders-tx\tState: Ongoing\tProducerId: 4000\tProducerEpoch: 3\tTimeoutMs: 60000\t\
                Started: 2025-03-01T12:00:00.250Z\tDurationMs: 1500\tCoordinator: 1
                TOPIC   PARTITION  START-OFFSET
                audit   0          7
                orders  0          -
                orders  1          120
                """, TxnFormat.describe("orders-tx", open, Map.of(tp("orders", 1), 120L, tp("audit", 0), 7L),
                STARTED + 1_500));
    }

    @Test
    void describeAFinishedTransaction() {
        // A start time the broker keeps after the end is shown, but the transaction no longer lasts.
        assertEquals("""
                Transaction: orders-tx\tState: CompleteCommit\tProducerId: 4000\tProducerEpoch: 3\tTimeoutMs: 60000\t\
                Started: 2025-03-01T12:00:00.250Z\tDurationMs: -\tCoordinator: 1
                (no partitions in the transaction)
                """, TxnFormat.describe("orders-tx", txn(TransactionState.COMPLETE_COMMIT, OptionalLong.of(STARTED)),
                Map.of(), STARTED + 90_000));
        assertEquals("""
                Transaction: fresh\tState: Empty\tProducerId: 4000\tProducerEpoch: 3\tTimeoutMs: 60000\t\
                Started: -\tDurationMs: -\tCoordinator: 1
                (no partitions in the transaction)
                """, TxnFormat.describe("fresh", txn(TransactionState.EMPTY, OptionalLong.empty()), Map.of(), STARTED));
    }

    @Test
    void onlyBegunAndUnfinishedTransactionsAreOpen() {
        for (final TransactionState s : TransactionState.values()) {
            assertEquals(s == TransactionState.ONGOING || s == TransactionState.PREPARE_COMMIT
                    || s == TransactionState.PREPARE_ABORT, TxnFormat.isOpen(s), s.toString());
        }
    }

    @Test
    void producersAreSortedByPartitionAndProducerId() {
        final ProducerState idempotent = new ProducerState(7, 0, 41, STARTED, OptionalInt.empty(), OptionalLong.empty());
        final ProducerState inTxn = new ProducerState(4000, 3, 9, STARTED + 1, OptionalInt.of(2), OptionalLong.of(35));
        final ProducerState fresh = new ProducerState(4001, 0, -1, -1, OptionalInt.empty(), OptionalLong.empty());
        assertEquals("""
                TOPIC   PARTITION  PRODUCER-ID  EPOCH  LAST-SEQUENCE  LAST-TIMESTAMP            TXN-START-OFFSET
                orders  0          7            0      41             2025-03-01T12:00:00.250Z  -
                orders  0          4000         3      9              2025-03-01T12:00:00.251Z  35
                orders  2          4001         0      -              -                         -
                """, TxnFormat.producers(Map.of(
                tp("orders", 2), new PartitionProducerState(List.of(fresh)),
                tp("orders", 0), new PartitionProducerState(List.of(inTxn, idempotent)),
                tp("orders", 1), new PartitionProducerState(List.of()))));
    }

    @Test
    void noProducersSaysSo() {
        assertEquals("""
                TOPIC  PARTITION  PRODUCER-ID  EPOCH  LAST-SEQUENCE  LAST-TIMESTAMP  TXN-START-OFFSET
                (no producers with state in the partition)
                """, TxnFormat.producers(Map.of(tp("orders", 0), new PartitionProducerState(List.of()))));
    }

    @Test
    void statesParseAsKafkaNamesThemIgnoringCase() {
        assertEquals(TransactionState.ONGOING, TxnStates.parse("ongoing"));
        assertEquals(TransactionState.COMPLETE_COMMIT, TxnStates.parse("Complete-Commit"));
        assertEquals(TransactionState.PREPARE_ABORT, TxnStates.parse("PREPARE_ABORT"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TxnStates.parse("done"));
        assertTrue(e.getMessage().startsWith("expected one of Ongoing, "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TxnStates.parse("Unknown"));
    }
}
