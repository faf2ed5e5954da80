package io.ailurus.actors;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Ask, answered as a plain {@link CompletableFuture}. Pekko's javadsl ask returns Scala's CompletionStage adapter,
 * whose non-async methods ({@code thenApply}, {@code handle}, ...) run their callbacks through the default async
 * executor. On a machine with fewer than three cores that executor starts a new thread per callback, so every
 * chained request would cost a thread. Here the reply is relayed on the thread that completed it instead.
 */
public final class Asks {

    private Asks() {
    }

    public static <Q, R> CompletableFuture<R> ask(final RecipientRef<Q> target, final Function<ActorRef<R>, Q> message,
            final Duration timeout, final Scheduler scheduler) {
        final CompletableFuture<R> result = new CompletableFuture<>();
        AskPattern.ask(target, message::apply, timeout, scheduler).whenCompleteAsync((value, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        }, Runnable::run);
        return result;
    }
}
