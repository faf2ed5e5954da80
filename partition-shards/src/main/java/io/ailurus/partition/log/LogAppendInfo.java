package io.ailurus.partition.log;

/**
 * What an append assigned.
 *
 * @param firstOffset      offset of the first record appended
 * @param lastOffset       offset of the last record appended
 * @param logAppendTimeMs  the broker timestamp stamped on the batches, or -1 when the log keeps CreateTime
 * @param sizeInBytes      bytes written to the segment
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long logAppendTimeMs, int sizeInBytes) {
}
