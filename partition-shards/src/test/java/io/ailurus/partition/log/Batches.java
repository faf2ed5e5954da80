package io.ailurus.partition.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

/** Builds record batches the way a Kafka producer does (kafka-clients' builder) and reads a log back record by record. */
final class Batches {

    private Batches() {
    }

    /** One record as a test expects to read it back. */
    record Rec(long offset, long timestamp, String key, String value, List<String> headers) {
    }

    static MemoryRecords batch(final Compression compression, final long firstTimestamp, final String... values) {
        final MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024 + values.length * 256),
                compression, TimestampType.CREATE_TIME, 0L);
        long ts = firstTimestamp;
        for (final String v : values) {
            builder.append(ts++, ("k-" + v).getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    static MemoryRecords batch(final String... values) {
        return batch(Compression.NONE, 1_000L, values);
    }

    static MemoryRecords batchWithTimestamps(final long[] timestamps, final String prefix) {
        final MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024 + timestamps.length * 64),
                Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < timestamps.length; i++) {
            builder.append(timestamps[i], null, (prefix + i).getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    /** Several batches in one buffer, as one Produce request partition carries them. */
    static MemoryRecords concat(final MemoryRecords... parts) {
        int size = 0;
        for (final MemoryRecords p : parts) {
            size += p.sizeInBytes();
        }
        final ByteBuffer buf = ByteBuffer.allocate(size);
        for (final MemoryRecords p : parts) {
            buf.put(p.buffer());
        }
        buf.flip();
        return MemoryRecords.readableRecords(buf);
    }

    /** A fresh copy, for appending the same content twice (append stamps the buffer in place). */
    static MemoryRecords copy(final MemoryRecords records) {
        return concat(records);
    }

    static List<Rec> readAll(final SegmentLog log) {
        return readAll(log, log.logStartOffset(), log.logEndOffset());
    }

    /** Every record in [from, to), read in small chunks so that reads cross segments and batches. */
    static List<Rec> readAll(final SegmentLog log, final long from, final long to) {
        final List<Rec> out = new ArrayList<>();
        long next = from;
        while (next < to) {
            final LogSlice slice = log.read(next, 300, to);
            if (slice.isEmpty()) {
                throw new AssertionError("empty read at " + next + " before " + to);
            }
            for (final RecordBatch batch : slice.records().batches()) {
                batch.ensureValid();
                for (final Record r : batch) {
                    if (r.offset() >= next && r.offset() < to) {
                        out.add(toRec(r));
                    }
                }
                next = Math.max(next, batch.nextOffset());
            }
        }
        return out;
    }

    static Rec toRec(final Record r) {
        final List<String> headers = new ArrayList<>();
        for (final Header h : r.headers()) {
            headers.add(h.key() + "=" + (h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)));
        }
        return new Rec(r.offset(), r.timestamp(), r.hasKey() ? StandardCharsets.UTF_8.decode(r.key()).toString() : null,
                r.hasValue() ? StandardCharsets.UTF_8.decode(r.value()).toString() : null, headers);
    }

    static List<String> values(final List<Rec> recs) {
        final List<String> out = new ArrayList<>();
        for (final Rec r : recs) {
            out.add(r.value());
        }
        return out;
    }
}
