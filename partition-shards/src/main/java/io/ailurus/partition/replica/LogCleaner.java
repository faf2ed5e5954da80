package io.ailurus.partition.replica;

import com.typesafe.config.Config;
import io.ailurus.partition.log.LogCompactor;
import io.ailurus.partition.log.SegmentLog;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's log cleaner: one background thread that goes over the compacted partitions running here (leaders and
 * followers alike, each compacts its own copy) and compacts those that are due with a {@link LogCompactor}, paced to
 * a byte rate so it never starves the writers. A pass that fails is logged and retried in the next round.
 */
public final class LogCleaner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    /** The {@code ailurus.log-cleaner} settings. */
    public record Settings(boolean enabled, long backoffMs, long maxBytesPerSecond, int maxKeys) {
        public static Settings from(final Config root) {
            final Config c = root.getConfig("ailurus.log-cleaner");
            return new Settings(c.getBoolean("enabled"), c.getDuration("backoff").toMillis(),
                    c.getBytes("max-bytes-per-second"), c.getInt("max-keys"));
        }
    }

    private final LocalReplicas replicas;
    private final Settings settings;
    private final LogCompactor compactor;
    private final Map<SegmentLog, Long> cleanedUpTo = new WeakHashMap<>();   // the cleaner thread's only
    private final Thread thread;
    private volatile boolean running = true;
    private long paceStartNs;
    private long pacedBytes;

    public LogCleaner(final LocalReplicas replicas, final Settings settings) {
        this.replicas = replicas;
        this.settings = settings;
        this.compactor = new LogCompactor(settings.maxKeys(), this::pace);
        this.thread = new Thread(this::run, "ailurus-log-cleaner");
        thread.setDaemon(true);
        thread.setPriority(Thread.NORM_PRIORITY - 1);
    }

    public LogCleaner start() {
        if (settings.enabled()) {
            thread.start();
        }
        return this;
    }

    private void run() {
        while (running) {
            for (final ReplicaHandle replica : replicas.all()) {
                if (!running) {
                    return;
                }
                final SegmentLog log = replica.log();
                if (log.config().cleanupPolicy().compacts()) {
                    cleanOne(replica, log);
                }
            }
            try {
                Thread.sleep(settings.backoffMs());   // a background thread resting between rounds
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void cleanOne(final ReplicaHandle replica, final SegmentLog log) {
        paceStartNs = System.nanoTime();
        pacedBytes = 0;
        try {
            final Optional<LogCompactor.Result> done = compactor.compact(log,
                    cleanedUpTo.getOrDefault(log, log.logStartOffset()), System.currentTimeMillis());
            done.ifPresent(r -> {
                cleanedUpTo.put(log, r.cleanedUpTo());
                if (r.segmentsRewritten() > 0) {
                    LOG.info("Compacted {} up to offset {}: {} segment(s) rewritten, {} record(s) dropped, {} -> {} bytes",
                            replica.topicPartition(), r.cleanedUpTo(), r.segmentsRewritten(), r.recordsDropped(),
                            r.bytesBefore(), r.bytesAfter());
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } catch (IOException | KafkaStorageException | IllegalStateException e) {
            LOG.warn("Compacting {} failed, will retry: {}", replica.topicPartition(), e.toString());
        }
    }

    /** Sleeps as long as needed to keep this pass under the configured byte rate. */
    private void pace(final int bytes) throws InterruptedException {
        pacedBytes += bytes;
        final long dueNs = (long) (pacedBytes * 1e9 / settings.maxBytesPerSecond());
        final long aheadNs = dueNs - (System.nanoTime() - paceStartNs);
        if (aheadNs > 0) {
            TimeUnit.NANOSECONDS.sleep(aheadNs);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
