package io.ailurus.tier.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.tier.s3.testing.S3TestServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips against an in-process S3 server (S3Mock), shared by the tests of this class. */
class ObjectStoreTest {

    private static final String BUCKET = "round-trips";
    private static final int MIB = 1024 * 1024;

    private static S3TestServer server;
    private static ActorSystem<Void> system;
    private static ObjectStore store;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() {
        server = S3TestServer.start(BUCKET);
        system = TestActorSystems.create("object-store-test");
        store = new ObjectStore(system, S3Settings.forEndpoint(server.endpoint(), BUCKET));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (system != null) {
            TestActorSystems.terminate(system);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void putThenGetOneKibibyte() throws Exception {
        final byte[] bytes = randomBytes(1024, 1);
        await(store.put("small/one", bytes));

        assertArrayEquals(bytes, await(store.get("small/one")).orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(bytes, 100, 612), await(store.getRange("small/one", 100, 612)));
        assertArrayEquals(Arrays.copyOfRange(bytes, 1023, 1024), await(store.getRange("small/one", 1023, 1024)));
    }

    @Test
    void putReplacesAnObjectAndAnEmptyObjectIsAnObject() throws Exception {
        await(store.put("replace/x", new byte[] {1, 2, 3}));
        await(store.put("replace/x", new byte[] {4}));
        assertArrayEquals(new byte[] {4}, await(store.get("replace/x")).orElseThrow());

        await(store.put("replace/empty", new byte[0]));
        assertArrayEquals(new byte[0], await(store.get("replace/empty")).orElseThrow());
    }

    @Test
    void putOfAByteBufferStoresItsRemainingBytesAndLeavesItsPosition() throws Exception {
        final ByteBuffer buffer = ByteBuffer.wrap(randomBytes(100, 2));
        buffer.position(10).limit(60);
        await(store.put("buffer/slice", buffer));

        assertEquals(10, buffer.position());
        final byte[] expected = Arrays.copyOfRange(buffer.array(), 10, 60);
        assertArrayEquals(expected, await(store.get("buffer/slice")).orElseThrow());
    }

    @Test
    void aMissingObjectIsEmptyForGetAndNotFoundForGetRange() throws Exception {
        assertEquals(Optional.empty(), await(store.get("missing/object")));

        final ObjectStoreException failure = failure(store.getRange("missing/object", 0, 10));
        assertInstanceOf(ObjectNotFoundException.class, failure);
        assertFalse(failure.retriable());
        assertEquals(1, failure.attempts(), "a 404 is not retried");
        assertTrue(failure.getMessage().contains("getRange") && failure.getMessage().contains("missing/object"),
                failure.getMessage());
    }

    @Test
    void aRangeBeyondTheObjectsEndFailsClearly() throws Exception {
        await(store.put("short/object", randomBytes(100, 3)));

        final ObjectStoreException failure = failure(store.getRange("short/object", 50, 150));
        assertFalse(failure.retriable());
        assertEquals(1, failure.attempts());
        assertTrue(failure.getMessage().contains("100 bytes"), failure.getMessage());
    }

    /** 20 MiB from the middle of a larger file: a multipart upload (parts of 5 MiB), read back whole and in ranges. */
    @Test
    void putFileOfTwentyMebibytesGoesUpInPartsAndComesBackExactly() throws Exception {
        final byte[] content = randomBytes(21 * MIB, 4);
        final Path file = tmp.resolve("segment.log");
        Files.write(file, content);
        final int position = 123_457;
        final int length = 20 * MIB;
        assertTrue(length > ObjectStore.MULTIPART_THRESHOLD);

        await(store.putFile("big/segment", file, position, length));

        final byte[] stored = await(store.get("big/segment")).orElseThrow();
        assertEquals(length, stored.length);
        assertArrayEquals(Arrays.copyOfRange(content, position, position + length), stored);
        // Ranges across the 5 MiB part boundaries read what the file held there.
        for (final int from : new int[] {0, 5 * MIB - 10, 10 * MIB + 3, length - 4096}) {
            final byte[] range = await(store.getRange("big/segment", from, from + 4096));
            assertArrayEquals(Arrays.copyOfRange(content, position + from, position + from + 4096), range,
                    "range at " + from);
        }
        assertEquals(List.of("big/segment:" + (length)), sizes(await(store.list("big/"))));
    }

    @Test
    void putFileOfASmallRangeIsOneRequest() throws Exception {
        final byte[] content = randomBytes(64 * 1024, 5);
        final Path file = tmp.resolve("small.log");
        Files.write(file, content);

        await(store.putFile("segments/small", file, 1000, 50_000));

        assertArrayEquals(Arrays.copyOfRange(content, 1000, 51_000), await(store.get("segments/small")).orElseThrow());
    }

    @Test
    void putFileRefusesARangeBeyondTheFile() throws Exception {
        final Path file = tmp.resolve("tiny.log");
        Files.write(file, new byte[10]);
        final ExecutionException failure = assertThrows(ExecutionException.class,
                () -> store.putFile("segments/tiny", file, 5, 10).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, failure.getCause());
    }

    @Test
    void listReturnsTheKeysUnderAPrefixWithTheirSizes() throws Exception {
        await(store.put("list/a/1", new byte[1]));
        await(store.put("list/a/2", new byte[22]));
        await(store.put("list/b/1", new byte[333]));

        assertEquals(List.of("list/a/1:" + (1), "list/a/2:" + (22)),
                sizes(await(store.list("list/a/"))));
        assertTrue(await(store.list("list/a/")).stream().allMatch(o -> o.lastModified() != null
                && o.lastModified().isAfter(java.time.Instant.now().minusSeconds(300))), "listed with the time written");
        assertEquals(3, await(store.list("list/")).size());
        assertEquals(List.of(), sizes(await(store.list("list/none/"))));
    }

    @Test
    void deleteRemovesOneObjectAndDeleteAllEverythingUnderAPrefix() throws Exception {
        for (int i = 0; i < 7; i++) {
            await(store.put("gone/" + i, new byte[] {(byte) i}));
        }
        await(store.put("kept/0", new byte[] {42}));

        await(store.delete("gone/0"));
        assertEquals(Optional.empty(), await(store.get("gone/0")));
        await(store.delete("gone/0")); // deleting what is not there succeeds, as in S3

        assertEquals(6, await(store.deleteAll("gone/")));
        assertEquals(List.of(), sizes(await(store.list("gone/"))));
        assertArrayEquals(new byte[] {42}, await(store.get("kept/0")).orElseThrow());
        assertEquals(0, await(store.deleteAll("gone/")));
    }

    @Test
    void ensureBucketCreatesAMissingBucketOnceAndThenLeavesItAlone() throws Exception {
        final ObjectStore other = new ObjectStore(system, S3Settings.forEndpoint(server.endpoint(), "made-by-test"));
        final ObjectStoreException noBucket = failure(other.list(""));
        assertFalse(noBucket.retriable());
        assertTrue(noBucket.getMessage().contains("NoSuchBucket"), noBucket.getMessage());
        // A missing bucket is a misconfiguration, not a missing object: get fails instead of answering "empty".
        assertFalse(failure(other.get("k")) instanceof ObjectNotFoundException);

        await(other.ensureBucket());
        await(other.put("k", new byte[] {1}));
        await(other.ensureBucket());

        assertEquals(List.of("k:" + (1)), sizes(await(other.list(""))));
    }

    @Test
    void theSystemsConnectionPoolIsTunedByThisModulesReferenceConf() {
        final var pool = system.settings().config().getConfig("pekko.http.host-connection-pool");
        assertEquals(16, pool.getInt("max-connections"));
        assertEquals(0, pool.getInt("max-retries"));
    }

    private static <T> T await(final CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static ObjectStoreException failure(final CompletionStage<?> stage) {
        final ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(30, TimeUnit.SECONDS));
        return assertInstanceOf(ObjectStoreException.class, e.getCause());
    }

    static byte[] randomBytes(final int size, final long seed) {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Listed objects as key:size (their times are the server's). */
    private static List<String> sizes(final List<ObjectInfo> objects) {
        return objects.stream().map(o -> o.key() + ":" + o.size()).toList();
    }
}
