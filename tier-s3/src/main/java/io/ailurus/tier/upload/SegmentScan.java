package io.ailurus.tier.upload;

import io.ailurus.partition.log.SegmentRange;
import io.ailurus.partition.producer.AbortedTransactionIndex;
import io.ailurus.tier.manifest.RemoteSegment;
import io.ailurus.tier.manifest.SegmentIndex;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Walks the batch headers of a range about to be uploaded (the bytes themselves are streamed from the file, never
 * copied): its offsets, timestamps, leader epochs and sparse index, and the aborted transactions with records in it.
 */
public record SegmentScan(RemoteSegment segment, SegmentIndex index) {

    /**
     * {@code aborted} must know every transaction with records in the range decided: true once the range lies below
     * the last stable offset.
     */
    public static SegmentScan of(final SegmentRange range, final int term, final AbortedTransactionIndex aborted) {
        final SegmentIndex.Builder index = new SegmentIndex.Builder(SegmentIndex.DEFAULT_INTERVAL);
        final List<RemoteSegment.EpochStart> epochs = new ArrayList<>();
        long base = -1;
        long last = -1;
        long baseTimestamp = RecordBatch.NO_TIMESTAMP;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int position = 0;
        for (final FileChannelRecordBatch batch : range.records().batches()) {
            if (base < 0) {
                base = batch.baseOffset();
            }
            last = batch.lastOffset();
            final int epoch = batch.partitionLeaderEpoch();
            if (epochs.isEmpty() || epochs.get(epochs.size() - 1).epoch() != epoch) {
                epochs.add(new RemoteSegment.EpochStart(epoch, batch.baseOffset()));
            }
            if (!batch.isControlBatch()) {
                if (baseTimestamp == RecordBatch.NO_TIMESTAMP) {
                    baseTimestamp = batch.maxTimestamp();
                }
                maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
            }
            index.onBatch(batch.baseOffset(), position, batch.sizeInBytes(), batch.isControlBatch() ? -1 : batch.maxTimestamp());
            position += batch.sizeInBytes();
        }
        if (base < 0) {
            throw new IllegalStateException("nothing to upload in " + range.file());
        }
        final RemoteSegment segment = new RemoteSegment(base, last, position, baseTimestamp, maxTimestamp, term, epochs,
                aborted.abortedIn(base, last + 1));
        return new SegmentScan(segment, index.build());
    }
}
