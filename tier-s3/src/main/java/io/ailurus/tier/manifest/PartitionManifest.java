package io.ailurus.tier.manifest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * What the bucket holds of one partition: its segments in offset order, without gaps or overlaps, and where the
 * partition starts for readers (retention and DeleteRecords move it; segments wholly below it are gone or going).
 * Immutable: every change makes a new manifest, so readers on other threads always see a consistent one.
 *
 * @param term        the leader term that wrote it; a leader of an older term never overwrites a newer manifest
 * @param startOffset the first offset readers are served (-1 while the manifest holds no segment)
 */
public record PartitionManifest(int version, String topic, int partition, int term, long startOffset,
        List<RemoteSegment> segments) {

    /**
     * 2: segments record their aborted transactions. A broker reads every version up to its own and refuses newer
     * ones, so an older broker never rewrites a manifest and silently drops what it does not know.
     */
    public static final int VERSION = 2;

    public PartitionManifest {
        segments = List.copyOf(segments);
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).baseOffset() != segments.get(i - 1).nextOffset()) {
                throw new IllegalArgumentException("segments of " + topic + "/" + partition + " are not contiguous at "
                        + segments.get(i).baseOffset());
            }
        }
    }

    public static PartitionManifest empty(final String topic, final int partition) {
        return new PartitionManifest(VERSION, topic, partition, 0, -1, List.of());
    }

    @JsonIgnore
    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /** One past the last offset in the bucket, or -1 when empty. */
    public long nextOffset() {
        return segments.isEmpty() ? -1 : segments.get(segments.size() - 1).nextOffset();
    }

    /** The last offset in the bucket, or -1. */
    public long lastOffset() {
        return segments.isEmpty() ? -1 : segments.get(segments.size() - 1).lastOffset();
    }

    public long sizeBytes() {
        long total = 0;
        for (final RemoteSegment s : segments) {
            total += s.sizeBytes();
        }
        return total;
    }

    /** The segment holding {@code offset}, or null. */
    public RemoteSegment segmentHolding(final long offset) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo <= hi) {
            final int mid = (lo + hi) >>> 1;
            final RemoteSegment s = segments.get(mid);
            if (offset < s.baseOffset()) {
                hi = mid - 1;
            } else if (offset > s.lastOffset()) {
                lo = mid + 1;
            } else {
                return s;
            }
        }
        return null;
    }

    /** With {@code segment} appended (it must continue this manifest), written in {@code term}. */
    public PartitionManifest withAppended(final RemoteSegment segment, final int writerTerm) {
        final List<RemoteSegment> next = new ArrayList<>(segments);
        next.add(segment);
        return new PartitionManifest(VERSION, topic, partition, Math.max(term, writerTerm),
                startOffset < 0 ? segment.baseOffset() : startOffset, next);
    }

    /**
     * With the start moved to {@code newStart} (never back) and the segments wholly below it dropped; the dropped
     * ones are what the caller deletes from the bucket.
     */
    public PartitionManifest withStartAt(final long newStart) {
        if (newStart <= startOffset) {
            return this;
        }
        final List<RemoteSegment> kept = new ArrayList<>();
        for (final RemoteSegment s : segments) {
            if (s.lastOffset() >= newStart) {
                kept.add(s);
            }
        }
        final long start = kept.isEmpty() ? -1 : Math.max(newStart, kept.get(0).baseOffset());
        return new PartitionManifest(VERSION, topic, partition, term, start, kept);
    }

    /** The segments this manifest holds and {@code newer} does not. */
    public List<RemoteSegment> droppedIn(final PartitionManifest newer) {
        final List<RemoteSegment> dropped = new ArrayList<>();
        for (final RemoteSegment s : segments) {
            if (newer.segmentHolding(s.baseOffset()) == null || newer.segmentHolding(s.baseOffset()).baseOffset() != s.baseOffset()) {
                dropped.add(s);
            }
        }
        return dropped;
    }

    /** OffsetForLeaderEpoch: where the first epoch above {@code epoch} starts, or the bucket's end. -1: unknown epoch. */
    public long endOffsetForEpoch(final int epoch) {
        boolean seen = false;
        for (final RemoteSegment s : segments) {
            for (final RemoteSegment.EpochStart e : s.epochs()) {
                if (e.epoch() > epoch) {
                    return seen ? e.startOffset() : -1;
                }
                seen |= e.epoch() <= epoch;
            }
        }
        return seen ? nextOffset() : -1;
    }
}
