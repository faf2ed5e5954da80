package io.ailurus.cluster.controller;

import io.ailurus.actors.serialization.KryoMessage;
import io.ailurus.cluster.transform.TransformMetadata;
import java.util.List;

/**
 * The whole controller state as of {@code appliedOffset} (exclusive end of the applied log), for log compaction;
 * {@code clusterId} is null until the first broker registered. (Snapshots written before transforms existed are
 * {@link ControllerSnapshot}s and are upgraded when loaded.)
 */
public record ControllerStateSnapshot(long appliedOffset, List<TopicAssignment> topics,
        List<BrokerRegistration> brokers, long nextProducerId, String clusterId, List<TransformMetadata> transforms)
        implements KryoMessage {
}
