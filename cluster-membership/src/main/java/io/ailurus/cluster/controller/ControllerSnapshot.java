package io.ailurus.cluster.controller;

import io.ailurus.actors.serialization.KryoMessage;
import java.util.List;

/**
 * The snapshot format written before data transforms existed ({@link ControllerStateSnapshot} without transforms).
 * Kept only so that a {@code controller.snapshot} written by an older version still loads; never written.
 */
public record ControllerSnapshot(long appliedOffset, List<TopicAssignment> topics, List<BrokerRegistration> brokers,
        long nextProducerId, String clusterId) implements KryoMessage {

    ControllerStateSnapshot upgraded() {
        return new ControllerStateSnapshot(appliedOffset, topics, brokers, nextProducerId, clusterId, List.of());
    }
}
