package io.ailurus.chaos.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.tier.manifest.ManifestCodec;
import io.ailurus.tier.manifest.ObjectKeys;
import io.ailurus.tier.manifest.PartitionManifest;
import io.ailurus.tier.manifest.RemoteSegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BucketCheckTest {

    @TempDir
    Path bucket;

    @Test
    void reportsOrphansAndMissingObjects() throws Exception {
        final RemoteSegment a = new RemoteSegment(0, 9, 100, 0, 0, 1, List.of(new RemoteSegment.EpochStart(1, 0)));
        final RemoteSegment b = new RemoteSegment(10, 19, 100, 0, 0, 1, List.of(new RemoteSegment.EpochStart(1, 10)));
        final PartitionManifest manifest = new PartitionManifest(PartitionManifest.VERSION, "t", 0, 1, 0, List.of(a, b));
        final List<String> keys = new ArrayList<>(List.of(ObjectKeys.manifest("t", 0), ObjectKeys.segment("t", 0, a),
                ObjectKeys.index("t", 0, a), ObjectKeys.index("t", 0, b),          // b's segment object is missing
                ObjectKeys.segment("t", 0, 20, 29)));                               // an upload no manifest records
        for (final String k : keys) {
            final Path f = bucket.resolve(k);
            Files.createDirectories(f.getParent());
            Files.write(f, k.endsWith("manifest.json") ? ManifestCodec.encode(manifest) : new byte[1]);
        }
        final List<String> problems = new ArrayList<>();
        final List<String> lines = BucketCheck.check(bucket, keys, "t", 2, problems);

        assertEquals(2, lines.size());
        assertTrue(lines.get(0).contains("offsets 0..19 in 2 segments") && lines.get(0).contains("1 recorded object(s) MISSING")
                && lines.get(0).contains("1 object(s) no manifest records"), lines.get(0));
        assertEquals("p1: no manifest in the bucket", lines.get(1));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains(ObjectKeys.segment("t", 0, b)), problems.toString());
    }
}
