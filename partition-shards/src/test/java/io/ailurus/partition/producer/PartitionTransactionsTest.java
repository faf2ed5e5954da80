package io.ailurus.partition.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

class PartitionTransactionsTest {

    private final PartitionTransactions txns = new PartitionTransactions();

    private static MutableRecordBatch data(final long pid, final long offset, final boolean transactional) {
        final MemoryRecords records = transactional
                ? MemoryRecords.withTransactionalRecords(offset, Compression.NONE, pid, (short) 0, 0, 0,
                        new SimpleRecord("v".getBytes()))
                : MemoryRecords.withIdempotentRecords(offset, Compression.NONE, pid, (short) 0, 0, 0,
                        new SimpleRecord("v".getBytes()));
        return records.batches().iterator().next();
    }

    private static MutableRecordBatch marker(final long pid, final long offset, final boolean commit) {
        final MemoryRecords records = MemoryRecords.withEndTransactionMarker(offset, 0L, 0, pid, (short) 0,
                new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, 0));
        return records.batches().iterator().next();
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetAtItsFirstRecord() {
        txns.onDataBatch(data(1, 5, true));
        txns.onDataBatch(data(1, 7, true));
        txns.update(10);
        assertEquals(5, txns.lastStableOffset());
        assertEquals(5, txns.openTransactionStart(1));
    }

    @Test
    void nonTransactionalBatchesDoNotHoldIt() {
        txns.onDataBatch(data(1, 5, false));
        txns.update(10);
        assertEquals(10, txns.lastStableOffset());
    }

    @Test
    void aDecidedTransactionReleasesItOnlyOnceItsMarkerIsBelowTheHighWatermark() {
        txns.onDataBatch(data(1, 5, true));
        txns.onControlBatch(marker(1, 8, true));
        txns.update(8);   // the marker (offset 8) is not committed yet
        assertEquals(5, txns.lastStableOffset());
        txns.update(9);
        assertEquals(9, txns.lastStableOffset());
        assertEquals(-1, txns.openTransactionStart(1));
    }

    @Test
    void theEarliestOfSeveralOpenTransactionsWins() {
        txns.onDataBatch(data(1, 5, true));
        txns.onDataBatch(data(2, 3, true));
        txns.onControlBatch(marker(2, 6, false));
        txns.update(20);
        assertEquals(5, txns.lastStableOffset());
    }

    @Test
    void abortedTransactionsAreFoundByTheRangeTheyOverlap() {
        txns.onDataBatch(data(1, 5, true));
        txns.onControlBatch(marker(1, 8, false));
        txns.onDataBatch(data(2, 9, true));
        txns.onControlBatch(marker(2, 10, true));   // committed: not in the index
        txns.onDataBatch(data(3, 11, true));
        txns.onControlBatch(marker(3, 12, false));
        txns.update(13);
        assertEquals(List.of(new PartitionTransactions.Aborted(1, 5, 8), new PartitionTransactions.Aborted(3, 11, 12)),
                txns.abortedIn(0, 13));
        assertEquals(List.of(new PartitionTransactions.Aborted(3, 11, 12)), txns.abortedIn(9, 13));
        assertEquals(List.of(new PartitionTransactions.Aborted(1, 5, 8)), txns.abortedIn(0, 11));
        txns.trimBefore(9);
        assertEquals(List.of(new PartitionTransactions.Aborted(3, 11, 12)), txns.abortedIn(0, 13));
    }

    @Test
    void aMarkerWithoutDataChangesNothing() {
        txns.onControlBatch(marker(1, 3, false));
        txns.update(4);
        assertEquals(4, txns.lastStableOffset());
        assertEquals(List.of(), txns.abortedIn(0, 4));
    }

    @Test
    void onlyTransactionMarkersHaveAMarkerType() {
        assertEquals(ControlRecordType.ABORT, PartitionTransactions.markerType(marker(1, 0, false)));
        assertNull(PartitionTransactions.markerType(data(1, 0, true)));
        assertEquals(RecordBatch.NO_PRODUCER_ID, MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("x".getBytes()))
                .batches().iterator().next().producerId());
    }
}
