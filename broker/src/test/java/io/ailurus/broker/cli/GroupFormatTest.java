package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class GroupFormatTest {

    private static final Node COORDINATOR = new Node(1, "localhost", 9092);

    private static TopicPartition tp(final String topic, final int partition) {
        return new TopicPartition(topic, partition);
    }

    private static MemberDescription member(final String id, final String clientId, final TopicPartition... partitions) {
        return new MemberDescription(id, Optional.empty(), clientId, "/127.0.0.1", new MemberAssignment(Set.of(partitions)));
    }

    private static ConsumerGroupDescription group(final String id, final GroupState state, final String assignor,
            final boolean simple, final List<MemberDescription> members) {
        return new ConsumerGroupDescription(id, simple, members, assignor, GroupType.CLASSIC, state, COORDINATOR,
                Set.of(), Optional.empty(), Optional.empty());
    }

    @Test
    void listIsSortedAndAligned() {
        assertEquals("""
                GROUP         TYPE      STATE
                a             classic   Empty
                billing-long  consumer  Stable
                offsets-only  simple    Empty
                """, GroupFormat.list(List.of(
                new GroupListing("billing-long", Optional.of(GroupType.CONSUMER), "consumer", Optional.of(GroupState.STABLE)),
                new GroupListing("offsets-only", Optional.of(GroupType.CLASSIC), "", Optional.of(GroupState.EMPTY)),
                new GroupListing("a", Optional.of(GroupType.CLASSIC), "consumer", Optional.of(GroupState.EMPTY)))));
    }

    @Test
    void anEmptyListIsJustTheHeader() {
        assertEquals("GROUP  TYPE  STATE\n", GroupFormat.list(List.of()));
    }

    @Test
    void describeShowsEveryAssignedOrCommittedPartitionWithLagAndOwner() {
        final ConsumerGroupDescription g = group("orders-app", GroupState.STABLE, "range", false, List.of(
                member("c-2", "client-b", tp("orders", 1)),
                member("c-1", "client-a", tp("orders", 0), tp("audit", 0)),
                member("c-3", "client-c")));
        final Map<TopicPartition, OffsetAndMetadata> committed = Map.of(
                tp("orders", 0), new OffsetAndMetadata(40),
                tp("audit", 0), new OffsetAndMetadata(7),
                tp("old-topic", 2), new OffsetAndMetadata(5));
        final Map<TopicPartition, Long> logEnd = Map.of(tp("orders", 0), 42L, tp("orders", 1), 10L, tp("audit", 0), 7L);
        assertEquals("""
                Group: orders-app\tState: Stable\tType: classic\tAssignor: range\tMembers: 3\tCoordinator: 1
                TOPIC      PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST        CLIENT-ID
                audit      0          7               7               0    c-1          /127.0.0.1  client-a
                old-topic  2          5               -               -    -            -           -
                orders     0          40              42              2    c-1          /127.0.0.1  client-a
                orders     1          -               10              -    c-2          /127.0.0.1  client-b
                -          -          -               -               -    c-3          /127.0.0.1  client-c
                """, GroupFormat.describe(g, committed, logEnd));
    }

    @Test
    void describeOfAnEmptySimpleGroup() {
        final ConsumerGroupDescription g = group("offsets-only", GroupState.EMPTY, "", true, List.of());
        assertEquals("""
                Group: offsets-only\tState: Empty\tType: simple\tAssignor: -\tMembers: 0\tCoordinator: 1
                TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST  CLIENT-ID
                orders  0          3               9               6    -            -     -
                """, GroupFormat.describe(g, Map.of(tp("orders", 0), new OffsetAndMetadata(3)), Map.of(tp("orders", 0), 9L)));
        assertEquals("""
                Group: offsets-only\tState: Empty\tType: simple\tAssignor: -\tMembers: 0\tCoordinator: 1
                (no members and no committed offsets)
                """, GroupFormat.describe(g, Map.of(), Map.of()));
    }

    @Test
    void resetPlanIsSortedByTopicAndPartition() {
        assertEquals("""
                TOPIC   PARTITION  CURRENT-OFFSET  NEW-OFFSET
                audit   0          -               0
                orders  2          17              5
                orders  10         100             5
                """, GroupFormat.resets(List.of(
                new GroupFormat.Reset(tp("orders", 10), 100L, 5),
                new GroupFormat.Reset(tp("audit", 0), null, 0),
                new GroupFormat.Reset(tp("orders", 2), 17L, 5))));
    }

    @Test
    void tableRejectsARowOfTheWrongWidth() {
        final GroupFormat.Table table = new GroupFormat.Table("A", "B");
        assertThrows(IllegalArgumentException.class, () -> table.row("only-one"));
    }
}
