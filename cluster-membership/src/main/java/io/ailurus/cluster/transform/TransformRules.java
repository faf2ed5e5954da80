package io.ailurus.cluster.transform;

import io.ailurus.cluster.controller.TopicAssignment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Redpanda's rules for a deployment, applied by the controller so every member decides alike: the name, the topics
 * (existing, not internal, not read replicas, 1 to 8 distinct outputs), the environment, no cycle through other
 * transforms, and on a re-deploy the same topics. A refusal says what to change.
 */
public final class TransformRules {

    public static final int MAX_OUTPUT_TOPICS = 8;
    static final int MAX_NAME_BYTES = 128;
    static final int MAX_ENV_VARS = 128;
    static final int MAX_ENV_KEY_BYTES = 128;
    static final int MAX_ENV_VALUE_BYTES = 2048;
    private static final Set<String> NEVER_OUTPUT = Set.of("__consumer_offsets", "__transaction_state", "_schemas");

    private TransformRules() {
    }

    public static void check(final TransformMetadata next, final TransformMetadata existing,
                             final Map<String, TopicAssignment> topics,
                             final Collection<TransformMetadata> transforms) {
        checkName(next.name());
        checkTopic(next.inputTopic(), "input", topics);
        if (next.outputTopics().isEmpty() || next.outputTopics().size() > MAX_OUTPUT_TOPICS) {
            throw new InvalidRequestException("a transform writes to 1 to " + MAX_OUTPUT_TOPICS
                    + " output topics, not " + next.outputTopics().size());
        }
        if (new HashSet<>(next.outputTopics()).size() != next.outputTopics().size()) {
            throw new InvalidRequestException("output topics must be distinct: " + next.outputTopics());
        }
        for (final String out : next.outputTopics()) {
            if (NEVER_OUTPUT.contains(out)) {
                throw new InvalidRequestException("a transform may not write to " + out);
            }
            checkTopic(out, "output", topics);
        }
        if (next.outputTopics().contains(next.inputTopic())) {
            throw new InvalidRequestException("a transform may not write to its own input topic " + next.inputTopic());
        }
        checkEnvironment(next.environment());
        if (existing != null && (!existing.inputTopic().equals(next.inputTopic())
                || !existing.outputTopics().equals(next.outputTopics()))) {
            throw new InvalidRequestException("transform " + next.name() + " reads " + existing.inputTopic()
                    + " and writes " + existing.outputTopics() + "; a re-deploy may change its binary and "
                    + "environment only (delete it to change its topics)");
        }
        checkNoCycle(next, transforms);
    }

    public static void checkName(final String name) {
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES
                || name.chars().anyMatch(Character::isISOControl) || name.contains("/")) {
            throw new InvalidRequestException("a transform name is 1 to " + MAX_NAME_BYTES
                    + " bytes of UTF-8 without control characters or '/'");
        }
    }

    private static void checkTopic(final String name, final String role, final Map<String, TopicAssignment> topics) {
        final TopicAssignment topic = name == null ? null : topics.get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("the " + role + " topic '" + name + "' does not exist");
        }
        if (name.startsWith("__")) {
            throw new InvalidRequestException("the " + role + " topic '" + name + "' is internal");
        }
        if (topic.topic().configs().containsKey("redpanda.remote.readreplica")) {
            throw new InvalidRequestException("the " + role + " topic '" + name + "' is a read replica");
        }
    }

    public static void checkEnvironment(final Map<String, String> env) {
        if (env.size() > MAX_ENV_VARS) {
            throw new InvalidConfigurationException("at most " + MAX_ENV_VARS + " environment variables");
        }
        for (final Map.Entry<String, String> e : env.entrySet()) {
            final String key = e.getKey();
            final String value = e.getValue();
            if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_ENV_KEY_BYTES || key.contains("=")
                    || key.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidConfigurationException("environment variable name '" + key + "' must be 1 to "
                        + MAX_ENV_KEY_BYTES + " bytes without '=' or control characters");
            }
            if (key.startsWith("REDPANDA_")) {
                throw new InvalidConfigurationException("environment variable " + key
                        + ": names starting with REDPANDA_ are set by the broker");
            }
            if (value == null || value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > MAX_ENV_VALUE_BYTES
                    || value.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidConfigurationException("environment variable " + key + " must have a value of 1 to "
                        + MAX_ENV_VALUE_BYTES + " bytes without control characters");
            }
        }
    }

    /** Refuses a deployment whose outputs lead, through other transforms, back to its input. */
    private static void checkNoCycle(final TransformMetadata next, final Collection<TransformMetadata> transforms) {
        final Deque<String> toVisit = new ArrayDeque<>(next.outputTopics());
        final Set<String> seen = new HashSet<>();
        while (!toVisit.isEmpty()) {
            final String topic = toVisit.pop();
            if (topic.equals(next.inputTopic())) {
                throw new InvalidRequestException("deploying " + next.name() + " would make a cycle: its output "
                        + "reaches its input " + next.inputTopic() + " through other transforms");
            }
            if (seen.add(topic)) {
                transforms.stream().filter(t -> !t.name().equals(next.name()) && t.inputTopic().equals(topic))
                        .forEach(t -> toVisit.addAll(t.outputTopics()));
            }
        }
    }
}
