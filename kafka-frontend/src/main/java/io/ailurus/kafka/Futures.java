package io.ailurus.kafka;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Small helpers for handlers that combine asynchronous results. */
public final class Futures {

    private Futures() {
    }

    /** The exception a future failed with, without CompletionException/ExecutionException wrappers. */
    public static Throwable cause(final Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** Completes when all complete (successfully or not). */
    public static CompletableFuture<Void> allSettled(final List<? extends CompletableFuture<?>> futures) {
        return CompletableFuture.allOf(futures.stream()
                .map(f -> f.handle((v, e) -> null))
                .toArray(CompletableFuture[]::new));
    }
}
