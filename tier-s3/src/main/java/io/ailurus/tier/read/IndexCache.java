package io.ailurus.tier.read;

import io.ailurus.tier.manifest.SegmentIndex;
import io.ailurus.tier.s3.ObjectStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Segment indexes in memory, least-recently-used beyond {@code maxEntries}. An index object never changes under its
 * key (the key is its segment's offset range), so a cached one is never stale. Concurrent readers share one GET.
 */
public final class IndexCache {

    private final int maxEntries;
    private final Map<String, SegmentIndex> cached;   // guarded by itself
    private final ConcurrentHashMap<String, CompletableFuture<SegmentIndex>> loading = new ConcurrentHashMap<>();

    public IndexCache(final int maxEntries) {
        this.maxEntries = maxEntries;
        this.cached = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, SegmentIndex> eldest) {
                return size() > IndexCache.this.maxEntries;
            }
        };
    }

    public CompletableFuture<SegmentIndex> get(final String key, final ObjectStore store) {
        synchronized (cached) {
            final SegmentIndex index = cached.get(key);
            if (index != null) {
                return CompletableFuture.completedFuture(index);
            }
        }
        final CompletableFuture<SegmentIndex> mine = new CompletableFuture<>();
        final CompletableFuture<SegmentIndex> existing = loading.putIfAbsent(key, mine);
        if (existing != null) {
            return existing;
        }
        store.get(key).whenComplete((bytes, failure) -> {
            loading.remove(key, mine);
            if (failure != null) {
                mine.completeExceptionally(failure);
                return;
            }
            try {
                final SegmentIndex index = SegmentIndex.decode(bytes.orElseThrow(() ->
                        new IllegalStateException("index object " + key + " is missing from the bucket")));
                synchronized (cached) {
                    cached.put(key, index);
                }
                mine.complete(index);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            }
        });
        return mine;
    }
}
