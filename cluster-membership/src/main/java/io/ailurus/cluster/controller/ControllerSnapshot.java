package io.ailurus.cluster.controller;

import io.ailurus.actors.serialization.KryoMessage;
import java.util.List;

/** The whole controller state as of {@code appliedOffset} (exclusive end of the applied log), for log compaction. */
public record ControllerSnapshot(long appliedOffset, List<TopicAssignment> topics, List<BrokerRegistration> brokers,
        long nextProducerId) implements KryoMessage {
}
