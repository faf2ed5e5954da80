package io.ailurus.wasm.node;

import io.ailurus.cluster.transform.TransformMetadata.BinaryRef;
import io.ailurus.wasm.runtime.InvalidTransformException;
import io.ailurus.wasm.runtime.TransformBinary;
import io.ailurus.wasm.runtime.VmLimits;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Compiled binaries by content hash: a binary is read from its topic and compiled once per node, then every VM of
 * every partition of the transform instantiates it. A deploy seeds the cache with what it has just compiled.
 */
final class BinaryCache {

    private final BinaryStore store;
    private final VmLimits limits;
    private final Executor io;
    private final Map<String, CompletableFuture<TransformBinary>> compiled = new ConcurrentHashMap<>();

    BinaryCache(final BinaryStore store, final VmLimits limits, final Executor io) {
        this.store = store;
        this.limits = limits;
        this.io = io;
    }

    CompletableFuture<TransformBinary> get(final BinaryRef ref) {
        final CompletableFuture<TransformBinary> binary = compiled.computeIfAbsent(ref.sha256(),
                sha -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return TransformBinary.load(store.get(ref), limits);
                    } catch (InvalidTransformException e) {
                        throw new IllegalStateException("stored binary no longer loads: " + e.getMessage(), e);
                    }
                }, io));
        binary.whenComplete((b, failure) -> {
            if (failure != null) {
                compiled.remove(ref.sha256(), binary);   // try again on the next start
            }
        });
        return binary;
    }

    /** The binary with this hash if this node has compiled it (and it loaded). */
    java.util.Optional<TransformBinary> compiled(final String sha256) {
        final CompletableFuture<TransformBinary> binary = compiled.get(sha256);
        return binary != null && binary.isDone() && !binary.isCompletedExceptionally()
                ? java.util.Optional.of(binary.join()) : java.util.Optional.empty();
    }

    void seed(final String sha256, final TransformBinary binary) {
        compiled.putIfAbsent(sha256, CompletableFuture.completedFuture(binary));
    }

    /** Drops binaries no deployed transform uses any more. */
    void retain(final java.util.Set<String> inUse) {
        compiled.keySet().retainAll(inUse);
    }
}
