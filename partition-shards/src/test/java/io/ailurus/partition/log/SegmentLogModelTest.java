package io.ailurus.partition.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random appends, truncations, DeleteRecords, crashes (with and without a torn tail) and clean reopens, checked
 * against an in-memory model of what the log must hold. A failure names its seed; rerun that seed to reproduce it.
 */
class SegmentLogModelTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void behavesLikeTheModel(final long seed) throws IOException {
        final Random random = new Random(seed);
        final LogConfig config = LogConfig.defaults().withSegmentBytes(300 + random.nextInt(2000))
                .withIndexIntervalBytes(random.nextInt(400));
        final List<String> model = new ArrayList<>();   // value at offset i (offsets start at 0)
        long start = 0;
        SegmentLog log = SegmentLog.open(dir, config);
        int counter = 0;
        try {
            for (int step = 0; step < 300; step++) {
                final int op = random.nextInt(100);
                final String where = "seed " + seed + " step " + step;
                if (op < 60) {
                    final int n = 1 + random.nextInt(5);
                    final String[] values = new String[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = "x" + (counter++) + "-".repeat(random.nextInt(40));
                        model.add(values[i]);
                    }
                    assertEquals(model.size() - n, log.append(Batches.batch(values), 0, 1).firstOffset(), where);
                } else if (op < 70 && model.size() > start) {
                    final long target = start + random.nextInt((int) (model.size() - start) + 1);
                    final long newEnd = log.truncateTo(target);
                    model.subList((int) newEnd, model.size()).clear();
                    start = Math.min(start, newEnd);
                    assertEquals(model.size(), newEnd, where);
                } else if (op < 75 && model.size() > start) {
                    log.setHighWatermark(model.size());
                    start = log.deleteRecordsBefore(start + random.nextInt((int) (model.size() - start) + 1));
                } else if (op < 85) {
                    log.flush(log.logEndOffset());
                    log.closeAsIfCrashed();
                    final boolean torn = random.nextBoolean();
                    if (torn) {
                        tearTail(log, random);
                    }
                    log = SegmentLog.open(dir, config);
                    // A torn tail costs the batches it touches, never anything before them, and never moves the
                    // log start: a log cut below its start restarts there rather than reuse deleted offsets.
                    assertEquals(start, log.logStartOffset(), where);
                    final int end = (int) log.logEndOffset();
                    // Under 50 bytes cut and every batch is larger: at most the last batch (≤ 5 records) is lost.
                    assertEquals(true, model.size() - end <= (torn ? 5 : 0) || end == start, where + " lost too much");
                    if (end < model.size()) {
                        model.subList(end, model.size()).clear();
                    }
                    while (model.size() < end) {
                        model.add(null);
                    }
                } else {
                    log.close();
                    log = SegmentLog.open(dir, config);
                }
                assertEquals(model.size(), log.logEndOffset(), where);
                log.setHighWatermark(log.logEndOffset());
                if (step % 10 == 0 || op >= 75) {
                    assertEquals(model.subList((int) start, model.size()), Batches.values(Batches.readAll(log)), where);
                }
            }
        } finally {
            log.close();
        }
    }

    /** Cuts a few bytes off the active segment, as a write interrupted by power loss leaves it. */
    private static void tearTail(final SegmentLog log, final Random random) throws IOException {
        final List<Long> bases = log.segmentBaseOffsets();
        final Path file = log.directory().resolve(Segment.fileName(bases.get(bases.size() - 1), Segment.LOG_SUFFIX));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            final long size = ch.size();
            if (size > 0) {
                ch.truncate(size - 1 - random.nextInt((int) Math.min(size, 50)));
                ch.write(ByteBuffer.allocate(0));
            }
        }
    }
}
