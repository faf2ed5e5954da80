package io.ailurus.tier.read;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkCacheTest {

    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    private static byte[] bytes(final int size, final int fill) {
        final byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void servesRepeatedReadsFromDiskAndEvictsTheLeastRecentlyUsed() throws Exception {
        final ChunkCache cache = new ChunkCache(dir, 250, 100, io);
        final AtomicInteger gets = new AtomicInteger();
        final java.util.function.Function<Integer, java.util.function.Supplier<CompletableFuture<byte[]>>> fetch =
                fill -> () -> {
                    gets.incrementAndGet();
                    return CompletableFuture.completedFuture(bytes(100, fill));
                };
        final ChunkCache.ChunkId a = new ChunkCache.ChunkId("t/0/a.log", 0);
        final ChunkCache.ChunkId b = new ChunkCache.ChunkId("t/0/a.log", 1);
        final ChunkCache.ChunkId c = new ChunkCache.ChunkId("t/0/b.log", 0);
        assertArrayEquals(bytes(100, 1), cache.get(a, fetch.apply(1)).get(5, TimeUnit.SECONDS));
        assertArrayEquals(bytes(100, 2), cache.get(b, fetch.apply(2)).get(5, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.cachedBytes() == 200);   // written behind the readers
        assertArrayEquals(bytes(100, 1), cache.get(a, fetch.apply(9)).get(5, TimeUnit.SECONDS));   // cached
        assertEquals(2, gets.get());
        cache.get(c, fetch.apply(3)).get(5, TimeUnit.SECONDS);   // 300 > 250: b, the least recently used, goes
        await().atMost(Duration.ofSeconds(5)).until(() -> gets.get() == 3 && cache.cachedBytes() == 200
                && chunkFiles() == 2 && chunkFilesOf("t_0_b.log") == 1);   // c stored, b evicted
        assertArrayEquals(bytes(100, 7), cache.get(b, fetch.apply(7)).get(5, TimeUnit.SECONDS));
        assertEquals(4, gets.get());
        // b is written behind its reader and then evicts the oldest: wait for that write to settle.
        await("evicted chunks leave the disk").atMost(Duration.ofSeconds(5))
                .until(() -> cache.cachedBytes() == 200 && chunkFiles() == 2);
    }

    private long chunkFilesOf(final String keyPrefix) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(keyPrefix)
                    && f.toString().endsWith(".chunk")).count();
        }
    }

    private long chunkFiles() throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".chunk")).count();
        }
    }

    @Test
    void concurrentReadersShareOneFetchAndAFailureIsNotCached() throws Exception {
        final ChunkCache cache = new ChunkCache(dir, 1_000, 100, io);
        final ChunkCache.ChunkId id = new ChunkCache.ChunkId("t/0/a.log", 0);
        final CompletableFuture<byte[]> slow = new CompletableFuture<>();
        final AtomicInteger gets = new AtomicInteger();
        final CompletableFuture<byte[]> first = cache.get(id, () -> {
            gets.incrementAndGet();
            return slow;
        });
        final CompletableFuture<byte[]> second = cache.get(id, () -> {
            gets.incrementAndGet();
            return CompletableFuture.completedFuture(bytes(100, 5));
        });
        slow.completeExceptionally(new IllegalStateException("503"));
        assertThrows(ExecutionException.class, () -> first.get(5, TimeUnit.SECONDS));
        assertThrows(ExecutionException.class, () -> second.get(5, TimeUnit.SECONDS));
        assertEquals(1, gets.get());
        assertArrayEquals(bytes(100, 6), cache.get(id, () -> CompletableFuture.completedFuture(bytes(100, 6)))
                .get(5, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.cachedBytes() == 100);
    }
}
