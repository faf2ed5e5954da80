package io.ailurus.partition.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.SegmentLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test for the waiter storm the chaos harness found: a long-poll fetch that wakes, finds too little and
 * re-arms inside the wake-up must not be woken again by the same wake-up (the old drain looped until the fetch's
 * deadline, pinning a partition thread and filling the heap with waiters).
 */
class ReplicaHandleTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(5)
    void aWaiterRearmedDuringAWakeUpWaitsForTheNextOne() throws Exception {
        try (SegmentLog log = SegmentLog.open(dir.resolve("t").resolve("0"), LogConfig.defaults())) {
            final ReplicaHandle handle = new ReplicaHandle(new TopicPartition("t", 0), log, null);
            final List<CompletableFuture<Void>> armed = new ArrayList<>();
            final Runnable[] rearm = new Runnable[1];
            rearm[0] = () -> {
                final CompletableFuture<Void> waiter = handle.awaitHighWatermarkAbove(0);
                armed.add(waiter);
                waiter.thenRun(rearm[0]);   // like a fetch that read too little: wait again
            };
            rearm[0].run();
            assertEquals(1, armed.size());
            assertFalse(armed.get(0).isDone(), "nothing above offset 0 yet");

            handle.wakeWaiters();

            assertTrue(armed.get(0).isDone(), "the queued waiter is woken");
            assertEquals(2, armed.size(), "it re-armed once");
            assertFalse(armed.get(1).isDone(), "the re-armed waiter waits for the next move of the high watermark");
        }
    }
}
