package io.ailurus.tier.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionManifestTest {

    static RemoteSegment segment(final long base, final long last, final long size, final long maxTimestamp, final int epoch) {
        return new RemoteSegment(base, last, size, maxTimestamp - 1, maxTimestamp, epoch,
                List.of(new RemoteSegment.EpochStart(epoch, base)));
    }

    @Test
    void appendsFindsAndRoundTripsThroughJson() {
        final PartitionManifest m = PartitionManifest.empty("orders", 3)
                .withAppended(segment(0, 99, 1000, 10, 1), 1)
                .withAppended(segment(100, 149, 500, 20, 2), 2);
        assertEquals(0, m.startOffset());
        assertEquals(150, m.nextOffset());
        assertEquals(1500, m.sizeBytes());
        assertEquals(100, m.segmentHolding(120).baseOffset());
        assertEquals(0, m.segmentHolding(99).baseOffset());
        assertNull(m.segmentHolding(150));
        assertEquals(m, ManifestCodec.decode(ManifestCodec.encode(m)));
    }

    @Test
    void refusesAGapBetweenSegments() {
        final PartitionManifest m = PartitionManifest.empty("t", 0).withAppended(segment(0, 9, 10, 1, 1), 1);
        assertThrows(IllegalArgumentException.class, () -> m.withAppended(segment(11, 20, 10, 1, 1), 1));
    }

    @Test
    void movingTheStartDropsWholeSegmentsOnly() {
        final PartitionManifest m = PartitionManifest.empty("t", 0)
                .withAppended(segment(0, 9, 10, 1, 1), 1)
                .withAppended(segment(10, 19, 10, 2, 1), 1);
        final PartitionManifest moved = m.withStartAt(15);
        assertEquals(15, moved.startOffset());
        assertEquals(1, moved.segments().size());
        assertEquals(List.of(m.segments().get(0)), m.droppedIn(moved));
        assertEquals(moved, moved.withStartAt(12));   // never back
    }

    @Test
    void endOffsetForEpochIsWhereTheNextEpochStarts() {
        final PartitionManifest m = PartitionManifest.empty("t", 0)
                .withAppended(new RemoteSegment(0, 19, 10, 0, 1, 2, List.of(new RemoteSegment.EpochStart(1, 0),
                        new RemoteSegment.EpochStart(3, 12))), 3)
                .withAppended(segment(20, 29, 10, 2, 3), 3);
        assertEquals(12, m.endOffsetForEpoch(1));
        assertEquals(12, m.endOffsetForEpoch(2));
        assertEquals(30, m.endOffsetForEpoch(3));
        assertEquals(-1, m.endOffsetForEpoch(0));
    }

    @Test
    void segmentKeysNameTopicPartitionAndOffsets() {
        final String key = ObjectKeys.segment("orders", 3, 100, 149);
        assertEquals("orders/3/00000000000000000100-00000000000000000149.log", key);
        assertEquals(100, ObjectKeys.baseOffsetOf(key));
        assertEquals(-1, ObjectKeys.baseOffsetOf(ObjectKeys.manifest("orders", 3)));
    }

    @Test
    void indexPointsAtOrBelowTheOffset() {
        final SegmentIndex.Builder b = new SegmentIndex.Builder(100);
        b.onBatch(0, 0, 60, 5);
        b.onBatch(10, 60, 60, 7);    // no entry: within the interval
        b.onBatch(20, 120, 60, 9);   // entry
        b.onBatch(30, 180, 60, 11);
        final SegmentIndex index = SegmentIndex.decode(b.build().encode());
        assertEquals(2, index.entries());
        assertEquals(0, index.positionFor(15));
        assertEquals(120, index.positionFor(25));
        assertEquals(0, index.positionForTimestamp(6));
        assertEquals(120, index.positionForTimestamp(8));
        assertThrows(IllegalArgumentException.class, () -> SegmentIndex.decode(new byte[] {1, 2, 3}));
    }
}
