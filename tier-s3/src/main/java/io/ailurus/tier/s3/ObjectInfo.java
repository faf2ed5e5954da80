package io.ailurus.tier.s3;

/** An object found by {@link ObjectStore#list}: its key and size in bytes. */
public record ObjectInfo(String key, long size) {
}
