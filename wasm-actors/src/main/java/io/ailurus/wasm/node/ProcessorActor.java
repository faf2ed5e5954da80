package io.ailurus.wasm.node;

import io.ailurus.cluster.transform.TransformMetadata;
import io.ailurus.partition.replica.ReplicaHandle;
import io.ailurus.wasm.abi.InputBatch;
import io.ailurus.wasm.runtime.GuestEnvironment;
import io.ailurus.wasm.runtime.TransformVm;
import io.ailurus.wasm.runtime.VmFailure;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transform partition on the node that leads its input partition: a thin actor doing what {@link ProcessorState}
 * decides. It reads committed input from the local log (on the I/O executor), hands each batch to its VM, writes the
 * outputs, and only then moves on; a failure of the guest or of a write stops the VM and a fresh one starts after the
 * back-off, at the first batch whose outputs were not all written (so a record that always fails is retried and
 * reported, never skipped).
 */
final class ProcessorActor extends AbstractBehavior<ProcessorActor.Command> {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorActor.class);
    private static final Duration TICK = Duration.ofSeconds(1);

    sealed interface Command {
    }

    /** Stops after storing the progress (leadership moved, transform deleted, paused or re-deployed). */
    enum Stop implements Command { INSTANCE }

    private enum Tick implements Command { INSTANCE }

    private enum Retry implements Command { INSTANCE }

    private enum DataAvailable implements Command { INSTANCE }

    private record ProgressLoaded(long offset, boolean storeFirst, OutputSequences sequences) implements Command {
    }

    private record VmStarted(TransformVm vm) implements Command {
    }

    private record BatchesRead(List<InputBatch> batches) implements Command {
    }

    private record Truncated(long logStart) implements Command {
    }

    private record BatchWritten(long next, OutputSequences sequences) implements Command {
    }

    private record Committed(long offset) implements Command {
    }

    private record CommitFailed(long offset, String reason) implements Command {
    }

    private record Failed(String reason) implements Command {
    }

    static Behavior<Command> create(final TransformMetadata transform, final ReplicaHandle input,
                                    final TransformServices services) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
            return new ProcessorActor(ctx, timers, transform, input, services);
        }));
    }

    private final TimerScheduler<Command> timers;
    private final TransformMetadata transform;
    private final ReplicaHandle input;
    private final TopicPartition tp;
    private final TransformServices services;
    private final ProcessorState state;
    private final ArrayDeque<InputBatch> pending = new ArrayDeque<>();
    private final SequencedWriter writer;
    /** The output sequences as of the state's next offset: stored with it. */
    private OutputSequences written;
    private TransformVm vm;
    private CompletableFuture<Void> waiter;
    private boolean stopping;

    private ProcessorActor(final ActorContext<Command> ctx, final TimerScheduler<Command> timers,
                           final TransformMetadata transform, final ReplicaHandle input,
                           final TransformServices services) {
        super(ctx);
        this.timers = timers;
        this.transform = transform;
        this.input = input;
        this.tp = input.topicPartition();
        this.services = services;
        this.state = new ProcessorState(services.config().commitInterval().toMillis());
        this.writer = new SequencedWriter(services.kafka(), services.io(),
                "ailurus-transform-" + transform.name() + "-" + tp.partition());
        run(state.start(now()));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(ProgressLoaded.class, m -> {
                    written = m.sequences();
                    return run(state.progressLoaded(m.offset(), m.storeFirst(), now()));
                })
                .onMessage(VmStarted.class, this::onVmStarted)
                .onMessage(BatchesRead.class, this::onBatchesRead)
                .onMessageEquals(DataAvailable.INSTANCE, () -> {
                    waiter = null;
                    return run(List.of(new ProcessorState.Effect.ReadFrom(state.nextOffset())));
                })
                .onMessage(Truncated.class, m -> run(state.inputTruncated(m.logStart())))
                .onMessage(BatchWritten.class, this::onBatchWritten)
                .onMessage(Committed.class, m -> {
                    if (stopping) {
                        return Behaviors.stopped();
                    }
                    return run(state.committed(m.offset()));
                })
                .onMessage(CommitFailed.class, this::onCommitFailed)
                .onMessage(Failed.class, this::onFailed)
                .onMessageEquals(Retry.INSTANCE, () -> run(state.retry(now())))
                .onMessageEquals(Tick.INSTANCE, () -> run(state.tick(now())))
                .onMessageEquals(Stop.INSTANCE, this::onStop)
                .onSignal(org.apache.pekko.actor.typed.PostStop.class, signal -> {
                    stopVm();
                    writer.close();
                    services.statuses().remove(transform.name(), tp.partition());
                    return this;
                })
                .build();
    }

    private Behavior<Command> onVmStarted(final VmStarted m) {
        if (stopping || state.phase() != ProcessorState.Phase.STARTING) {
            m.vm().close();
            return this;
        }
        vm = m.vm();
        LOG.info("Transform {} started on {} at offset {}", transform.name(), tp, state.nextOffset());
        return run(state.vmReady(now()));
    }

    private Behavior<Command> onBatchesRead(final BatchesRead m) {
        if (state.phase() != ProcessorState.Phase.RUNNING) {
            return this;
        }
        if (m.batches().isEmpty()) {
            waitForInput();
            return this;
        }
        pending.addAll(m.batches());
        processNext();
        return this;
    }

    private Behavior<Command> onBatchWritten(final BatchWritten m) {
        if (state.phase() != ProcessorState.Phase.RUNNING) {
            return this;
        }
        written = m.sequences();
        return run(state.written(m.next(), now()));   // processNext took every batch read: read on
    }

    private Behavior<Command> onCommitFailed(final CommitFailed m) {
        if (stopping) {
            return Behaviors.stopped();
        }
        if (state.phase() == ProcessorState.Phase.STORING_START) {
            return onFailed(new Failed("start not stored: " + m.reason()));
        }
        LOG.warn("Transform {} on {}: progress {} not stored: {}", transform.name(), tp, m.offset(), m.reason());
        return this;
    }

    private Behavior<Command> onFailed(final Failed m) {
        if (stopping) {
            return Behaviors.stopped();
        }
        pending.clear();
        LOG.warn("Transform {} on {} failed, restarting: {}", transform.name(), tp, m.reason());
        services.logs().host(transform.name(), tp.partition(), "ERROR", m.reason());
        return run(state.failed(m.reason(), now()));
    }

    private Behavior<Command> onStop() {
        stopping = true;
        final List<ProcessorState.Effect> effects = state.stop(now());
        run(effects);
        final boolean committing = effects.stream().anyMatch(e -> e instanceof ProcessorState.Effect.CommitProgress);
        return committing ? this : Behaviors.stopped();
    }

    private Behavior<Command> run(final List<ProcessorState.Effect> effects) {
        for (final ProcessorState.Effect effect : effects) {
            if (effect instanceof ProcessorState.Effect.LoadProgress) {
                loadProgress();
            } else if (effect instanceof ProcessorState.Effect.StartVm) {
                startVm();
            } else if (effect instanceof ProcessorState.Effect.ReadFrom r) {
                read(r.offset());
            } else if (effect instanceof ProcessorState.Effect.CommitProgress c) {
                commit(c.nextOffset());
            } else if (effect instanceof ProcessorState.Effect.StopVm) {
                stopVm();
            } else if (effect instanceof ProcessorState.Effect.RetryAt r) {
                timers.startSingleTimer(Retry.INSTANCE, Duration.ofMillis(Math.max(0, r.atMs() - now())));
            }
        }
        if (!stopping) {
            services.statuses().put(transform.name(), tp.partition(), state);
        }
        return this;
    }

    /**
     * The stored progress; a first start (or progress stored without output sequences) gets a new producer id, which
     * is stored with the start offset before anything is written.
     */
    private void loadProgress() {
        final int outputs = transform.outputTopics().size();
        final CompletableFuture<ProgressLoaded> loaded = services.progress().load(transform, tp).thenCompose(stored -> {
            if (stored.isPresent() && stored.get().sequences().isPresent()) {
                return CompletableFuture.completedFuture(
                        new ProgressLoaded(stored.get().offset(), false, stored.get().sequences().get()));
            }
            final CompletableFuture<Long> start = stored.isPresent()
                    ? CompletableFuture.completedFuture(stored.get().offset())
                    : services.starts().resolve(transform.start(), tp);
            return start.thenCombine(CompletableFuture.supplyAsync(services.producerIds()::nextProducerId,
                    services.io()), (offset, producerId) ->
                    new ProgressLoaded(offset, true, OutputSequences.fresh(producerId, outputs)));
        });
        getContext().pipeToSelf(loaded, (m, e) -> e == null ? m : new Failed("progress not loaded: " + cause(e)));
    }

    private void startVm() {
        final GuestEnvironment env = new GuestEnvironment(transform.name(), transform.inputTopic(),
                transform.outputTopics(), transform.environment());
        final CompletableFuture<TransformVm> started = services.binaries().get(transform.binary()).thenCompose(b -> {
            final TransformVm fresh = TransformVm.start(b, env, services.config().limits(),
                    services.logs().guest(transform.name(), tp.partition()), services.watchdog());
            return fresh.ready().thenApply(ready -> fresh);
        });
        getContext().pipeToSelf(started, (v, e) -> e == null ? new VmStarted(v) : new Failed(cause(e)));
    }

    private void read(final long offset) {
        final int maxBytes = services.config().readMaxBytes();
        final CompletableFuture<Command> read = CompletableFuture.supplyAsync(() -> {
            try {
                return new BatchesRead(InputReader.read(input, offset, maxBytes));
            } catch (OffsetOutOfRangeException e) {
                return input.logStartOffset() > offset ? new Truncated(input.logStartOffset())
                        : new Failed("input not readable at offset " + offset + ": " + e.getMessage());
            }
        }, services.io());
        getContext().pipeToSelf(read, (m, e) -> e == null ? m : new Failed("input not readable: " + cause(e)));
    }

    private void waitForInput() {
        waiter = input.awaitHighWatermarkAbove(state.nextOffset());
        getContext().pipeToSelf(waiter, (v, e) -> DataAvailable.INSTANCE);
    }

    /**
     * Hands every batch read so far to the guest, one after the other, then writes all their outputs and waits for
     * them once: a busy partition pays one produce round trip per read, not one per input batch.
     */
    private void processNext() {
        if (vm == null || state.phase() != ProcessorState.Phase.RUNNING || pending.isEmpty()) {
            pending.clear();
            return;
        }
        final List<InputBatch> batches = new java.util.ArrayList<>(pending);
        pending.clear();
        final TransformVm current = vm;
        final List<io.ailurus.wasm.abi.OutputRecord> outputs = new java.util.ArrayList<>();
        CompletableFuture<Void> transformed = CompletableFuture.completedFuture(null);
        for (final InputBatch batch : batches) {
            transformed = transformed.thenCompose(done -> current.process(batch)).thenAccept(outputs::addAll);
        }
        final long next = batches.get(batches.size() - 1).lastOffset() + 1;
        final OutputSequences before = written;
        final CompletableFuture<BatchWritten> done = transformed.thenCompose(all -> {
            final OutputPlan plan = OutputPlan.plan(transform.outputTopics(), tp.partition(), outputs, before,
                    services.partitionCount());
            return writer.write(plan.batches()).thenApply(ok -> new BatchWritten(next, plan.after()));
        });
        getContext().pipeToSelf(done, (m, e) -> e == null ? m : new Failed(cause(e)));
    }

    private void commit(final long next) {
        getContext().pipeToSelf(services.progress().commit(transform, tp, next, written),
                (v, e) -> e == null ? new Committed(next) : new CommitFailed(next, cause(e)));
    }

    private void stopVm() {
        if (waiter != null) {
            input.forget(waiter);
            waiter = null;
        }
        if (vm != null) {
            vm.close();
            vm = null;
        }
    }

    private static String cause(final Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof VmFailure f) {
            return f.getMessage();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
