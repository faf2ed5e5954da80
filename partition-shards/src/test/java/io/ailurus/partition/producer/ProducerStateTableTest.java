package io.ailurus.partition.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ProducerStateTableTest {

    private static final long PID = 42;

    /** Batches of ten records: sequences 0-9, 10-19, ... at offsets 100 + sequence. */
    private static ProducerStateTable withBatches(final int count) {
        final ProducerStateTable table = new ProducerStateTable();
        for (int i = 0; i < count; i++) {
            table.record(PID, (short) 0, i * 10, i * 10 + 9, 100 + i * 10, 109 + i * 10, 1_000 + i);
        }
        return table;
    }

    @Test
    void theNextBatchInSequenceIsAccepted() {
        assertEquals(Errors.NONE, withBatches(3).check(PID, (short) 0, 30, 39).error());
    }

    @Test
    void aRetriedBatchIsADuplicateOfTheOriginal() {
        final ProducerStateTable.Check check = withBatches(3).check(PID, (short) 0, 10, 19);
        assertTrue(check.isDuplicate());
        assertEquals(110, check.duplicateOf().firstOffset());
    }

    @Test
    void aRangeCutDifferentlyInsideTheRememberedBatchesIsADuplicateOfTheBatchHoldingItsEnd() {
        final ProducerStateTable.Check check = withBatches(4).check(PID, (short) 0, 15, 24);
        assertTrue(check.isDuplicate());
        assertEquals(129, check.duplicateOf().lastOffset(), "acknowledged once the batch holding 24 commits");
    }

    @Test
    void aRangeReachingPastTheLastSequenceIsOutOfOrder() {
        final ProducerStateTable.Check check = withBatches(3).check(PID, (short) 0, 25, 34);
        assertFalse(check.isDuplicate());
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, check.error());
    }

    @Test
    void aRangeOlderThanTheRememberedBatchesIsOutOfOrder() {
        final ProducerStateTable table = withBatches(8);   // remembers 30-79
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, table.check(PID, (short) 0, 20, 29).error());
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, table.check(PID, (short) 0, 25, 34).error());
    }

    @Test
    void aGapIsOutOfOrder() {
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, withBatches(3).check(PID, (short) 0, 31, 40).error());
    }

    @Test
    void anOlderEpochIsFencedAndANewEpochStartsAtZero() {
        final ProducerStateTable table = withBatches(2);
        table.record(PID, (short) 1, 0, 4, 200, 204, 2_000);
        assertEquals(Errors.INVALID_PRODUCER_EPOCH, table.check(PID, (short) 0, 20, 29).error());
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, table.check(PID, (short) 2, 5, 9).error());
        assertEquals(Errors.NONE, table.check(PID, (short) 2, 0, 9).error());
    }

    @Test
    void anUnknownProducerMayStartAnywhere() {
        assertEquals(Errors.NONE, new ProducerStateTable().check(7, (short) 0, 500, 509).error());
        assertNull(new ProducerStateTable().check(7, (short) 0, 500, 509).duplicateOf());
    }

    @Test
    void theSnapshotShowsEachProducersEpochLastSequenceAndTimestamp() {
        final ProducerStateTable table = withBatches(3);
        table.record(7, (short) 2, 0, 0, 300, 300, 5_000);
        final List<ProducerStateTable.ProducerSnapshot> snapshot = table.snapshot(new PartitionTransactions());
        assertEquals(2, snapshot.size());
        assertTrue(snapshot.contains(new ProducerStateTable.ProducerSnapshot(PID, (short) 0, 29, 1_002, -1)));
        assertTrue(snapshot.contains(new ProducerStateTable.ProducerSnapshot(7, (short) 2, 0, 5_000, -1)));
    }

    @Test
    void aMarkerFromAnOlderCoordinatorIsFencedAndANewerEpochMovesTheProducer() {
        final ProducerStateTable table = withBatches(1);
        assertEquals(Errors.NONE, table.checkMarker(PID, (short) 0, 3).error());
        table.recordMarker(PID, (short) 0, 3);
        assertEquals(Errors.TRANSACTION_COORDINATOR_FENCED, table.checkMarker(PID, (short) 0, 2).error(),
                "a deposed coordinator's late marker would end the next transaction of the same epoch");
        assertEquals(Errors.NONE, table.checkMarker(PID, (short) 0, 3).error(), "a retry of the same coordinator");
        table.recordMarker(PID, (short) 1, 3);
        assertEquals(Errors.INVALID_PRODUCER_EPOCH, table.checkMarker(PID, (short) 0, 4).error());
        assertEquals(Errors.INVALID_PRODUCER_EPOCH, table.check(PID, (short) 0, 10, 10).error(), "the zombie is fenced");
    }
}
