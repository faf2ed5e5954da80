package io.ailurus.tier.manifest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Manifests as JSON, readable by a person browsing the bucket. */
public final class ManifestCodec {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ManifestCodec() {
    }

    public static byte[] encode(final PartitionManifest manifest) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException when the bytes are not a manifest this version understands */
    public static PartitionManifest decode(final byte[] json) {
        final PartitionManifest manifest;
        try {
            manifest = JSON.readValue(json, PartitionManifest.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a partition manifest: " + e.getMessage(), e);
        }
        if (manifest.version() > PartitionManifest.VERSION) {
            throw new IllegalArgumentException("manifest version " + manifest.version() + " is newer than this broker's "
                    + PartitionManifest.VERSION);
        }
        return manifest;
    }
}
