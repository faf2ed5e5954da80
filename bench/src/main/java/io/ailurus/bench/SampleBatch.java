package io.ailurus.bench;

import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.TimestampType;

/**
 * The one record batch every mode writes over and over: 16 records of 1 KiB values, uncompressed, magic v2, as a
 * producer would send it (about 16.4 KiB on the wire with the batch and record headers).
 *
 * <p>Built once: the log stamps offsets and the leader epoch into the header in place, and the CRC does not cover
 * those fields, so the same bytes stay a valid batch for every append — no per-append copy or allocation.
 */
final class SampleBatch {

    static final int RECORDS_PER_BATCH = 16;
    static final int VALUE_BYTES = 1024;

    private SampleBatch() {
    }

    static MemoryRecords build() {
        // Random values: a file system or device that compresses or dedups must not get an easy ride.
        final Random random = new Random(42);
        final ByteBuffer buffer = ByteBuffer.allocate(RECORDS_PER_BATCH * (VALUE_BYTES + 64) + 128);
        final MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        final long now = System.currentTimeMillis();
        for (int i = 0; i < RECORDS_PER_BATCH; i++) {
            final byte[] value = new byte[VALUE_BYTES];
            random.nextBytes(value);
            builder.append(now, null, value);
        }
        return builder.build();
    }
}
