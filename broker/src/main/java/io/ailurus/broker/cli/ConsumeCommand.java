package io.ailurus.broker.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ailurus consume TOPIC}: prints records without a consumer group (assign and seek, nothing committed).
 * Runs until Ctrl-C, {@code -n} records, or {@code --timeout-ms} without a record.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print the records of a topic (no consumer group; nothing is committed).")
public final class ConsumeCommand extends ClientCommand {

    @Parameters(paramLabel = "TOPIC", description = "The topic to read.")
    String topicName;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    StartPosition start;

    @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Read only partition N (default: all).")
    Integer partition;

    @Option(names = {"-n", "--max-messages"}, paramLabel = "N", description = "Exit after N records.")
    Long maxMessages;

    @Option(names = {"-f", "--format"}, paramLabel = "PATTERN", defaultValue = RecordFormat.DEFAULT,
            converter = RecordFormat.Converter.class,
            description = "Output per record (default: ${DEFAULT-VALUE}): %%k key, %%s value, %%t topic, "
                    + "%%p partition, %%o offset, %%T timestamp, %%h headers, %%K/%%S key/value size, %%%% a %%; "
                    + "escapes \\n \\t \\r \\\\.")
    RecordFormat format;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Exit after MS milliseconds without a record.")
    Long idleMs;

    @Option(names = "--progress", description = "Show a progress line even when stderr is not a terminal.")
    boolean progress;

    @Override
    protected String topic() {
        return topicName;
    }

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.TOPIC, "READ");
    }

    @Override
    protected int execute() throws Exception {
        require(partition == null || partition >= 0, "--partition must not be negative");
        require(maxMessages == null || maxMessages > 0, "--max-messages must be positive");
        require(idleMs == null || idleMs > 0, "--timeout-ms must be positive");
        final KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(client.consumerProperties(StartPosition.autoOffsetReset(start)));
        final CountDownLatch closed = new CountDownLatch(1);
        final Thread onCtrlC = new Thread(() -> {
            consumer.wakeup();
            awaitQuietly(closed);
        }, "ailurus-consume-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            final List<PartitionInfo> infos = consumer.partitionsFor(topicName, client.timeout());
            if (infos == null || infos.isEmpty()) {
                throw new UnknownTopicOrPartitionException("unknown topic " + topicName);
            }
            final List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .filter(tp -> partition == null || tp.partition() == partition).toList();
            if (partitions.isEmpty()) {
                return fail(String.format("topic '%s' has %d partition%s; there is no partition %d", topicName,
                        infos.size(), infos.size() == 1 ? "" : "s", partition));
            }
            consumer.assign(partitions);
            StartPosition.seek(start, consumer, partitions, client.timeout());
            return print(consumer);
        } catch (WakeupException e) {
            return 0;
        } finally {
            consumer.close(CloseOptions.timeout(client.timeout()));
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running.
            }
        }
    }

    private int print(final KafkaConsumer<byte[], byte[]> consumer) throws IOException {
        final Progress progressLine = Progress.create(err(), progress);
        final RecordPrinter printer = new RecordPrinter(format, maxMessages, idleMs, progressLine);
        try {
            printer.run(consumer, new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        } finally {
            err().println(Progress.summary("consumed", printer.count(), printer.bytes(), progressLine.elapsedNs()));
        }
        return 0;
    }

    private static void awaitQuietly(final CountDownLatch latch) {
        try {
            latch.await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
