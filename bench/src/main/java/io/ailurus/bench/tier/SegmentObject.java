package io.ailurus.bench.tier;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A segment object in the bucket. ailurus keeps a partition's segments under {@code <topic>/<partition>/} as
 * {@code <base offset>-<last offset>.log}, both offsets with 20 digits (tier-s3's {@code ObjectKeys}); next to each is
 * its {@code .index}, and the partition's {@code manifest.json}.
 */
record SegmentObject(String key, int partition, long baseOffset, long lastOffset, long sizeBytes) {

    /** The topic's segment objects, by partition and base offset. */
    static List<SegmentObject> of(final S3Http s3, final String topic) throws IOException, InterruptedException {
        final List<SegmentObject> out = new ArrayList<>();
        final String prefix = topic + "/";
        for (final S3Http.S3Object o : s3.list(prefix)) {
            final String rest = o.key().substring(prefix.length());
            final int slash = rest.indexOf('/');
            if (slash <= 0 || !rest.endsWith(".log")) {
                continue;
            }
            final String name = rest.substring(slash + 1, rest.length() - ".log".length());
            final int dash = name.indexOf('-');
            if (dash <= 0) {
                continue;
            }
            try {
                out.add(new SegmentObject(o.key(), Integer.parseInt(rest.substring(0, slash)),
                        Long.parseLong(name.substring(0, dash)), Long.parseLong(name.substring(dash + 1)), o.size()));
            } catch (NumberFormatException notASegment) {
                // some other object
            }
        }
        out.sort(Comparator.comparingInt(SegmentObject::partition).thenComparingLong(SegmentObject::baseOffset));
        return out;
    }

    long records() {
        return lastOffset - baseOffset + 1;
    }
}
