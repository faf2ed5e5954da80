package io.ailurus.bench.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A timeline of a produce run, once a second from a thread of its own: how far the topic's high watermark (what
 * acks=all acknowledged) and the bucket's end (latestTiered) moved, summed over the partitions, in MiB of record
 * values. Shows stalls and whether uploads keep pace, which the run's average hides. Sampling costs two ListOffsets
 * requests a second.
 */
final class ProgressSampler implements AutoCloseable {

    private static final long PERIOD_MS = 1000;

    private final Thread thread;
    private final List<long[]> samples = new ArrayList<>();   // {nanos, hw records, tiered records}, guarded by itself
    private volatile boolean stop;

    ProgressSampler(final String bootstrap, final String topic, final int partitions) {
        thread = new Thread(() -> {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
                long next = System.nanoTime();
                while (!stop) {
                    try {
                        final List<PartitionOffsets> o = PartitionOffsets.of(admin, topic, partitions);
                        final long now = System.nanoTime();
                        synchronized (samples) {
                            samples.add(new long[] {now, o.stream().mapToLong(PartitionOffsets::end).sum(),
                                    o.stream().mapToLong(PartitionOffsets::tieredEnd).sum()});
                        }
                    } catch (Exception e) {
                        // a missed sample shows as a longer interval
                    }
                    next += PERIOD_MS * 1_000_000;
                    final long sleep = (next - System.nanoTime()) / 1_000_000;
                    if (sleep > 0) {
                        Thread.sleep(sleep);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tier-bench-progress-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(10_000);
    }

    /** "acked MiB/s: 50 48 ...; into the bucket MiB/s: 0 30 ..." (per sampling interval, record values). */
    String timeline(final int recordBytes, final boolean tiered) {
        final List<long[]> s;
        synchronized (samples) {
            s = List.copyOf(samples);
        }
        if (s.size() < 2) {
            return "no timeline (fewer than 2 samples)";
        }
        final String acked = rates(s, 1, recordBytes);
        return "acked MiB/s per second: " + acked + (tiered ? "\n      into the bucket MiB/s per second: "
                + rates(s, 2, recordBytes) : "");
    }

    private static String rates(final List<long[]> s, final int field, final int recordBytes) {
        final List<String> out = new ArrayList<>();
        for (int i = 1; i < s.size(); i++) {
            final double seconds = (s.get(i)[0] - s.get(i - 1)[0]) / 1e9;
            final double mib = (s.get(i)[field] - s.get(i - 1)[field]) * (double) recordBytes / (1 << 20);
            out.add(String.format("%.0f", mib / seconds));
        }
        return out.stream().collect(Collectors.joining(" "));
    }
}
