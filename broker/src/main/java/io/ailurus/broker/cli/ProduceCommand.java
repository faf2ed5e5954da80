package io.ailurus.broker.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ailurus produce TOPIC}: every line of stdin becomes one record. Checks first that the topic (and partition)
 * exists, stops at the first failed send, flushes at the end and prints a summary on stderr.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Send the lines of stdin to a topic, one record per line.")
public final class ProduceCommand extends ClientCommand {

    @Parameters(paramLabel = "TOPIC", description = "The topic to write to.")
    String topicName;

    @Option(names = {"-k", "--key-separator"}, paramLabel = "SEP",
            description = "Text before the first SEP of a line is the key (a line without SEP has no key).")
    String keySeparator;

    @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
            description = "A header added to every record (repeatable).")
    List<KeyValue> headers = new ArrayList<>();

    @Option(names = {"-p", "--partition"}, paramLabel = "N",
            description = "Write every record to partition N (default: the producer's partitioner).")
    Integer partition;

    @Option(names = "--acks", paramLabel = "all|1|0", defaultValue = "all", converter = AcksConverter.class,
            description = "Acknowledgements to wait for (default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = "--compression", paramLabel = "none|gzip|snappy|lz4|zstd", defaultValue = "none",
            converter = CompressionConverter.class, description = "Batch compression (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--progress", description = "Show a progress line on stderr (records, MB/s) while sending.")
    boolean progress;

    @Override
    protected String topic() {
        return topicName;
    }

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.TOPIC, "WRITE", ResourceType.TRANSACTIONAL_ID, "WRITE",
                ResourceType.CLUSTER, "IDEMPOTENT_WRITE");
    }

    @Override
    protected int execute() throws Exception {
        require(keySeparator == null || !keySeparator.isEmpty(), "--key-separator must not be empty");
        require(partition == null || partition >= 0, "--partition must not be negative");
        final int partitions = partitionCount();
        if (partition != null && partition >= partitions) {
            return fail(String.format("topic '%s' has %d partition%s; there is no partition %d", topicName,
                    partitions, partitions == 1 ? "" : "s", partition));
        }
        final List<Header> recordHeaders = new ArrayList<>();
        headers.forEach(h -> recordHeaders.add(new RecordHeader(h.key(), h.value().getBytes(StandardCharsets.UTF_8))));
        return send(recordHeaders);
    }

    /** Asks the broker whether the topic exists (an unknown topic fails here, at once, not after the timeout). */
    private int partitionCount() throws Exception {
        return client.withAdmin(admin -> client.await(admin.describeTopics(List.of(topicName),
                new DescribeTopicsOptions().timeoutMs(client.timeoutMsInt())).topicNameValues().get(topicName)))
                .partitions().size();
    }

    private int send(final List<Header> recordHeaders) throws Exception {
        // Not shown on a terminal without --progress: on Java 17 that means stdin is one too, so a person is typing.
        final Progress progressLine = new Progress(err(), progress, System::nanoTime);
        final KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(client.producerProperties(acks, compression));
        final LineSender sender = new LineSender(producer, topicName, partition, keySeparator, recordHeaders,
                progressLine);
        try {
            sender.sendAll(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16));
        } finally {
            producer.close(client.timeout());
            progressLine.finish();
        }
        err().println(Progress.summary("sent", sender.acked(), sender.ackedBytes(), progressLine.elapsedNs()));
        return sender.failure() == null ? 0 : fail(sender.failure());
    }

    /** Accepts all (or -1), 1 and 0. */
    static final class AcksConverter implements ITypeConverter<String> {
        @Override
        public String convert(final String value) {
            return oneOf(value, Set.of("all", "-1", "1", "0"), "all, 1 or 0");
        }
    }

    /** Accepts the compression codecs kafka-clients knows. */
    static final class CompressionConverter implements ITypeConverter<String> {
        @Override
        public String convert(final String value) {
            return oneOf(value, Set.of("none", "gzip", "snappy", "lz4", "zstd"), "none, gzip, snappy, lz4 or zstd");
        }
    }

    private static String oneOf(final String value, final Set<String> allowed, final String expected) {
        if (!allowed.contains(value)) {
            throw new TypeConversionException("expected " + expected + " but was '" + value + "'");
        }
        return value;
    }
}
