package io.ailurus.broker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ailurus.actors.Asks;
import io.ailurus.actors.NodeConfig;
import io.ailurus.cluster.admin.AdminState;
import io.ailurus.wasm.node.TransformConfig;
import io.ailurus.wasm.node.TransformService;
import io.ailurus.cluster.controller.ControllerClient;
import io.ailurus.cluster.controller.ControllerProducerIds;
import io.ailurus.cluster.controller.ControllerReplica;
import io.ailurus.cluster.controller.ReplicatedTopicStore;
import io.ailurus.cluster.membership.ClusterConfig;
import io.ailurus.cluster.membership.LeadershipTable;
import io.ailurus.cluster.membership.NodeDirectory;
import io.ailurus.cluster.membership.NodeInfo;
import io.ailurus.cluster.membership.NodeRegistry;
import io.ailurus.cluster.membership.NodeStatus;
import io.ailurus.cluster.metadata.TopicConfigs;
import io.ailurus.cluster.metadata.TopicListener;
import io.ailurus.cluster.metadata.TopicMetadata;
import io.ailurus.cluster.metadata.TopicStore;
import io.ailurus.kafka.ApiHandler;
import io.ailurus.kafka.BrokerServices;
import io.ailurus.kafka.ClusterView;
import io.ailurus.kafka.RequestDispatcher;
import io.ailurus.kafka.group.GroupCoordinator;
import io.ailurus.kafka.group.GroupSettings;
import io.ailurus.kafka.BrokerLinks;
import io.ailurus.kafka.txn.TransactionCoordinator;
import io.ailurus.kafka.txn.TransactionVerifier;
import io.ailurus.kafka.txn.TransactionSettings;
import io.ailurus.kafka.txn.TxnMarkerWriter;
import io.ailurus.cluster.controller.ReplicatedSecurityStore;
import io.ailurus.cluster.security.SecurityStore;
import io.ailurus.kafka.security.AclAuthorization;
import io.ailurus.kafka.security.AuthenticationThrottle;
import io.ailurus.kafka.security.Authorizer;
import io.ailurus.kafka.security.InterBrokerClient;
import io.ailurus.kafka.security.ListenerEndpoint;
import io.ailurus.kafka.security.SaslMechanisms;
import io.ailurus.kafka.security.SecurityConfig;
import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.raft.RaftConfig;
import io.ailurus.partition.replica.GroupCommitFlusher;
import io.ailurus.partition.replica.GroupIds;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.LogCleaner;
import io.ailurus.partition.replica.PartitionClient;
import io.ailurus.partition.replica.PartitionReplica;
import io.ailurus.partition.replica.RaftNetwork;
import io.ailurus.partition.replica.ReplicaEnvironment;
import io.ailurus.partition.tier.Tiering;
import io.ailurus.tier.S3Tiering;
import io.ailurus.tier.TierConfig;
import io.ailurus.tier.s3.S3Settings;
import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.partition.replica.ReplicaShards;
import io.ailurus.partition.transport.TransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import io.ailurus.cluster.admin.AdminAccess;
import io.ailurus.kafka.security.ScramPasswordCheck;
import io.ailurus.kafka.security.TlsServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ailurus node: a Pekko Cluster member (seeds, or a cluster of its own), its member of the controller's Raft
 * group 0 (topics, placement, brokers, producer id blocks), Cluster Sharding hosting one {@link PartitionReplica}
 * entity per partition replica placed here (each a member of its partition's Raft group, replicating over Aeron), the
 * group-commit fsync threads, the group coordinators, the admin HTTP API and the Kafka listener.
 *
 * <p>Start order: data directory → actor system → replication transport → sharding → controller member (its image
 * starts the replicas placed here) → admin API and node registration → Kafka listener. Stop order is the reverse, so
 * that no request arrives for a closing partition, and every log is closed cleanly before the process exits.
 */
public final class Node implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    private static final Duration CONTROLLER_TIMEOUT = Duration.ofSeconds(30);
    /** Pekko HTTP asks for an engine before it knows the peer; the address only names TLS sessions for resumption. */
    private static final InetSocketAddress ADMIN_PEER = InetSocketAddress.createUnresolved("admin-client", 0);

    private final NodeConfig config;
    private final ReplicatedTopicStore topics;
    private final ActorSystem<Void> system;
    private final ClusterSharding sharding;
    private final GroupCommitFlusher flusher;
    private final LocalReplicas replicas;
    private final ScheduledExecutorService timer;
    private final KafkaListeners listeners;
    private final RaftNetwork network;
    private NodeDirectory directory;
    private BrokerServices services;
    private GroupCoordinator groups;
    private TransactionCoordinator transactions;
    private BrokerLinks links;
    private LogCleaner cleaner;
    private boolean closed;
    private S3Tiering tiering;   // null when tiered storage is off
    private TransformService transforms;   // null when data transforms are off
    private int adminPort;

    private Node(final NodeConfig config, final ReplicatedTopicStore topics, final ActorSystem<Void> system,
            final GroupCommitFlusher flusher, final LocalReplicas replicas, final ScheduledExecutorService timer,
            final KafkaListeners listeners, final RaftNetwork network) {
        this.config = config;
        this.topics = topics;
        this.system = system;
        this.sharding = ClusterSharding.get(system);
        this.flusher = flusher;
        this.replicas = replicas;
        this.timer = timer;
        this.listeners = listeners;
        this.network = network;
    }

    /** Shadow Indexing when {@code ailurus.tiered-storage.enabled}, else null. */
    private static S3Tiering startTiering(final Config rootConfig, final NodeConfig config, final ActorSystem<Void> system) {
        final Config block = rootConfig.getConfig("ailurus.tiered-storage");
        final TierConfig tierConfig = TierConfig.fromConfig(block, config.dataDir());
        if (!tierConfig.enabled()) {
            return null;
        }
        final S3Settings s3 = S3Settings.fromConfig(block);
        LOG.info("Tiered storage on: bucket '{}' at {}, cache {} ({} bytes), upload interval {}", s3.bucket(),
                s3.endpoint().isEmpty() ? "AWS" : s3.endpoint(), tierConfig.cacheDir(), tierConfig.cacheMaxBytes(),
                tierConfig.uploadInterval());
        return new S3Tiering(system, s3, tierConfig);
    }

    /** The node's tiered storage, or null when it is off. */
    public S3Tiering tiering() {
        return tiering;
    }

    /** Starts a node with {@code rootConfig} (Typesafe Config: the {@code ailurus} and {@code pekko} blocks). */
    public static Node start(final Config rootConfig) throws IOException {
        final NodeConfig config = NodeConfig.from(rootConfig);
        final ClusterConfig clusterConfig = ClusterConfig.from(rootConfig);
        java.nio.file.Files.createDirectories(config.dataDir());
        final String clusterId = ClusterIdentity.load(config.dataDir(), config.nodeId(), config.clusterId());
        final GroupCommitFlusher flusher = new GroupCommitFlusher(config.fsyncThreads());
        final LocalReplicas replicas = new LocalReplicas();
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "ailurus-timer");
            t.setDaemon(true);
            return t;
        });
        final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ailurus",
                withManagementEndpoint(rootConfig, clusterConfig));
        KafkaListeners listener = null;
        RaftNetwork network = null;
        S3Tiering tiering = null;
        try {
            final Cluster cluster = Cluster.get(system);
            joinCluster(system, cluster, clusterConfig);
            final SecurityConfig security = SecurityConfig.from(rootConfig, config.kafkaHost(), config.kafkaPort(),
                    config.advertisedHost(), config.advertisedPort());
            listener = KafkaListeners.bind(security, timer);
            final ListenerEndpoint interBroker = listener.interBroker();
            final String advertisedHost = interBroker.advertisedHost();
            final int advertisedPort = interBroker.advertisedPort();

            final NodeDirectory directory = new NodeDirectory();
            final LeadershipTable leaders = new LeadershipTable();
            system.systemActorOf(leaders.behavior(), "leadership-table", Props.empty());
            final AtomicReference<ActorRef<ControllerReplica.Command>> controller = new AtomicReference<>();
            network = clusterConfig.standalone() ? null : RaftNetwork.start(
                    TransportConfig.defaults(config.nodeId(), config.dataDir().resolve("aeron"))
                            .withEndpoint(clusterConfig.aeronHost(), clusterConfig.aeronPort()),
                    (groupId, from, message) -> route(replicas, controller, groupId, from, message));
            if (network != null) {
                final RaftNetwork peers = network;
                directory.addListener(nodes -> connectPeers(peers, nodes));
            }
            final ReplicatedTopicStore topics = new ReplicatedTopicStore(
                    new ControllerClient(controller::get, timer, CONTROLLER_TIMEOUT),
                    () -> aliveIds(directory), timer, CONTROLLER_TIMEOUT);
            final RaftConfig raftConfig = RaftConfig.defaults();
            tiering = startTiering(rootConfig, config, system);
            final ReplicaEnvironment env = new ReplicaEnvironment(config.nodeId(), config.dataDir(), flusher, replicas,
                    logConfigLookup(topics), topics::replicas, config.retentionCheckInterval(),
                    raftConfig, network, leaders, tiering == null ? Tiering.NONE : tiering);
            ReplicaShards.pinToSelf(system, config.nodeId(), cluster.selfMember().address());
            ClusterSharding.get(system).init(ReplicaShards.entity(system,
                            ctx -> PartitionReplica.create(ctx.getEntityId(), env))
                    .withEntityProps(DispatcherSelector.fromConfig(PartitionReplica.DISPATCHER))
                    .withStopMessage(PartitionReplica.Stop.INSTANCE));

            final Node node = new Node(config, topics, system, flusher, replicas, timer, listener, network);
            node.tiering = tiering;
            node.directory = directory;
            final ClusterView clusterView = new NodeClusterView(config.nodeId(), directory, topics, leaders);
            final SecurityStore securityStore = new ReplicatedSecurityStore(topics);
            node.services = new BrokerServices(config, clusterId, advertisedHost, advertisedPort, topics, replicas,
                    new PartitionClient(), new ControllerProducerIds(topics, config.nodeId()), timer, clusterView,
                    tiering == null ? Tiering.NONE : tiering);
            node.groups = new GroupCoordinator(system, node.services, GroupSettings.from(rootConfig));
            replicas.addListener(node.groups);
            final InterBrokerClient interBrokerClient = security.interBrokerClient();
            node.links = new BrokerLinks(config.nodeId(), interBrokerClient);
            node.transactions = new TransactionCoordinator(system, node.services, TransactionSettings.from(rootConfig),
                    new TxnMarkerWriter(node.services, node.groups, node.links));
            replicas.addListener(node.transactions);
            node.cleaner = new LogCleaner(replicas, LogCleaner.Settings.from(rootConfig)).start();
            topics.addListener(node.new PartitionLifecycle());
            controller.set(system.systemActorOf(ControllerReplica.create(new ControllerReplica.Settings(config.nodeId(),
                            clusterConfig.votersOr(config.nodeId()), config.dataDir(), raftConfig, network, flusher,
                            topics, leaders, () -> aliveIds(directory))),
                    "controller", DispatcherSelector.fromConfig(PartitionReplica.DISPATCHER)));

            final int adminPort = startAdmin(system, clusterConfig, security, securityStore, timer);
            node.adminPort = adminPort;
            system.systemActorOf(NodeRegistry.create(new NodeInfo(config.nodeId(), clusterConfig.rack(),
                    advertisedHost, advertisedPort, clusterConfig.aeronHost(),
                    network == null ? clusterConfig.aeronPort() : network.port(),
                    clusterConfig.adminHost(), adminPort, cluster.selfMember().address().toString(),
                    listener.advertised()), directory),
                    "node-registry", Props.empty());
            AdminState.ID.get(system).install(directory, new NodeAdminView(config.nodeId(), topics, replicas, leaders,
                    directory, node::allPartitionsRunning, tiering));
            new NodeRegistration(config.nodeId(), clusterConfig, topics, directory, timer,
                    node.groups.settings().offsetsTopicPartitions(), node.groups.settings().offsetsTopicSegmentBytes(), clusterId).start();
            timer.scheduleWithFixedDelay(node::startMissingReplicas, 2, 2, TimeUnit.SECONDS);
            final ReplicaMoves moves = new ReplicaMoves(config.nodeId(), topics, leaders, replicas,
                    () -> aliveIds(directory), system.scheduler());
            timer.scheduleWithFixedDelay(moves::run, 1, 1, TimeUnit.SECONDS);

            final RequestDispatcher[] dispatcher = new RequestDispatcher[1];
            final SaslMechanisms sasl = new SaslMechanisms(security.saslMechanisms(), securityStore::scramCredential,
                    security.sessionLifetime().toMillis(), new AuthenticationThrottle(
                            security.failedAuthenticationDelay().toMillis(),
                            security.maxFailedAuthenticationDelay().toMillis()));
            final List<ApiHandler<?>> handlers = Handlers.all(node.services, node.groups, node.transactions,
                    new TransactionVerifier(node.services, node.transactions, node.links), securityStore, sasl,
                    () -> dispatcher[0].advertisedVersions());
            final Authorizer authorizer = security.authorizationEnabled()
                    ? new AclAuthorization(securityStore::acls, security.superUsers(),
                            security.allowEveryoneIfNoAclFound())
                    : Authorizer.ALLOW_ALL;
            dispatcher[0] = new RequestDispatcher(handlers, authorizer);
            listener.start(config.networkThreads(), config.maxRequestBytes(), config.maxInFlightPerConnection(), dispatcher[0]);
            if (!security.bootstrapUser().isEmpty()) {
                BootstrapUser.createIfMissing(security.bootstrapUser(), securityStore, timer);
            }
            final TransformConfig transformConfig = TransformConfig.from(rootConfig);
            if (transformConfig.enabled()) {
                node.transforms = TransformService.start(transformConfig, system, topics, replicas, config.nodeId(),
                        advertisedHost + ":" + advertisedPort, interBrokerClient.clientProperties(), interBrokerClient,
                        node.services.producerIds());
            }
            LOG.info("ailurus node {} serving the Kafka API: {}; authorization {}; cluster {}, data dir {}, {}",
                    config.nodeId(), listener.describe(), security.authorizationEnabled() ? "on" : "off",
                    clusterId, config.dataDir().toAbsolutePath().normalize(), clusterConfig.standalone()
                            ? "standalone" : "seeds " + clusterConfig.seeds() + ", controller voters "
                                    + clusterConfig.votersOr(config.nodeId()));
            return node;
        } catch (RuntimeException | IOException e) {
            // Release what was started, so that a restart in this process finds its ports free.
            if (listener != null) {
                listener.close();
            }
            if (network != null) {
                network.close();
            }
            final boolean downed = system.whenTerminated().isCompleted();
            system.terminate();
            if (tiering != null) {
                tiering.close();
            }
            flusher.close();
            timer.shutdownNow();
            if (downed) {
                throw new DownedWhileStarting(e);
            }
            throw e;
        }
    }

    /**
     * The cluster removed this node (for example quarantined and downed while it joined under load) before it had
     * started; everything it had opened is closed again, so it can start over in the same process.
     */
    static final class DownedWhileStarting extends RuntimeException {
        DownedWhileStarting(final Throwable cause) {
            super("removed from the cluster while starting: " + cause.getMessage(), cause);
        }
    }

    /** Hands an inbound Raft message to its group's owner; messages for groups not running here are dropped. */
    private static void route(final LocalReplicas replicas,
            final AtomicReference<ActorRef<ControllerReplica.Command>> controller, final long groupId, final int from,
            final io.ailurus.partition.raft.RaftMessage message) {
        if (groupId == GroupIds.CONTROLLER) {
            final ActorRef<ControllerReplica.Command> member = controller.get();
            if (member != null) {
                member.tell(new ControllerReplica.RaftInbound(from, message));
            }
            return;
        }
        final ReplicaHandle replica = replicas.byGroup(groupId);
        if (replica != null) {
            replica.actor().tell(new PartitionReplica.RaftInbound(from, message));
        }
    }

    private static void connectPeers(final RaftNetwork network, final Map<Integer, NodeStatus> nodes) {
        for (final NodeStatus node : nodes.values()) {
            if (node.nodeId() != network.selfId()) {
                network.connect(node.nodeId(), node.info().aeronHost(), node.info().aeronPort());
            }
        }
    }

    private static Set<Integer> aliveIds(final NodeDirectory directory) {
        return directory.aliveNodes().stream().map(NodeInfo::nodeId).collect(Collectors.toSet());
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
    /**
     * Starts the admin HTTP endpoint (Pekko Management), with HTTP Basic against the SCRAM users and HTTPS when the
     * security settings ask for them. Pekko's own cluster routes are then read-only: changing membership by HTTP
     * needs a super user, which only our routes can check.
     */
    private static int startAdmin(final ActorSystem<Void> system, final ClusterConfig config,
            final SecurityConfig security, final SecurityStore users, final ScheduledExecutorService checks) {
        final SecurityConfig.AdminSecurity admin = security.admin();
        final AdminAccess access = admin.requireAuth()
                ? new AdminAccess(true, new ScramPasswordCheck(users::scramCredential),
                        user -> security.superUsers().contains("User:" + user), checks)
                : AdminAccess.OPEN;
        AdminState.ID.get(system).installAccess(access);
        HttpsConnectionContext https = null;
        if (admin.tls()) {
            // An engine per connection from a context that reloads replaced keystores, as the Kafka listeners do.
            final TlsServerContext tls = TlsServerContext.create(admin.sslConfigs());
            final long reloadMs = security.tlsReloadInterval().toMillis();
            checks.scheduleWithFixedDelay(tls::reloadIfChanged, reloadMs, reloadMs, TimeUnit.MILLISECONDS);
            https = ConnectionContext.httpsServer(() -> tls.engine(ADMIN_PEER));
        }
        final HttpsConnectionContext httpsContext = https;
        try {
            final Uri uri = PekkoManagement.get(system).start(settings -> {
                ManagementRouteProviderSettings s = settings;
                if (admin.requireAuth()) {
                    s = s.withAuth(access.authenticator()).withReadOnly(true);
                }
                return httpsContext == null ? s : s.withHttpsConnectionContext(httpsContext);
            }).toCompletableFuture().get(30, TimeUnit.SECONDS);
            LOG.info("Admin API on {}{}", uri, admin.requireAuth() ? " (HTTP Basic against the SCRAM users)" : "");
            return uri.port();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the admin HTTP endpoint on " + config.adminHost() + ":"
                    + config.adminPort() + ": " + e.getMessage(), e);
        }
    }

    private static java.util.function.Function<String, Optional<LogConfig>> logConfigLookup(final TopicStore topics) {
        return name -> topics.topic(name).map(t -> TopicConfigs.toLogConfig(t.configs()));
    }

    /** Completes when the node's actor system has terminated: closed, or downed by the cluster. */
    public java.util.concurrent.CompletionStage<Done> terminated() {
        return system.getWhenTerminated();
    }

    /** The bound port of the first Kafka listener. */
    public int kafkaPort() {
        return listeners.firstPort();
    }

    /** The bound port of the admin HTTP API. */
    public int adminPort() {
        return adminPort;
    }

    /** The bound port of the Kafka listener named {@code listenerName}. */
    public int kafkaPort(final String listenerName) {
        return listeners.port(listenerName);
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

    /**
     * The offsets topic exists, every partition replica placed on this node runs, and the group coordinator of every
     * offsets partition led here has loaded.
     */
    boolean allPartitionsRunning() {
        if (topics.topic(GroupCoordinator.OFFSETS_TOPIC).isEmpty() || !groups.allActive()) {
            return false;
        }
        for (final TopicMetadata t : topics.topics()) {
            for (int p = 0; p < t.partitions(); p++) {
                final TopicPartition tp = new TopicPartition(t.name(), p);
                if (topics.replicas(tp).contains(config.nodeId()) && replicas.get(tp) == null) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Re-sends Start to every replica placed here that is not running. A Start can be lost when this node restarts
     * while the shard coordinator still routes its shard to the previous incarnation; nothing else would resend it.
     */
    private void startMissingReplicas() {
        try {
            for (final TopicMetadata topic : topics.topics()) {
                for (int p = 0; p < topic.partitions(); p++) {
                    final TopicPartition tp = new TopicPartition(topic.name(), p);
                    if (replicas.get(tp) == null && topics.replicas(tp).contains(config.nodeId())) {
                        sharding.entityRefFor(PartitionReplica.TYPE_KEY, PartitionReplica.entityId(tp, config.nodeId()))
                                .tell(PartitionReplica.Start.INSTANCE);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Checking for replicas to start failed: {}", e.toString());
        }
    }

    /** Starts this node's replicas of {@code topic} (Start is idempotent: a running replica ignores it). */
    private void startPartitions(final TopicMetadata topic) {
        for (int p = 0; p < topic.partitions(); p++) {
            final TopicPartition tp = new TopicPartition(topic.name(), p);
            if (topics.replicas(tp).contains(config.nodeId())) {
                sharding.entityRefFor(PartitionReplica.TYPE_KEY, PartitionReplica.entityId(tp, config.nodeId()))
                        .tell(PartitionReplica.Start.INSTANCE);
            }
        }
    }

    /** Starts, reconfigures and removes partition replicas as the topic table changes. */
    private final class PartitionLifecycle implements TopicListener {

        @Override
        public void topicChanged(final TopicMetadata previous, final TopicMetadata current) {
            startPartitions(current);
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
                    .handle((ok, failure) -> removeDirectoryOf(deleted));
        }
    }

    /**
     * Before stopping, asks every partition led here to hand leadership to another live replica, so that clients move
     * within a round trip instead of waiting out an election timeout. Bounded: a stuck transfer only costs time.
     */
    private void handOverLeadership(final Duration timeout) {
        final List<ReplicaHandle> leading = replicas.all().stream().filter(ReplicaHandle::isLeader).toList();
        int asked = 0;
        for (final ReplicaHandle replica : leading) {
            final Optional<Integer> target = topics.replicas(replica.topicPartition()).stream()
                    .filter(n -> n != config.nodeId() && directory.isAlive(n)).findFirst();
            if (target.isPresent()) {
                replica.actor().tell(new PartitionReplica.TransferLeadership(target.get(), new CompletableFuture<>()));
                asked++;
            }
        }
        if (asked == 0) {
            return;
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && leading.stream().anyMatch(ReplicaHandle::isLeader)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.info("Handed over leadership of {} of {} partition(s) before stopping",
                leading.stream().filter(r -> !r.isLeader()).count(), leading.size());
    }

    /** Removes what is left of a deleted topic's directory once its replicas here have stopped. */
    private Void removeDirectoryOf(final TopicMetadata deleted) {
        if (topics.topic(deleted.name()).isPresent()) {
            return null;   // re-created meanwhile: its new replicas own the directory
        }
        final java.nio.file.Path dir = config.dataDir().resolve(deleted.name());
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not remove {} of deleted topic '{}': {}", dir, deleted.name(), e.toString());
        }
        return null;
    }

    /** Stops accepting requests, closes every partition cleanly, then the rest. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        handOverLeadership(Duration.ofSeconds(3));
        if (transforms != null) {
            transforms.close();
        }
        listeners.close();
        if (cleaner != null) {
            cleaner.close();   // before the logs close under it
        }
        try {
            org.apache.pekko.actor.CoordinatedShutdown.get(system)
                    .runAll(org.apache.pekko.actor.CoordinatedShutdown.unknownReason())
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Actor system shutdown did not finish cleanly: {}", e.toString());
        }
        if (network != null) {
            network.close();
        }
        if (links != null) {
            links.close();
        }

        flusher.close();
        timer.shutdownNow();
        LOG.info("ailurus node {} stopped", config.nodeId());
    }
}
