package io.ailurus.broker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ailurus.cluster.admin.AdminState;
import io.ailurus.cluster.membership.ClusterConfig;
import io.ailurus.cluster.membership.NodeDirectory;
import io.ailurus.cluster.membership.NodeInfo;
import io.ailurus.cluster.membership.NodeRegistry;
import io.ailurus.actors.Asks;
import io.ailurus.actors.NodeConfig;
import io.ailurus.cluster.metadata.LocalTopicStore;
import io.ailurus.cluster.metadata.TopicConfigs;
import io.ailurus.cluster.metadata.TopicListener;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.RequestDispatcher;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupSettings;
import io.ailurus.kafka.network.KafkaListener;
import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.producer.FileProducerIdSource;
import io.ailurus.partition.replica.GroupCommitFlusher;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.PartitionClient;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.ReplicaEnvironment;
import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.partition.replica.ReplicaShards;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ailurus node: the topic table, a single-node Pekko Cluster with Cluster Sharding hosting one
 * {@link PartitionReplica} entity per partition, the group-commit fsync thread and the Kafka listener.
 *
 * <p>Start order: data directory → topic table → actor system (self-join) → sharding → every known partition started
 * eagerly → Kafka listener. Stop order is the reverse, so that no request arrives for a closing partition, and every
 * log is closed cleanly (flushed, indexes written) before the process exits.
 */
