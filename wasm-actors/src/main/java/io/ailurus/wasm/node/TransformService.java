package io.ailurus.wasm.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailurus.cluster.admin.AdminAnswer;
import io.ailurus.cluster.admin.AdminState;
import io.ailurus.cluster.membership.NodeDirectory;
import io.ailurus.cluster.membership.NodeInfo;
import io.ailurus.cluster.controller.ReplicatedTopicStore;
import io.ailurus.cluster.transform.TransformMetadata;
import io.ailurus.cluster.transform.TransformMetadata.StartPosition;
import io.ailurus.cluster.transform.TransformRules;
import io.ailurus.partition.replica.BrokerChannel;
import io.ailurus.partition.replica.LocalReplicas;
import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.wasm.runtime.InvalidTransformException;
import io.ailurus.wasm.runtime.TransformBinary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import io.ailurus.partition.producer.ProducerIdSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's data transforms: the deploy, list, update and delete behind the admin routes (metadata through the
 * controller, binaries in their topic), and the manager that runs the transform partitions this node leads.
 */
public final class TransformService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransformService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(2)).build();

    private final TransformConfig config;
    private final ReplicatedTopicStore topics;
    private final LocalReplicas replicas;
    private final int nodeId;
    private final Loopback kafka;
    private final BinaryStore binaries;
    private final TransformServices services;
    private final java.util.function.Supplier<NodeDirectory> directory;

    private TransformService(final TransformConfig config, final ReplicatedTopicStore topics,
                             final LocalReplicas replicas, final int nodeId, final Loopback kafka,
                             final TransformServices services, final BinaryStore binaries,
                             final java.util.function.Supplier<NodeDirectory> directory) {
        this.config = config;
        this.topics = topics;
        this.replicas = replicas;
        this.nodeId = nodeId;
        this.kafka = kafka;
        this.services = services;
        this.binaries = binaries;
        this.directory = directory;
    }

    /**
     * Starts the node's transforms; {@code bootstrap} is the node's own inter-broker listener, reached with
     * {@code clientSecurity} (kafka-clients settings) and {@code channelSecurity} (raw channels), {@code producerIds}
     * the source InitProducerId uses (the transforms' outputs are written as idempotent producers).
     */
    public static TransformService start(final TransformConfig config, final ActorSystem<?> system,
                                         final ReplicatedTopicStore topics, final LocalReplicas replicas,
                                         final int nodeId, final String bootstrap,
                                         final Map<String, Object> clientSecurity,
                                         final BrokerChannel.Security channelSecurity,
                                         final ProducerIdSource producerIds) {
        final Loopback kafka = new Loopback(bootstrap, clientSecurity, channelSecurity);
        final InternalTopics internal = new InternalTopics(topics);
        final BinaryStore store = new BinaryStore(kafka, internal);
        final ExecutorService io = Executors.newCachedThreadPool(daemon("transform-io"));
        final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon("transform-watchdog"));
        final TransformServices services = new TransformServices(config,
                new BinaryCache(store, config.limits(), io),
                kafka, topic -> topics.topic(topic).map(t -> t.partitions()).orElse(0), producerIds,
                new ProgressStore(kafka), new StartPositions(kafka), io, watchdog, new StatusBoard(),
                new TransformLogs(kafka, internal, nodeId));
        final TransformService service = new TransformService(config, topics, replicas, nodeId, kafka, services,
                store, () -> AdminState.ID.get(system).directory());
        system.systemActorOf(TransformManager.create(topics, replicas, services), "transforms", Props.empty());
        TransformAdmin.ID.get(system).install(service);
        LOG.info("Data transforms on: at most {} MiB of memory and {} ms a batch per transform partition",
                config.limits().maxMemoryBytes() >> 20, config.limits().batchBudgetMs());
        return service;
    }

    private static java.util.concurrent.ThreadFactory daemon(final String name) {
        return r -> {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** {@code POST /v1/transform/deploy}. */
    CompletionStage<AdminAnswer<Object>> deploy(final byte[] body) {
        final DeployRequest request;
        try {
            if (body.length > config.maxBinaryBytes() + 64 * 1024) {
                return done(new AdminAnswer<>(413, null, "the binary is larger than the "
                        + (config.maxBinaryBytes() >> 20) + " MiB a deploy accepts (ailurus.transforms.max-binary-size)"));
            }
            request = DeployRequest.parse(body);
        } catch (DeployRequest.BadRequest e) {
            return done(new AdminAnswer<>(400, null, e.getMessage()));
        }
        if (request.wasm().length > config.maxBinaryBytes()) {
            return done(new AdminAnswer<>(413, null, "the binary is " + request.wasm().length + " bytes, more than the "
                    + config.maxBinaryBytes() + " a deploy accepts (ailurus.transforms.max-binary-size)"));
        }
        final TransformMetadata existing = topics.image().transforms().get(request.name());
        final long deployedAt = existing != null ? existing.deployedAtMs() : System.currentTimeMillis();
        // Options of the start position count on the first deploy only, as Redpanda's.
        final StartPosition start = existing != null ? existing.start() : request.start() != null ? request.start()
                : new StartPosition(StartPosition.Kind.TIMESTAMP, deployedAt);
        final TransformMetadata draft = new TransformMetadata(request.name(), request.inputTopic(),
                request.outputTopics(), request.environment(), new TransformMetadata.BinaryRef("", 0, 0, 0, ""),
                start, existing != null && existing.paused(), deployedAt);
        try {
            TransformRules.check(draft, existing, topics.image().topics(), topics.image().transforms().values());
        } catch (ApiException e) {
            return done(answer(e));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                // A binary this node compiled before (a re-deploy, the same module under another name) was valid
                // then and is now: compiling 2 MB of Go again would cost seconds of CPU.
                final java.util.Optional<TransformBinary> known =
                        services.binaries().compiled(BinaryStore.sha256(request.wasm()));
                return known.isPresent() ? known.get() : TransformBinary.load(request.wasm(), config.limits());
            } catch (InvalidTransformException e) {
                throw new CompletionException(e);
            }
        }, services.io()).thenCompose(binary -> binaries.put(request.wasm()).thenCompose(ref -> {
            services.binaries().seed(ref.sha256(), binary);
            return topics.deployTransform(new TransformMetadata(draft.name(), draft.inputTopic(),
                    draft.outputTopics(), draft.environment(), ref, draft.start(), draft.paused(), deployedAt));
        })).handle((deployed, failure) -> {
            if (failure == null) {
                LOG.info("Transform {} deployed: {} -> {}, binary {} bytes", deployed.name(), deployed.inputTopic(),
                        deployed.outputTopics(), deployed.binary().size());
                return AdminAnswer.found((Object) Map.of());
            }
            return answer(unwrap(failure));
        });
    }

    /**
     * {@code GET /v1/transform}: every transform with the status and lag of each input partition. A node knows the
     * status of the partitions it runs; unless {@code localOnly}, it asks every other live node for theirs.
     */
    CompletionStage<AdminAnswer<Object>> list(final boolean localOnly) {
        final CompletionStage<AdminAnswer<Object>> local = localList();
        if (localOnly) {
            return local;
        }
        final List<CompletableFuture<JsonNode>> peers = new ArrayList<>();
        for (final NodeInfo peer : directory.get().aliveNodes()) {
            if (peer.nodeId() != nodeId) {
                peers.add(peerList(peer));
            }
        }
        return local.thenCombine(CompletableFuture.allOf(peers.toArray(CompletableFuture[]::new)),
                (mine, all) -> {
                    final JsonNode merged = JSON.valueToTree(mine.body());
                    peers.forEach(p -> mergeStatuses(merged, p.join()));
                    return AdminAnswer.found((Object) merged);
                });
    }

    /** Another node's own view; an unreachable node contributes nothing (its partitions stay unknown). */
    private CompletableFuture<JsonNode> peerList(final NodeInfo peer) {
        final java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://" + peer.adminHost() + ":" + peer.adminPort() + "/v1/transform?local=true"))
                .timeout(java.time.Duration.ofSeconds(3)).GET().build();
        return HTTP.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> {
                    try {
                        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createArrayNode();
                    } catch (java.io.IOException e) {
                        return (JsonNode) JSON.createArrayNode();
                    }
                })
                .exceptionally(e -> JSON.createArrayNode());
    }

    /** Takes a peer's status of each partition it runs (running, errored or starting) into {@code merged}. */
    private static void mergeStatuses(final JsonNode merged, final JsonNode peer) {
        for (final JsonNode theirs : peer) {
            for (final JsonNode ours : merged) {
                if (!ours.path("name").asText().equals(theirs.path("name").asText())) {
                    continue;
                }
                final com.fasterxml.jackson.databind.node.ArrayNode statuses =
                        (com.fasterxml.jackson.databind.node.ArrayNode) ours.get("status");
                for (final JsonNode s : theirs.path("status")) {
                    final String state = s.path("status").asText();
                    final int partition = s.path("partition").asInt();
                    if ((state.equals("running") || state.equals("errored") || state.equals("starting"))
                            && partition >= 0 && partition < statuses.size()) {
                        statuses.set(partition, s);
                    }
                }
            }
        }
    }

    private CompletionStage<AdminAnswer<Object>> localList() {
        final List<TransformMetadata> all = new ArrayList<>(topics.image().transforms().values());
        final List<CompletableFuture<Map<String, Object>>> described = new ArrayList<>();
        for (final TransformMetadata t : all) {
            described.add(describe(t));
        }
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).handle((ok, failure) -> {
            final List<Object> out = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                out.add(described.get(i).isCompletedExceptionally() ? describeWithoutLag(all.get(i))
                        : described.get(i).join());
            }
            return AdminAnswer.found((Object) out);
        });
    }

    private CompletableFuture<Map<String, Object>> describe(final TransformMetadata t) {
        final int partitions = topics.topic(t.inputTopic()).map(m -> m.partitions()).orElse(0);
        final Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(t.inputTopic(), p), OffsetSpec.latest());
        }
        final CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committed = services.progress().all(t);
        final CompletableFuture<Map<TopicPartition, Long>> ends = kafka.admin().listOffsets(latest).all()
                .toCompletionStage().toCompletableFuture().thenApply(m -> {
                    final Map<TopicPartition, Long> e = new LinkedHashMap<>();
                    m.forEach((tp, info) -> e.put(tp, info.offset()));
                    return e;
                });
        return committed.thenCombine(ends, (done, end) -> summary(t, partitions, done, end));
    }

    private Map<String, Object> describeWithoutLag(final TransformMetadata t) {
        return summary(t, topics.topic(t.inputTopic()).map(m -> m.partitions()).orElse(0), Map.of(), Map.of());
    }

    private Map<String, Object> summary(final TransformMetadata t, final int partitions,
                                        final Map<TopicPartition, OffsetAndMetadata> committed,
                                        final Map<TopicPartition, Long> ends) {
        final List<Object> status = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            final TopicPartition tp = new TopicPartition(t.inputTopic(), p);
            final ReplicaHandle replica = replicas.get(tp);
            final int leader = replica == null ? -1 : replica.leadership().leaderId();
            final Map<String, Object> s = new LinkedHashMap<>();
            s.put("node_id", leader);
            s.put("partition", p);
            final var local = services.statuses().get(t.name(), p);
            final long next = local.map(StatusBoard.PartitionStatus::nextOffset).filter(o -> o >= 0)
                    .orElse(committed.containsKey(tp) ? committed.get(tp).offset() : -1L);
            s.put("lag", ends.containsKey(tp) && next >= 0 ? Math.max(0, ends.get(tp) - next) : -1);
            if (local.isPresent()) {   // a paused transform's processor shows as running until it has stopped
                s.put("status", local.get().state());
                if (!local.get().error().isEmpty()) {
                    s.put("error", local.get().error());
                }
                s.put("restarts", local.get().restarts());
            } else {
                s.put("status", t.paused() || leader == nodeId ? "inactive" : "unknown");
            }
            status.add(s);
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", t.name());
        out.put("input_topic", t.inputTopic());
        out.put("output_topics", t.outputTopics());
        final List<Object> env = new ArrayList<>();
        t.environment().forEach((k, v) -> {
            final Map<String, Object> kv = new LinkedHashMap<>();   // "key" first, as Redpanda lists it
            kv.put("key", k);
            kv.put("value", v);
            env.add(kv);
        });
        out.put("environment", env);
        out.put("compression", "none");
        out.put("paused", t.paused());
        out.put("status", status);
        return out;
    }

    /** {@code DELETE /v1/transform/{name}}. */
    CompletionStage<AdminAnswer<Object>> delete(final String name) {
        final TransformMetadata existing = topics.image().transforms().get(name);
        if (existing == null) {
            return done(AdminAnswer.notFound("transform '" + name + "' does not exist"));
        }
        return topics.deleteTransform(name).handle((ok, failure) -> {
            if (failure != null) {
                return answer(unwrap(failure));
            }
            LOG.info("Transform {} deleted", name);
            services.progress().forget(existing).exceptionally(e -> null);
            return AdminAnswer.found((Object) Map.of());
        });
    }

    /** {@code PUT /v1/transform/{name}/meta}: {@code env} replaces the environment, {@code is_paused} pauses. */
    CompletionStage<AdminAnswer<Object>> updateMeta(final String name, final byte[] body) {
        final Map<String, String> env;
        final Boolean paused;
        try {
            final JsonNode patch = JSON.readTree(body);
            if (patch == null || !patch.isObject()) {
                return done(new AdminAnswer<>(400, null, "the body must be a JSON object"));
            }
            env = patch.has("env") ? DeployRequest.environment(patch.get("env")) : null;
            paused = patch.has("is_paused") ? Boolean.valueOf(patch.get("is_paused").asBoolean()) : null;
            if (patch.has("is_paused") && !patch.get("is_paused").isBoolean()) {
                return done(new AdminAnswer<>(400, null, "is_paused must be true or false"));
            }
        } catch (java.io.IOException e) {
            return done(new AdminAnswer<>(400, null, "the body must be a JSON object"));
        } catch (DeployRequest.BadRequest e) {
            return done(new AdminAnswer<>(400, null, e.getMessage()));
        }
        return topics.updateTransform(name, env, paused).handle((changed, failure) -> failure == null
                ? AdminAnswer.found((Object) Map.of()) : answer(unwrap(failure)));
    }

    private static CompletionStage<AdminAnswer<Object>> done(final AdminAnswer<Object> answer) {
        return CompletableFuture.completedFuture(answer);
    }

    private static Throwable unwrap(final Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static AdminAnswer<Object> answer(final Throwable failure) {
        if (failure instanceof ResourceNotFoundException) {
            return AdminAnswer.notFound(failure.getMessage());
        }
        if (failure instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
            return new AdminAnswer<>(400, null, failure.getMessage());   // retriable for a client, not for a deploy
        }
        if (failure instanceof InvalidTransformException || failure instanceof ApiException
                && !(failure instanceof org.apache.kafka.common.errors.RetriableException)) {
            return new AdminAnswer<>(400, null, failure.getMessage());
        }
        return AdminAnswer.unavailable("the deployment could not be stored: " + failure.getMessage());
    }

    @Override
    public void close() {
        services.io().shutdownNow();
        services.watchdog().shutdownNow();
        kafka.close();
    }
}
