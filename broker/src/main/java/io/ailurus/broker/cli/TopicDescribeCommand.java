package io.ailurus.broker.cli;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ailurus topic describe NAME}: id, partitions with leader, replicas and ISR, and the topic's own configs; for a
 * tiered topic also each partition's local start, bucket start and end, and local bytes.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = {"Show a topic's id, partitions (leader, replicas, in-sync replicas) and configs set on it.",
                "For a topic with remote.storage.enable=true each partition also shows LocalStart (first offset on "
                        + "the leader's disk), RemoteStart and TieredUpTo (first and last offset in the bucket, - when "
                        + "none) and LocalBytes (the leader's replica on disk)."})
final class TopicDescribeCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "The topic to describe.")
    String name;

    @Override
    protected String topic() {
        return name;
    }

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.TOPIC, "DESCRIBE and DESCRIBE_CONFIGS");
    }

    @Override
    protected int execute() throws Exception {
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        final String text = client.withAdmin(admin -> {
            final TopicDescription description = client.await(admin.describeTopics(List.of(name),
                    new DescribeTopicsOptions().timeoutMs(client.timeoutMsInt())).topicNameValues().get(name));
            final Config config = client.await(admin.describeConfigs(List.of(resource),
                    new DescribeConfigsOptions().timeoutMs(client.timeoutMsInt())).values().get(resource));
            final Map<Integer, TieredPartition> tiered = TieredPartitions.tiered(config.entries())
                    ? new TieredPartitions(admin, client).of(description) : Map.of();
            return TopicDescriptionFormat.render(description, config.entries(), tiered);
        });
        out().print(text);
        out().flush();
        return 0;
    }
}
