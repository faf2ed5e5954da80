package io.ailurus.bench.tier;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The raw GET baseline: every byte of a topic's segment objects, fetched straight from the S3 server with ranged GETs of
 * the tier cache's chunk size, {@code concurrency} at a time, as fast as the server answers. This is what the broker's
 * remote read does underneath (one ranged GET per cache chunk), without the broker.
 *
 * <p>The chunks are queued partition by partition in turn (chunk 0 of every partition, then chunk 1, ...), and
 * {@code concurrency} threads take the next one as they finish. With one thread per partition (the default) that is
 * one sequential reader per partition, as a consumer of every partition drives the broker.
 */
final class RawGets {

    /** One ranged GET. */
    private record Range(String key, long from, long to) {
    }

    private RawGets() {
    }

    /** Reads {@code objects}; stops early (the result covers what was read) once {@code maxSeconds} have passed. */
    static RawGetResult run(final S3Http s3, final List<SegmentObject> objects, final int chunkBytes,
            final int concurrency, final long s3Pid, final double maxSeconds)
            throws InterruptedException, IOException {
        final List<Range> ranges = interleaved(objects, chunkBytes);
        final AtomicInteger next = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        final AtomicInteger gets = new AtomicInteger();
        final Recorder latencies = new Recorder(3);
        final ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            final Thread t = new Thread(r, "tier-bench-raw-get");
            t.setDaemon(true);
            return t;
        });
        final CpuSample before = CpuSample.now(-1, s3Pid);
        final long start = System.nanoTime();
        final long deadline = start + (long) (maxSeconds * 1e9);
        try {
            final List<Future<Void>> workers = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                workers.add(pool.submit(() -> {
                    int n;
                    while ((n = next.getAndIncrement()) < ranges.size() && System.nanoTime() < deadline) {
                        final Range r = ranges.get(n);
                        final long t0 = System.nanoTime();
                        final byte[] body = s3.getRange(r.key(), r.from(), r.to());
                        latencies.recordValue((System.nanoTime() - t0) / 1_000);
                        bytes.addAndGet(body.length);
                        gets.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (final Future<Void> w : workers) {
                w.get();
            }
        } catch (ExecutionException e) {
            throw new IOException("raw GET failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        final long nanos = System.nanoTime() - start;
        final CpuSample cpu = CpuSample.now(-1, s3Pid).since(before);
        return new RawGetResult(bytes.get(), nanos, gets.get(), concurrency, chunkBytes,
                latencies.getIntervalHistogram(), cpu);
    }

    /**
     * The latency of a ranged GET of one chunk with nothing else in flight: {@code count} GETs, one after the other,
     * of chunks picked at random (seeded) from {@code objects}. The floor under a cold remote fetch, which needs at
     * least one such GET (and the segment's index before it). Microseconds.
     */
    static org.HdrHistogram.Histogram alone(final S3Http s3, final List<SegmentObject> objects, final int chunkBytes,
            final int count, final java.util.Random random) throws IOException, InterruptedException {
        final org.HdrHistogram.Histogram micros = new org.HdrHistogram.Histogram(3);
        final List<Range> ranges = interleaved(objects, chunkBytes);
        for (int i = 0; i < count && !ranges.isEmpty(); i++) {
            final Range r = ranges.get(random.nextInt(ranges.size()));
            final long t0 = System.nanoTime();
            s3.getRange(r.key(), r.from(), r.to());
            micros.recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
        }
        return micros;
    }

    /** Every object's chunks as ranged GETs, partitions taking turns. */
    private static List<Range> interleaved(final List<SegmentObject> objects, final int chunkBytes) {
        final Map<Integer, List<Range>> byPartition = new TreeMap<>();
        for (final SegmentObject o : objects) {
            final List<Range> list = byPartition.computeIfAbsent(o.partition(), p -> new ArrayList<>());
            for (long from = 0; from < o.sizeBytes(); from += chunkBytes) {
                list.add(new Range(o.key(), from, Math.min(o.sizeBytes(), from + chunkBytes)));
            }
        }
        final List<Range> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            boolean any = false;
            for (final List<Range> list : byPartition.values()) {
                if (i < list.size()) {
                    out.add(list.get(i));
                    any = true;
                }
            }
            if (!any) {
                return out;
            }
        }
    }
}
