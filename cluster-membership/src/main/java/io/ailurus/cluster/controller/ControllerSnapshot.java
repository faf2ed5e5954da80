package io.ailurus.cluster.controller;

import io.ailurus.actors.serialization.KryoMessage;
import io.ailurus.cluster.transform.TransformMetadata;
import java.util.List;

/**
 * The whole controller state as of {@code appliedOffset} (exclusive end of the applied log), for log compaction;
 * {@code clusterId} is null until the first broker registered. Transforms came last (a snapshot written before them
 * does not load: delete {@code controller.snapshot} and the node replays the log).
 */
public record ControllerSnapshot(long appliedOffset, List<TopicAssignment> topics, List<BrokerRegistration> brokers,
        long nextProducerId, String clusterId, List<TransformMetadata> transforms) implements KryoMessage {
}
