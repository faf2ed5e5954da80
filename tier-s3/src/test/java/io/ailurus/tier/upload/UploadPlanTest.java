package io.ailurus.tier.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.tier.manifest.PartitionManifest;
import io.ailurus.tier.manifest.RemoteSegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class UploadPlanTest {

    private static RemoteSegment segment(final long base, final long last, final long size, final long maxTimestamp) {
        return new RemoteSegment(base, last, size, maxTimestamp, maxTimestamp, 1, List.of(new RemoteSegment.EpochStart(1, base)));
    }

    private static PartitionManifest twoSegments() {
        return PartitionManifest.empty("t", 0).withAppended(segment(0, 9, 100, 1_000), 1).withAppended(segment(10, 19, 100, 5_000), 1);
    }

    @Test
    void uploadsContinueWhereTheBucketEndsOrWhereTheLocalLogStarts() {
        assertEquals(0, new UploadPlan(PartitionManifest.empty("t", 0)).nextUploadOffset(0));
        assertEquals(7, new UploadPlan(PartitionManifest.empty("t", 0)).nextUploadOffset(7));
        assertEquals(20, new UploadPlan(twoSegments()).nextUploadOffset(5));
    }

    @Test
    void bucketRetentionByTimeAndBytes() {
        final UploadPlan plan = new UploadPlan(twoSegments());
        final LogConfig keepAll = LogConfig.defaults().withRetentionMs(-1);
        assertSame(plan.manifest(), plan.afterRetention(keepAll, 10_000, -1));
        assertEquals(10, plan.afterRetention(keepAll.withRetentionMs(6_000), 10_000, -1).startOffset());
        assertEquals(10, plan.afterRetention(keepAll.withRetentionBytes(100), 10_000, -1).startOffset());
        assertEquals(15, plan.afterRetention(keepAll, 10_000, 15).startOffset());   // DeleteRecords
    }

    @Test
    void failuresBackOffExponentiallyAndASuccessClearsThem() {
        final UploadPlan plan = new UploadPlan(twoSegments());
        plan.onFailure(1_000);
        assertFalse(plan.mayCallAt(1_500));
        assertTrue(plan.mayCallAt(2_000));
        plan.onFailure(2_000);
        assertFalse(plan.mayCallAt(3_500));
        assertTrue(plan.mayCallAt(4_000));
        plan.onFailure(4_000);
        assertFalse(plan.mayCallAt(7_999));
        plan.onManifestWritten(plan.manifest());
        assertTrue(plan.mayCallAt(4_000));
    }
}
