package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StartPositionTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);
    private static final List<TopicPartition> BOTH = List.of(P0, P1);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    /** Finds offset 7 in partition 0 for any time, and nothing in partition 1. */
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
        @Override
        public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(final Map<TopicPartition, Long> query,
                final Duration timeout) {
            final Map<TopicPartition, OffsetAndTimestamp> found = new HashMap<>();
            query.forEach((tp, ts) -> found.put(tp, tp.equals(P0) ? new OffsetAndTimestamp(7, ts) : null));
            return found;
        }
    };

    @BeforeEach
    void assign() {
        consumer.assign(BOTH);
        consumer.updateBeginningOffsets(Map.of(P0, 5L, P1, 0L));
        consumer.updateEndOffsets(Map.of(P0, 20L, P1, 3L));
    }

    private StartPosition position() {
        return new StartPosition();
    }

    private void assertPositions(final long p0, final long p1) {
        assertEquals(p0, consumer.position(P0));
        assertEquals(p1, consumer.position(P1));
    }

    @Test
    void defaultIsTheEnd() {
        StartPosition.seek(null, consumer, BOTH, TIMEOUT);
        assertPositions(20, 3);
        assertEquals("earliest", StartPosition.autoOffsetReset(null));
    }

    @Test
    void fromBeginning() {
        final StartPosition p = position();
        p.fromBeginning = true;
        StartPosition.seek(p, consumer, BOTH, TIMEOUT);
        assertPositions(5, 0);
    }

    @Test
    void absoluteOffsetAndNoSilentResetPastIt() {
        final StartPosition p = position();
        p.offset = 10L;
        StartPosition.seek(p, consumer, BOTH, TIMEOUT);
        assertPositions(10, 10);
        assertEquals("none", StartPosition.autoOffsetReset(p));
    }

    @Test
    void negativeOffsetCountsBackFromTheEndButNotBeforeTheStart() {
        final StartPosition p = position();
        p.offset = -10L;
        StartPosition.seek(p, consumer, BOTH, TIMEOUT);
        assertPositions(10, 0);
        assertEquals("earliest", StartPosition.autoOffsetReset(p));
    }

    @Test
    void fromTimestampOrTheEndWhereNothingIsThatRecent() {
        final StartPosition p = position();
        p.timestamp = 1714564800000L;
        StartPosition.seek(p, consumer, BOTH, TIMEOUT);
        assertPositions(7, 3);
    }
}
