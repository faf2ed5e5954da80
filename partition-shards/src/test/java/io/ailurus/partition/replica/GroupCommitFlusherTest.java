package io.ailurus.partition.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.SegmentLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flusher's two jobs: a flush that reports what became durable, and a runway extension that reports nothing. */
class GroupCommitFlusherTest {

    private static final int VALUE_BYTES = 64 * 1024;
    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path dir;

    private SegmentLog log;
    private GroupCommitFlusher flusher;
    private final BlockingQueue<Long> reports = new LinkedBlockingQueue<>();
    private GroupCommitFlusher.Dirty dirty;

    @BeforeEach
    void open() throws IOException {
        log = SegmentLog.open(dir, LogConfig.defaults());
        flusher = new GroupCommitFlusher(1);
        dirty = new GroupCommitFlusher.Dirty(log, () -> 0L, new GroupCommitFlusher.Listener() {
            @Override
            public void flushed(final long durableOffset, final long generation) {
                reports.add(durableOffset);
            }

            @Override
            public void flushFailed(final RuntimeException failure) {
                reports.add(-1L);
            }
        });
    }

    @AfterEach
    void close() throws IOException {
        log.close();   // as a node stops: partitions first, then the flusher
        flusher.close();
    }

    private void append(final int batches) {
        for (int i = 0; i < batches; i++) {
            final MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(VALUE_BYTES + 1024),
                    Compression.NONE, TimestampType.CREATE_TIME, 0L);
            builder.append(1_000L, null, new byte[VALUE_BYTES]);
            log.append(builder.build(), 0, 1);
        }
    }

    private long activeSegmentFileBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            final List<Path> logs = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
            return Files.size(logs.get(logs.size() - 1));
        }
    }

    @Test
    void aFlushReportsTheLogEnd() throws InterruptedException {
        append(3);
        flusher.markDirty(dirty);
        assertEquals(3L, reports.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void aRunwayExtensionWritesZerosAheadButReportsNothing() throws Exception {
        append(40);   // 2.5 MiB: past the size from which a segment gets a runway
        log.flush(log.logEndOffset());   // as a partition that fsyncs on its own thread
        final long dataBytes = activeSegmentFileBytes();
        assertTrue(log.runwayLow());

        flusher.extendRunway(dirty);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (activeSegmentFileBytes() == dataBytes && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(activeSegmentFileBytes() > dataBytes, "the runway grew past the data");

        // One flusher thread takes jobs in order: had the extension reported, that report would come first.
        append(1);
        flusher.markDirty(dirty);
        assertEquals(41L, reports.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(reports.isEmpty());
    }
}
