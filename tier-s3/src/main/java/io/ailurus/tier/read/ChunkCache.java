package io.ailurus.tier.read;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's cache of remote segment bytes: fixed-size chunks (a ranged GET each) kept as files under the cache
 * directory, evicted least-recently-used beyond {@code maxBytes}. Concurrent readers of one chunk share one GET. A
 * reader gets the chunk's bytes in memory, so evicting a file never pulls data from under a reader.
 *
 * <p>File I/O runs on the executor given (never on the thread that completed a GET, which is Pekko's), behind the
 * reader: a chunk is handed over as soon as its GET completes, and written to the cache after.
 */
public final class ChunkCache {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkCache.class);

    /** A chunk: the {@code index}-th {@code chunkBytes} of an object. */
    public record ChunkId(String objectKey, long index) {
    }

    private final Path dir;
    private final long maxBytes;
    private final int chunkBytes;
    private final Executor io;
    private final LinkedHashMap<ChunkId, Long> lru = new LinkedHashMap<>(64, 0.75f, true);   // guarded by this
    private final ConcurrentHashMap<ChunkId, CompletableFuture<byte[]>> loading = new ConcurrentHashMap<>();
    private long cachedBytes;   // guarded by this

    public ChunkCache(final Path dir, final long maxBytes, final int chunkBytes, final Executor io) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.chunkBytes = chunkBytes;
        this.io = io;
        Files.createDirectories(dir);
        clear();   // chunks of an earlier run may describe objects that changed since
    }

    public int chunkBytes() {
        return chunkBytes;
    }

    /** The chunk's bytes: from the cache, or fetched by {@code fetch} (a ranged GET) and then cached. */
    public CompletableFuture<byte[]> get(final ChunkId id, final Supplier<CompletableFuture<byte[]>> fetch) {
        final Path file = fileOf(id);
        synchronized (this) {
            if (lru.get(id) != null) {
                return CompletableFuture.supplyAsync(() -> readOrNull(file), io)
                        .thenCompose(bytes -> bytes != null ? CompletableFuture.completedFuture(bytes) : load(id, fetch));
            }
        }
        return load(id, fetch);
    }

    private CompletableFuture<byte[]> load(final ChunkId id, final Supplier<CompletableFuture<byte[]>> fetch) {
        final CompletableFuture<byte[]> mine = new CompletableFuture<>();
        final CompletableFuture<byte[]> existing = loading.putIfAbsent(id, mine);
        if (existing != null) {
            return existing;
        }
        fetch.get().whenComplete((bytes, failure) -> {
            if (failure != null) {
                loading.remove(id, mine);
                mine.completeExceptionally(failure);
                return;
            }
            // The reader gets the bytes at once; the copy on disk is written behind it, off the GET's thread.
            mine.complete(bytes);
            try {
                io.execute(() -> {
                    store(id, bytes);
                    loading.remove(id, mine);
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                loading.remove(id, mine);
            }
        });
        return mine;
    }

    private byte[] readOrNull(final Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;   // evicted meanwhile: fetch again
        }
    }

    private void store(final ChunkId id, final byte[] bytes) {
        final Path file = fileOf(id);
        try {
            final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Tier cache: could not store a chunk in {}: {}", dir, e.toString());
            return;
        }
        synchronized (this) {
            final Long previous = lru.put(id, (long) bytes.length);
            cachedBytes += bytes.length - (previous == null ? 0 : previous);
            evict();
        }
    }

    /** Deletes the oldest chunks while the cache is over its size. Holds the lock: file deletes are quick. */
    private void evict() {
        final Iterator<Map.Entry<ChunkId, Long>> oldest = lru.entrySet().iterator();
        while (cachedBytes > maxBytes && oldest.hasNext()) {
            final Map.Entry<ChunkId, Long> e = oldest.next();
            oldest.remove();
            cachedBytes -= e.getValue();
            try {
                Files.deleteIfExists(fileOf(e.getKey()));
            } catch (IOException ex) {
                LOG.warn("Tier cache: could not evict {}: {}", e.getKey(), ex.toString());
            }
        }
    }

    public synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** Drops every cached chunk of objects whose key starts with {@code prefix} (a deleted topic). */
    public synchronized void invalidate(final String prefix) {
        final Iterator<Map.Entry<ChunkId, Long>> it = lru.entrySet().iterator();
        while (it.hasNext()) {
            final Map.Entry<ChunkId, Long> e = it.next();
            if (e.getKey().objectKey().startsWith(prefix)) {
                it.remove();
                cachedBytes -= e.getValue();
                try {
                    Files.deleteIfExists(fileOf(e.getKey()));
                } catch (IOException ex) {
                    LOG.warn("Tier cache: could not drop {}: {}", e.getKey(), ex.toString());
                }
            }
        }
    }

    private synchronized void clear() throws IOException {
        try (var files = Files.list(dir)) {
            for (final Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        }
        lru.clear();
        cachedBytes = 0;
    }

    /** One flat file per chunk: the key's characters that are not safe in a file name become '_' plus a hash. */
    private Path fileOf(final ChunkId id) {
        final String safe = id.objectKey().replaceAll("[^A-Za-z0-9._-]", "_");
        return dir.resolve(safe + "." + Integer.toHexString(id.objectKey().hashCode()) + "." + id.index() + ".chunk");
    }
}
