package io.ailurus.tier.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.partition.producer.PartitionTransactions.Aborted;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifest's JSON: segments carry their aborted transactions (version 2); version 1 manifests still read. */
class ManifestCodecTest {

    private static RemoteSegment segment(final long base, final long last, final List<Aborted> aborted) {
        return new RemoteSegment(base, last, 100, 1, 2, 1, List.of(new RemoteSegment.EpochStart(1, base)), aborted);
    }

    @Test
    void abortedTransactionsRoundTripWithTheirSegment() {
        final PartitionManifest m = PartitionManifest.empty("orders", 0)
                .withAppended(segment(0, 99, List.of(new Aborted(7, 10, 20), new Aborted(8, 90, 130))), 1)
                .withAppended(segment(100, 199, List.of(new Aborted(8, 90, 130))), 1)
                .withAppended(segment(200, 299, List.of()), 1);
        final byte[] json = ManifestCodec.encode(m);
        final PartitionManifest decoded = ManifestCodec.decode(json);
        assertEquals(m, decoded);
        assertEquals(PartitionManifest.VERSION, decoded.version());
        assertEquals(List.of(new Aborted(8, 90, 130)), decoded.segmentHolding(150).abortedTransactions());
        final String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"abortedTransactions\"") && text.contains("\"producerId\" : 7"), text);
    }

    @Test
    void aVersion1ManifestHasNoAbortedTransactions() {
        final String v1 = """
                {
                  "version" : 1, "topic" : "orders", "partition" : 0, "term" : 3, "startOffset" : 0,
                  "segments" : [ {
                    "baseOffset" : 0, "lastOffset" : 99, "sizeBytes" : 4096, "baseTimestamp" : 5,
                    "maxTimestamp" : 9, "term" : 3, "epochs" : [ { "epoch" : 3, "startOffset" : 0 } ]
                  } ]
                }""";
        final PartitionManifest m = ManifestCodec.decode(v1.getBytes(StandardCharsets.UTF_8));
        assertEquals(1, m.version());
        assertEquals(100, m.nextOffset());
        assertEquals(List.of(), m.segments().get(0).abortedTransactions());
        assertEquals(List.of(), m.segments().get(0).abortedIn(0, 100));
        // Rewritten by this broker, it becomes the current version.
        assertEquals(PartitionManifest.VERSION, m.withAppended(segment(100, 199, List.of()), 3).version());
    }

    @Test
    void aNewerVersionIsRefused() {
        final byte[] newer = ("{\"version\":" + (PartitionManifest.VERSION + 1)
                + ",\"topic\":\"t\",\"partition\":0,\"term\":1,\"startOffset\":-1,\"segments\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> ManifestCodec.decode(newer));
    }

    @Test
    void aSegmentAnswersTheAbortedTransactionsAReadMeets() {
        final RemoteSegment s = segment(100, 199,
                List.of(new Aborted(1, 50, 105), new Aborted(2, 120, 140), new Aborted(3, 180, 250)));
        assertEquals(List.of(new Aborted(1, 50, 105), new Aborted(2, 120, 140), new Aborted(3, 180, 250)),
                s.abortedIn(100, 300));
        assertEquals(List.of(new Aborted(2, 120, 140), new Aborted(3, 180, 250)), s.abortedIn(106, 300));
        assertEquals(List.of(new Aborted(2, 120, 140)), s.abortedIn(106, 180));
        assertEquals(List.of(), s.abortedIn(141, 180));
    }
}
