package io.ailurus.tier.manifest;

/**
 * Where a partition's objects live in the bucket: under {@code <topic>/<partition>/}, so that a person finds a topic's
 * data by its name (as in Redpanda's layout). A segment's key is its offset range, which any leader computes alike
 * from the committed log: an upload retried by the next leader overwrites the same object instead of leaving one.
 */
public final class ObjectKeys {

    private static final int DIGITS = 20;
    public static final String MANIFEST_NAME = "manifest.json";

    private ObjectKeys() {
    }

    public static String partitionPrefix(final String topic, final int partition) {
        return topic + "/" + partition + "/";
    }

    public static String topicPrefix(final String topic) {
        return topic + "/";
    }

    public static String manifest(final String topic, final int partition) {
        return partitionPrefix(topic, partition) + MANIFEST_NAME;
    }

    public static String segment(final String topic, final int partition, final long baseOffset, final long lastOffset) {
        return partitionPrefix(topic, partition) + padded(baseOffset) + "-" + padded(lastOffset) + ".log";
    }

    public static String segment(final String topic, final int partition, final RemoteSegment s) {
        return segment(topic, partition, s.baseOffset(), s.lastOffset());
    }

    public static String index(final String topic, final int partition, final RemoteSegment s) {
        return partitionPrefix(topic, partition) + padded(s.baseOffset()) + "-" + padded(s.lastOffset()) + ".index";
    }

    /** The base offset a segment or index key names, or -1 when the key is not one. */
    public static long baseOffsetOf(final String key) {
        final int slash = key.lastIndexOf('/');
        final String name = key.substring(slash + 1);
        if (!(name.endsWith(".log") || name.endsWith(".index")) || name.length() < DIGITS) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, DIGITS));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String padded(final long offset) {
        final String digits = Long.toString(offset);
        return "0".repeat(Math.max(0, DIGITS - digits.length())) + digits;
    }
}
