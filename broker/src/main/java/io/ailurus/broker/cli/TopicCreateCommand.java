package io.ailurus.broker.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ailurus topic create NAME}. */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
final class TopicCreateCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "The topic to create.")
    String name;

    @Option(names = {"-p", "--partitions"}, paramLabel = "N",
            description = "Number of partitions (default: the broker's, 1 unless configured; a topic restored from "
                    + "the bucket or a read replica takes the bucket's count).")
    Integer partitions;

    @Option(names = {"-r", "--replication-factor"}, paramLabel = "N", defaultValue = "1",
            description = "Replicas of each partition (default: ${DEFAULT-VALUE}).")
    int replicationFactor;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
            description = "A topic config, e.g. -c retention.ms=86400000 (repeatable).")
    List<KeyValue> configs = new ArrayList<>();

    @Option(names = "--if-not-exists", description = "Succeed if the topic exists already.")
    boolean ifNotExists;

    @Override
    protected String topic() {
        return name;
    }

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.TOPIC, "CREATE", ResourceType.CLUSTER, "CREATE");
    }

    @Override
    protected int execute() throws Exception {
        require(partitions == null || partitions >= 1, "--partitions must be at least 1");
        require(replicationFactor >= 1 && replicationFactor <= Short.MAX_VALUE,
                "--replication-factor must be between 1 and " + Short.MAX_VALUE);
        final NewTopic topic = new NewTopic(name, java.util.Optional.ofNullable(partitions),
                java.util.Optional.of((short) replicationFactor)).configs(KeyValue.toMap(configs));
        final int created;
        try {
            created = client.withAdmin(admin -> client.await(admin.createTopics(List.of(topic),
                    new CreateTopicsOptions().timeoutMs(client.timeoutMsInt())).numPartitions(name)));
        } catch (Exception e) {
            if (ifNotExists && ErrorMessages.unwrap(e) instanceof TopicExistsException) {
                out().printf("topic '%s' already exists%n", name);
                return 0;
            }
            throw e;
        }
        out().printf("created topic '%s' (%d partition%s, replication factor %d)%n", name, created,
                created == 1 ? "" : "s", replicationFactor);
        return 0;
    }
}
