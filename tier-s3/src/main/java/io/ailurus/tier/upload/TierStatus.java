package io.ailurus.tier.upload;

/**
 * What an operator asks about a partition's uploads (admin API, logs): how much is waiting, and whether and since
 * when calls to the bucket fail. Written by the tier actor, read from any thread.
 */
public final class TierStatus {

    private volatile long pendingOffsets;
    private volatile long failingSinceMs = -1;
    private volatile String lastError;

    void setPending(final long offsets) {
        pendingOffsets = offsets;
    }

    synchronized void onFailure(final String error, final long nowMs) {
        if (failingSinceMs < 0) {
            failingSinceMs = nowMs;
        }
        lastError = error;
    }

    synchronized void clearFailure() {
        failingSinceMs = -1;
        lastError = null;
    }

    /** Committed offsets not in the bucket yet (0 on a replica that does not lead). */
    public long pendingOffsets() {
        return pendingOffsets;
    }

    /** Since when (wall clock ms) calls to the bucket fail, or -1 while they work. */
    public long failingSinceMs() {
        return failingSinceMs;
    }

    public String lastError() {
        return lastError;
    }
}
