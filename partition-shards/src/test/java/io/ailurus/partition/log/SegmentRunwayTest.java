package io.ailurus.partition.log;

import static io.ailurus.partition.log.Batches.readAll;
import static io.ailurus.partition.log.Batches.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zero-filled runway ahead of the active segment: never over data, cut on roll and close, harmless after a crash. */
class SegmentRunwayTest {

    private static final int VALUE_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    private SegmentLog log;

    @AfterEach
    void closeLog() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    private static MemoryRecords bigBatch(final String value) {
        final byte[] bytes = new byte[VALUE_BYTES];
        final byte[] tag = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(tag, 0, bytes, 0, tag.length);
        final MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(VALUE_BYTES + 1024),
                Compression.NONE, TimestampType.CREATE_TIME, 0L);
        builder.append(1_000L, null, bytes);
        return builder.build();
    }

    /** Appends n batches of 64 KiB, extending the runway after each as the flusher does; returns their tags. */
    private List<String> fill(final int n, final int from) {
        final List<String> tags = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            log.append(bigBatch("v" + i), 0, 1);
            log.flush(log.logEndOffset());
            log.extendRunway();
            tags.add("v" + i);
        }
        return tags;
    }

    private static List<String> tags(final List<String> values) {
        return values.stream().map(v -> v.substring(0, v.indexOf('\0'))).toList();
    }

    private Path segmentFile(final long base) {
        return dir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX));
    }

    @Test
    void aBusySegmentGetsARunwayThatACleanCloseCuts() throws IOException {
        log = SegmentLog.open(dir, LogConfig.defaults());
        final List<String> tags = fill(40, 0);   // 2.5 MiB: past the 1 MiB threshold
        final long dataBytes = log.activeSegmentBytes();
        assertTrue(Files.size(segmentFile(0)) > dataBytes, "the file runs ahead of its data");
        log.close();
        log = null;
        assertEquals(dataBytes, Files.size(segmentFile(0)), "a clean close leaves only data");
        log = SegmentLog.open(dir, LogConfig.defaults());
        log.setHighWatermark(log.logEndOffset());
        assertEquals(tags, tags(values(readAll(log))));
    }

    @Test
    void aCrashLeavesAZeroTailThatRecoveryCutsWithoutLosingAnything() throws IOException {
        log = SegmentLog.open(dir, LogConfig.defaults());
        final List<String> tags = fill(40, 0);
        final long dataBytes = log.activeSegmentBytes();
        final long fileBytes = Files.size(segmentFile(0));
        assertTrue(fileBytes > dataBytes);
        log.closeAsIfCrashed();
        // Closing a channel trims it (FileRecords.close); a crash would not: put the runway back as it was.
        try (FileChannel ch = FileChannel.open(segmentFile(0), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate((int) (fileBytes - dataBytes)), dataBytes);
        }
        log = SegmentLog.open(dir, LogConfig.defaults());
        log.setHighWatermark(log.logEndOffset());
        assertEquals(40, log.logEndOffset());
        assertEquals(tags, tags(values(readAll(log))));
        assertEquals(dataBytes, Files.size(segmentFile(0)), "the zero tail is cut");
        tags.addAll(fill(3, 40));
        log.setHighWatermark(log.logEndOffset());
        assertEquals(tags, tags(values(readAll(log))));
    }

    @Test
    void aRolledSegmentEndsWithItsDataAndTheNextOneKeepsEverything() throws IOException {
        final LogConfig config = LogConfig.defaults().withSegmentBytes(2 << 20);
        log = SegmentLog.open(dir, config);
        final List<String> tags = fill(60, 0);   // rolls once at 2 MiB
        final long secondBase = log.activeSegmentBaseOffset();
        assertTrue(secondBase > 0, "the log rolled");
        final long firstSize = Files.size(segmentFile(0));
        assertTrue(firstSize <= 2 << 20, "the rolled segment was trimmed to its data: " + firstSize);
        // A crash whose trim of the rolled segment never reached the disk: the old segment still has zeros after its
        // data, and recovery must not take them for corruption (which would drop the segments after it).
        log.closeAsIfCrashed();
        try (FileChannel ch = FileChannel.open(segmentFile(0), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1 << 20), firstSize);
        }
        Files.deleteIfExists(dir.resolve(LogCheckpoint.FILE_NAME));
        log = SegmentLog.open(dir, config);
        log.setHighWatermark(log.logEndOffset());
        assertEquals(tags, tags(values(readAll(log))));
    }

    @Test
    void zerosNeverOverwriteDataWrittenWhileTheRunwayGrows() throws Exception {
        log = SegmentLog.open(dir, LogConfig.defaults());
        final List<String> tags = new ArrayList<>(fill(20, 0));
        final AtomicBoolean stop = new AtomicBoolean();
        final ExecutorService flusher = Executors.newSingleThreadExecutor();
        try {
            final Future<?> extender = flusher.submit(() -> {
                while (!stop.get()) {
                    log.flush(log.logEndOffset());
                    log.extendRunway();
                }
            });
            for (int i = 20; i < 200; i++) {
                log.append(bigBatch("v" + i), 0, 1);
                tags.add("v" + i);
            }
            stop.set(true);
            extender.get(30, TimeUnit.SECONDS);
        } finally {
            flusher.shutdownNow();
        }
        log.flush(log.logEndOffset());
        log.closeAsIfCrashed();
        log = SegmentLog.open(dir, LogConfig.defaults());
        log.setHighWatermark(log.logEndOffset());
        assertEquals(tags, tags(values(readAll(log))));
    }
}
