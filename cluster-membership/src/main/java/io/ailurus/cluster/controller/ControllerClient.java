package io.ailurus.cluster.controller;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Submits commands to the controller through this node's member, retrying while no controller leader is known (an
 * election, a node starting) until {@code timeout}. A command whose fate is unknown (leadership changed before it
 * committed) is not retried: the caller gets NOT_CONTROLLER, as a Kafka client would.
 */
public final class ControllerClient {

    private static final long RETRY_MS = 100;

    private final Supplier<ActorRef<ControllerReplica.Command>> member;
    private final ScheduledExecutorService timer;
    private final Duration timeout;

    /** {@code member}: this node's controller member (a supplier: the member is spawned after its clients exist). */
    public ControllerClient(final Supplier<ActorRef<ControllerReplica.Command>> member, final ScheduledExecutorService timer,
            final Duration timeout) {
        this.member = member;
        this.timer = timer;
        this.timeout = timeout;
    }

    public CompletableFuture<ControllerResult> submit(final ControllerCommand command) {
        final CompletableFuture<ControllerResult> result = new CompletableFuture<>();
        attempt(command, result, System.nanoTime() + timeout.toNanos());
        return result;
    }

    /** Submits and turns a rejection into its Kafka exception; completes with the applied value. */
    public CompletableFuture<Object> apply(final ControllerCommand command) {
        return submit(command).thenApply(r -> {
            if (r instanceof ControllerResult.Rejected rejected) {
                throw rejected.exception();
            }
            return ((ControllerResult.Applied) r).value();
        });
    }

    private void attempt(final ControllerCommand command, final CompletableFuture<ControllerResult> result,
            final long deadline) {
        final CompletableFuture<ControllerResult> reply = new CompletableFuture<>();
        member.get().tell(new ControllerReplica.Propose(command, reply));
        reply.whenComplete((r, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (r instanceof ControllerResult.Rejected rejected && rejected.errorCode() == Errors.NOT_CONTROLLER.code()
                    && rejected.message().startsWith("no controller leader") && System.nanoTime() < deadline) {
                timer.schedule(() -> attempt(command, result, deadline), RETRY_MS, TimeUnit.MILLISECONDS);
            } else if (r instanceof ControllerResult.Rejected rejected && rejected.errorCode() == Errors.NOT_CONTROLLER.code()
                    && rejected.message().startsWith("no controller leader")) {
                result.completeExceptionally(new NotControllerException("no controller leader within " + timeout));
            } else {
                result.complete(r);
            }
        });
    }
}
