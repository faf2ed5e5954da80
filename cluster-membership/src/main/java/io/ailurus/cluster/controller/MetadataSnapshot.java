package io.ailurus.cluster.controller;

import io.ailurus.actors.serialization.KryoMessage;
import io.ailurus.cluster.security.AclEntry;
import io.ailurus.cluster.security.StoredScramCredential;
import io.ailurus.cluster.transform.TransformMetadata;
import java.util.List;

/**
 * The whole controller state as of {@code appliedOffset} (exclusive end of the applied log), for log compaction;
 * {@code clusterId} is null until the first broker registered. Snapshots written by older versions
 * ({@link ControllerSnapshot}: before transforms, {@link ControllerStateSnapshot}: before security) are upgraded when
 * loaded.
 */
public record MetadataSnapshot(long appliedOffset, List<TopicAssignment> topics, List<BrokerRegistration> brokers,
        long nextProducerId, String clusterId, List<TransformMetadata> transforms,
        List<StoredScramCredential> scramCredentials, List<AclEntry> acls) implements KryoMessage {

    /** Any stored snapshot format, as the current one. */
    static MetadataSnapshot of(final Object stored) {
        if (stored instanceof ControllerSnapshot v1) {
            return v1.upgraded().upgraded();
        }
        if (stored instanceof ControllerStateSnapshot v2) {
            return v2.upgraded();
        }
        return (MetadataSnapshot) stored;
    }
}
