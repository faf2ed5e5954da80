package io.ailurus.cluster.controller;

import io.ailurus.actors.serialization.KryoMessage;
import io.ailurus.cluster.transform.TransformMetadata;
import java.util.List;

/**
 * The snapshot format written before users and ACLs existed ({@link MetadataSnapshot} without them). Kept only so
 * that a {@code controller.snapshot} written by an older version still loads; never written.
 */
public record ControllerStateSnapshot(long appliedOffset, List<TopicAssignment> topics,
        List<BrokerRegistration> brokers, long nextProducerId, String clusterId, List<TransformMetadata> transforms)
        implements KryoMessage {

    MetadataSnapshot upgraded() {
        return new MetadataSnapshot(appliedOffset, topics, brokers, nextProducerId, clusterId, transforms, List.of(),
                List.of());
    }
}
