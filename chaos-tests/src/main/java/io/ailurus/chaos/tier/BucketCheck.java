package io.ailurus.chaos.tier;

import io.ailurus.tier.manifest.ManifestCodec;
import io.ailurus.tier.manifest.ObjectKeys;
import io.ailurus.tier.manifest.PartitionManifest;
import io.ailurus.tier.manifest.RemoteSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Looks at a copy of the bucket ({@link S3UnderTest#snapshotTo}) after a run: per partition, the manifest (its
 * segments are contiguous or it does not decode), whether every object it records is there (a missing one is data
 * the bucket lost), and the objects it does not record (orphans: an upload whose manifest write failed, which the
 * next leader should delete).
 */
public final class BucketCheck {

    private BucketCheck() {
    }

    /** One line per partition; what is wrong (a recorded object missing, a manifest that does not decode) also in problems. */
    public static List<String> check(final Path snapshot, final List<String> keys, final String topic,
            final int partitions, final List<String> problems) {
        final Set<String> present = new HashSet<>(keys);
        final List<String> lines = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            final String manifestKey = ObjectKeys.manifest(topic, p);
            if (!present.contains(manifestKey)) {
                lines.add("p" + p + ": no manifest in the bucket");
                continue;
            }
            final PartitionManifest manifest;
            try {
                manifest = ManifestCodec.decode(Files.readAllBytes(snapshot.resolve(manifestKey)));
            } catch (IOException | RuntimeException e) {
                problems.add("p" + p + ": the bucket's manifest does not decode: " + e);
                continue;
            }
            final Set<String> recorded = new HashSet<>();
            for (final RemoteSegment s : manifest.segments()) {
                recorded.add(ObjectKeys.segment(topic, p, s));
                recorded.add(ObjectKeys.index(topic, p, s));
            }
            final List<String> missing = recorded.stream().filter(k -> !present.contains(k)).sorted().toList();
            final String prefix = ObjectKeys.partitionPrefix(topic, p);
            final List<String> orphans = keys.stream().filter(k -> k.startsWith(prefix))
                    .filter(k -> ObjectKeys.baseOffsetOf(k) >= 0 && !recorded.contains(k)).sorted().toList();
            if (!missing.isEmpty()) {
                problems.add("p" + p + ": the manifest records " + missing.size() + " object(s) the bucket lacks: "
                        + missing.subList(0, Math.min(5, missing.size())));
            }
            lines.add(String.format("p%d: manifest term %d, offsets %d..%d in %d segments (contiguous), %s; %d object(s) "
                            + "no manifest records%s", p, manifest.term(), manifest.startOffset(), manifest.lastOffset(),
                    manifest.segments().size(), missing.isEmpty() ? "every recorded object present"
                            : missing.size() + " recorded object(s) MISSING", orphans.size(),
                    orphans.isEmpty() ? "" : " (orphans of uploads whose manifest write failed: "
                            + orphans.subList(0, Math.min(4, orphans.size())) + (orphans.size() > 4 ? ", …" : "") + ")"));
        }
        return lines;
    }
}
