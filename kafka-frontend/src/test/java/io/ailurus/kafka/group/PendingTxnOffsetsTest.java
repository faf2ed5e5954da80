package io.ailurus.kafka.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The rules by which transactional offsets become committed offsets (log offsets order everything). */
class PendingTxnOffsetsTest {

    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);
    private static final long PRODUCER = 7;
    private static final long OTHER = 8;

    private final PendingTxnOffsets pending = new PendingTxnOffsets();

    @Test
    void commitHandsOverWhatTheProducerWroteAndForgetsIt() {
        pending.add(PRODUCER, "g", T0, offset(10), 100);
        pending.add(PRODUCER, "g", T1, offset(20), 100);
        pending.add(PRODUCER, "h", T0, offset(30), 101);
        assertTrue(pending.isPending("g", T0));

        assertEquals(Map.of("g", Map.of(T0, offset(10), T1, offset(20)), "h", Map.of(T0, offset(30))),
                pending.commit(PRODUCER, 102));
        assertFalse(pending.isPending("g", T0));
        assertTrue(pending.isEmpty());
        assertEquals(Map.of(), pending.commit(PRODUCER, 103), "a retried marker has nothing left to apply");
    }

    @Test
    void abortDropsOnlyThatProducersOffsets() {
        pending.add(PRODUCER, "g", T0, offset(10), 100);
        pending.add(OTHER, "g", T0, offset(11), 101);
        pending.abort(PRODUCER, 102);
        assertTrue(pending.isPending("g", T0));
        assertEquals(Map.of("g", Map.of(T0, offset(11))), pending.commit(OTHER, 103));
    }

    @Test
    void offsetsWrittenAfterTheMarkerWaitForTheNextOne() {
        pending.add(PRODUCER, "g", T0, offset(10), 100);
        pending.add(PRODUCER, "g", T1, offset(20), 105);
        assertEquals(Map.of("g", Map.of(T0, offset(10))), pending.commit(PRODUCER, 102));
        assertTrue(pending.isPending("g", T1));
        assertEquals(Map.of("g", Map.of(T1, offset(20))), pending.commit(PRODUCER, 106));
    }

    @Test
    void aLaterPlainCommitWinsOverTheTransaction() {
        pending.add(PRODUCER, "g", T0, offset(10), 100);
        pending.add(PRODUCER, "g", T1, offset(20), 100);
        pending.supersede("g", T0);
        assertTrue(pending.isPending("g", T0), "undecided until the marker, for requireStable");
        assertEquals(Map.of("g", Map.of(T1, offset(20))), pending.commit(PRODUCER, 102));
    }

    @Test
    void aTransactionCommittedLaterWinsOverAnOlderOpenOne() {
        pending.add(OTHER, "g", T0, offset(5), 100);
        pending.add(PRODUCER, "g", T0, offset(10), 101);
        assertEquals(Map.of("g", Map.of(T0, offset(10))), pending.commit(PRODUCER, 102));
        assertEquals(Map.of(), pending.commit(OTHER, 103), "its offset is older than the one committed");
    }

    @Test
    void aTombstoneDropsPendingOffsets() {
        pending.add(PRODUCER, "g", T0, offset(10), 100);
        pending.add(PRODUCER, "g", T1, offset(20), 100);
        pending.remove("g", T0);
        assertEquals(Set.of(T1), pending.partitionsOf("g"));
        assertEquals(Map.of("g", Map.of(T1, offset(20))), pending.commit(PRODUCER, 102));
    }

    private static ClassicGroup.CommittedOffset offset(final long offset) {
        return new ClassicGroup.CommittedOffset(offset, -1, "", 0);
    }
}
