package io.ailurus.tier.s3;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Plain CompletableFutures from the stages Pekko hands out. Those are Scala's CompletionStage adapter, whose non-async
 * callbacks ({@code thenApply}, {@code thenCompose}, ...) run on the default async executor, which on a machine with
 * fewer than three cores starts a thread per callback. Relayed, they complete on the thread that completed them.
 */
final class Stages {

    private Stages() {
    }

    static <T> CompletableFuture<T> relay(final CompletionStage<T> stage) {
        final CompletableFuture<T> relayed = new CompletableFuture<>();
        stage.whenCompleteAsync((value, failure) -> {
            if (failure != null) {
                relayed.completeExceptionally(failure);
            } else {
                relayed.complete(value);
            }
        }, Runnable::run);
        return relayed;
    }
}
