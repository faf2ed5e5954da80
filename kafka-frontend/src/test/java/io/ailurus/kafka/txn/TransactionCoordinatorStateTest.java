package io.ailurus.kafka.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The coordinator's rules on a manual clock. */
class TransactionCoordinatorStateTest {

    private static final String ID = "tx";
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final AtomicLong ids = new AtomicLong(1000);
    private final TransactionCoordinatorState state = new TransactionCoordinatorState(ids::getAndIncrement, 60_000);
    private long now = 1_000_000;

    private TxnMetadata init() {
        final TransactionCoordinatorState.Decision d = state.initProducerId(ID, 10_000, -1, (short) -1, now);
        assertEquals(Errors.NONE, d.error());
        assertNotNull(d.write());
        return d.txn();
    }

    @Test
    void aNewIdGetsAFreshProducerAtEpochZeroAndEachInitBumpsTheEpoch() {
        final TxnMetadata first = init();
        assertEquals(1000, first.producerId());
        assertEquals(0, first.producerEpoch());
        final TxnMetadata second = init();
        assertEquals(1000, second.producerId());
        assertEquals(1, second.producerEpoch());
        assertEquals(TxnState.EMPTY, second.state());
    }

    @Test
    void aTimeoutAboveTheMaximumIsRefused() {
        assertEquals(Errors.INVALID_TRANSACTION_TIMEOUT, state.initProducerId(ID, 60_001, -1, (short) -1, now).error());
        assertEquals(Errors.INVALID_TRANSACTION_TIMEOUT, state.initProducerId(ID, 0, -1, (short) -1, now).error());
    }

    @Test
    void commitGoesThroughPrepareToCompleteWithMarkersForEveryPartition() {
        final TxnMetadata p = init();
        assertEquals(Errors.NONE, state.addPartitions(ID, p.producerId(), p.producerEpoch(), List.of(P0), now).error());
        final TransactionCoordinatorState.Decision again = state.addPartitions(ID, p.producerId(), p.producerEpoch(),
                List.of(P0), now);
        assertNull(again.write(), "a partition already in the transaction needs no write");
        state.addPartitions(ID, p.producerId(), p.producerEpoch(), List.of(P1), now);
        final TransactionCoordinatorState.Decision end = state.endTransaction(ID, p.producerId(), p.producerEpoch(), true, now);
        assertEquals(Errors.NONE, end.error());
        assertEquals(TxnState.PREPARE_COMMIT, end.write().state());
        assertTrue(end.markers().commit());
        assertEquals(Set.of(P0, P1), end.markers().partitions());
        assertEquals(Errors.CONCURRENT_TRANSACTIONS,
                state.addPartitions(ID, p.producerId(), p.producerEpoch(), List.of(P0), now).error(),
                "the next transaction waits for the markers");
        final TransactionCoordinatorState.Decision done = state.markersWritten(end.markers(), now);
        assertEquals(TxnState.COMPLETE_COMMIT, done.write().state());
        assertTrue(done.write().partitions().isEmpty());
        assertEquals(Errors.NONE, state.endTransaction(ID, p.producerId(), p.producerEpoch(), true, now).error(),
                "a retried commit succeeds");
        assertEquals(Errors.INVALID_TXN_STATE, state.endTransaction(ID, p.producerId(), p.producerEpoch(), false, now).error());
    }

    @Test
    void anOlderEpochIsFencedAndAnUnknownProducerIsRefused() {
        final TxnMetadata old = init();
        init();
        assertEquals(Errors.PRODUCER_FENCED, state.addPartitions(ID, old.producerId(), old.producerEpoch(), List.of(P0), now).error());
        assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING, state.addPartitions(ID, 7, (short) 0, List.of(P0), now).error());
        assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING, state.endTransaction("other", 7, (short) 0, true, now).error());
    }

    @Test
    void initWhileATransactionIsOpenAbortsItInABumpedEpochAndAsksToRetry() {
        final TxnMetadata zombie = init();
        state.addPartitions(ID, zombie.producerId(), zombie.producerEpoch(), List.of(P0), now);
        final TransactionCoordinatorState.Decision fence = state.initProducerId(ID, 10_000, -1, (short) -1, now);
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, fence.error());
        assertEquals(TxnState.PREPARE_ABORT, fence.write().state());
        assertFalse(fence.markers().commit());
        assertEquals(zombie.producerEpoch() + 1, fence.markers().producerEpoch());
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, state.initProducerId(ID, 10_000, -1, (short) -1, now).error());
        state.markersWritten(fence.markers(), now);
        final TxnMetadata successor = init();
        assertEquals(zombie.producerEpoch() + 2, successor.producerEpoch());
        assertEquals(Errors.PRODUCER_FENCED,
                state.endTransaction(ID, zombie.producerId(), zombie.producerEpoch(), true, now).error());
    }

    @Test
    void aTransactionPastItsTimeoutIsAbortedInABumpedEpoch() {
        final TxnMetadata p = init();
        state.addPartitions(ID, p.producerId(), p.producerEpoch(), List.of(P0), now);
        now += 10_000;
        assertTrue(state.expireTimedOut(now).isEmpty());
        now += 1;
        final List<TransactionCoordinatorState.Decision> expired = state.expireTimedOut(now);
        assertEquals(1, expired.size());
        assertEquals(TxnState.PREPARE_ABORT, expired.get(0).write().state());
        assertEquals(Errors.PRODUCER_FENCED, state.endTransaction(ID, p.producerId(), p.producerEpoch(), true, now).error());
    }

    @Test
    void aReplayedPrepareIsReportedForItsMarkers() {
        final TxnMetadata p = init();
        state.addPartitions(ID, p.producerId(), p.producerEpoch(), List.of(P0), now);
        final TxnMetadata prepared = state.endTransaction(ID, p.producerId(), p.producerEpoch(), false, now).write();
        final TransactionCoordinatorState reloaded = new TransactionCoordinatorState(ids::getAndIncrement, 60_000);
        reloaded.replay(TransactionRecords.readValue(ID, java.nio.ByteBuffer.wrap(TransactionRecords.value(prepared))));
        final List<TransactionCoordinatorState.Markers> undelivered = reloaded.undeliveredMarkers();
        assertEquals(1, undelivered.size());
        assertEquals(Set.of(P0), undelivered.get(0).partitions());
        assertFalse(undelivered.get(0).commit());
    }

    @Test
    void aKip360InitNamingAnotherProducerIsFenced() {
        final TxnMetadata p = init();
        assertEquals(Errors.PRODUCER_FENCED, state.initProducerId(ID, 10_000, p.producerId(), (short) 5, now).error());
        assertEquals(Errors.NONE, state.initProducerId(ID, 10_000, p.producerId(), p.producerEpoch(), now).error());
    }
}
