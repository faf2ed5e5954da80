package io.ailurus.wasm.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.wasm.node.ProcessorState.Effect;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessorStateTest {

    private final ProcessorState state = new ProcessorState(3_000);

    private void running(final long offset, final boolean fresh, final long now) {
        state.start(now);
        state.progressLoaded(offset, fresh, now);
        if (fresh) {
            state.committed(offset);
        }
        state.vmReady(now);
    }

    @Test
    void aFreshPartitionStoresWhereItStartsBeforeRunning() {
        assertEquals(List.of(new Effect.LoadProgress()), state.start(0));
        assertEquals(List.of(new Effect.CommitProgress(40)), state.progressLoaded(40, true, 0));
        assertEquals(ProcessorState.Phase.STORING_START, state.phase());
        assertEquals(List.of(new Effect.StartVm()), state.committed(40));
        assertEquals(List.of(new Effect.ReadFrom(40)), state.vmReady(10));
        assertEquals(ProcessorState.Phase.RUNNING, state.phase());
    }

    @Test
    void aStartThatCouldNotBeStoredIsLoadedAgainAfterTheBackOff() {
        state.start(0);
        state.progressLoaded(40, true, 0);
        assertEquals(List.of(new Effect.StopVm(), new Effect.RetryAt(1_100)), state.failed("not stored", 100));
        assertEquals(List.of(new Effect.LoadProgress()), state.retry(1_100),
                "nothing was written with what was not stored: load (and allocate) afresh");
    }

    @Test
    void progressIsStoredOncePerCommitIntervalAndOnStop() {
        running(0, false, 0);
        assertEquals(List.of(new Effect.ReadFrom(5)), state.written(5, 1_000));
        assertEquals(List.of(new Effect.CommitProgress(9), new Effect.ReadFrom(9)), state.written(9, 3_000));
        assertEquals(List.of(), state.tick(4_000));
        state.written(12, 4_500);
        assertEquals(List.of(new Effect.CommitProgress(12)), state.tick(6_000));
        state.committed(12);
        state.written(14, 6_100);
        assertEquals(List.of(new Effect.CommitProgress(14), new Effect.StopVm()), state.stop(6_200));
    }

    @Test
    void failuresBackOffFromOneToThirtySecondsAndResumeWhereTheWritesEnded() {
        running(0, false, 0);
        state.written(7, 100);
        assertEquals(List.of(new Effect.StopVm(), new Effect.RetryAt(1_200)), state.failed("trap", 200));
        assertEquals("trap", state.error());
        assertEquals(List.of(new Effect.StartVm()), state.retry(1_200));
        assertEquals(List.of(new Effect.ReadFrom(7)), state.vmReady(1_300), "no record skipped");
        long now = 1_400;
        long expected = 2_000;
        for (int i = 0; i < 6; i++) {
            final List<Effect> effects = state.failed("trap", now);
            assertEquals(new Effect.RetryAt(now + expected), effects.get(1));
            state.retry(now + expected);
            state.vmReady(now + expected);
            now += expected + 100;
            expected = Math.min(30_000, expected * 2);
        }
        assertEquals(30_000, state.backoffMs());
        // A run of ten seconds is healthy: the next failure backs off one second again.
        state.written(8, now + 10_000);
        assertEquals("", state.error());
        assertEquals(new Effect.RetryAt(now + 10_100 + 1_000), state.failed("again", now + 10_100).get(1));
        assertEquals(8, state.restarts());
    }

    @Test
    void aTruncatedInputContinuesFromTheLogStart() {
        running(3, false, 0);
        assertEquals(List.of(new Effect.ReadFrom(50)), state.inputTruncated(50));
        assertEquals(List.of(), state.inputTruncated(20));
    }

    @Test
    void nothingRunsAfterStop() {
        running(0, false, 0);
        state.stop(10);
        assertEquals(List.of(), state.failed("late", 20));
        assertEquals(List.of(), state.written(5, 30));
        assertEquals(List.of(new Effect.StopVm()), state.vmReady(40));
    }
}
