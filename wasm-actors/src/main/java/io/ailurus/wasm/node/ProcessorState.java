package io.ailurus.wasm.node;

import java.util.ArrayList;
import java.util.List;

/**
 * The life of one transform partition, free of I/O: load the progress, start a VM, run batches, store the progress
 * every commit interval, and after a failure wait (1 s doubling to 30 s, back to 1 s once a run lasted 10 s, as
 * Redpanda) and start a fresh VM where the last written batch ended, so no record is skipped. Every step takes the time
 * and returns what the actor must do.
 */
public final class ProcessorState {

    static final long FIRST_BACKOFF_MS = 1_000;
    static final long MAX_BACKOFF_MS = 30_000;
    static final long HEALTHY_RUN_MS = 10_000;

    public enum Phase { LOADING, STARTING, RUNNING, BACKING_OFF, STOPPED }

    /** What the actor does next. */
    public sealed interface Effect {
        record LoadProgress() implements Effect {
        }

        record StartVm() implements Effect {
        }

        record ReadFrom(long offset) implements Effect {
        }

        record CommitProgress(long nextOffset) implements Effect {
        }

        record StopVm() implements Effect {
        }

        record RetryAt(long atMs) implements Effect {
        }
    }

    private final long commitIntervalMs;
    private Phase phase = Phase.LOADING;
    private long nextOffset = -1;
    private long committed = -1;
    private long lastCommitMs;
    private long runningSinceMs;
    private long backoffMs;
    private String error = "";
    private int restarts;

    public ProcessorState(final long commitIntervalMs) {
        this.commitIntervalMs = commitIntervalMs;
    }

    public List<Effect> start(final long nowMs) {
        phase = Phase.LOADING;
        return List.of(new Effect.LoadProgress());
    }

    /** The offset to start from; {@code fresh}: none was stored, so it is stored at once (a restart starts there). */
    public List<Effect> progressLoaded(final long offset, final boolean fresh, final long nowMs) {
        nextOffset = offset;
        phase = Phase.STARTING;
        final List<Effect> effects = new ArrayList<>();
        if (fresh) {
            effects.add(commit(nowMs));
        } else {
            committed = offset;
            lastCommitMs = nowMs;
        }
        effects.add(new Effect.StartVm());
        return effects;
    }

    public List<Effect> vmReady(final long nowMs) {
        if (phase != Phase.STARTING) {
            return List.of(new Effect.StopVm());   // stopped or failed meanwhile
        }
        phase = Phase.RUNNING;
        runningSinceMs = nowMs;
        return List.of(new Effect.ReadFrom(nextOffset));
    }

    /** Every output of the input below {@code next} is written. */
    public List<Effect> written(final long next, final long nowMs) {
        if (phase != Phase.RUNNING) {
            return List.of();
        }
        nextOffset = Math.max(nextOffset, next);
        if (nowMs - runningSinceMs >= HEALTHY_RUN_MS) {
            backoffMs = 0;
            error = "";
        }
        final List<Effect> effects = new ArrayList<>();
        if (nextOffset > committed && nowMs - lastCommitMs >= commitIntervalMs) {
            effects.add(commit(nowMs));
        }
        effects.add(new Effect.ReadFrom(nextOffset));
        return effects;
    }

    /** The local log no longer holds {@code nextOffset} (retention): go on from its start, as Redpanda does. */
    public List<Effect> inputTruncated(final long logStart) {
        if (phase != Phase.RUNNING || logStart <= nextOffset) {
            return List.of();
        }
        nextOffset = logStart;
        return List.of(new Effect.ReadFrom(nextOffset));
    }

    /** A quiet partition still stores progress that a busy one stored with its writes. */
    public List<Effect> tick(final long nowMs) {
        if (phase == Phase.RUNNING && nextOffset > committed && nowMs - lastCommitMs >= commitIntervalMs) {
            return List.of(commit(nowMs));
        }
        return List.of();
    }

    public void committed(final long offset) {
        committed = Math.max(committed, offset);
    }

    public List<Effect> failed(final String reason, final long nowMs) {
        if (phase == Phase.STOPPED) {
            return List.of();
        }
        final boolean healthyRun = phase == Phase.RUNNING && nowMs - runningSinceMs >= HEALTHY_RUN_MS;
        backoffMs = healthyRun || backoffMs == 0 ? FIRST_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        phase = Phase.BACKING_OFF;
        error = reason;
        restarts++;
        return List.of(new Effect.StopVm(), new Effect.RetryAt(nowMs + backoffMs));
    }

    public List<Effect> retry(final long nowMs) {
        if (phase != Phase.BACKING_OFF) {
            return List.of();
        }
        if (nextOffset < 0) {
            phase = Phase.LOADING;
            return List.of(new Effect.LoadProgress());
        }
        phase = Phase.STARTING;
        return List.of(new Effect.StartVm());
    }

    public List<Effect> stop(final long nowMs) {
        final boolean storeLast = phase == Phase.RUNNING && nextOffset > committed;
        phase = Phase.STOPPED;
        return storeLast ? List.of(commit(nowMs), new Effect.StopVm()) : List.of(new Effect.StopVm());
    }

    private Effect commit(final long nowMs) {
        lastCommitMs = nowMs;
        return new Effect.CommitProgress(nextOffset);
    }

    public Phase phase() {
        return phase;
    }

    public long nextOffset() {
        return nextOffset;
    }

    /** The last failure while it is not behind a healthy run; empty otherwise. */
    public String error() {
        return error;
    }

    public int restarts() {
        return restarts;
    }

    public long backoffMs() {
        return backoffMs;
    }
}
