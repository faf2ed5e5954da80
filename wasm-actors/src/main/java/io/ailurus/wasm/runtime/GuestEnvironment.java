package io.ailurus.wasm.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the guest sees of its deployment: {@code argv} is the transform's name; the environment holds the user's
 * variables plus {@code REDPANDA_INPUT_TOPIC} and {@code REDPANDA_OUTPUT_TOPIC_0..n-1}, as Redpanda sets them.
 */
public record GuestEnvironment(String transformName, String inputTopic, List<String> outputTopics,
                               Map<String, String> variables) {

    public GuestEnvironment {
        outputTopics = List.copyOf(outputTopics);
        variables = Map.copyOf(new LinkedHashMap<>(variables));
    }

    /** {@code KEY=VALUE} entries in a stable order: the user's variables, then the topics. */
    public List<String> environ() {
        final List<String> env = new ArrayList<>();
        variables.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> env.add(e.getKey() + "=" + e.getValue()));
        env.add("REDPANDA_INPUT_TOPIC=" + inputTopic);
        for (int i = 0; i < outputTopics.size(); i++) {
            env.add("REDPANDA_OUTPUT_TOPIC_" + i + "=" + outputTopics.get(i));
        }
        return env;
    }

    /** The index of {@code topic} among the outputs, or -1. */
    public int outputIndex(final String topic) {
        return outputTopics.indexOf(topic);
    }
}
