package io.ailurus.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ailurus transform logs NAME}: what the transform wrote to stdout/stderr, and its errors and restarts. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a transform's log lines (its stdout and stderr, and the broker's notes on it).")
final class TransformLogsCommand extends ClientCommand {

    static final String LOGS_TOPIC = "__ailurus_transform_logs";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted.")
    boolean follow;

    @Override
    protected int execute() throws Exception {
        final TopicPartition tp = new TopicPartition(LOGS_TOPIC, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(client.consumerProperties("earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            if (consumer.partitionsFor(LOGS_TOPIC, Duration.ofMillis(client.timeoutMs)).isEmpty()) {
                out().println("no transform has logged anything yet");
                return 0;
            }
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (follow || consumer.position(tp) < end) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && name.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        final JsonNode e = JSON.readTree(r.value());
                        out().printf("%s %-5s partition %d: %s%n",
                                Instant.ofEpochMilli(e.path("time_ms").asLong()), e.path("level").asText(),
                                e.path("partition").asInt(), e.path("message").asText());
                        out().flush();
                    }
                }
            }
        }
        return 0;
    }
}