public final class Node implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final LocalTopicStore topics;
    private final ActorSystem<Void> system;
    private final ClusterSharding sharding;
    private final GroupCommitFlusher flusher;
    private final LocalReplicas replicas;
    private final ScheduledExecutorService timer;
    private final KafkaListener listener;
    private final BrokerServices services;
    private final GroupCoordinator groups;
    private boolean closed;

    private Node(final NodeConfig config, final LocalTopicStore topics, final ActorSystem<Void> system,
            final GroupCommitFlusher flusher, final LocalReplicas replicas, final ScheduledExecutorService timer,
            final KafkaListener listener, final BrokerServices services, final GroupCoordinator groups) {
        this.config = config;
        this.topics = topics;
        this.system = system;
        this.sharding = ClusterSharding.get(system);
        this.flusher = flusher;
        this.replicas = replicas;
        this.timer = timer;
        this.listener = listener;
        this.services = services;
        this.groups = groups;
    }

    /** Starts a node with {@code rootConfig} (Typesafe Config: the {@code ailurus} and {@code pekko} blocks). */
    public static Node start(final Config rootConfig) throws IOException {
        final NodeConfig config = NodeConfig.from(rootConfig);
        java.nio.file.Files.createDirectories(config.dataDir());
        final String clusterId = ClusterIdentity.load(config.dataDir(), config.nodeId(), config.clusterId());
        final LocalTopicStore topics = LocalTopicStore.open(config.dataDir());
        final GroupCommitFlusher flusher = new GroupCommitFlusher(config.fsyncThreads());
        final LocalReplicas replicas = new LocalReplicas();
        final ClusterConfig clusterConfig = ClusterConfig.from(rootConfig);
        final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ailurus",
                withManagementEndpoint(rootConfig, clusterConfig));
        final Cluster cluster = Cluster.get(system);
        joinCluster(system, cluster, clusterConfig);

        final ReplicaEnvironment env = new ReplicaEnvironment(config.dataDir(), flusher, replicas,
                Node.logConfigLookup(topics), config.retentionCheckInterval());
        ReplicaShards.pinToSelf(system, config.nodeId(), cluster.selfMember().address());
        ClusterSharding.get(system).init(ReplicaShards.entity(system,
                        ctx -> PartitionReplica.create(ctx.getEntityId(), env))
                .withEntityProps(DispatcherSelector.fromConfig(PartitionReplica.DISPATCHER))
                .withStopMessage(PartitionReplica.Stop.INSTANCE));

        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "ailurus-timer");
            t.setDaemon(true);
            return t;
        });
        final KafkaListener listener = KafkaListener.bind(new InetSocketAddress(config.kafkaHost(), config.kafkaPort()));
        final int advertisedPort = config.advertisedPort() == 0 ? listener.boundPort() : config.advertisedPort();
        final BrokerServices services = new BrokerServices(config, clusterId, config.advertisedHost(), advertisedPort,
                topics, replicas, new PartitionClient(),
                new FileProducerIdSource(config.dataDir().resolve("producer-ids")), timer);
        final GroupCoordinator groups = new GroupCoordinator(system, services, GroupSettings.from(rootConfig));
        replicas.addListener(groups);
        ensureOffsetsTopic(topics, groups);
        final Node node = new Node(config, topics, system, flusher, replicas, timer, listener, services, groups);
        final int adminPort = startAdmin(system, clusterConfig);
        final NodeDirectory directory = new NodeDirectory();
        system.systemActorOf(NodeRegistry.create(new NodeInfo(config.nodeId(), clusterConfig.rack(),
                config.advertisedHost(), advertisedPort, clusterConfig.aeronHost(), clusterConfig.aeronPort(),
                clusterConfig.adminHost(), adminPort, cluster.selfMember().address().toString()), directory),
                "node-registry", Props.empty());
        AdminState.ID.get(system).install(directory, new LocalAdminView(config.nodeId(), topics, replicas,
                node::allPartitionsRunning));
        topics.addListener(node.new PartitionLifecycle());
        for (final TopicMetadata topic : topics.topics()) {
            node.startPartitions(topic, 0);
        }
        final RequestDispatcher[] dispatcher = new RequestDispatcher[1];
        final List<ApiHandler<?>> handlers = Handlers.all(services, groups, () -> dispatcher[0].advertisedVersions());
        dispatcher[0] = new RequestDispatcher(handlers);
        listener.start(config.networkThreads(), config.maxRequestBytes(), config.maxInFlightPerConnection(), dispatcher[0]);
        LOG.info("ailurus node {} serving the Kafka API on {}:{} (advertised {}:{}), cluster {}, data dir {}, {} topic(s)",
                config.nodeId(), config.kafkaHost(), listener.boundPort(), config.advertisedHost(), advertisedPort,
                clusterId, config.dataDir().toAbsolutePath().normalize(), topics.topics().size());
        return node;
    }

    /** Pekko Management listens where {@code ailurus.cluster.admin} says (one place for every node endpoint). */
    private static Config withManagementEndpoint(final Config root, final ClusterConfig cluster) {
        return ConfigFactory.parseMap(Map.of(
                        "pekko.management.http.hostname", cluster.adminHost(),
                        "pekko.management.http.port", cluster.adminPort()))
                .withFallback(root);
    }

    /** Joins the configured seed nodes, or with none forms a cluster of this node alone. */
    private static void joinCluster(final ActorSystem<Void> system, final Cluster cluster, final ClusterConfig config) {
        if (config.seeds().isEmpty()) {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
            return;
        }
        final List<Address> seeds = config.seedAddresses(system.name()).stream().map(AddressFromURIString::parse).toList();
        cluster.manager().tell(new JoinSeedNodes(seeds));
        LOG.info("Joining the cluster through seed nodes {}", seeds);
    }

    /** Starts the admin HTTP endpoint; returns its bound port. */
    private static int startAdmin(final ActorSystem<Void> system, final ClusterConfig config) {
        try {
            final Uri uri = PekkoManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            LOG.info("Admin API on {}", uri);
            return uri.port();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the admin HTTP endpoint on " + config.adminHost() + ":"
                    + config.adminPort() + ": " + e.getMessage(), e);
        }
    }

    /** Creates {@code __consumer_offsets} on first start; its partition count is fixed from then on. */
    private static void ensureOffsetsTopic(final LocalTopicStore topics, final GroupCoordinator groups) {
        final Optional<TopicMetadata> existing = topics.topic(GroupCoordinator.OFFSETS_TOPIC);
        if (existing.isEmpty()) {
            topics.create(GroupCoordinator.OFFSETS_TOPIC, groups.settings().offsetsTopicPartitions(), (short) 1,
                    GroupCoordinator.offsetsTopicConfigs(), false).join();
        } else if (existing.get().partitions() != groups.settings().offsetsTopicPartitions()) {
            throw new IllegalStateException(GroupCoordinator.OFFSETS_TOPIC + " has " + existing.get().partitions()
                    + " partitions but ailurus.groups.offsets-topic-partitions is "
                    + groups.settings().offsetsTopicPartitions() + ": it cannot change once created");
        }
    }

    private static java.util.function.Function<String, Optional<LogConfig>> logConfigLookup(final LocalTopicStore topics) {
        return name -> topics.topic(name).map(t -> TopicConfigs.toLogConfig(t.configs()));
    }

    public int kafkaPort() {
        return listener.boundPort();
    }

    public BrokerServices services() {
        return services;
    }

    /**
     * Blocks until every partition of every known topic has its replica running and every group coordinator has
     * loaded, or the timeout passes.
     */
    public boolean awaitPartitionsRunning(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (allPartitionsRunning()) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    /** Every partition of every known topic has its replica running, and every group coordinator has loaded. */
    boolean allPartitionsRunning() {
        boolean all = groups.allActive();
        for (final TopicMetadata t : topics.topics()) {
            for (int p = 0; p < t.partitions() && all; p++) {
                all = replicas.get(new TopicPartition(t.name(), p)) != null;
            }
        }
        return all;
    }

    private void startPartitions(final TopicMetadata topic, final int from) {
        for (int p = from; p < topic.partitions(); p++) {
            sharding.entityRefFor(PartitionReplica.TYPE_KEY,
                    PartitionReplica.entityId(new TopicPartition(topic.name(), p), config.nodeId()))
                    .tell(PartitionReplica.Start.INSTANCE);
        }
    }

    /** Starts, reconfigures and removes partition replicas as the topic table changes. */
    private final class PartitionLifecycle implements TopicListener {

        @Override
        public void topicChanged(final TopicMetadata previous, final TopicMetadata current) {
            startPartitions(current, previous == null ? 0 : previous.partitions());
            if (previous != null && !previous.configs().equals(current.configs())) {
                final LogConfig logConfig = TopicConfigs.toLogConfig(current.configs());
                for (int p = 0; p < current.partitions(); p++) {
                    final ReplicaHandle replica = replicas.get(new TopicPartition(current.name(), p));
                    if (replica != null) {
                        replica.actor().tell(new PartitionReplica.UpdateConfig(logConfig));
                    }
                }
            }
        }

        @Override
        public void topicDeleted(final TopicMetadata deleted) {
            final List<CompletableFuture<Done>> stopped = new ArrayList<>();
            for (int p = 0; p < deleted.partitions(); p++) {
                final ReplicaHandle replica = replicas.get(new TopicPartition(deleted.name(), p));
                if (replica != null) {
                    stopped.add(Asks.<PartitionReplica.Command, Done>ask(replica.actor(),
                            PartitionReplica.Delete::new, Duration.ofSeconds(30), system.scheduler()));
                }
            }
            CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
                    .handle((ok, failure) -> topics.removeDirectoryOf(deleted));
        }
    }

    /** Stops accepting requests, closes every partition cleanly, then the rest. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        listener.close();
        try {
            org.apache.pekko.actor.CoordinatedShutdown.get(system)
                    .runAll(org.apache.pekko.actor.CoordinatedShutdown.unknownReason())
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Actor system shutdown did not finish cleanly: {}", e.toString());
        }
        flusher.close();
        timer.shutdownNow();
        topics.close();
        LOG.info("ailurus node {} stopped", config.nodeId());
    }
}
