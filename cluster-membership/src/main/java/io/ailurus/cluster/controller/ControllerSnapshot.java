package io.ailurus.cluster.controller;

import io.ailurus.actors.serialization.KryoMessage;
import java.util.List;

/**
 * The whole controller state as of {@code appliedOffset} (exclusive end of the applied log), for log compaction;
 * {@code clusterId} is null until the first broker registered.
 */
public record ControllerSnapshot(long appliedOffset, List<TopicAssignment> topics, List<BrokerRegistration> brokers,
        long nextProducerId, String clusterId) implements KryoMessage {
}
