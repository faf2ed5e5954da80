package io.ailurus.broker.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/**
 * The text of the {@code ailurus group} commands: space-aligned tables with the column names of Kafka's
 * {@code kafka-consumer-groups}, so the output reads familiar; "-" where there is no value.
 */
final class GroupFormat {

    static final String NONE = "-";

    private static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private GroupFormat() {
    }

    // ------------------------------------------------------------------------------------------------ list

    /** {@code group list}: one line per group, sorted by name. */
    static String list(final Collection<GroupListing> groups) {
        final Table table = new Table("GROUP", "TYPE", "STATE");
        groups.stream().sorted(Comparator.comparing(GroupListing::groupId)).forEach(g -> table.row(
                g.groupId(),
                type(g),
                g.groupState().map(GroupState::toString).orElse(NONE)));
        return table.render();
    }

    /** classic or consumer (the KIP-848 protocol); simple for a group that only stores offsets (no members ever). */
    static String type(final GroupListing g) {
        if (g.isSimpleConsumerGroup()) {
            return "simple";
        }
        return g.type().map(t -> t.toString().toLowerCase(Locale.ROOT)).orElse(NONE);
    }

    // ------------------------------------------------------------------------------------------------ describe

    /**
     * {@code group describe}: a line about the group, then one line per partition the group is assigned or has
     * committed offsets for (members without partitions get a line too).
     *
     * @param committed the group's committed offsets
     * @param logEnd    log end offsets of the partitions; a partition missing here prints "-"
     */
    static String describe(final ConsumerGroupDescription group, final Map<TopicPartition, OffsetAndMetadata> committed,
            final Map<TopicPartition, Long> logEnd) {
        final StringBuilder out = new StringBuilder();
        out.append("Group: ").append(group.groupId())
                .append("\tState: ").append(group.groupState())
                .append("\tType: ").append(group.isSimpleConsumerGroup() ? "simple"
                        : group.type().toString().toLowerCase(Locale.ROOT))
                .append("\tAssignor: ").append(orNone(group.partitionAssignor()))
                .append("\tMembers: ").append(group.members().size())
                .append("\tCoordinator: ").append(coordinator(group.coordinator()))
                .append('\n');
        final Table table = new Table("TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID",
                "HOST", "CLIENT-ID");
        final Map<TopicPartition, MemberDescription> owners = new TreeMap<>(BY_TOPIC_AND_PARTITION);
        final List<MemberDescription> idle = new ArrayList<>();
        for (final MemberDescription m : group.members()) {
            final Set<TopicPartition> assigned = m.assignment().topicPartitions();
            if (assigned.isEmpty()) {
                idle.add(m);
            }
            assigned.forEach(tp -> owners.put(tp, m));
        }
        final TreeMap<TopicPartition, Boolean> partitions = new TreeMap<>(BY_TOPIC_AND_PARTITION);
        owners.keySet().forEach(tp -> partitions.put(tp, true));
        committed.forEach((tp, o) -> {
            if (o != null) {
                partitions.put(tp, true);
            }
        });
        for (final TopicPartition tp : partitions.keySet()) {
            final OffsetAndMetadata o = committed.get(tp);
            final Long current = o == null ? null : o.offset();
            final Long end = logEnd.get(tp);
            final MemberDescription m = owners.get(tp);
            table.row(tp.topic(), Integer.toString(tp.partition()), number(current), number(end),
                    current == null || end == null ? NONE : Long.toString(end - current),
                    m == null ? NONE : m.consumerId(), m == null ? NONE : orNone(m.host()),
                    m == null ? NONE : orNone(m.clientId()));
        }
        idle.stream().sorted(Comparator.comparing(MemberDescription::consumerId)).forEach(m -> table.row(
                NONE, NONE, NONE, NONE, NONE, m.consumerId(), orNone(m.host()), orNone(m.clientId())));
        if (table.isEmpty()) {
            out.append("(no members and no committed offsets)\n");
        } else {
            out.append(table.render());
        }
        return out.toString();
    }

    // ------------------------------------------------------------------------------------------------ reset-offsets

    /** One partition of a reset: the committed offset (null if none) and the one it is reset to. */
    record Reset(TopicPartition partition, Long current, long target) {
    }

    /** {@code group reset-offsets}: the plan, one line per partition. */
    static String resets(final Collection<Reset> resets) {
        final Table table = new Table("TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET");
        resets.stream().sorted(Comparator.comparing(Reset::partition, BY_TOPIC_AND_PARTITION)).forEach(r -> table.row(
                r.partition().topic(), Integer.toString(r.partition().partition()), number(r.current()),
                Long.toString(r.target())));
        return table.render();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String number(final Long n) {
        return n == null || n < 0 ? NONE : Long.toString(n);
    }

    private static String orNone(final String s) {
        return s == null || s.isEmpty() ? NONE : s;
    }

    private static String coordinator(final Node node) {
        return node == null || node.isEmpty() ? NONE : Integer.toString(node.id());
    }

    /** Left-aligned columns separated by two spaces; no trailing blanks. */
    static final class Table {

        private final List<String[]> rows = new ArrayList<>();
        private final int columns;

        Table(final String... header) {
            columns = header.length;
            rows.add(header);
        }

        void row(final String... cells) {
            if (cells.length != columns) {
                throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
            }
            rows.add(cells);
        }

        boolean isEmpty() {
            return rows.size() == 1;
        }

        String render() {
            final int[] widths = new int[columns];
            for (final String[] row : rows) {
                for (int i = 0; i < columns; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            final StringBuilder out = new StringBuilder();
            for (final String[] row : rows) {
                final StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(row[i]);
                    if (i < columns - 1) {
                        line.append(" ".repeat(widths[i] - row[i].length() + 2));
                    }
                }
                out.append(line.toString().stripTrailing()).append('\n');
            }
            return out.toString();
        }
    }
}
