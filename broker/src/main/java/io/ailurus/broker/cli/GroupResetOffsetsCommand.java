package io.ailurus.broker.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ailurus group reset-offsets GROUP --topic T --to-...}: moves a group's committed offsets. A dry run by
 * default (prints the plan); {@code --execute} commits it, and only for a group without active members, as Kafka's
 * {@code kafka-consumer-groups --reset-offsets} does: a live consumer would overwrite the offsets with its next commit.
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true,
        description = "Move a group's committed offsets. Prints the plan (topic, partition, current, new offset); "
                + "--execute applies it, which only an empty group (no active members) allows.")
final class GroupResetOffsetsCommand extends GroupClientCommand {

    @Parameters(paramLabel = "GROUP", description = "The group whose offsets to reset.")
    String name;

    /** Which partitions: named topics (optionally some partitions) or all the group has offsets for. */
    static final class Scope {
        @Option(names = "--topic", paramLabel = "TOPIC[:P[,P...]]",
                description = "A topic, all its partitions or those listed (repeatable).")
        List<String> topics = new ArrayList<>();

        @Option(names = "--all-topics", description = "Every partition the group has committed offsets for.")
        boolean allTopics;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Scope scope;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ResetTarget target;

    @Option(names = "--execute", description = "Commit the new offsets (without it: a dry run that changes nothing).")
    boolean execute;

    @Override
    protected String group() {
        return name;
    }

    @Override
    protected String topic() {
        return scope != null && scope.topics.size() == 1 ? topicOf(scope.topics.get(0)) : null;
    }

    private static String topicOf(final String spec) {
        final int colon = spec.indexOf(':');
        return colon < 0 ? spec : spec.substring(0, colon);
    }

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.GROUP, "READ", ResourceType.TOPIC, "DESCRIBE");
    }

    @Override
    protected int execute() throws Exception {
        require(target.offset == null || target.offset >= 0, "--to-offset must not be negative");
        final Map<String, List<Integer>> wanted = new LinkedHashMap<>();
        for (final String spec : scope.topics) {
            wanted.put(topicOf(spec), partitionsOf(spec));
        }
        return client.withAdmin(admin -> {
            final GroupState state = state(admin);
            final boolean inactive = state == GroupState.EMPTY || state == GroupState.DEAD;
            if (execute && !inactive) {
                return fail(String.format("cannot reset the offsets of group '%s': it is %s, with active members; "
                        + "stop its consumers first (only an empty group's offsets can be reset)", name, state));
            }
            final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(client.await(
                    admin.listConsumerGroupOffsets(name, new ListConsumerGroupOffsetsOptions()
                            .timeoutMs(client.timeoutMsInt())).partitionsToOffsetAndMetadata()));
            committed.values().removeIf(o -> o == null);
            final Set<TopicPartition> partitions = scope.allTopics ? new LinkedHashSet<>(committed.keySet())
                    : partitions(admin, wanted);
            if (partitions == null) {
                return ClientCommand.FAILED;
            }
            if (partitions.isEmpty()) {
                return fail("group '" + name + "' has no committed offsets to reset");
            }
            final List<GroupFormat.Reset> plan = target.plan(partitions, committed,
                    offsets(admin, partitions, OffsetSpec.earliest()), offsets(admin, partitions, OffsetSpec.latest()),
                    target.byTime() ? offsets(admin, partitions, OffsetSpec.forTimestamp(target.datetime)) : Map.of());
            out().print(GroupFormat.resets(plan));
            out().flush();
            for (final GroupFormat.Reset r : plan) {
                if (target.offset != null && r.target() != target.offset) {
                    err().printf("note: offset %d is outside partition %s's range; it is reset to %d%n", target.offset,
                            r.partition(), r.target());
                }
            }
            if (!execute) {
                err().println(inactive ? "dry run: nothing changed; add --execute to commit these offsets"
                        : "dry run: nothing changed; --execute would be refused while group '" + name + "' is "
                                + state + " (it has active members)");
                err().flush();
                return 0;
            }
            final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            plan.forEach(r -> offsets.put(r.partition(), new OffsetAndMetadata(r.target())));
            client.await(admin.alterConsumerGroupOffsets(name, offsets,
                    new AlterConsumerGroupOffsetsOptions().timeoutMs(client.timeoutMsInt())).all());
            err().printf("reset the offsets of group '%s' on %d partition%s%n", name, plan.size(),
                    plan.size() == 1 ? "" : "s");
            err().flush();
            return 0;
        });
    }

    /** The group's state; Dead when it does not exist (its offsets may then be set, which creates it). */
    private GroupState state(final Admin admin) throws Exception {
        try {
            return client.await(admin.describeConsumerGroups(List.of(name), new DescribeConsumerGroupsOptions()
                    .timeoutMs(client.timeoutMsInt())).describedGroups().get(name)).groupState();
        } catch (Exception e) {
            if (ErrorMessages.unwrap(e) instanceof GroupIdNotFoundException) {
                return GroupState.DEAD;
            }
            throw e;
        }
    }

    private List<Integer> partitionsOf(final String spec) {
        final int colon = spec.indexOf(':');
        if (colon < 0) {
            return null;
        }
        final List<Integer> out = new ArrayList<>();
        for (final String p : spec.substring(colon + 1).split(",")) {
            try {
                out.add(Integer.parseInt(p.trim()));
            } catch (NumberFormatException e) {
                require(false, "expected TOPIC or TOPIC:P[,P...] with partition numbers, but was '" + spec + "'");
            }
            require(out.get(out.size() - 1) >= 0, "partition numbers must not be negative in '" + spec + "'");
        }
        return out;
    }

    /** The partitions named by --topic; null (after reporting it) when one does not exist. */
    private Set<TopicPartition> partitions(final Admin admin, final Map<String, List<Integer>> wanted) throws Exception {
        final Map<String, TopicDescription> topics = client.await(admin.describeTopics(wanted.keySet(),
                new DescribeTopicsOptions().timeoutMs(client.timeoutMsInt())).allTopicNames());
        final Set<TopicPartition> out = new LinkedHashSet<>();
        for (final Map.Entry<String, List<Integer>> e : wanted.entrySet()) {
            final int count = topics.get(e.getKey()).partitions().size();
            if (e.getValue() == null) {
                for (int p = 0; p < count; p++) {
                    out.add(new TopicPartition(e.getKey(), p));
                }
                continue;
            }
            for (final int p : e.getValue()) {
                if (p >= count) {
                    fail(String.format("topic '%s' has %d partition%s; there is no partition %d", e.getKey(), count,
                            count == 1 ? "" : "s", p));
                    return null;
                }
                out.add(new TopicPartition(e.getKey(), p));
            }
        }
        return out;
    }

    private Map<TopicPartition, Long> offsets(final Admin admin, final Set<TopicPartition> partitions,
            final OffsetSpec spec) throws Exception {
        final Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, spec));
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = client.await(admin.listOffsets(query,
                new ListOffsetsOptions().timeoutMs(client.timeoutMsInt())).all());
        final Map<TopicPartition, Long> out = new HashMap<>();
        found.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }
}
