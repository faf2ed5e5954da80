package io.ailurus.tier.s3;

import java.time.Instant;

/** An object found by {@link ObjectStore#list}: its key, size in bytes and when it was last written (server time). */
public record ObjectInfo(String key, long size, Instant lastModified) {
}
