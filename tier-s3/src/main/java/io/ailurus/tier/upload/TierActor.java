package io.ailurus.tier.upload;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.SegmentLog;
import io.ailurus.partition.log.SegmentRange;
import io.ailurus.partition.producer.PartitionTransactions;
import io.ailurus.tier.manifest.ManifestCodec;
import io.ailurus.tier.manifest.ObjectKeys;
import io.ailurus.tier.manifest.PartitionManifest;
import io.ailurus.tier.manifest.RemoteSegment;
import io.ailurus.tier.s3.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A partition replica's tier actor (its child). While the replica leads, it makes the bucket follow the log: loads
 * the manifest (and deletes what a predecessor uploaded but never recorded), uploads each closed segment below the
 * last stable offset with its index and aborted transactions, records it in the manifest, and applies the bucket's
 * retention. One call at a time, each with a deadline (the {@link ObjectStore}'s); a failure backs off and never lets
 * local retention delete what is not in the bucket (the log learns an offset is uploaded only once the manifest
 * holding it is written).
 */
public final class TierActor extends AbstractBehavior<TierActor.Command> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TierActor.class);

    /** How often the actor looks for work while leading. */
    static final Duration TICK = Duration.ofSeconds(1);
    /** Failures are logged on the first one, then at most this often. */
    private static final long FAILURE_LOG_INTERVAL_MS = 60_000;

    public sealed interface Command permits Lead, Unlead, ConfigChanged, StartMoved, Tick, ManifestLoaded, ManifestWritten,
            CallFailed, OrphansSwept {
    }

    /** The replica leads in {@code term}. */
    public record Lead(int term) implements Command {
    }

    public enum Unlead implements Command { INSTANCE }

    public record ConfigChanged(LogConfig config) implements Command {
    }

    /** DeleteRecords: the bucket must drop what lies below {@code offset}. */
    public record StartMoved(long offset) implements Command {
    }

    enum Tick implements Command { INSTANCE }

    record ManifestLoaded(int term, PartitionManifest manifest) implements Command {
    }

    record ManifestWritten(int term, PartitionManifest manifest) implements Command {
    }

    record CallFailed(int term, String operation, Throwable cause) implements Command {
    }

    record OrphansSwept(int term) implements Command {
    }

    public static Behavior<Command> create(final TopicPartition tp, final SegmentLog log,
            final PartitionTransactions transactions, final ObjectStore store,
            final Consumer<PartitionManifest> publish, final TierStatus status, final Duration manifestPollInterval,
            final Duration orphanGrace, final CallChains chains) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
            return new TierActor(ctx, tp, log, transactions, store, publish, status, manifestPollInterval.toMillis(),
                    orphanGrace, chains);
        }));
    }

    private final TopicPartition tp;
    private final SegmentLog log;
    private final PartitionTransactions transactions;
    private final ObjectStore store;
    private final Consumer<PartitionManifest> publish;
    private final TierStatus status;
    private LogConfig config;
    private int term = -1;            // the term this replica leads in, -1 while it does not
    private UploadPlan plan;          // null until the manifest of this term is loaded
    private boolean busy;             // a call chain is in flight
    private long requestedStart = -1;
    private long lastFailureLogMs;
    private final long manifestPollMs;
    private final Duration orphanGrace;
    private long nextOrphanSweepMs;   // when an idle leader next deletes unrecorded objects grown old enough
    /** The term this replica leads in, for call chains to check on their own threads (-1: not leading). */
    private final java.util.concurrent.atomic.AtomicInteger leadingTerm = new java.util.concurrent.atomic.AtomicInteger(-1);
    private final CallChains chains;
    private long nextPollMs;          // a read replica's next manifest read

    private TierActor(final ActorContext<Command> ctx, final TopicPartition tp, final SegmentLog log,
            final PartitionTransactions transactions, final ObjectStore store, final Consumer<PartitionManifest> publish, final TierStatus status,
            final long manifestPollMs, final Duration orphanGrace, final CallChains chains) {
        super(ctx);
        this.manifestPollMs = manifestPollMs;
        this.orphanGrace = orphanGrace;
        this.chains = chains;
        this.tp = tp;
        this.log = log;
        this.transactions = transactions;
        this.store = store;
        this.publish = publish;
        this.status = status;
        this.config = log.config();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Lead.class, this::onLead)
                .onMessageEquals(Unlead.INSTANCE, this::onUnlead)
                .onMessage(ConfigChanged.class, c -> {
                    config = c.config();
                    return onTick();
                })
                .onMessage(StartMoved.class, m -> {
                    requestedStart = Math.max(requestedStart, m.offset());
                    return onTick();
                })
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(ManifestLoaded.class, this::onManifestLoaded)
                .onMessage(ManifestWritten.class, this::onManifestWritten)
                .onMessage(CallFailed.class, this::onCallFailed)
                .onMessage(OrphansSwept.class, m -> {
                    busy = false;
                    return this;
                })
                .build();
    }

    private Behavior<Command> onLead(final Lead lead) {
        term = lead.term();
        leadingTerm.set(term);
        plan = null;   // another leader may have changed the bucket since this replica last led
        return onTick();
    }

    private Behavior<Command> onUnlead() {
        term = -1;
        leadingTerm.set(-1);
        plan = null;
        status.setPending(0);
        status.clearFailure();   // the next leader reports its own calls
        return this;
    }

    private Behavior<Command> onTick() {
        final long now = System.currentTimeMillis();
        if (term < 0 || busy || (plan != null && !plan.mayCallAt(now))) {
            return this;
        }
        if (config.remote().readReplica()) {
            return pollManifest(now);
        }
        if (plan == null && !config.remote().enabled()) {
            return this;   // not a tiered topic: nothing to load until remote storage is switched on
        }
        if (plan == null) {
            busy = true;
            final int t = term;
            pipe(() -> loadManifestAndCleanOrphans(t), m -> new ManifestLoaded(t, m), "load the manifest");
            return this;
        }
        final PartitionManifest retained = plan.afterRetention(config, now, requestedStart);
        if (retained != plan.manifest()) {
            busy = true;
            final List<RemoteSegment> dropped = plan.manifest().droppedIn(retained);
            getContext().getLog().info("Partition {}: the bucket's retention drops {} segment(s); the bucket now starts at {}",
                    tp, dropped.size(), retained.startOffset());
            final int t = term;
            pipe(() -> writeManifest(retained).thenCompose(done -> deleteSegments(dropped)).thenApply(done -> retained),
                    m -> new ManifestWritten(t, m), "apply the bucket's retention");
            return this;
        }
        if (!config.remote().enabled()) {
            status.setPending(0);
            return this;
        }
        final long from = plan.nextUploadOffset(log.logStartOffset());
        status.setPending(Math.max(0, log.highWatermark() - from));
        final SegmentRange range = log.closedRangeFrom(from);
        // Only below the last stable offset is every transaction with records in the range decided, so that the
        // segment's aborted transactions are known when it goes up (Kafka uploads below the LSO too).
        if (range == null || range.nextOffset() > transactions.lastStableOffset()) {
            return now >= nextOrphanSweepMs ? sweepOrphans(now) : this;
        }
        busy = true;
        final int t = term;
        pipe(() -> upload(range, t), m -> new ManifestWritten(t, m), "upload offsets from " + range.baseOffset());
        return this;
    }

    /**
     * While idle, now and then: objects left unrecorded by a predecessor were too young to delete when this leader
     * loaded the manifest; they are deleted once old enough.
     */
    private Behavior<Command> sweepOrphans(final long now) {
        nextOrphanSweepMs = now + Math.max(1_000, orphanGrace.toMillis());
        busy = true;
        final int t = term;
        final PartitionManifest recorded = plan.manifest();
        pipe(() -> deleteUnrecorded(recorded, t, java.time.Instant.ofEpochMilli(now)), done -> new OrphansSwept(t),
                "delete objects no manifest records");
        return this;
    }

    /**
     * A read replica's leader follows the manifest the owning cluster writes: it reads it every poll interval and
     * never writes to that bucket.
     */
    private Behavior<Command> pollManifest(final long now) {
        if (now < nextPollMs) {
            return this;
        }
        nextPollMs = now + manifestPollMs;
        busy = true;
        final int t = term;
        pipe(() -> store.get(ObjectKeys.manifest(tp.topic(), tp.partition())).thenApply(bytes -> bytes.map(ManifestCodec::decode)
                .orElseGet(() -> PartitionManifest.empty(tp.topic(), tp.partition()))),
                m -> new ManifestWritten(t, m), "read the manifest of the cluster this topic replicates");
        return this;
    }

    /** The segment, then its index, then the manifest that records both: a reader never sees a half upload. */
    private CompletionStage<PartitionManifest> upload(final SegmentRange range, final int t) {
        final SegmentScan scan;
        try {
            scan = SegmentScan.of(range, t, transactions);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        final RemoteSegment segment = scan.segment();
        final PartitionManifest next = plan.withUploaded(segment, t);
        return store.putFile(ObjectKeys.segment(tp.topic(), tp.partition(), segment), range.file(), range.position(),
                        segment.sizeBytes())
                .thenCompose(done -> store.put(ObjectKeys.index(tp.topic(), tp.partition(), segment), scan.index().encode()))
                .thenCompose(done -> writeManifest(next))
                .thenApply(done -> next);
    }

    private CompletionStage<?> writeManifest(final PartitionManifest manifest) {
        return store.put(ObjectKeys.manifest(tp.topic(), tp.partition()), ManifestCodec.encode(manifest));
    }

    private CompletionStage<?> deleteSegments(final List<RemoteSegment> segments) {
        CompletionStage<?> chain = CompletableFuture.completedFuture(null);
        for (final RemoteSegment s : segments) {
            chain = chain.thenCompose(done -> store.delete(ObjectKeys.segment(tp.topic(), tp.partition(), s)))
                    .thenCompose(done -> store.delete(ObjectKeys.index(tp.topic(), tp.partition(), s)));
        }
        return chain;
    }

    /**
     * The bucket's manifest (empty when there is none), after deleting the segment objects it does not record: what
     * a leader uploaded before it failed to write the manifest. Done before any upload of this term, so a deletion
     * never races an upload of the same key. Only objects older than the orphan grace are deleted, and only while this
     * replica still leads in {@code t}: a younger one may belong to an old leader that is paused or cut off but still
     * about to record it, or to a newer leader if this one is the stale one (both seen in the chaos harness).
     */
    private CompletionStage<PartitionManifest> loadManifestAndCleanOrphans(final int t) {
        final java.time.Instant readAt = java.time.Instant.now();
        return store.get(ObjectKeys.manifest(tp.topic(), tp.partition()))
                .thenApply(bytes -> bytes.map(ManifestCodec::decode)
                        .orElseGet(() -> PartitionManifest.empty(tp.topic(), tp.partition())))
                .thenCompose(manifest -> deleteUnrecorded(manifest, t, readAt).thenApply(done -> manifest));
    }

    /**
     * Deletes the segment objects {@code manifest} does not record that were written before {@code asOf} minus the
     * orphan grace, stopping as soon as this replica no longer leads in {@code t}.
     */
    private CompletionStage<?> deleteUnrecorded(final PartitionManifest manifest, final int t,
                                                final java.time.Instant asOf) {
        return store.list(ObjectKeys.partitionPrefix(tp.topic(), tp.partition())).thenCompose(objects -> {
            final Set<String> recorded = manifest.segments().stream()
                    .flatMap(s -> java.util.stream.Stream.of(ObjectKeys.segment(tp.topic(), tp.partition(), s),
                            ObjectKeys.index(tp.topic(), tp.partition(), s)))
                    .collect(Collectors.toSet());
            final java.time.Instant oldEnough = asOf.minus(orphanGrace);
            final List<io.ailurus.tier.s3.ObjectInfo> unrecorded = objects.stream()
                    .filter(o -> ObjectKeys.baseOffsetOf(o.key()) >= 0 && !recorded.contains(o.key()))
                    .toList();
            final List<String> orphans = unrecorded.stream()
                    .filter(o -> o.lastModified() != null && o.lastModified().isBefore(oldEnough))
                    .map(io.ailurus.tier.s3.ObjectInfo::key).toList();
            if (!orphans.isEmpty()) {
                // On the thread that completed the listing: the actor's own logger is not to be used here.
                LOG.info("Partition {}: deleting {} object(s) no manifest records ({} younger than {} left for now)",
                        tp, orphans.size(), unrecorded.size() - orphans.size(), orphanGrace);
            }
            CompletionStage<?> chain = CompletableFuture.completedFuture(null);
            for (final String key : orphans) {
                chain = chain.thenCompose(done -> {
                    if (leadingTerm.get() != t) {
                        throw new IllegalStateException("no longer leading in term " + t + ": orphan cleanup stopped");
                    }
                    return store.delete(key);
                });
            }
            return chain;
        });
    }

    /** Starts a call chain (unless the partition is gone) and turns its outcome into a message. */
    private <T> void pipe(final java.util.function.Supplier<CompletionStage<T>> chain,
            final java.util.function.Function<T, Command> onSuccess, final String operation) {
        final int t = term;
        final CompletionStage<T> call = chains.start(chain);
        if (call == null) {
            busy = false;
            return;
        }
        getContext().pipeToSelf(call, (value, failure) -> failure == null
                ? onSuccess.apply(value) : new CallFailed(t, operation, failure));
    }

    private Behavior<Command> onManifestLoaded(final ManifestLoaded loaded) {
        busy = false;
        if (loaded.term() != term) {
            return this;   // leadership changed meanwhile
        }
        final PartitionManifest manifest = loaded.manifest();
        if (manifest.term() > term) {
            getContext().getLog().warn("Partition {}: the bucket's manifest was written in term {}, after this leader's "
                    + "term {}: not uploading", tp, manifest.term(), term);
            term = -1;
            return this;
        }
        plan = new UploadPlan(manifest);
        nextOrphanSweepMs = System.currentTimeMillis() + Math.max(1_000, orphanGrace.toMillis());
        adopt(manifest);
        if (manifest.isEmpty() && manifest.term() == 0) {
            // No manifest in the bucket yet: write an empty one, so that a restore finds every partition of the
            // topic (the count is the bucket's), even those that never received a record.
            busy = true;
            final PartitionManifest first = new PartitionManifest(PartitionManifest.VERSION, tp.topic(), tp.partition(),
                    term, -1, List.of());
            final int t = term;
            pipe(() -> writeManifest(first).thenApply(done -> first), m -> new ManifestWritten(t, m), "write the first manifest");
            return this;
        }
        return onTick();
    }

    private Behavior<Command> onManifestWritten(final ManifestWritten written) {
        busy = false;
        if (written.term() != term) {
            return this;
        }
        if (config.remote().readReplica()) {
            status.clearFailure();
            publish.accept(written.manifest());
            return this;
        }
        if (plan == null) {
            return this;
        }
        if (status.failingSinceMs() >= 0) {
            getContext().getLog().info("Partition {}: uploads work again after failing for {} s", tp,
                    (System.currentTimeMillis() - status.failingSinceMs()) / 1000);
        }
        plan.onManifestWritten(written.manifest());
        status.clearFailure();
        adopt(written.manifest());
        return onTick();   // more may be waiting
    }

    /** Readers and the log follow the manifest that is in the bucket. */
    private void adopt(final PartitionManifest manifest) {
        publish.accept(manifest);
        if (manifest.lastOffset() >= 0) {
            log.markUploadedTo(manifest.lastOffset());
        }
    }

    private Behavior<Command> onCallFailed(final CallFailed failed) {
        busy = false;
        if (failed.term() != term) {
            return this;
        }
        final long now = System.currentTimeMillis();
        final Throwable cause = failed.cause() instanceof java.util.concurrent.CompletionException && failed.cause().getCause() != null
                ? failed.cause().getCause() : failed.cause();
        final String error = "could not " + failed.operation() + ": " + cause.getMessage();
        if (plan != null) {
            plan.onFailure(now);
        }   // else the load is retried on the next tick (the store's own retries and deadline already waited)
        status.onFailure(error, now);
        if (now - lastFailureLogMs >= FAILURE_LOG_INTERVAL_MS) {
            lastFailureLogMs = now;
            getContext().getLog().warn("Partition {}: tiered storage failing since {} s ago: {}", tp,
                    (now - status.failingSinceMs()) / 1000, error);
        }
        return this;
    }
}
