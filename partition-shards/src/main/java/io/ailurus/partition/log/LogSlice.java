package io.ailurus.partition.log;

import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;

/**
 * A read: a range of one segment file holding whole batches, handed to the network as it lies on disk.
 *
 * @param records          the file range ({@code FileRecords}), or {@link MemoryRecords#EMPTY} when there is
 *                         nothing to read at the requested offset yet
 * @param firstBatchOffset base offset of the first batch in the range (it may precede the requested offset, since a
 *                         batch is never split), or the requested offset when the range is empty
 */
public record LogSlice(Records records, long firstBatchOffset) {

    public int sizeInBytes() {
        return records.sizeInBytes();
    }

    public boolean isEmpty() {
        return records.sizeInBytes() == 0;
    }

    static LogSlice empty(long offset) {
        return new LogSlice(MemoryRecords.EMPTY, offset);
    }
}
