package io.ailurus.bench;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.SegmentLog;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.kafka.common.record.MemoryRecords;

/** The system under test: {@link SegmentLog#append} as a partition leader calls it, and {@link SegmentLog#flush}. */
final class SegmentLogSink implements BatchSink {

    /** Any epoch will do; the log stamps it into every batch header. */
    private static final int LEADER_EPOCH = 1;

    private final SegmentLog log;
    private final MemoryRecords records;

    SegmentLogSink(final Path dir, final LogConfig config, final MemoryRecords records) throws IOException {
        this.log = SegmentLog.open(dir, config);
        // The same MemoryRecords every time: append re-stamps the offsets in place (they are outside the CRC).
        this.records = records;
    }

    @Override
    public int append() {
        return log.append(records, LEADER_EPOCH, System.currentTimeMillis()).sizeInBytes();
    }

    @Override
    public void sync() {
        // Read the end offset now: every append that returned before this call is below it.
        log.flush(log.logEndOffset());
    }

    @Override
    public String describe() {
        return log.segmentBaseOffsets().size() + " segment(s), " + log.sizeInBytes() + " bytes, log end offset "
                + log.logEndOffset();
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
