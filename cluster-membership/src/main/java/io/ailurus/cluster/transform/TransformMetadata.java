package io.ailurus.cluster.transform;

import io.ailurus.actors.serialization.KryoMessage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deployed data transform as the controller keeps it: what it reads and writes, its environment, where its binary
 * is stored, where a partition with no committed progress starts, and whether it is paused.
 */
public record TransformMetadata(String name, String inputTopic, List<String> outputTopics,
                                Map<String, String> environment, BinaryRef binary, StartPosition start,
                                boolean paused, long deployedAtMs) implements KryoMessage {

    public TransformMetadata {
        outputTopics = List.copyOf(outputTopics);
        environment = new TreeMap<>(environment);
    }

    /**
     * Where the binary lies: {@code chunks} records from {@code offset} of the binaries topic's partition 0, keyed by
     * {@code id}, {@code size} bytes in all with the given SHA-256.
     */
    public record BinaryRef(String id, long offset, int chunks, int size, String sha256) implements KryoMessage {
    }

    /** Redpanda's offset options: from the start or end of each input partition (± n), or from a timestamp. */
    public record StartPosition(Kind kind, long value) implements KryoMessage {
        public enum Kind { FROM_START, FROM_END, TIMESTAMP }
    }

    public TransformMetadata withEnvironment(final Map<String, String> env) {
        return new TransformMetadata(name, inputTopic, outputTopics, env, binary, start, paused, deployedAtMs);
    }

    public TransformMetadata withPaused(final boolean p) {
        return new TransformMetadata(name, inputTopic, outputTopics, environment, binary, start, p, deployedAtMs);
    }
}
