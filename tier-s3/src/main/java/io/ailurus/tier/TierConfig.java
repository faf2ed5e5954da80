package io.ailurus.tier;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The node's tiered storage settings ({@code ailurus.tiered-storage}; the bucket's are in {@code S3Settings}).
 *
 * @param cacheDir       where remote chunks are cached; empty in the config = {@code <data-dir>/tier-cache}
 * @param uploadInterval a leader rolls its active segment once it is this old, so that quiet partitions upload too
 * @param manifestPollInterval how often a read replica's leader reads the manifest the other cluster writes
 * @param orphanGrace    an object no manifest records is deleted by a new leader only once it is this old: a younger
 *                       one may be a predecessor's upload whose manifest write is still on its way (a paused or
 *                       isolated old leader), or a successor's if this leader is itself stale
 */
public record TierConfig(boolean enabled, Path cacheDir, long cacheMaxBytes, int chunkBytes, Duration uploadInterval,
        Duration manifestPollInterval, Duration orphanGrace) {

    public static TierConfig fromConfig(final Config tieredStorage, final Path dataDir) {
        final String dir = tieredStorage.getString("cache.dir");
        return new TierConfig(
                tieredStorage.getBoolean("enabled"),
                dir.isEmpty() ? dataDir.resolve("tier-cache") : Path.of(dir),
                tieredStorage.getBytes("cache.max-bytes"),
                Math.toIntExact(tieredStorage.getBytes("cache.chunk-bytes")),
                tieredStorage.getDuration("upload-interval"),
                tieredStorage.getDuration("manifest-poll-interval"),
                tieredStorage.getDuration("orphan-grace"));
    }
}
