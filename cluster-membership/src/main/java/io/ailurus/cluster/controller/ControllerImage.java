package io.ailurus.cluster.controller;

import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.cluster.security.AclEntry;
import io.ailurus.cluster.security.StoredScramCredential;
import io.ailurus.cluster.transform.TransformMetadata;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * An immutable copy of the controller state as of {@code appliedOffset}, published after each applied run of commands
 * so any thread can read topics, placements and brokers without locks.
 */
public record ControllerImage(long appliedOffset, Map<String, TopicAssignment> topics, Map<Uuid, TopicAssignment> byId,
        Map<Integer, BrokerRegistration> brokers, String clusterId, Map<String, TransformMetadata> transforms,
        List<StoredScramCredential> scramCredentials, List<AclEntry> acls) {

    public static final ControllerImage EMPTY = new ControllerImage(0, Map.of(), Map.of(), Map.of(), null, Map.of(),
            List.of(), List.of());

    static ControllerImage of(final ControllerState state) {
        final Map<String, TopicAssignment> topics = new TreeMap<>();
        state.topics().forEach(t -> topics.put(t.topic().name(), t));
        return new ControllerImage(state.appliedOffset(), Map.copyOf(topics),
                topics.values().stream().collect(Collectors.toUnmodifiableMap(t -> t.topic().id(), Function.identity())),
                state.brokers().stream().collect(Collectors.toUnmodifiableMap(BrokerRegistration::nodeId, Function.identity())),
                state.clusterId(),
                state.transforms().stream().collect(Collectors.toUnmodifiableMap(TransformMetadata::name,
                        Function.identity())),
                state.scramCredentials().all(), List.copyOf(state.acls()));
    }

    public Optional<TopicAssignment> topic(final String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public Optional<StoredScramCredential> scramCredential(final String user, final String mechanism) {
        for (final StoredScramCredential c : scramCredentials) {
            if (c.user().equals(user) && c.mechanism().equals(mechanism)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public Collection<TopicMetadata> topicMetadata() {
        return topics.values().stream().map(TopicAssignment::topic).toList();
    }
}
