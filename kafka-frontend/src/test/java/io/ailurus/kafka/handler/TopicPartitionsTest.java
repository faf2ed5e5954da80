package io.ailurus.kafka.handler;

import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import java.net.InetAddress;
import io.ailurus.kafka.security.Authorizer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.actors.NodeConfig;
import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.cluster.metadata.TopicStore;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.ClusterView;
import io.ailurus.kafka.RequestContext;
import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of {@link TopicPartitions}; also holds the fixtures the other handler tests share (only *Test files may be
 * added here).
 */
class TopicPartitionsTest {

    static final int NODE_ID = 1;

    @TempDir
    Path dataDir;

    private LocalTopicStore topics;
    private final LocalReplicas replicas = new LocalReplicas();
    private BrokerServices services;

    @BeforeEach
    void setUp() throws Exception {
        topics = LocalTopicStore.open(dataDir);
        services = services(dataDir, topics, replicas);
        topics.create("orders", 2, (short) 1, Map.of(), false).get(10, TimeUnit.SECONDS);
    }

    private static final RequestContext ANYONE = TestContexts.plaintext(
            new RequestHeader(ApiKeys.LIST_OFFSETS, (short) 0, "test-client", 1));

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void unknownTopicOrPartitionIsUnknown() {
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, TopicPartitions.lookup(services, ANYONE, AclOperation.DESCRIBE, "nope", 0).error());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, TopicPartitions.lookup(services, ANYONE, AclOperation.DESCRIBE, "orders", 2).error());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, TopicPartitions.lookup(services, ANYONE, AclOperation.DESCRIBE, "orders", -1).error());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, TopicPartitions.lookup(services, ANYONE, AclOperation.DESCRIBE, null, 0).error());
    }

    @Test
    void aTopicTheClientMayNotDescribeIsRefusedWhetherOrNotItExists() {
        final Authorizer onlyOrders = new Authorizer() {
            @Override
            public boolean authorized(final KafkaPrincipal principal, final InetAddress host,
                    final AclOperation operation, final ResourceType type, final String name) {
                return name.equals("orders") && operation == AclOperation.DESCRIBE;
            }

            @Override
            public boolean authorizedForAny(final KafkaPrincipal principal, final InetAddress host,
                    final AclOperation operation, final ResourceType type) {
                return false;
            }
        };
        final RequestContext restricted = new RequestContext(ANYONE.header(), ANYONE.connection(), onlyOrders);
        assertEquals(Errors.TOPIC_AUTHORIZATION_FAILED,
                TopicPartitions.lookup(services, restricted, AclOperation.DELETE, "orders", 0).error());
        assertEquals(Errors.TOPIC_AUTHORIZATION_FAILED,
                TopicPartitions.lookup(services, restricted, AclOperation.DESCRIBE, "secret", 0).error());
        assertEquals(Errors.TOPIC_AUTHORIZATION_FAILED,
                TopicPartitions.lookup(services, restricted, AclOperation.DESCRIBE, "nope", 0).error());
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER,
                TopicPartitions.lookup(services, restricted, AclOperation.DESCRIBE, "orders", 1).error());
    }

    @Test
    void existingPartitionWithoutRunningReplicaIsNotLeader() {
        final TopicPartitions.Lookup lookup = TopicPartitions.lookup(services, ANYONE, AclOperation.DESCRIBE, "orders", 1);
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, lookup.error());
        assertNull(lookup.replica());
    }

    @Test
    void runningReplicaIsFound() throws Exception {
        final SegmentLog log = openLog(dataDir, new TopicPartition("orders", 0));
        try {
            final ReplicaHandle handle = startReplica(replicas, new TopicPartition("orders", 0), log);
            final TopicPartitions.Lookup lookup = TopicPartitions.lookup(services, ANYONE, AclOperation.DESCRIBE, "orders", 0);
            assertTrue(lookup.found());
            assertSame(handle, lookup.replica());
        } finally {
            log.close();
        }
    }

    @Test
    void leaderEpochFencing() {
        assertEquals(Errors.NONE, TopicPartitions.checkCurrentLeaderEpoch(-1, 3));
        assertEquals(Errors.NONE, TopicPartitions.checkCurrentLeaderEpoch(3, 3));
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH, TopicPartitions.checkCurrentLeaderEpoch(4, 3));
        assertEquals(Errors.FENCED_LEADER_EPOCH, TopicPartitions.checkCurrentLeaderEpoch(2, 3));
    }

    @Test
    void onlyThisNodeAloneIsAValidAssignment() {
        assertNull(TopicPartitions.invalidAssignment(List.of(NODE_ID), NODE_ID));
        assertTrue(TopicPartitions.invalidAssignment(List.of(), NODE_ID).contains("empty replica list"));
        assertTrue(TopicPartitions.invalidAssignment(List.of(NODE_ID, 2), NODE_ID).contains("broker 2"));
        assertTrue(TopicPartitions.invalidAssignment(List.of(NODE_ID, NODE_ID), NODE_ID).contains("more than once"));
    }

    // ------------------------------------------------------------------------------------------ shared fixtures

    static NodeConfig nodeConfig(final Path dataDir) {
        return new NodeConfig(NODE_ID, dataDir, "test-cluster", "127.0.0.1", 9092, "broker.example", 19092,
                100 * 1024 * 1024, 1, 5, true, 3, (short) 1, Duration.ofMinutes(5), 1);
    }

    /** Services without a partition client, id source or timer (tests that need them build their own). */
    static BrokerServices services(final Path dataDir, final TopicStore topics, final LocalReplicas replicas) {
        return new BrokerServices(nodeConfig(dataDir), "test-cluster", "broker.example", 19092, topics, replicas, null,
                null, null, ClusterView.singleNode(NODE_ID, "broker.example", 19092));
    }

    static SegmentLog openLog(final Path dataDir, final TopicPartition tp) throws Exception {
        return SegmentLog.open(PartitionReplica.logDirectory(dataDir, tp), LogConfig.defaults());
    }

    /**
     * Registers a replica handle for a log, as a running replica does (without its actor: enough for handlers that
     * only read the log). The registry and the handle's constructor are package-private to the replica package.
     */
    static ReplicaHandle startReplica(final LocalReplicas replicas, final TopicPartition tp, final SegmentLog log)
            throws Exception {
        return startReplica(replicas, tp, log, null);
    }

    /** The same with an actor standing in for the replica's (for handlers that ask it). */
    static ReplicaHandle startReplica(final LocalReplicas replicas, final TopicPartition tp, final SegmentLog log,
            final ActorRef<io.ailurus.partition.replica.PartitionReplica.Command> actor) throws Exception {
        final Constructor<ReplicaHandle> constructor =
                ReplicaHandle.class.getDeclaredConstructor(TopicPartition.class, SegmentLog.class, ActorRef.class);
        constructor.setAccessible(true);
        final ReplicaHandle handle = constructor.newInstance(tp, log, actor);
        final Method add = LocalReplicas.class.getDeclaredMethod("add", ReplicaHandle.class);
        add.setAccessible(true);
        add.invoke(replicas, handle);
        final Method lead = ReplicaHandle.class.getDeclaredMethod("setLeadership", ReplicaHandle.Leadership.class);
        lead.setAccessible(true);
        lead.invoke(handle, new ReplicaHandle.Leadership(NODE_ID, 0, true));
        // A lone voter's read lease never runs out.
        final Method lease = ReplicaHandle.class.getDeclaredMethod("setReadLeaseUntil", long.class);
        lease.setAccessible(true);
        lease.invoke(handle, Long.MAX_VALUE);
        return handle;
    }

    /** One batch of records with these timestamps, as a producer sends it. */
    static MemoryRecords batch(final long... timestamps) {
        final MemoryRecordsBuilder builder = MemoryRecords.builder(java.nio.ByteBuffer.allocate(1024 + timestamps.length * 64),
                Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < timestamps.length; i++) {
            builder.append(timestamps[i], null, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    /**
     * Sends a request through the wire format at {@code version}, as the frontend decodes it, calls the handler, and
     * decodes its response from the wire at the same version: so a field a version cannot carry fails the test.
     */
    @SuppressWarnings("unchecked")
    static <Q extends AbstractRequest, R extends AbstractResponse> R call(final ApiHandler<Q> handler,
            final ApiMessage requestData, final short version) throws Exception {
        final ApiKeys key = handler.apiKey();
        final ByteBufferAccessor encoded = MessageUtil.toByteBufferAccessor(requestData, version);
        final Q request = (Q) AbstractRequest.parseRequest(key, version, encoded).request;
        final RequestContext context = TestContexts.plaintext(new RequestHeader(key, version, "test-client", 7));
        final AbstractResponse response = handler.handle(context, request).get(10, TimeUnit.SECONDS);
        final ByteBufferAccessor responseBytes = MessageUtil.toByteBufferAccessor(response.data(), version);
        return (R) AbstractResponse.parseResponse(key, responseBytes, version);
    }
}
