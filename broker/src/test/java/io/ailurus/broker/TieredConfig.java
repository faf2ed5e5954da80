package io.ailurus.broker;

import java.util.HashMap;
import java.util.Map;

/** Node settings of the tiered-storage tests: tiering on against a test S3 server, quick uploads and retention. */
final class TieredConfig {

    static final String BUCKET = "ailurus";

    private TieredConfig() {
    }

    /** Config overrides for a node whose bucket is at {@code endpoint}; callers may add or replace entries. */
    static Map<String, Object> node(final String endpoint) {
        final Map<String, Object> config = new HashMap<>();
        config.put("ailurus.tiered-storage.enabled", true);
        config.put("ailurus.tiered-storage.s3.endpoint", endpoint);
        config.put("ailurus.tiered-storage.s3.bucket", BUCKET);
        config.put("ailurus.tiered-storage.s3.access-key", "test");
        config.put("ailurus.tiered-storage.s3.secret-key", "test");
        config.put("ailurus.tiered-storage.upload-interval", "2s");
        config.put("ailurus.log.retention-check-interval", "500ms");
        return config;
    }
}
