package io.ailurus.tier.upload;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The bucket calls of one partition's tier actor, one chain at a time, and their end: once the partition is gone
 * (topic deleted, replica stopped) no chain starts, and whatever must follow the last one (deleting the topic's
 * objects) waits for it, so that an upload in flight cannot recreate an object after the prefix was emptied.
 */
public final class CallChains {

    private CompletableFuture<?> last = CompletableFuture.completedFuture(null);
    private boolean closed;

    /** Starts {@code chain} unless closed; returns it, or null when closed. */
    public synchronized <T> CompletionStage<T> start(final Supplier<CompletionStage<T>> chain) {
        if (closed) {
            return null;
        }
        final CompletionStage<T> started = chain.get();
        last = started.toCompletableFuture().handle((value, failure) -> null);
        return started;
    }

    /** No chain starts any more; {@code then} runs once the last one has ended, failed or not. */
    public void closeThen(final Runnable then) {
        final CompletableFuture<?> pending;
        synchronized (this) {
            closed = true;
            pending = last;
        }
        pending.whenComplete((ignored, failure) -> then.run());
    }

    public void close() {
        closeThen(() -> { });
    }
}
