package io.ailurus.broker.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ailurus group describe GROUP...}: the group's state, and per partition its committed offset, log end offset,
 * lag and the member consuming it.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a group's state and, per partition, the committed offset, log end offset, lag and the "
                + "member (consumer id, host, client id) it is assigned to.")
final class GroupDescribeCommand extends GroupClientCommand {

    @Parameters(paramLabel = "GROUP", arity = "1..*", description = "The group(s) to describe.")
    List<String> names;

    @Override
    protected String group() {
        return names.size() == 1 ? names.get(0) : null;
    }

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.GROUP, "DESCRIBE", ResourceType.TOPIC, "DESCRIBE");
    }

    @Override
    protected int execute() throws Exception {
        return client.withAdmin(admin -> {
            int exit = 0;
            boolean first = true;
            for (final String name : names) {
                final String text;
                try {
                    text = describe(admin, name);
                } catch (Exception e) {
                    if (names.size() == 1) {
                        throw e;
                    }
                    final String message = GroupClientCommand.describe(e, name);
                    exit = message != null ? fail(message) : fail(e);
                    continue;
                }
                if (!first) {
                    out().println();
                }
                first = false;
                out().print(text);
                out().flush();
            }
            return exit;
        });
    }

    private String describe(final Admin admin, final String name) throws Exception {
        final ConsumerGroupDescription group = client.await(admin.describeConsumerGroups(List.of(name),
                new DescribeConsumerGroupsOptions().timeoutMs(client.timeoutMsInt())).describedGroups().get(name));
        final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(client.await(admin.listConsumerGroupOffsets(
                name, new ListConsumerGroupOffsetsOptions().timeoutMs(client.timeoutMsInt())).partitionsToOffsetAndMetadata()));
        committed.values().removeIf(o -> o == null);
        final Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
        for (final MemberDescription m : group.members()) {
            partitions.addAll(m.assignment().topicPartitions());
        }
        return GroupFormat.describe(group, committed, logEndOffsets(admin, partitions));
    }

    /** Log end offsets; a partition whose offset cannot be had (its topic deleted, say) is left out. */
    private Map<TopicPartition, Long> logEndOffsets(final Admin admin, final Set<TopicPartition> partitions) throws Exception {
        final Map<TopicPartition, Long> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return out;
        }
        final Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, OffsetSpec.latest()));
        final ListOffsetsResult result = admin.listOffsets(query, new ListOffsetsOptions().timeoutMs(client.timeoutMsInt()));
        for (final TopicPartition tp : partitions) {
            try {
                out.put(tp, client.await(result.partitionResult(tp)).offset());
            } catch (ExecutionException e) {
                // printed as "-"
            }
        }
        return out;
    }
}
