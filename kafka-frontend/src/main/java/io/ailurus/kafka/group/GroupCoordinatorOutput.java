package io.ailurus.kafka.group;

import java.util.List;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * What a group coordinator's state machine asks of the world: its shard actor appends to the {@code __consumer_offsets}
 * partition and runs timers; a unit test records the calls and plays a manual clock.
 */
interface GroupCoordinatorOutput {

    /**
     * Appends the records (acks=all), as one transactional batch of the producer when {@code producerId} is set, and
     * reports the outcome with {@link GroupCoordinatorState#written}.
     */
    void write(long writeId, List<SimpleRecord> records, long producerId, short producerEpoch);

    /** Fires {@code timer} after {@code delayMs} unless cancelled; a timer of the same key is replaced. */
    void schedule(String key, GroupTimer timer, long delayMs);

    void cancel(String key);
}
