package io.ailurus.tier.upload;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.tier.manifest.PartitionManifest;
import io.ailurus.tier.manifest.RemoteSegment;

/**
 * The leader's upload decisions, pure: what to upload next, what the bucket's retention drops, and how long to back
 * off after failures. The {@link TierActor} feeds it the clock and the outcomes of the calls it makes.
 */
public final class UploadPlan {

    static final long MIN_BACKOFF_MS = 1_000;
    static final long MAX_BACKOFF_MS = 30_000;

    private PartitionManifest manifest;
    private int consecutiveFailures;
    private long retryAtMs;

    public UploadPlan(final PartitionManifest manifest) {
        this.manifest = manifest;
    }

    public PartitionManifest manifest() {
        return manifest;
    }

    /**
     * The offset the next upload starts at: where the bucket ends, or the local log's start when the bucket is empty
     * (or ends below it: what local retention deleted before tiering was on is gone for good).
     */
    public long nextUploadOffset(final long localLogStart) {
        final long next = manifest.nextOffset();
        return Math.max(next < 0 ? 0 : next, localLogStart);
    }

    /** Whether a call may be made now (not backing off after a failure). */
    public boolean mayCallAt(final long nowMs) {
        return nowMs >= retryAtMs;
    }

    /** A segment and its index are in the bucket: the manifest that records them, to be written next. */
    public PartitionManifest withUploaded(final RemoteSegment segment, final int term) {
        if (!manifest.isEmpty() && segment.baseOffset() != manifest.nextOffset()) {
            // A gap (local data deleted before it was tiered): the bucket starts over at this segment.
            return new PartitionManifest(PartitionManifest.VERSION, manifest.topic(), manifest.partition(), term, -1,
                    java.util.List.of()).withAppended(segment, term);
        }
        return manifest.withAppended(segment, term);
    }

    /**
     * The manifest after the bucket's retention ({@code retention.ms} by each segment's newest record,
     * {@code retention.bytes} over the bucket's size) and a DeleteRecords start; {@link #manifest()} itself when
     * nothing goes. The last segment is never dropped by time alone while it is the only one.
     */
    public PartitionManifest afterRetention(final LogConfig config, final long nowMs, final long requestedStart) {
        long newStart = Math.max(manifest.startOffset(), requestedStart);
        if (config.retentionMs() >= 0) {
            for (final RemoteSegment s : manifest.segments()) {
                if (s.maxTimestamp() >= 0 && s.maxTimestamp() < nowMs - config.retentionMs()) {
                    newStart = Math.max(newStart, s.nextOffset());
                } else {
                    break;
                }
            }
        }
        if (config.retentionBytes() >= 0) {
            long excess = manifest.sizeBytes() - config.retentionBytes();
            for (final RemoteSegment s : manifest.segments()) {
                if (excess - s.sizeBytes() < 0) {
                    break;
                }
                excess -= s.sizeBytes();
                newStart = Math.max(newStart, s.nextOffset());
            }
        }
        return manifest.withStartAt(newStart);
    }

    /** The manifest in the bucket is now {@code written}. */
    public void onManifestWritten(final PartitionManifest written) {
        manifest = written;
        consecutiveFailures = 0;
        retryAtMs = 0;
    }

    /** A call failed: back off exponentially (what failed and since when is {@link TierStatus}'s business). */
    public void onFailure(final long nowMs) {
        consecutiveFailures++;
        final long backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(consecutiveFailures - 1, 10));
        retryAtMs = nowMs + backoff;
    }
}
