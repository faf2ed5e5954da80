package io.ailurus.broker.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.DescribeProducersOptions;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ailurus txn describe-producers --topic T [--partition P]}: the producers the partition leaders remember. */
@Command(name = "describe-producers", mixinStandardHelpOptions = true,
        description = "Show the idempotent and transactional producers that wrote to a topic's partitions: producer "
                + "id and epoch, last sequence and timestamp, and where an open transaction started.")
final class TxnDescribeProducersCommand extends TxnClientCommand {

    @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "The topic.")
    String topicName;

    @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Only this partition (default: all).")
    Integer partition;

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
        return client.withAdmin(admin -> {
            // Asked first so that an unknown topic or partition fails with its own message, at once.
            final int count = client.await(admin.describeTopics(List.of(topicName),
                    new DescribeTopicsOptions().timeoutMs(client.timeoutMsInt())).topicNameValues().get(topicName))
                    .partitions().size();
            if (partition != null && partition >= count) {
                return fail(String.format("topic '%s' has %d partition%s; there is no partition %d", topicName,
                        count, count == 1 ? "" : "s", partition));
            }
            final List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                if (partition == null || partition == p) {
                    partitions.add(new TopicPartition(topicName, p));
                }
            }
            final Map<TopicPartition, PartitionProducerState> states = client.await(admin.describeProducers(partitions,
                    new DescribeProducersOptions().timeoutMs(client.timeoutMsInt())).all());
            out().print(TxnFormat.producers(states));
            out().flush();
            return 0;
        });
    }
}
