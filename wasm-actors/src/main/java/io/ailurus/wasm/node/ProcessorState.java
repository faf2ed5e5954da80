package io.ailurus.wasm.node;

import java.util.ArrayList;
import java.util.List;

/**
 * The life of one transform partition, free of I/O: load the progress (a new start position, or new output sequences,
 * is stored before anything is written, so a crash cannot lose them), start a VM, run batches, store the progress
 * every commit interval, and after a failure wait (1 s doubling to 30 s, back to 1 s once a run lasted 10 s, as
 * Redpanda) and start a fresh VM where the last written batch ended, so no record is skipped. Every step takes the time
 * and returns what the actor must do.
 */
public final class ProcessorState {

    static final long FIRST_BACKOFF_MS = 1_000;
    static final long MAX_BACKOFF_MS = 30_000;
    static final long HEALTHY_RUN_MS = 10_000;

    public enum Phase { LOADING, STORING_START, STARTING, RUNNING, BACKING_OFF, STOPPED }

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
    private boolean startStored;
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

    /**
     * The offset to start from; {@code storeFirst}: it (or the output sequences going with it) is not stored yet, so
     * it is stored before the VM starts.
     */
    public List<Effect> progressLoaded(final long offset, final boolean storeFirst, final long nowMs) {
        nextOffset = offset;
        if (storeFirst) {
            phase = Phase.STORING_START;
            return List.of(commit(nowMs));
        }
        committed = offset;
        lastCommitMs = nowMs;
        startStored = true;
        phase = Phase.STARTING;
        return List.of(new Effect.StartVm());
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

    public List<Effect> committed(final long offset) {
        committed = Math.max(committed, offset);
        if (phase == Phase.STORING_START && offset == nextOffset) {
            startStored = true;
            phase = Phase.STARTING;
            return List.of(new Effect.StartVm());
        }
        return List.of();
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
        if (!startStored) {
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
